"""GET/POST /visits/family/<id>/plan/: the visit plan and its history."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from imhhv.visits.models import VisitPlan
from imhhv.visits.tests.factories import VisitPlanFactory

TODAY = timezone.localdate()


def url(family):
    return reverse("visits:plan", args=[family.pk])


def test_the_page_is_a_read_audited_once(cast, login, new_events):
    response = login(cast.hv_a).get(url(cast.family_a))
    assert response.status_code == 200
    assert [(e.action, e.details.get("view")) for e in new_events()] == [
        ("family.read", "visit plan")
    ]


def test_a_change_keeps_the_history_and_is_one_write(cast, login, new_events):
    VisitPlanFactory(family=cast.family_a, effective_from=TODAY - timedelta(days=60))
    client = login(cast.hv_a)
    response = client.post(
        url(cast.family_a),
        {"frequency": "every_other_week", "effective_from": TODAY.isoformat()},
    )
    assert response.status_code == 302
    assert list(
        VisitPlan.objects.filter(family=cast.family_a).values_list("frequency", flat=True)
    ) == ["every_other_week", "weekly"]
    assert [e.action for e in new_events()] == ["visitplan.set"]
    page = client.get(url(cast.family_a))
    assert [p.frequency for p in page.context["history"]] == ["every_other_week", "weekly"]


def test_a_change_may_not_start_before_the_last_one(cast, login):
    VisitPlanFactory(family=cast.family_a, effective_from=TODAY - timedelta(days=10))
    response = login(cast.hv_a).post(
        url(cast.family_a),
        {"frequency": "twice_weekly", "effective_from": (TODAY - timedelta(days=20)).isoformat()},
    )
    assert response.status_code == 200 and b"a new change starts on or after" in response.content
    assert VisitPlan.objects.count() == 1


def test_other_agency_is_404_and_no_capability_is_403(cast, login, new_events):
    assert login(cast.hv_b).get(url(cast.family_a)).status_code == 404
    assert [e.outcome for e in new_events()] == ["denied"]
    assert login(cast.admin_a).get(url(cast.family_a)).status_code == 403
