"""The home visitor's day in Chromium: a visit planned for today from the family's visit
plan, documented in two clicks ("Document" opens the form with the day and time filled
in; fill what is left, "Save"), then shown as recorded instead of planned. The supervisor,
agency administrator and state homes load too. axe-core checks every page visited.

The clock is set to 15:00 today (local time), so the planned 10:00 visit is over whichever
hour the suite runs at; the date stays today's.
"""

import re
from datetime import datetime, time

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from imhhv.visits.tests.factories import VisitPlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def path_is(path: str) -> re.Pattern:
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"(\?.*)?$")


def afternoon():
    today = timezone.localdate()
    return timezone.make_aware(datetime.combine(today, time(15, 0)))


def test_home_visitor_documents_a_planned_visit_in_two_clicks(
    page, sign_in, cast, catalogue, assert_accessible
):
    family = cast.family_a
    with time_machine.travel(afternoon(), tick=True):
        today = timezone.localdate()
        VisitPlanFactory(family=family, preferred_day=today.weekday(), preferred_time=time(10))
        sign_in(cast.hv_a.username)

        # The home page: today's planned visit, with its one link to document it.
        expect(page).to_have_url(path_is("/"))
        expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^My day: "))
        today_table = page.get_by_role("table", name="Visits today")
        row = today_table.locator("tbody tr").filter(has_text=family.display_name)
        expect(row).to_have_count(1)
        expect(row).to_contain_text("10:00")
        expect(row).to_contain_text("Planned")
        assert cast.family_b.display_name not in page.locator("main").inner_text()
        assert_accessible(page, "the home visitor's home page")

        # Click 1: Document → the visit form, day, time and outcome filled in.
        row.get_by_role("link", name=re.compile(r"^Document")).click()
        expect(page).to_have_url(path_is(f"/visits/family/{family.pk}/new/"))
        assert f"on={today.isoformat()}" in page.url and "at=10:00" in page.url
        when = page.get_by_role("region", name="When and where")
        expect(when.get_by_label("Date", exact=True)).to_have_value(today.isoformat())
        expect(when.get_by_label("Started")).to_have_value("10:00")
        expect(when.get_by_label("Outcome")).to_have_value("completed")
        assert_accessible(page, "the visit form opened from the home page")

        # Fill the minimum (end, place, one key component); click 2: Save.
        when.get_by_label("Ended").fill("11:40")
        when.get_by_label(re.compile("^Where")).select_option(label="Family home")
        page.get_by_role("region", name="Key components and strategies").get_by_role(
            "group", name=re.compile("^Key components addressed")
        ).get_by_label("Building an alliance", exact=True).check()
        with page.expect_navigation():
            page.get_by_role("button", name="Save", exact=True).click()
        expect(page).to_have_url(re.compile(r"/visits/\d+/$"))
        expect(page.get_by_role("status")).to_contain_text("Visit saved")
        assert_accessible(page, "the visit page")

        from imhhv.visits.models import Visit

        visit = Visit.objects.get(family=family)
        assert (visit.outcome, visit.place, visit.minutes) == ("completed", "home", 100)
        assert timezone.localtime(visit.started_at).date() == today

        # Back home: the visit is recorded now, not planned twice.
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Home", exact=True
        ).click()
        row = page.get_by_role("table", name="Visits today").locator("tbody tr")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Completed")
        expect(row.get_by_role("link", name=re.compile(r"^Review and sign"))).to_be_visible()
        assert_accessible(page, "the home page after documenting")


def test_supervisor_home_is_accessible(page, sign_in, cast, assert_accessible):
    sign_in(cast.sup_a.username)
    expect(page.get_by_role("heading", level=1)).to_have_text(cast.team_a.name)
    expect(
        page.get_by_role("table", name=re.compile("^Visits this week per home visitor"))
    ).to_contain_text(cast.hv_a.display_name())
    assert_accessible(page, "the supervisor's home page")


def test_state_home_drills_down_to_an_agency(
    page, sign_in, enroll_two_factor, cast, assert_accessible
):
    sign_in(cast.state_admin.username)
    enroll_two_factor()
    page.get_by_role("link", name="I have saved them. Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("IMH-HV statewide")
    agencies = page.get_by_role("table", name="Agencies")
    assert "Test Family" not in page.locator("main").inner_text()
    assert_accessible(page, "the state's home page")

    agencies.get_by_role("link", name=f"home visitors at {cast.agency_a.name}").click()
    expect(page).to_have_url(re.compile(rf"/state/agencies/{cast.agency_a.pk}/#teams$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(cast.agency_a.name)
    expect(
        page.get_by_role("table", name=re.compile("^Home visitors and capacity"))
    ).to_contain_text(cast.team_a.name)
    assert "Test Family" not in page.locator("main").inner_text()
    assert_accessible(page, "an agency's page for the state")


def test_home_visitor_home_fits_a_phone(page, sign_in, cast, assert_accessible):
    VisitPlanFactory(
        family=cast.family_a, preferred_day=timezone.localdate().weekday(), preferred_time=time(9)
    )
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(cast.hv_a.username)
    expect(page.get_by_role("table", name="Visits today")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
    assert_accessible(page, "the home visitor's home page at 360 px")
