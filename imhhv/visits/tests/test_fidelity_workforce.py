"""The fidelity pages' staff columns (DOMAIN §4): "home visitors supervised weekly" and
"qualified staff", at the visitor, team, agency and state levels, page and API.

The period is the default one: the last 12 weeks that are over. hv_a had reflective
supervision in each of them and is qualified (master's, license, endorsement); hv_a2 in
10 of 12 and holds no qualification rows; hv_a3 (team A2) in none. A week on leave is
left out of a home visitor's weeks; the state sees the counts through the one
suppression rule; and the queries do not grow with the staff.
"""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from imhhv.api.services import issue_token
from imhhv.core import workforce as rules
from imhhv.core.calendar import week_start
from imhhv.core.suppression import is_small
from imhhv.visits.fidelity import StaffCounts, VisitorStaff
from imhhv.workforce.models import (
    Degree,
    Endorsement,
    Leave,
    License,
    SupervisionParticipant,
    SupervisionSession,
)
from tests.factories import MembershipFactory, UserFactory

TODAY = timezone.localdate()
MONDAY = week_start(TODAY)


def monday_weeks_ago(n: int):
    return MONDAY - timedelta(weeks=n)


def qualify(user):
    """A master's degree, a license valid for two more years, endorsed as IFS."""
    Degree.objects.create(user=user, level="master", field="Social work")
    License.objects.create(
        user=user,
        type="LMSW",
        issued_on=TODAY - timedelta(days=800),
        expires_on=TODAY + timedelta(days=700),
    )
    Endorsement.objects.create(
        user=user,
        category=rules.INFANT_FAMILY_SPECIALIST,
        status=rules.ENDORSED,
        registered_on=TODAY - timedelta(days=900),
        endorsed_on=TODAY - timedelta(days=400),
    )


def supervise(supervisor, supervisees, weeks_ago):
    """One session on the Wednesday of each of `weeks_ago` (all weeks that are over)."""
    for n in weeks_ago:
        session = SupervisionSession.objects.create(
            agency_id=supervisor.membership.agency_id,
            day=monday_weeks_ago(n) + timedelta(days=2),
            started_at=time(10, 0),
            minutes=60,
            format="group" if len(supervisees) > 1 else "individual",
            supervisor=supervisor,
            recorded_by=supervisor,
        )
        SupervisionParticipant.objects.bulk_create(
            SupervisionParticipant(session=session, user=u) for u in supervisees
        )


def on_leave(user, n, *, days=5):
    """Leave from the Monday of the week `n` weeks ago, for `days` days."""
    start = monday_weeks_ago(n)
    Leave.objects.create(user=user, start=start, end=start + timedelta(days=days - 1))


@pytest.fixture
def staff(cast, catalogue):
    qualify(cast.hv_a)
    supervise(cast.sup_a, [cast.hv_a], range(1, 13))
    supervise(cast.sup_a, [cast.hv_a2], [n for n in range(1, 13) if n not in (4, 9)])
    return cast


