"""Reflective supervision in Chromium: the supervisor `sup_a` sees on the team board that
neither home visitor is supervised this week, logs a group session for both through the
session form (first without a supervisee, which comes back with the message and what was
typed), sees it in the sessions list with its note, and the board then shows both
visitors supervised this week. axe-core checks the session form (also with its error),
the sessions list, the board and a home visitor's staff profile.

The clock is set to 15:00 today (local time), so a session today at 10:00 is in the past
and inside this week whichever hour and weekday the suite runs on.

The browser fixtures are the ones every browser test uses (tests/browser/conftest.py:
Debian's Chromium at /usr/bin/chromium, headless, a fresh context per test on the live
server, axe-core through axe-playwright-python).
"""

import re
from datetime import datetime, time

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from imhhv.workforce.models import SupervisionSession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Synthetic group note: noticing our own feelings when a parent is tired."
BOARD = "/team/board/"


def path_is(path: str) -> re.Pattern:
    """A URL pattern matching exactly `path` on the live server (query string allowed)."""
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"(\?.*)?$")


def afternoon():
    today = timezone.localdate()
    return timezone.make_aware(datetime.combine(today, time(15, 0)))


def nav(page, label: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=label, exact=True).click()


def row_of(table, name: str):
    """The body row of `table` whose row header is exactly `name`."""
    return table.locator("tbody tr").filter(
        has=table.page.get_by_role("rowheader", name=name, exact=True)
    )


def supervised_this_week(page, name: str):
    """The "Supervised this week" cell of `name`'s row on the team board."""
    table = page.get_by_role("table", name=re.compile("^One row per home visitor"))
    return row_of(table, name).locator("td").nth(1)


def test_a_supervisor_logs_a_group_session_and_the_team_board_updates(
    page, sign_in, cast, assert_accessible
):
    visitors = [cast.hv_a.display_name(), cast.hv_a2.display_name()]
    with time_machine.travel(afternoon(), tick=True):
        today = timezone.localdate()
        sign_in(cast.sup_a.username)

        # --- The team board before (reports' page at /team/board/) -------------------
        page.goto(BOARD)
        expect(page).to_have_url(path_is(BOARD))
        for name in visitors:
            expect(supervised_this_week(page, name)).to_have_text("No")
        assert_accessible(page, "the team board")

        # --- The sessions list and the form ------------------------------------------
        nav(page, "Reflective supervision")
        expect(page).to_have_url(path_is("/workforce/sessions/"))
        expect(page.get_by_role("table", name=re.compile("^Sessions"))).to_contain_text(
            "No sessions to show."
        )
        page.get_by_role("link", name="Record a session", exact=True).click()
        expect(page).to_have_url(path_is("/workforce/sessions/new/"))
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Record a reflective supervision session"
        )
        assert_accessible(page, "the session form")

        # Without a supervisee: the message, what was typed kept, nothing saved.
        when = page.get_by_role("region", name="When")
        when.get_by_label("Date").fill(today.isoformat())
        when.get_by_label("Start").fill("10:00")
        when.get_by_label("Length in minutes").fill("60")
        when.get_by_role("group", name="Format").get_by_label("Group").check()
        content = page.get_by_role("region", name="Themes and notes")
        content.get_by_label(re.compile("^Themes")).fill("Synthetic theme: tired parents")
        content.get_by_label(re.compile("^Notes")).fill(NOTE)
        with page.expect_navigation():
            page.get_by_role("button", name="Save the session").click()
        expect(page).to_have_url(path_is("/workforce/sessions/new/"))
        who = page.get_by_role("region", name="Who")
        expect(who.locator(".error-message").first).to_have_text("Tick at least one.")
        expect(page.get_by_role("region", name="When").get_by_label("Start")).to_have_value("10:00")
        expect(
            page.get_by_role("region", name="Themes and notes").get_by_label(re.compile("^Notes"))
        ).to_have_value(NOTE)
        assert not SupervisionSession.objects.exists()
        assert_accessible(page, "the session form with an error")

        # Both home visitors, and a family hv_a carries (shown once hv_a is ticked).
        supervisees = who.get_by_role("group", name=re.compile("^Supervisees"))
        families = who.get_by_role(
            "group", name=f"Families discussed with {visitors[0]} (optional)"
        )
        expect(families).to_be_hidden()
        for name in visitors:
            supervisees.get_by_label(name, exact=True).check()
        expect(families).to_be_visible()
        families.get_by_label(cast.family_a.display_name, exact=True).check()
        with page.expect_navigation():
            page.get_by_role("button", name="Save the session").click()

        # --- The list shows it, with the note for its supervisor -----------------------
        expect(page).to_have_url(path_is("/workforce/sessions/"))
        expect(page.get_by_role("status").first).to_contain_text("recorded")
        sessions = page.get_by_role("table", name=re.compile("^Sessions"))
        row = sessions.locator("tbody tr")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Group")
        expect(row).to_contain_text(", ".join(sorted(visitors)))
        expect(row).to_contain_text(NOTE)
        assert_accessible(page, "the sessions list")
        saved = SupervisionSession.objects.get()
        assert {p.user_id for p in saved.participants.all()} == {cast.hv_a.pk, cast.hv_a2.pk}

        # --- The team board after: both supervised this week --------------------------
        page.goto(BOARD)
        for name in visitors:
            expect(supervised_this_week(page, name)).to_have_text("Yes")

        # --- A home visitor's profile, from the board ----------------------------------
        page.get_by_role("link", name=visitors[0], exact=True).click()
        expect(page).to_have_url(path_is(f"/workforce/staff/{cast.hv_a.pk}/"))
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Staff record of {visitors[0]}")
        expect(page.get_by_role("table", name=re.compile("^Every requirement"))).to_contain_text(
            "Not met"
        )
        expect(page.locator("main")).to_contain_text("Supervised this week")
        assert_accessible(page, "a home visitor's staff profile")
