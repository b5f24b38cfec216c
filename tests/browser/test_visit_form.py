"""The visit form a clinician would choose, in Chromium (axe-core on every page visited).

1. Ticking a key component shows its strategies (static/js/visit_form.js); unticking hides
   them again. A 0–3 rating is radio buttons that say what each number means.
2. A refused save comes back with the error summary at the top, focused; each entry links
   to its field.
3. Signing is its own step: the visit page links to a confirmation page, which refuses a
   signature without the attestation, then signs with it.

The visit note's timeout journey (type, pass the idle limit, sign in again, the draft is
there) is tests/browser/test_drafts.py's, on this same form; not repeated here.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from imhhv.core.visit_rules import RATING_SCALE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Synthetic note: floor play, talked about sleep and the baby's crying at night."


def path_is(path: str) -> re.Pattern:
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"(\?.*)?$")


def strategies_of(page, component: str):
    return page.get_by_role("group", name=f"{component}: strategies used")


def test_strategies_follow_the_ticked_components_errors_link_and_signing_attests(
    page, sign_in, cast, catalogue, assert_accessible
):
    from imhhv.visits.models import Visit

    day = timezone.localdate() - timedelta(days=1)
    sign_in(cast.hv_a.username)
    page.goto(f"/visits/family/{cast.family_a.pk}/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Document a visit")

    # Only the strategies of ticked components are shown.
    section = page.get_by_role("region", name="Key components and strategies")
    addressed = section.get_by_role("group", name=re.compile("^Key components addressed"))
    for component in ("Building an alliance", "Developmental guidance", "Material needs"):
        expect(section.locator("fieldset.strategies").filter(has_text=component)).to_be_hidden()
    assert_accessible(page, "the visit form")
    addressed.get_by_label("Developmental guidance", exact=True).check()
    guidance = strategies_of(page, "Developmental guidance")
    expect(guidance).to_be_visible()
    expect(section.locator("fieldset.strategies").filter(has_text="Material needs")).to_be_hidden()
    rating = guidance.get_by_role(
        "group", name=re.compile("^Talked with the caregiver about what the child can do")
    )
    for value, meaning in RATING_SCALE:
        expect(rating.get_by_label(f"{value} – {meaning}", exact=True)).to_be_visible()
    rating.get_by_label(f"2 – {dict(RATING_SCALE)[2]}", exact=True).check()
    addressed.get_by_label("Building an alliance", exact=True).check()
    expect(strategies_of(page, "Building an alliance")).to_be_visible()
    addressed.get_by_label("Building an alliance", exact=True).uncheck()
    expect(
        section.locator("fieldset.strategies").filter(has_text="Building an alliance")
    ).to_be_hidden()
    assert_accessible(page, "the visit form with a component ticked")

    # A completed visit without its end and place: the error summary, focused, with links.
    when = page.get_by_role("region", name="When and where")
    when.get_by_label("Date", exact=True).fill(day.isoformat())
    when.get_by_label("Outcome").select_option(label="Completed")
    when.get_by_label("Started").fill("10:00")
    page.get_by_role("region", name="Note", exact=True).get_by_label("Narrative note").fill(NOTE)
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name=re.compile("^Ended: ")).click()
    expect(page.get_by_role("region", name="When and where").get_by_label("Ended")).to_be_focused()
    summary.get_by_role("link", name=re.compile("^Where")).click()
    expect(page.locator("#id_place")).to_be_focused()
    # What was typed is still there, the ticked component's strategies too.
    expect(page.get_by_label("Narrative note")).to_have_value(NOTE)
    expect(strategies_of(page, "Developmental guidance")).to_be_visible()
    assert not Visit.objects.exists()
    assert_accessible(page, "the visit form with the error summary")

    when = page.get_by_role("region", name="When and where")
    when.get_by_label("Ended").fill("11:40")
    when.get_by_label(re.compile("^Where")).select_option(label="Family home")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Visit of {day:%A %-d %B %Y}")
    expect(
        page.get_by_role("table", name="Strategies").get_by_role(
            "row", name=re.compile("what the child can do now")
        )
    ).to_contain_text(f"2 – {dict(RATING_SCALE)[2]}")
    assert_accessible(page, "the visit page")

    # Signing: a separate step with the attestation.
    visit_path = page.url
    page.get_by_role("link", name="Sign the note").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Sign the note of "))
    expect(page.locator(".note")).to_have_text(NOTE)
    assert_accessible(page, "the sign page")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign the note").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("I attest this note is accurate and complete")
    assert Visit.objects.get().signed_at is None
    assert_accessible(page, "the sign page refusing without the attestation")
    summary.get_by_role("link").first.click()
    attest = page.get_by_label("I attest this note is accurate and complete")
    expect(attest).to_be_focused()
    attest.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign the note").click()
    expect(page).to_have_url(visit_path)
    expect(page.get_by_role("status").filter(has_text="Note signed")).to_be_visible()
    expect(page.locator(".tag-ok")).to_have_text(re.compile(r"^Signed "))
    expect(page.get_by_role("link", name="Sign the note")).to_have_count(0)
    assert Visit.objects.get().signed_by_id == cast.hv_a.pk
    assert_accessible(page, "the signed visit page")
