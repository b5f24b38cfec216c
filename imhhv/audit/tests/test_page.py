"""The audit page: agency administrators see their agency's events, the state all."""

from django.urls import reverse
from django.utils import timezone

from imhhv.audit.models import AuditEvent

AUDIT = reverse("audit:log")


def read_family(login, user, family):
    login(user).get(reverse("families:detail", args=[family.pk]))


def test_agency_admin_sees_own_agency_events_only(cast, login):
    read_family(login, cast.hv_a, cast.family_a)
    read_family(login, cast.hv_b, cast.family_b)
    client = login(cast.admin_a)
    page = client.get(AUDIT).content.decode()
    assert "hv_a" in page and "hv_b" not in page


def test_state_admin_sees_every_agency(cast, login):
    read_family(login, cast.hv_a, cast.family_a)
    read_family(login, cast.hv_b, cast.family_b)
    page = login(cast.state_admin).get(AUDIT).content.decode()
    assert "hv_a" in page and "hv_b" in page


def test_filters_by_user_family_and_date(cast, login):
    read_family(login, cast.hv_a, cast.family_a)
    read_family(login, cast.sup_a, cast.family_a2)
    client = login(cast.admin_a)
    by_user = client.get(AUDIT, {"person": "sup_a"})
    assert [e.action for e in by_user.context["page"]] == ["family.read"]
    by_family = client.get(AUDIT, {"family": cast.family_a.pk})
    assert [e.object_id for e in by_family.context["page"]] == [str(cast.family_a.pk)]
    today = timezone.localtime(AuditEvent.objects.order_by("-seq").first().occurred_at).date()
    future = client.get(AUDIT, {"start": "2999-01-01"})
    assert future.context["page"].paginator.count == 0
    same_day = client.get(AUDIT, {"start": today.isoformat(), "end": today.isoformat()})
    assert same_day.context["page"].paginator.count >= 2


def test_bad_filter_input_gets_a_message_not_a_500(cast, login):
    client = login(cast.admin_a)
    response = client.get(AUDIT, {"family": "x" * 101, "start": "not-a-date"})
    assert response.status_code == 400
    assert b"Enter a valid date" in response.content and b"at most 100" in response.content
    reversed_range = client.get(AUDIT, {"start": "2026-02-01", "end": "2026-01-01"})
    assert b"on or after the start date" in reversed_range.content


def test_viewing_the_trail_is_itself_audited(cast, login, new_events):
    login(cast.admin_a).get(AUDIT)
    assert [e.action for e in new_events()] == ["audit.view"]


def test_roles_without_the_capability_get_403(cast, login, new_events):
    for user in (cast.hv_a, cast.sup_a, cast.evaluator):
        assert login(user).get(AUDIT).status_code == 403
    assert {e.outcome for e in new_events()} == {"denied"}
