"""Fidelity numbers that add up: the agency's total against the sum of its teams' rows.

Agency A has two teams (A1: hv_a and hv_a2; A2: hv_a3). When every family stays with one
home visitor on a team, the teams' rows add up to the agency's total, figure by figure.
When a family moves from A1 to A2, each team counts it for its own weeks and the agency
once: the families differ by one, the visits and weeks still add up, and the report (page
and API) says why. A family with no home visitor on a team, and a visit made by the
supervisor, count for the agency only, and the report says so too.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from imhhv.api.services import issue_token
from imhhv.core.calendar import week_start
from imhhv.families.services.caseload import assign_home_visitor
from imhhv.visits.tests.factories import VisitFactory
from tests.factories import EnrollmentFactory, FamilyFactory

TODAY = timezone.localdate()
MONDAY = week_start(TODAY)
TRANSFER = MONDAY - timedelta(weeks=5)  # a Monday: the weeks split cleanly


def weeks_ago(n: int, weekday: int = 2):
    return MONDAY - timedelta(weeks=n) + timedelta(days=weekday)


@pytest.fixture
def two_teams(cast, catalogue):
    """A visit per family in the weeks that are over, each by the family's home visitor."""
    VisitFactory(family=cast.family_a, visitor=cast.hv_a, day=weeks_ago(8))
    VisitFactory(family=cast.family_a2, visitor=cast.hv_a2, day=weeks_ago(2))
    VisitFactory(family=cast.family_a3, visitor=cast.hv_a_other_team, day=weeks_ago(1))
    return cast


def transfer_family_a_to_team_a2(cast):
    """family_a moves from hv_a (A1) to hv_a3 (A2) five weeks ago, and is seen there."""
    assign_home_visitor(
        family=cast.family_a,
        home_visitor=cast.hv_a_other_team,
        by=cast.admin_a,
        start_date=TRANSFER,
        reason="Caseload balancing (synthetic)",
    )
    VisitFactory(family=cast.family_a, visitor=cast.hv_a_other_team, day=weeks_ago(2))


def agency_page(login, cast):
    return login(cast.admin_a).get(reverse("visits:fidelity_agency"))


def figures(adds_up) -> dict:
    return {f.label: (f.total, f.rows) for f in adds_up.figures}


def test_teams_add_up_to_the_agency_when_no_family_moves(two_teams, login):
    cast = two_teams
    page = agency_page(login, cast)
    total, rows = page.context["total"], [s for _, _, s in page.context["rows"]]
    adds_up = page.context["adds_up"]
    assert adds_up.adds_up and adds_up.reasons == ()
    assert total.families == sum(s.families for s in rows) == 3
    assert total.completed_home_visits == sum(s.completed_home_visits for s in rows) == 3
    assert total.coverage.expected_weeks == sum(s.coverage.expected_weeks for s in rows)
    assert total.coverage.covered_weeks == sum(s.coverage.covered_weeks for s in rows) == 3
    assert "The teams' figures add up to the total of this period." in page.content.decode()


