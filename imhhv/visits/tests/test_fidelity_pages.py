"""Fidelity pages: the supervisor sees the team the same minute; the state sees no names."""

from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from imhhv.core.calendar import week_start
from imhhv.visits.services import document_visit

TODAY = timezone.localdate()


def home_visit(cast, family, visitor, day, minutes=100, components=("alliance",)):
    start = timezone.make_aware(datetime.combine(day, time(10, 0)))
    return document_visit(
        family=family,
        visitor=visitor,
        by=visitor,
        data={
            "scheduled_at": start,
            "outcome": "completed",
            "started_at": start,
            "ended_at": start + timedelta(minutes=minutes),
            "place": "home",
        },
        components=list(components),
    )


def test_team_page_shows_each_visitor_the_same_minute(cast, login, catalogue, new_events):
    monday = week_start(TODAY)
    home_visit(cast, cast.family_a, cast.hv_a, monday - timedelta(days=7))
    home_visit(cast, cast.family_a2, cast.hv_a2, monday - timedelta(days=7), minutes=89)
    response = login(cast.sup_a).get(reverse("visits:fidelity_team", args=[cast.team_a.pk]))
    assert response.status_code == 200
    rows = {name: s for name, _, s in response.context["rows"]}
    assert rows["Test hv_a"].completed_home_visits == 1
    assert rows["Test hv_a"].durations.within_share == 1.0
    assert rows["Test hv_a2"].durations.within_share == 0.0  # 89 minutes is outside 90-120
    assert [e.action for e in new_events()] == ["fidelity.read"]
    page = response.content.decode()
    assert "Test hv_a" in page and "Weeks with a home visit" in page


def test_disengagement_alert_after_three_weeks_without_a_visit(cast, login, catalogue):
    home_visit(cast, cast.family_a, cast.hv_a, week_start(TODAY) - timedelta(weeks=5))
    response = login(cast.sup_a).get(reverse("visits:fidelity_team", args=[cast.team_a.pk]))
    alerts = {d.family_id for d in response.context["total"].disengaged}
    assert cast.family_a.pk in alerts
    assert b"Disengagement alerts" in response.content


def test_home_visitor_sees_own_page_with_families(cast, login, catalogue):
    home_visit(cast, cast.family_a, cast.hv_a, TODAY - timedelta(days=2))
    client = login(cast.hv_a)
    response = client.get(reverse("visits:fidelity"), follow=True)
    assert response.context["visitor"].id == cast.hv_a.pk
    assert [fid for _, fid, _ in response.context["rows"]] == [cast.family_a.pk]
    assert client.get(reverse("visits:fidelity_visitor", args=[cast.hv_a2.pk])).status_code == 404


def test_agency_admin_sees_teams_and_state_sees_agencies_without_names(cast, login, catalogue):
    # Last week's Wednesday: inside the weeks that are over, whatever today is.
    home_visit(cast, cast.family_a, cast.hv_a, week_start(TODAY) - timedelta(days=5))
    agency = login(cast.admin_a).get(reverse("visits:fidelity"), follow=True)
    assert [name for name, _, _ in agency.context["rows"]] == ["A1", "A2"]
    state = login(cast.state_admin).get(reverse("visits:fidelity"), follow=True)
    rows = {name: s for name, _, s in state.context["rows"]}
    assert rows["Alpha CMH"]["completed_home_visits"] is None  # 1: a small cell, hidden
    page = state.content.decode()
    assert "Test Family" not in page and "hv_a" not in page


def test_other_agency_team_is_404_and_roles_are_checked(cast, login, catalogue, new_events):
    assert (
        login(cast.admin_a).get(reverse("visits:fidelity_team", args=[cast.team_b.pk])).status_code
        == 404
    )
    assert [e.outcome for e in new_events()] == ["denied"]
    assert login(cast.hv_a).get(reverse("visits:fidelity_agency")).status_code == 403
    assert login(cast.hv_a).get(reverse("visits:fidelity_state")).status_code == 403
    assert login(cast.nobody).get(reverse("visits:fidelity")).status_code == 403


def test_fidelity_page_queries_do_not_grow_with_teams(cast, login, catalogue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from imhhv.agencies.models import Team

    client = login(cast.admin_a)
    counts = []
    for extra in (0, 9):
        for i in range(extra):
            Team.objects.create(agency=cast.agency_a, name=f"Extra {i}")
        client.get(reverse("visits:fidelity_agency"))
        with CaptureQueriesContext(connection) as q:
            client.get(reverse("visits:fidelity_agency"))
        counts.append(len(q))
    assert counts[0] == counts[1], counts
