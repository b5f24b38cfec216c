"""The supervisor's home: the team's week (planned against done per home visitor), notes
waiting to be signed, alerts, open slots, families not seen; the team only."""

from datetime import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import add_families
from imhhv.core.calendar import week_start
from imhhv.visits.tests.factories import VisitFactory, VisitPlanFactory
from tests.factories import days_ago

HOME = reverse("reports:home")


def this_week_day():
    """Monday of this week: inside the week whichever day it is today."""
    return week_start(timezone.localdate())


def test_the_teams_week_planned_against_done(cast, login, catalogue):
    monday = this_week_day()
    VisitPlanFactory(family=cast.family_a, frequency="twice_weekly", preferred_day=0)
    VisitFactory(family=cast.family_a, day=monday)  # covers one of the two
    home = login(cast.sup_a).get(HOME).context["home"]
    lines = {
        person.username: (planned, done, len(open_visits), unsigned)
        for person, _, unsigned, planned, done, open_visits in home.week.lines()
    }
    # hv_a: two planned (Monday, Thursday), one done; its note unsigned. hv_a2's family has
    # no plan: weekly by default, none done yet.
    assert lines == {"hv_a": (2, 1, 1, 1), "hv_a2": (1, 0, 1, 0)}
    assert (home.planned_total, home.done_total) == (3, 1)


def test_notes_waiting_alerts_and_not_seen_name_families(cast, login, catalogue):
    visit = VisitFactory(family=cast.family_a2, day=days_ago(20))
    response = login(cast.sup_a).get(HOME)
    home = response.context["home"]
    assert home.notes == [visit] and home.notes_total == 1
    # family_a2 was seen 20 days ago, family_a never in a year: both not seen for 14 days.
    assert {f.display_name for f, _ in home.not_seen} == {"Test Family One", "Test Family Two"}
    assert "Test Family One" in {f.display_name for f, _ in home.alerts}
    page = response.content.decode()
    assert f'href="/families/{cast.family_a.pk}/">Test Family One</a>' in page
    assert f"family {cast.family_a.pk}" not in page


def test_other_teams_and_agencies_never_appear(cast, login):
    for family in (cast.family_a3, cast.family_b):
        VisitPlanFactory(family=family, preferred_day=timezone.localdate().weekday())
    page = login(cast.sup_a).get(HOME).content.decode()
    assert "Test Family Three" not in page and "Test Family Four" not in page


def test_open_slots_against_the_cap(cast, login):
    add_families(cast.agency_a, cast.hv_a, 15)  # 16 on a cap of 15
    home = login(cast.sup_a).get(HOME).context["home"]
    slots = {v.name: v.open_slots for v in home.loads}
    assert slots == {cast.hv_a.display_name(): -1, cast.hv_a2.display_name(): 14}
    assert home.open_slots == 14  # an over-cap caseload gives no slots to others
    assert "(over cap)" in login(cast.sup_a).get(HOME).content.decode()


def test_one_audit_event(cast, login, new_events, catalogue):
    visit = VisitFactory(family=cast.family_a2, day=days_ago(2))
    login(cast.sup_a).get(HOME)
    [event] = new_events()
    assert (event.action, event.outcome) == ("family.list", "success")
    assert event.details["view"] == "home"
    assert event.details["ids"] == sorted([cast.family_a.pk, cast.family_a2.pk])
    assert visit.pk in event.details["visit_ids"]


def _queries(client) -> int:
    client.get(HOME)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(HOME).status_code == 200
    return len(captured)


def test_queries_do_not_grow_from_15_to_150_families(cast, login, catalogue):
    def grow(n, visitor):
        for family in add_families(cast.agency_a, visitor, n, prefix=f"Bulk {visitor.pk} {n}"):
            VisitPlanFactory(family=family, preferred_day=0, preferred_time=time(9))
            VisitFactory(family=family, day=days_ago(20))

    grow(7, cast.hv_a)
    grow(6, cast.hv_a2)  # 15 with the cast's two
    client = login(cast.sup_a)
    at_15 = _queries(client)
    grow(70, cast.hv_a)
    grow(65, cast.hv_a2)
    assert _queries(client) == at_15
