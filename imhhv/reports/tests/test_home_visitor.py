"""The home visitor's home: today's and this week's visits from the visit plans, merged with
the visits already recorded, each with one click to document; notes; not seen; alerts.

Dates are relative to the (per-test frozen) clock: the plan's preferred day is today's
weekday, so "today" holds a planned visit whichever day the suite runs.
"""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import add_families
from imhhv.visits.models import Visit
from imhhv.visits.tests.factories import VisitFactory, VisitPlanFactory
from tests.factories import FamilyInCareFactory, days_ago

HOME = reverse("reports:home")
TEN = time(10, 0)


def plan_today(family, at=TEN, **kw):
    today = timezone.localdate()
    return VisitPlanFactory(family=family, preferred_day=today.weekday(), preferred_time=at, **kw)


def test_a_planned_visit_today_has_one_click_to_document(cast, login):
    plan_today(cast.family_a)
    response = login(cast.hv_a).get(HOME)
    home = response.context["home"]
    today = timezone.localdate()
    [item] = home.agenda_today
    assert (item.family, item.day, item.at, item.visit) == (cast.family_a, today, TEN, None)
    page = response.content.decode()
    link = reverse("visits:new", args=[cast.family_a.pk]) + f"?on={today.isoformat()}&amp;at=10:00"
    assert f'href="{link}"' in page
    assert "My day" in page and "Visits today" in page


def test_a_family_without_a_plan_is_due_this_week_without_a_day(cast, login):
    home = login(cast.hv_a).get(HOME).context["home"]
    assert home.agenda_today == []
    [item] = home.agenda_week
    assert (item.family, item.day, item.planned) == (cast.family_a, None, True)
    assert item.document_query == ""


def test_a_recorded_visit_covers_the_planned_one(cast, login, catalogue):
    """Weekly plan: any visit of the family in the same week covers the week's visit, so it
    is listed once (as recorded), not twice."""
    plan_today(cast.family_a)
    today = timezone.localdate()
    visit = VisitFactory(
        family=cast.family_a, day=today, outcome=Visit.Outcome.SCHEDULED, started_at=None
    )
    home = login(cast.hv_a).get(HOME).context["home"]
    items = home.agenda_today + home.agenda_week
    assert [(i.family, i.visit) for i in items] == [(cast.family_a, visit)]
    assert items[0].to_document


def test_a_rescheduled_visit_leaves_the_planned_one_open(cast, login, catalogue):
    plan_today(cast.family_a)
    VisitFactory(
        family=cast.family_a,
        day=timezone.localdate(),
        outcome=Visit.Outcome.RESCHEDULED,
        started_at=None,
    )
    home = login(cast.hv_a).get(HOME).context["home"]
    assert [i.planned for i in home.agenda_today] == [True, False]


def test_only_the_own_caseload_appears(cast, login):
    for family in (cast.family_a, cast.family_a2, cast.family_b):
        plan_today(family)
    page = login(cast.hv_a).get(HOME)
    names = {i.family.display_name for i in page.context["home"].agenda_today}
    assert names == {"Test Family One"}
    text = page.content.decode()
    assert "Test Family Two" not in text and "Test Family Four" not in text


def test_notes_to_write_and_to_sign(cast, login, catalogue):
    past = VisitFactory(
        family=cast.family_a, day=days_ago(20), outcome=Visit.Outcome.SCHEDULED, started_at=None
    )
    unsigned = VisitFactory(family=cast.family_a, day=days_ago(21))
    home = login(cast.hv_a).get(HOME).context["home"]
    assert home.week.to_document == [past]
    assert home.week.to_sign == [unsigned]


def test_not_seen_ignores_families_enrolled_less_than_14_days_ago(cast, login):
    """Issue 9, part 7: a family enrolled 5 days ago is not "not seen" yet; one enrolled 20
    days ago and never seen is."""
    FamilyInCareFactory(
        agency=cast.agency_a,
        home_visitor=cast.hv_a,
        display_name="Test Family New",
        enrolled_on=days_ago(5),
    )
    FamilyInCareFactory(
        agency=cast.agency_a,
        home_visitor=cast.hv_a,
        display_name="Test Family Older",
        enrolled_on=days_ago(20),
    )
    home = login(cast.hv_a).get(HOME).context["home"]
    not_seen = {f.display_name: last for f, last in home.week.not_seen}
    assert not_seen == {"Test Family One": None, "Test Family Older": None}


def test_a_family_seen_recently_is_not_listed(cast, login, catalogue):
    VisitFactory(family=cast.family_a, day=days_ago(3))
    home = login(cast.hv_a).get(HOME).context["home"]
    assert home.week.not_seen == []


def test_alerts_name_the_family(cast, login):
    """The cast's family has had no home visit for a year: a disengagement alert, by name."""
    page = login(cast.hv_a).get(HOME).content.decode()
    assert "Disengagement alerts" in page
    assert f'href="/families/{cast.family_a.pk}/">Test Family One</a>:' in page
    assert "family " + str(cast.family_a.pk) not in page


def test_the_caseload_against_the_cap(cast, login):
    page = login(cast.hv_a).get(HOME).content.decode()
    assert "You carry <strong>1</strong> family; your cap at 1.00 FTE is 15." in page


def test_one_audit_event_naming_what_was_shown(cast, login, new_events, catalogue):
    plan_today(cast.family_a)
    visit = VisitFactory(family=cast.family_a, day=timezone.localdate() - timedelta(days=30))
    login(cast.hv_a).get(HOME)
    [event] = new_events()
    assert (event.action, event.outcome) == ("family.list", "success")
    assert event.details["view"] == "home"
    assert event.details["ids"] == [cast.family_a.pk]
    assert event.details["visit_ids"] == [visit.pk]


def _queries(client) -> int:
    client.get(HOME)  # warm the per-process caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(HOME).status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["hv_a"])
def test_queries_do_not_grow_from_15_to_150_families(cast, login, catalogue, who):
    def grow(n):
        for family in add_families(cast.agency_a, cast.hv_a, n, prefix=f"Bulk {n}"):
            plan_today(family)
            VisitFactory(family=family, day=days_ago(2))

    grow(14)  # with the cast's family: 15
    client = login(getattr(cast, who))
    at_15 = _queries(client)
    grow(135)
    assert _queries(client) == at_15