def api(client, user, **params):
    key, _ = issue_token(user=user)
    response = client.get("/api/v1/fidelity/", params, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_team_page_shows_each_home_visitors_weeks_and_qualification(staff, login):
    cast = staff
    page = login(cast.sup_a).get(reverse("visits:fidelity_team", args=[cast.team_a.pk]))
    by_visitor = {name: w for name, _, _, w in page.context["table_rows"]}
    assert by_visitor[cast.hv_a.display_name()] == VisitorStaff(12, 12, 0, True, True)
    assert by_visitor[cast.hv_a2.display_name()] == VisitorStaff(10, 12, 0, False, False)
    # The team: 1 of its 2 home visitors supervised weekly, 1 of 2 qualified.
    assert page.context["staff"] == StaffCounts(
        home_visitors=2, judged=2, supervised_weekly=1, qualified=1
    )
    html = page.content.decode()
    assert "Home visitors supervised weekly" not in html  # rows are home visitors
    assert "Supervised weekly" in html and "Qualified staff" in html
    assert "12 of 12 weeks" in html and "10 of 12 weeks" in html
    assert "1 of 2 home visitors" in html
    # The existing rows keep their shape (name, id, summary).
    assert all(len(row) == 3 for row in page.context["rows"])


def test_a_week_on_leave_is_left_out_of_the_home_visitors_weeks(staff, login):
    cast = staff
    on_leave(cast.hv_a2, 9)  # one of the two weeks without a session: 10 of 11
    on_leave(cast.hv_a2, 4, days=4)  # Monday to Thursday only: still a week missed
    page = login(cast.sup_a).get(reverse("visits:fidelity_team", args=[cast.team_a.pk]))
    by_visitor = {name: w for name, _, _, w in page.context["table_rows"]}
    assert by_visitor[cast.hv_a2.display_name()] == VisitorStaff(10, 11, 1, True, False)
    assert page.context["staff"].supervised_weekly == 2
    assert "10 of 11 weeks" in page.content.decode()
    assert "1 week on leave left out" in page.content.decode()


def test_a_home_visitor_on_leave_all_period_is_not_judged(staff, login):
    cast = staff
    start = monday_weeks_ago(12)
    Leave.objects.create(user=cast.hv_a2, start=start, end=MONDAY - timedelta(days=1))
    page = login(cast.sup_a).get(reverse("visits:fidelity_team", args=[cast.team_a.pk]))
    by_visitor = {name: w for name, _, _, w in page.context["table_rows"]}
    assert by_visitor[cast.hv_a2.display_name()] == VisitorStaff(0, 0, 12, None, False)
    assert page.context["staff"] == StaffCounts(2, 1, 1, 1)
    assert "1 of 1 home visitors" in page.content.decode()


def test_the_visitor_page_shows_the_home_visitors_own_figures(staff, login):
    cast = staff
    page = login(cast.hv_a).get(reverse("visits:fidelity_visitor", args=[cast.hv_a.pk]))
    assert page.context["staff"] == VisitorStaff(12, 12, 0, True, True)
    # Family rows carry no staff figures.
    assert all(w is None for *_, w in page.context["table_rows"])
    html = page.content.decode()
    assert "Reflective supervision and qualification" in html
    assert "reflective supervision in 12 of 12 weeks" in html
    data = api(login(cast.hv_a), cast.hv_a, level="visitor", unit=cast.hv_a.pk)
    assert data["results"][0]["staff"] == {
        "supervised_weeks": 12,
        "weeks": 12,
        "leave_weeks": 0,
        "supervised_weekly": True,
        "qualified": True,
        "share": 1.0,
    }
    assert all(p["staff"] is None for p in data["parts"])


def test_the_agency_page_counts_each_teams_home_visitors(staff, login):
    cast = staff
    page = login(cast.admin_a).get(reverse("visits:fidelity_agency"))
    by_team = {name: w for name, _, _, w in page.context["table_rows"]}
    assert by_team["A1"] == StaffCounts(2, 2, 1, 1)
    assert by_team["A2"] == StaffCounts(1, 1, 0, 0)  # hv_a3: no session, no records
    assert page.context["staff"] == StaffCounts(3, 3, 1, 1)
    html = page.content.decode()
    assert "Home visitors supervised weekly" in html and "1 of 3 home visitors" in html
    # The fidelity figures still add up (staff are not an additive figure of a summary).
    assert page.context["adds_up"].adds_up

    data = api(login(cast.admin_a), cast.admin_a, level="agency", unit=cast.agency_a.pk)
    assert data["results"][0]["staff"] == {
        "home_visitors": 3,
        "judged": 3,
        "supervised_weekly": 1,
        "qualified": 1,
        "supervised_weekly_share": 1 / 3,
        "qualified_share": 1 / 3,
    }
    parts = {p["unit"]["name"]: p["staff"] for p in data["parts"]}
    assert parts["A1"]["home_visitors"] == 2 and parts["A2"]["home_visitors"] == 1


def test_the_team_list_in_the_api_counts_per_team(staff, client):
    cast = staff
    data = api(client, cast.admin_a, level="team")
    by_team = {r["unit"]["name"]: r["staff"] for r in data["results"]}
    assert by_team["A1"]["supervised_weekly"] == 1 and by_team["A1"]["judged"] == 2
    assert by_team["A2"]["qualified"] == 0 and by_team["A2"]["home_visitors"] == 1


def add_home_visitors(agency, team, n, *, prefix):
    users = []
    for i in range(n):
        user = UserFactory(username=f"{prefix}_{i}")
        MembershipFactory(user=user, agency=agency, team=team, start_date=TODAY - timedelta(365))
        users.append(user)
    return users


def test_the_state_sees_the_counts_with_small_cells_hidden(staff, login, client):
    cast = staff
    # Agency B: 12 more home visitors (13 in all), none supervised, none qualified.
    add_home_visitors(cast.agency_b, cast.team_b, 12, prefix="hv_b_more")
    page = login(cast.state_admin).get(reverse("visits:fidelity_state"))
    rows = {name: w for name, _, _, w in page.context["table_rows"]}
    total = page.context["staff"]
    # Agency A's 3 home visitors are a small cell; B's 13 would give them back from the
    # statewide 16, so it is hidden too (complementary), as every share built on them.
    assert rows["Alpha CMH"]["home_visitors"] is None
    assert rows["Beta CMH"]["home_visitors"] is None
    assert total["home_visitors"] == 16
    for figures in [*rows.values(), total]:
        for key in ("home_visitors", "judged", "supervised_weekly", "qualified"):
            assert figures[key] is None or not is_small(figures[key])
    # 0 is never a small cell: nobody at B was supervised weekly, which identifies nobody.
    assert rows["Beta CMH"]["supervised_weekly"] in (0, None)
    assert total["supervised_weekly_share"] is None  # 1 of 16: a small count
    html = page.content.decode()
    assert "Home visitors supervised weekly" in html and "Qualified staff" in html
    assert cast.hv_a.display_name() not in html  # no names of staff

    # The API shows the same cells at the state and agency levels.
    state = api(client, cast.state_admin, level="state")
    assert state["results"][0]["staff"] == total
    assert {p["unit"]["name"]: p["staff"] for p in state["parts"]} == rows
    by_agency = {
        r["unit"]["name"]: r["staff"]
        for r in api(client, cast.evaluator, level="agency")["results"]
    }
    assert by_agency == rows


def test_the_state_sees_a_large_enough_agency_in_full(staff, login):
    cast = staff
    for agency, team, prefix in (
        (cast.agency_a, cast.team_a, "a"),
        (cast.agency_b, cast.team_b, "b"),
    ):
        more = add_home_visitors(agency, team, 25, prefix=f"hv_{prefix}_more")
        for user in more[:12]:
            qualify(user)
        supervise(cast.sup_a, more[:12], range(1, 13))
    page = login(cast.state_admin).get(reverse("visits:fidelity_state"))
    rows = {name: w for name, _, _, w in page.context["table_rows"]}
    # A: 28 home visitors, 13 supervised weekly and 13 qualified (hv_a and 12 more), 15
    # not; B: 26, 12 and 14. No count is small, so every figure and share is shown.
    assert rows["Alpha CMH"] == {
        "home_visitors": 28,
        "judged": 28,
        "supervised_weekly": 13,
        "qualified": 13,
        "supervised_weekly_share": 13 / 28,
        "qualified_share": 13 / 28,
    }
    assert rows["Beta CMH"]["home_visitors"] == 26
    assert rows["Beta CMH"]["supervised_weekly"] == rows["Beta CMH"]["qualified"] == 12
    assert page.context["staff"]["home_visitors"] == 54
    assert page.context["staff"]["supervised_weekly"] == 25
    assert "13 of 28 home visitors" in page.content.decode()


def test_the_agency_administrator_sees_exact_small_counts(staff, login):
    page = login(staff.admin_a).get(reverse("visits:fidelity_agency"))
    assert page.context["staff"].home_visitors == 3  # a small cell, shown inside the agency


def _queries(client, url) -> int:
    client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("who", "name", "arg"),
    [
        ("sup_a", "visits:fidelity_team", "team_a"),
        ("admin_a", "visits:fidelity_agency", None),
        ("state_admin", "visits:fidelity_state", None),
        ("hv_a", "visits:fidelity_visitor", "hv_a"),
    ],
)
def test_queries_do_not_grow_with_the_staff(staff, login, who, name, arg):
    cast = staff
    client = login(getattr(cast, who))
    url = reverse(name, args=[getattr(cast, arg).pk] if arg else [])
    before = _queries(client, url)
    # Ten more home visitors on team A1 and at agency B, each with records, sessions
    # and leave.
    for agency, team, prefix in (
        (cast.agency_a, cast.team_a, "a"),
        (cast.agency_b, cast.team_b, "b"),
    ):
        more = add_home_visitors(agency, team, 10, prefix=f"hv_{prefix}_q")
        for user in more:
            qualify(user)
            on_leave(user, 3)
        supervise(cast.sup_a, more, range(1, 13))
    assert _queries(client, url) == before


def test_an_agencys_teams_are_suppressed_for_the_state_too(staff, client):
    cast = staff
    data = api(client, cast.evaluator, level="agency", unit=cast.agency_a.pk)
    total = data["results"][0]["staff"]
    parts = [p["staff"] for p in data["parts"]]
    assert total["home_visitors"] is None  # 3 home visitors: a small cell
    assert [p["home_visitors"] for p in parts] == [None, None]  # A1: 2, A2: 1
    for figures in [total, *parts]:
        for key in ("home_visitors", "judged", "supervised_weekly", "qualified"):
            assert figures[key] is None or not is_small(figures[key])
