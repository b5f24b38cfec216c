"""The working pages at phone width (360 x 740), in Chromium.

Each role opens its pages on a 360 px wide screen: the home visitor's home page, My
week, a family's chart, the visit form and their fidelity page; the supervisor's team
fidelity; the agency administrator's agency fidelity; the state's page. On every page:
nothing wider than the screen (the document does not scroll sideways, and no element
sticks out of it except inside a box that scrolls on its own, like a wide table), and
axe-core finds no violation.

The scene has visits in the weeks that are over and one this week, and a family not
seen for weeks (a disengagement alert), so the tables, the chart and the alerts all
have rows to lay out.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from imhhv.core.calendar import week_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}

# What sticks out of the screen, outside any box that scrolls (or clips) on its own.
# Visually hidden text (1 px, clipped) is left out: it is not seen and takes no room.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const boxed = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if (x === "auto" || x === "scroll" || x === "hidden" || x === "clip") return true;
    }
    return false;
  };
  const hidden = (el) => {
    for (let p = el; p && p !== document.body; p = p.parentElement) {
      if (p.classList.contains("visually-hidden") || p.classList.contains("skip-link")) return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if ((r.right > width + 0.5 || r.left < -0.5) && !boxed(el) && !hidden(el)) {
      const name = el.tagName.toLowerCase() + (el.className ? "." + String(el.className) : "");
      out.push(`${name} [${Math.round(r.left)}, ${Math.round(r.right)}]: `
        + (el.textContent || "").trim().slice(0, 40));
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    sticking: out.slice(0, 10),
  };
}"""


def path_is(path: str) -> re.Pattern:
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"(\?.*)?$")


@pytest.fixture
def fits(assert_accessible):
    """Check the current page at phone width: no sideways scroll, axe-core clean."""

    def _check(page, what: str) -> None:
        page.wait_for_load_state("load")
        found = page.evaluate(OVERFLOW_JS)
        assert found["scrollWidth"] <= found["innerWidth"], f"{what} scrolls sideways: {found}"
        assert not found["sticking"], f"on {what}, these stick out of the screen: {found}"
        assert_accessible(page, f"{what} at 360 px")

    return _check


@pytest.fixture
def scene(cast, catalogue):
    """Visits for family_a over the last weeks (one this week, one note unsigned), and
    family_a2 not seen for 5 weeks, so it raises a disengagement alert."""
    from imhhv.visits.tests.factories import VisitFactory

    today = timezone.localdate()
    monday = week_start(today)
    for weeks_ago in (1, 2, 4, 6):
        VisitFactory(
            family=cast.family_a,
            day=monday - timedelta(weeks=weeks_ago, days=-2),
            signed=weeks_ago != 1,
            components=["alliance", "developmental_guidance"],
        )
    VisitFactory(family=cast.family_a, day=today, signed=False)
    VisitFactory(family=cast.family_a2, day=monday - timedelta(weeks=6, days=-1), signed=True)
    return cast


def on_phone(page):
    page.set_viewport_size(PHONE)
    return page


def test_the_home_visitors_pages_fit_a_phone(page, sign_in, scene, fits, settings):
    cast = scene
    settings.DEMO_MODE = True  # the demo banner is on every page: it must fit too
    on_phone(page)
    sign_in(cast.hv_a.username)
    expect(page).to_have_url(path_is("/"))
    expect(page.get_by_role("region", name="Demo notice")).to_be_visible()
    fits(page, "the home visitor's home page")

    page.goto("/visits/week/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^My week of "))
    fits(page, "My week")

    page.goto(f"/families/{cast.family_a.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(cast.family_a.display_name)
    fits(page, "the family chart")

    page.goto(f"/visits/family/{cast.family_a.pk}/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Document a visit")
    fits(page, "the visit form")

    page.goto(f"/visits/fidelity/visitor/{cast.hv_a.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Fidelity: {cast.hv_a.display_name()}"
    )
    fits(page, "the home visitor's fidelity page")
    # The wide table scrolls inside its own box, which keyboard users can focus.
    families = page.get_by_role("region", name="Families", exact=True)
    expect(families).to_have_attribute("tabindex", "0")
    assert families.evaluate("box => box.scrollWidth > box.clientWidth")
    # The chart: this week apart, marked "so far".
    expect(page.locator(".chart-row-partial")).to_contain_text("This week")
    expect(page.locator(".chart-row-partial")).to_contain_text("so far")
    # The weekly table behind the chart, opened, still fits.
    page.get_by_text("Table of the weekly figures").click()
    fits(page, "the home visitor's fidelity page with the weekly table open")


def test_the_supervisors_team_fidelity_fits_a_phone(page, sign_in, scene, fits):
    cast = scene
    on_phone(page)
    sign_in(cast.sup_a.username)
    fits(page, "the supervisor's home page")
    page.goto(f"/visits/fidelity/team/{cast.team_a.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Fidelity: {cast.team_a.name}")
    # The alert names the family, linked to its chart.
    alerts = page.get_by_role("region", name="Disengagement alerts")
    expect(alerts.get_by_role("link", name=cast.family_a2.display_name)).to_be_visible()
    fits(page, "the team fidelity page")
    # A period that cannot be used: the message, the field error, still on one screen.
    page.goto(f"/visits/fidelity/team/{cast.team_a.pk}/?start=2026-03-01&end=2026-02-01")
    expect(page.get_by_role("alert")).to_contain_text("The end must be on or after the start")
    fits(page, "the team fidelity page with a period error")


def test_the_agency_and_state_fidelity_fit_a_phone(page, sign_in, enroll_two_factor, scene, fits):
    cast = scene
    on_phone(page)
    sign_in(cast.admin_a.username)
    expect(page).to_have_url(path_is("/account/two-factor/setup/"))
    fits(page, "the two-factor setup page")
    enroll_two_factor()
    page.get_by_role("link", name="I have saved them. Continue").click()
    expect(page).to_have_url(path_is("/"))
    fits(page, "the agency administrator's home page")
    page.goto("/visits/fidelity/agency/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Fidelity: {cast.agency_a.name}")
    fits(page, "the agency fidelity page")

    page.context.clear_cookies()
    sign_in(cast.state_admin.username)
    enroll_two_factor()
    page.get_by_role("link", name="I have saved them. Continue").click()
    expect(page).to_have_url(path_is("/"))
    fits(page, "the state's home page")
    page.goto("/visits/fidelity/state/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fidelity across agencies")
    fits(page, "the state fidelity page")
