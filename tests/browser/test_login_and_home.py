"""The real login form, the two-factor enrollment and the home pages, in Chromium.

Each test gets a fresh browser context on pytest-django's live server, with the cast
from the root conftest (a transactional database, since the server runs in a thread).
axe-core checks the pages each role reaches first for accessibility violations.
"""

import re

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GENERIC_LOGIN_ERROR = "That username and password do not match an active account."


def path_is(path: str) -> re.Pattern:
    """A URL pattern matching exactly `path` on the live server (query string allowed)."""
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"(\?.*)?$")


def test_home_visitor_signs_in_and_sees_only_own_caseload(page, sign_in, cast):
    sign_in(cast.hv_a.username)

    expect(page).to_have_url(path_is("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^My day: "))
    week = page.get_by_role("table", name="Other visits this week")
    expect(week.get_by_role("link", name=cast.family_a.display_name, exact=True)).to_be_visible()
    body = page.locator("main").inner_text()
    for other in (cast.family_a2, cast.family_a3, cast.family_b):
        assert other.display_name not in body
    # The header names who is signed in; home visitors have no audit page.
    expect(page.locator(".whoami")).to_contain_text("Home visitor, Alpha CMH")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail")
    ).to_have_count(0)


def test_agency_admin_must_enroll_two_factor_then_sees_agency_home(
    page, sign_in, enroll_two_factor, cast
):
    sign_in(cast.admin_a.username)

    # Password alone is not enough for this role: the browser lands on enrollment.
    expect(page).to_have_url(path_is("/account/two-factor/setup/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_text("Your role requires two-factor sign-in")).to_be_visible()
    # Nothing else opens before enrollment.
    page.goto("/families/")
    expect(page).to_have_url(path_is("/account/two-factor/setup/"))

    # A wrong code is refused with a message, and the form stays.
    page.get_by_label("6-digit code from your app").fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator(".error-message")).to_contain_text("That code did not match")
    # django-otp throttles a device for 1 s after a failure (then 2, 4, 8 s ...), and a
    # throttled attempt fails like a wrong code: wait it out, as a person would.
    page.wait_for_timeout(1_200)

    codes = enroll_two_factor()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.get_by_role("status")).to_contain_text("Two-factor sign-in is on.")
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[0-9a-f]{6}-[0-9a-f]{6}", c) for c in codes), codes

    page.get_by_role("link", name="I have saved them. Continue").click()
    expect(page).to_have_url(path_is("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(cast.agency_a.name)
    teams = page.get_by_role("table", name="Teams")
    expect(teams).to_be_visible()
    expect(teams.locator("tbody th")).to_have_text(["A1", "A2"])
    expect(teams.locator("tbody tr").first).to_contain_text("Test sup_a")
    assert cast.agency_b.name not in page.locator("main").inner_text()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Audit trail")).to_be_visible()


def test_wrong_password_shows_the_generic_error(page, sign_in, cast, assert_accessible):
    sign_in(cast.hv_a.username, "not-the-right-password-1")

    expect(page).to_have_url(path_is("/account/login/"))
    alert = page.get_by_role("alert")
    expect(alert).to_have_text(GENERIC_LOGIN_ERROR)
    # The username stays filled in; the password does not.
    expect(page.get_by_label("Username")).to_have_value(cast.hv_a.username)
    expect(page.get_by_label("Password")).to_have_value("")
    assert_accessible(page, "the login page with an error")

    # An unknown username gets exactly the same answer (no account enumeration).
    sign_in("no-such-user", PASSWORD)
    expect(page).to_have_url(path_is("/account/login/"))
    expect(page.get_by_role("alert")).to_have_text(GENERIC_LOGIN_ERROR)


def test_login_page_is_accessible(page, assert_accessible):
    page.goto("/")
    expect(page).to_have_url(path_is("/account/login/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page, "the login page")


def test_home_visitor_pages_are_accessible(page, sign_in, cast, assert_accessible):
    sign_in(cast.hv_a.username)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^My day: "))
    assert_accessible(page, "the home visitor's home page")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Families").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Families")
    assert_accessible(page, "the home visitor's families list")

    page.get_by_role("link", name=cast.family_a.display_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(cast.family_a.display_name)
    assert_accessible(page, "a family's page")


def test_agency_admin_pages_are_accessible(
    page, sign_in, enroll_two_factor, cast, assert_accessible
):
    sign_in(cast.admin_a.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    assert_accessible(page, "the two-factor enrollment page")

    enroll_two_factor()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    assert_accessible(page, "the recovery codes page")

    page.get_by_role("link", name="I have saved them. Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(cast.agency_a.name)
    assert_accessible(page, "the agency administrator's home page")

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Families").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Families")
    expect(
        page.get_by_role("table", name="Families in your scope").locator("tbody tr")
    ).to_have_count(3)
    assert_accessible(page, "the agency's families list")

    page.get_by_role("link", name=cast.family_a2.display_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(cast.family_a2.display_name)
    assert_accessible(page, "a family's page")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    expect(page.get_by_role("table", name="Audit events, newest first")).to_contain_text(
        "family.read"
    )
    assert_accessible(page, "the audit page")

    # A filter with a bad date range re-renders with an error message: still accessible.
    page.get_by_label("From (date)").fill("2026-02-01")
    page.get_by_label("To (date)").fill("2026-01-01")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".error-message")).to_contain_text("on or after the start date")
    assert_accessible(page, "the audit page with a filter error")
