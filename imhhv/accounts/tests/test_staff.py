"""Staff pages: administrators manage their agency's staff; changes keep history, audited."""

from django.urls import reverse

from imhhv.accounts.models import Membership, User


def detail(user):
    return reverse("staff:detail", args=[user.pk])


def test_agency_admin_lists_own_agency_staff_only(cast, login):
    page = login(cast.admin_a).get(reverse("staff:list")).content.decode()
    assert "hv_a" in page and "sup_a" in page and "hv_b" not in page


def test_state_admin_lists_everyone(cast, login):
    page = login(cast.state_admin).get(reverse("staff:list")).content.decode()
    assert "hv_a" in page and "hv_b" in page and "evaluator" in page


def test_other_agency_staff_is_404_and_audited(cast, login, new_events):
    client = login(cast.admin_a)
    assert client.get(detail(cast.hv_b)).status_code == 404
    assert client.post(reverse("staff:deactivate", args=[cast.hv_b.pk])).status_code == 404
    assert [e.outcome for e in new_events(action="staff.read")] == ["denied", "denied"]
    cast.hv_b.refresh_from_db()
    assert cast.hv_b.is_active


def test_roles_without_manage_staff_get_403(cast, login):
    for user in (cast.hv_a, cast.sup_a, cast.evaluator):
        assert login(user).get(reverse("staff:list")).status_code == 403


def test_moving_a_visitor_to_another_team_keeps_history_and_audits(cast, login, new_events):
    client = login(cast.admin_a)
    response = client.post(
        detail(cast.hv_a),
        {
            "role": "home_visitor",
            "team": cast.team_a_other.pk,
            "fte": "0.80",
            "start_date": "2026-12-01",
        },
    )
    assert response.status_code == 302
    rows = list(Membership.objects.filter(user=cast.hv_a).order_by("start_date"))
    assert [(m.team_id, str(m.end_date)) for m in rows] == [
        (cast.team_a.pk, "2026-11-30"),
        (cast.team_a_other.pk, "None"),
    ]
    event = new_events(action="membership.change")[0]
    assert event.details["changes"] == {
        "team_id": [cast.team_a.pk, cast.team_a_other.pk],
        "fte": ["1.00", "0.80"],
    }


def test_bad_membership_input_gets_messages_and_changes_nothing(cast, login):
    client = login(cast.admin_a)
    other_agency_team = client.post(
        detail(cast.hv_a),
        {"role": "home_visitor", "team": cast.team_b.pk, "fte": "1", "start_date": "2026-12-01"},
    )
    assert (
        other_agency_team.status_code == 200
        and b"Select a valid choice" in other_agency_team.content
    )
    no_team = client.post(detail(cast.hv_a), {"role": "supervisor", "fte": "2", "start_date": "x"})
    page = no_team.content.decode()
    assert (
        "belong to a team" in page
        and "less than or equal to 1" in page
        and "Enter a valid date" in page
    )
    state_role = client.post(
        detail(cast.hv_a), {"role": "state_admin", "fte": "1", "start_date": "2026-12-01"}
    )
    assert b"Select a valid choice" in state_role.content
    assert Membership.objects.filter(user=cast.hv_a).count() == 1


def test_nobody_changes_their_own_role(cast, login):
    client = login(cast.admin_a)
    response = client.post(
        detail(cast.admin_a), {"role": "agency_admin", "fte": "1", "start_date": "2026-12-01"}
    )
    assert response.status_code == 403


def test_deactivation_ends_membership_sessions_and_is_audited(cast, login, new_events, client):
    from django.contrib.sessions.models import Session

    from conftest import PASSWORD

    visitor = client.__class__()
    visitor.post(reverse("accounts:login"), {"username": "hv_a", "password": PASSWORD})
    assert Session.objects.count() == 1
    admin = login(cast.admin_a)
    assert admin.post(reverse("staff:deactivate", args=[cast.hv_a.pk])).status_code == 302
    cast.hv_a.refresh_from_db()
    assert not cast.hv_a.is_active
    assert visitor.get(reverse("reports:home")).status_code == 302
    event = new_events(action="user.deactivate")[0]
    assert event.details["sessions_ended"] == 1 and event.username == "admin_a"


def test_creating_an_account_validates_the_password_and_audits(cast, login, new_events):
    client = login(cast.admin_a)
    weak = client.post(
        reverse("staff:new"),
        {
            "username": "new.hv",
            "first_name": "Test",
            "last_name": "New",
            "password": "short",
            "role": "home_visitor",
            "team": cast.team_a.pk,
            "fte": "1",
            "start_date": "2026-12-01",
        },
    )
    assert weak.status_code == 200 and b"too short" in weak.content
    assert not User.objects.filter(username="new.hv").exists()
    ok = client.post(
        reverse("staff:new"),
        {
            "username": "new.hv",
            "first_name": "Test",
            "last_name": "New",
            "password": "lantern-meadow-quartz-7",
            "role": "home_visitor",
            "team": cast.team_a.pk,
            "fte": "1",
            "start_date": "2026-12-01",
        },
    )
    assert ok.status_code == 302
    created = User.objects.get(username="new.hv")
    assert created.memberships.get().agency_id == cast.agency_a.pk
    assert new_events(action="user.create")[0].object_id == str(created.pk)