def test_a_family_moved_between_teams_counts_for_each_and_the_page_says_why(
    two_teams, qualified_visitors, login
):
    cast = two_teams
    transfer_family_a_to_team_a2(cast)
    page = agency_page(login, cast)
    adds_up = page.context["adds_up"]
    by_team = {name: s for name, _, s in page.context["rows"]}
    # Each team counts family_a for its own weeks: A1 before the move, A2 after.
    assert by_team["A1"].families == 2 and by_team["A2"].families == 2
    assert figures(adds_up)["Families"] == (3, 4)
    # The visits and the weeks still add up: every week was with one team or the other.
    assert figures(adds_up)["Home visits"] == (4, 4)
    assert (
        figures(adds_up)["Weeks a home visit was expected"][0]
        == (figures(adds_up)["Weeks a home visit was expected"][1])
    )
    assert figures(adds_up)["Weeks with a home visit"] == (4, 4)
    assert not adds_up.adds_up
    assert adds_up.reasons == (
        "1 family moved between teams in this period: each team counts the family for its "
        "own weeks, the agency counts it once.",
    )
    html = page.content.decode()
    assert "How the teams add up" in html and "1 family moved between teams" in html

    # The API carries the same explanation.
    key, _ = issue_token(user=cast.admin_a)
    data = login(cast.admin_a).get(
        "/api/v1/fidelity/",
        {"level": "agency", "unit": cast.agency_a.pk},
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert data.status_code == 200
    api = data.json()["adds_up"]
    assert api["adds_up"] is False and api["reasons"] == list(adds_up.reasons)
    assert {f["label"]: (f["total"], f["rows"]) for f in api["figures"]}["Families"] == (3, 4)


def test_families_and_visits_outside_any_team_count_for_the_agency_only(two_teams, login):
    cast = two_teams
    # A family enrolled a year ago and never assigned; a visit made by the supervisor.
    unassigned = FamilyFactory(agency=cast.agency_a, home_visitor=None, display_name="Test Solo")
    EnrollmentFactory(family=unassigned, enrolled_on=TODAY - timedelta(days=365))
    VisitFactory(family=cast.family_a2, visitor=cast.sup_a, day=weeks_ago(4))
    page = agency_page(login, cast)
    adds_up = page.context["adds_up"]
    assert figures(adds_up)["Families"] == (4, 3)
    assert figures(adds_up)["Home visits"] == (4, 3)
    expected_total, expected_rows = figures(adds_up)["Weeks a home visit was expected"]
    assert expected_total == expected_rows + 12  # the unassigned family's 12 weeks
    reasons = " ".join(adds_up.reasons)
    assert "1 family had no home visitor on a team in this period" in reasons
    assert "Visits made by staff who are not home visitors on a team now" in reasons
    assert "a week with no home visitor on a team" in reasons
    # Never a difference without a word: every differing figure has its reason.
    assert len(adds_up.reasons) >= 3
    html = page.content.decode()
    for reason in adds_up.reasons:
        assert reason.replace("'", "&#x27;") in html


def test_a_family_moved_between_home_visitors_of_one_team_counts_once_for_the_team(
    two_teams, qualified_visitors, login
):
    cast = two_teams
    assign_home_visitor(
        family=cast.family_a,
        home_visitor=cast.hv_a2,
        by=cast.admin_a,
        start_date=TRANSFER,
        reason="Caseload balancing (synthetic)",
    )
    page = login(cast.sup_a).get(reverse("visits:fidelity_team", args=[cast.team_a.pk]))
    adds_up = page.context["adds_up"]
    assert figures(adds_up)["Families"] == (2, 3)
    assert figures(adds_up)["Home visits"] == (2, 2)
    assert adds_up.reasons[0].startswith("1 family had more than one of the team's home visitors")
    assert "How the home visitors add up" in page.content.decode()


def test_the_states_row_for_an_agency_is_the_agencys_own_total(cast, login, catalogue):
    """Above the small-cell limit, the state's row for agency A shows the figures of A's
    own page (the total its teams are reconciled with), for the same period."""
    from conftest import add_families

    for agency, visitor in ((cast.agency_a, cast.hv_a), (cast.agency_b, cast.hv_b)):
        for family in add_families(agency, visitor, 11, prefix=f"Test {agency.name}"):
            VisitFactory(family=family, visitor=visitor, day=weeks_ago(1))
    own = agency_page(login, cast).context["total"]
    state = login(cast.state_admin).get(reverse("visits:fidelity_state"))
    row = {name: s for name, _, s in state.context["rows"]}[cast.agency_a.name]
    assert row["families"] == own.families == 14
    assert row["completed_home_visits"] == own.completed_home_visits == 11
    assert row["coverage"]["expected_weeks"] == own.coverage.expected_weeks
    assert row["coverage"]["covered_weeks"] == own.coverage.covered_weeks == 11
    assert "how its teams add up to it" in state.content.decode()
