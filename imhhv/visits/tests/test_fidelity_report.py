"""fidelity_report: the one call behind the fidelity pages and GET /api/v1/fidelity/.

Page and API agree by construction: the same units, the same capability per level, the
same period limit, the same figures (including visits delivered / planned).
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from imhhv.api.services import issue_token
from imhhv.core.calendar import week_start
from imhhv.families.models import Assignment
from imhhv.families.tests.factories import FamilyFactory
from imhhv.visits.fidelity import MAX_PERIOD_DAYS, Period, parse_period
from imhhv.visits.tests.factories import VisitFactory, VisitPlanFactory

TODAY = timezone.localdate()


def api(client, user, **params):
    key, _ = issue_token(user=user)
    return client.get("/api/v1/fidelity/", params, HTTP_AUTHORIZATION=f"Token {key}")


def test_one_period_limit_for_page_and_api(cast, login, client, catalogue):
    end = week_start(TODAY) - timedelta(days=1)  # the last Sunday: the last week that is over
    start = end - timedelta(days=MAX_PERIOD_DAYS)
    ok = {"start": start.isoformat(), "end": end.isoformat()}
    too_long = {"start": (start - timedelta(days=1)).isoformat(), "end": ok["end"]}
    # Whole weeks: from the Monday of the start's week to the end's Sunday.
    assert parse_period(ok, today=TODAY) == Period(week_start(start), end)
    with pytest.raises(ValidationError):
        parse_period(too_long, today=TODAY)
    url = reverse("visits:fidelity_team", args=[cast.team_a.pk])
    page = login(cast.sup_a).get(url, too_long)
    assert page.status_code == 200 and b"A period is at most two years" in page.content
    assert page.context["start"] != week_start(start - timedelta(days=1))
    assert login(cast.sup_a).get(url, ok).context["start"] == week_start(start)
    assert api(client, cast.sup_a, level="team", **ok).status_code == 200
    # A week that is not over is not judged: an end in this week stops at last Sunday,
    # and a period only in this week is refused with the reason.
    this_week = {"start": week_start(TODAY).isoformat(), "end": TODAY.isoformat()}
    assert parse_period({"end": TODAY.isoformat()}, today=TODAY).end == end
    with pytest.raises(ValidationError, match="weeks that are over"):
        parse_period(this_week, today=TODAY)
    assert api(client, cast.sup_a, level="team", **this_week).status_code == 400
    assert api(client, cast.sup_a, level="team", **too_long).status_code == 400


@pytest.fixture
def history_elsewhere(cast, catalogue):
    """hv_a once had a family of agency B (an old assignment) and visited it."""
    elsewhere = FamilyFactory(agency=cast.agency_b, home_visitor=cast.hv_b)
    Assignment.objects.create(
        family=elsewhere,
        home_visitor=cast.hv_a,
        start_date=TODAY - timedelta(days=90),
        end_date=TODAY - timedelta(days=40),
    )
    VisitFactory(family=elsewhere, visitor=cast.hv_a, day=TODAY - timedelta(days=50))
    VisitFactory(family=cast.family_a, visitor=cast.hv_a, day=TODAY - timedelta(days=8))


def test_team_figures_count_only_the_agencys_families_on_page_and_api(
    cast, login, client, history_elsewhere
):
    period = {"start": (TODAY - timedelta(days=70)).isoformat(), "end": TODAY.isoformat()}
    page = (
        login(cast.sup_a)
        .get(reverse("visits:fidelity_team", args=[cast.team_a.pk]), period)
        .context["total"]
    )
    data = api(client, cast.sup_a, level="team", unit=cast.team_a.pk, **period).json()
    metrics = data["results"][0]["metrics"]
    assert page.completed_home_visits == metrics["completed_home_visits"] == 1
    listed = api(client, cast.sup_a, level="team", **period).json()["results"]
    assert listed[0]["metrics"]["completed_home_visits"] == 1


def test_the_agency_level_needs_view_agency_reports_on_page_and_api(cast, login, client):
    # A supervisor (no view_agency_reports) is refused at the agency level both ways.
    assert login(cast.sup_a).get(reverse("visits:fidelity_agency")).status_code == 403
    assert api(client, cast.sup_a, level="agency").status_code == 403
    assert login(cast.admin_a).get(reverse("visits:fidelity_agency")).status_code == 200
    assert api(client, cast.admin_a, level="agency").status_code == 200


def test_visits_delivered_against_an_every_other_week_plan(cast, login, client, catalogue):
    VisitPlanFactory(
        family=cast.family_a,
        frequency="every_other_week",
        effective_from=TODAY - timedelta(days=365),
    )
    monday = week_start(TODAY)
    for weeks_ago in (1, 3, 5, 7, 9, 11):
        VisitFactory(family=cast.family_a, day=monday - timedelta(weeks=weeks_ago, days=-1))
    page = login(cast.hv_a).get(reverse("visits:fidelity_visitor", args=[cast.hv_a.pk]))
    total = page.context["total"]
    assert total.coverage.share <= 0.55  # seen every other week: about half the weeks
    assert total.plan.share == 1.0  # and every visit the plan promised
    assert b"Visits delivered / planned" in page.content
    metrics = api(client, cast.hv_a, level="visitor").json()["results"][0]["metrics"]
    assert metrics["plan"]["share"] == 1.0 and metrics["plan"]["delivered"] == 6


def test_a_unit_outside_scope_is_404_and_audited_once(cast, client, new_events):
    assert api(client, cast.sup_a, level="team", unit=cast.team_b.pk).status_code == 404
    assert [e.outcome for e in new_events(action="fidelity.read")] == ["denied"]
    assert api(client, cast.sup_a, level="team", unit="12345678901234567890").status_code == 400
