"""Never lose work, in Chromium: the idle-timeout journey and the warning before it.

1. The home visitor `hv_a` opens a new visit note for `family_a`, types, and the page
   saves a draft ten quiet seconds later. The server's clock then passes the idle limit
   (the live server runs in this process, so `time_machine` moves its clock): reloading
   the page leads to sign-in, and signing in again opens the note with the text restored.
2. Two minutes before the limit the page warns in a modal dialog that takes the focus;
   "Stay signed in" keeps the session; typing later counts as activity (a keepalive); at
   the limit the dialog says the person was signed out.

The page's own timers run on Playwright's clock (`page.clock`), so nothing waits for real
time. axe-core checks every page on the way, the dialog included.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from imhhv.drafts.models import Draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Synthetic note: we read a picture book together and talked about naps."
IDLE = int(settings.SESSION_IDLE_TIMEOUT.total_seconds())


def path_is(path: str) -> re.Pattern:
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"(\?.*)?$")


def test_a_note_typed_before_the_idle_timeout_is_there_after_signing_in_again(
    page, sign_in, cast, catalogue, assert_accessible
):
    page.clock.install()
    sign_in(cast.hv_a.username)
    assert_accessible(page, "the home page")
    form_path = f"/visits/family/{cast.family_a.pk}/new/"
    page.goto(form_path)
    assert_accessible(page, "the new visit note")

    page.get_by_label("Narrative note").fill(NOTE)
    page.clock.run_for(11_000)  # ten quiet seconds after the last keystroke
    expect(page.locator("[data-draft-live]")).to_have_text("Draft saved just now.")
    assert Draft.objects.get(user=cast.hv_a, form="visit-note").data["note"] == [NOTE]
    assert_accessible(page, "the visit note after the autosave")

    with time_machine.travel(timezone.now() + timedelta(seconds=IDLE + 60), tick=True):
        page.reload()
        expect(page).to_have_url(re.compile(r"/account/login/\?next="))
        expect(
            page.get_by_text("You were signed out after a period of inactivity.")
        ).to_be_visible()
        assert_accessible(page, "sign-in after the timeout")
        page.get_by_label("Username").fill(cast.hv_a.username)
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(path_is(form_path))
        expect(page.get_by_text("We restored the draft you were writing on")).to_be_visible()
        expect(page.get_by_label("Narrative note")).to_have_value(NOTE)
        assert_accessible(page, "the visit note with its draft restored")


def test_the_page_warns_before_the_timeout_and_typing_keeps_the_session(
    page, sign_in, cast, assert_accessible
):
    page.clock.install()
    sign_in(cast.sup_a.username)
    page.goto("/families/referrals/new/")
    assert_accessible(page, "the new referral form")

    page.clock.run_for((IDLE - 120 + 5) * 1000)
    warning = page.get_by_role("alertdialog", name="You will be signed out soon")
    expect(warning).to_be_visible()
    stay = warning.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    assert_accessible(page, "the idle warning")
    with page.expect_response("**/account/keepalive/") as answer:
        stay.click()
    assert answer.value.ok
    expect(warning).to_be_hidden()

    # Typing in a form is activity: a keepalive goes out once a minute at most.
    page.clock.run_for(90_000)
    with page.expect_request("**/account/keepalive/"):
        page.get_by_label("Referrer's name").fill("Synthetic Referrer")

    # The autosave about 10 s after typing is the last contact with the server (the page
    # counts from when a request was sent, not from when its answer came back); the page
    # says it is signed out within a tick (5 s) of the idle limit after it.
    page.clock.run_for((IDLE + 10 + 10) * 1000)
    expect(page.get_by_role("alertdialog", name="You were signed out")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in again")).to_be_focused()
    assert_accessible(page, "the signed-out notice")
