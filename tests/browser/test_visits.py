"""Home visits and fidelity in Chromium: document a visit, see it on the team's page.

The home visitor `hv_a` opens "My week", documents a completed home visit for the cast's
`family_a` from the family's chart (first with the end before the start, which comes back
with the field error), signs the note and amends it. The supervisor `sup_a` then sees the
visit on the team's fidelity page and the visitor's drill-down; the state administrator
sees every agency without names, and the fidelity catalogue. axe-core checks every page,
including the form re-rendered with an error.
"""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from imhhv.core.calendar import week_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST_NOTE = "Played on the floor with the baby; talked about sleep and crying."
AMENDED_NOTE = "Played on the floor with the baby; talked about sleep, crying and feeding."


def path_is(path: str) -> re.Pattern:
    """A URL pattern matching exactly `path` on the live server (query string allowed)."""
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"(\?.*)?$")


def path_matches(pattern: str) -> re.Pattern:
    return re.compile(r"^https?://[^/]+" + pattern + r"(\?.*)?$")


def nav(page, label: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=label, exact=True).click()


def row_of(table, name: str):
    """The body row of `table` whose row header is exactly `name`."""
    return table.locator("tbody tr").filter(
        has=table.page.get_by_role("rowheader", name=name, exact=True)
    )


def visit_day():
    """Last week's Wednesday: inside the weeks that are over (the fidelity pages count only
    those; this week is "so far"), whatever weekday the test runs on."""
    return week_start(timezone.localdate()) - timedelta(days=5)


def document_a_visit(page, cast, assert_accessible) -> str:
    """hv_a documents, signs and amends a recent home visit (`visit_day`); returns its path."""
    family = cast.family_a.display_name
    visited = visit_day()

    # My week.
    nav(page, "My week")
    expect(page).to_have_url(path_is("/visits/week/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^My week of "))
    not_seen = page.get_by_role("region", name=re.compile("Not seen for 14 days"))
    expect(not_seen.get_by_role("link", name=family)).to_be_visible()
    assert_accessible(page, "my week")

    # The family's chart → Document a visit.
    nav(page, "Families")
    page.get_by_role("link", name=family, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(family)
    visits = page.get_by_role("region", name="Visits", exact=True)
    expect(visits.get_by_role("table", name="Recent visits")).to_contain_text(
        "No visits recorded yet."
    )
    visits.get_by_role("link", name="Document a visit").click()
    expect(page).to_have_url(path_is(f"/visits/family/{cast.family_a.pk}/new/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Document a visit")
    assert_accessible(page, "the visit form")

    # A completed visit ending before it starts: the field error, nothing saved.
    when = page.get_by_role("region", name="When and where")
    when.get_by_label("Date", exact=True).fill(visited.isoformat())
    when.get_by_label("Outcome").select_option(label="Completed")
    when.get_by_label("Started").fill("10:00")
    when.get_by_label("Ended").fill("09:30")
    when.get_by_label(re.compile("^Where")).select_option(label="Family home")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(path_is(f"/visits/family/{cast.family_a.pk}/new/"))
    when = page.get_by_role("region", name="When and where")
    expect(when.locator(".error-message")).to_have_text("The end must be after the start.")
    ended = when.get_by_label("Ended")
    expect(ended).to_have_accessible_description(re.compile("The end must be after the start"))
    # What was typed is still there.
    expect(when.get_by_label("Date", exact=True)).to_have_value(visited.isoformat())
    expect(when.get_by_label("Started")).to_have_value("10:00")
    expect(when.get_by_label(re.compile("^Where"))).to_have_value("home")
    from imhhv.visits.models import Visit

    assert not Visit.objects.exists()
    assert_accessible(page, "the visit form with a field error")

    # Now the whole visit, as it happened.
    ended.fill("11:40")
    who = page.get_by_role("region", name="Who took part")
    for group in ("Caregivers present", "Children present"):
        for box in who.get_by_role("group", name=re.compile(group)).get_by_role("checkbox").all():
            box.check()
    components = page.get_by_role("region", name="Key components and strategies")
    addressed = components.get_by_role("group", name=re.compile("^Key components addressed"))
    addressed.get_by_label("Building an alliance", exact=True).check()
    addressed.get_by_label("Developmental guidance", exact=True).check()
    components.get_by_role("group", name="Building an alliance: strategies used").get_by_role(
        "group", name=re.compile("^Followed the family's lead on what to talk about")
    ).get_by_label("Yes", exact=True).check()
    components.get_by_role("group", name="Developmental guidance: strategies used").get_by_role(
        "group", name=re.compile("^Talked with the caregiver about what the child can do now")
    ).get_by_label(re.compile("^2 – ")).check()
    note = page.get_by_role("region", name="Note", exact=True)
    note.get_by_label(
        "Asked the caregiver about concerns with the child's development or behaviour"
    ).check()
    note.get_by_label("Narrative note").fill(FIRST_NOTE)
    note.get_by_label("Next steps").fill("Bring the sleep diary next week.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()

    # The visit page.
    expect(page).to_have_url(path_matches(r"/visits/\d+/"))
    visit_path = urlsplit(page.url).path
    expect(page.get_by_role("status")).to_have_text("Visit saved. Sign the note when it is final.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Visit of {visited:%A %-d %B %Y}")
    expect(page.locator(".tag-warning").filter(has_text="Not signed")).to_have_count(1)
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("10:00–11:40 (100 minutes)")
    expect(facts).to_contain_text("Family home")
    expect(facts).to_contain_text("Test Child")
    expect(page.locator("main ul").first).to_have_text(
        re.compile("Building an alliance.*Developmental guidance", re.S)
    )
    strategies = page.get_by_role("table", name="Strategies")
    expect(
        strategies.get_by_role("row", name=re.compile("Followed the family's lead"))
    ).to_contain_text("Yes")
    expect(
        strategies.get_by_role("row", name=re.compile("what the child can do now"))
    ).to_contain_text(re.compile("2 – "))
    expect(page.locator(".note")).to_have_text(FIRST_NOTE)
    assert_accessible(page, "the visit page")

    # Sign the note: its own page, with the attestation (tests/browser/test_visit_form.py
    # checks the refusal without it).
    page.get_by_role("link", name="Sign the note").click()
    expect(page).to_have_url(path_is(f"{visit_path}sign/"))
    page.get_by_label("I attest this note is accurate and complete").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign the note").click()
    expect(page).to_have_url(path_is(visit_path))
    expect(page.get_by_role("status")).to_have_text(
        "Note signed. Later changes are amendments with a reason."
    )
    expect(page.locator(".tag-ok")).to_have_text(re.compile(r"^Signed "))
    expect(page.get_by_role("link", name="Sign the note")).to_have_count(0)
    assert_accessible(page, "the signed visit page")

    # Amend the signed note: a reason, a changed note; the old text stays readable.
    page.get_by_role("link", name="Amend", exact=True).click()
    expect(page).to_have_url(path_is(f"{visit_path}edit/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Amend the signed note")
    assert_accessible(page, "the amendment form")
    page.get_by_role("region", name="Reason").get_by_label(
        "Why is the signed note being changed?"
    ).fill("Forgot to mention feeding")
    note = page.get_by_role("region", name="Note", exact=True).get_by_label("Narrative note")
    expect(note).to_have_value(FIRST_NOTE)
    note.fill(AMENDED_NOTE)
    with page.expect_navigation():
        page.get_by_role("button", name="Save the amendment").click()
    expect(page).to_have_url(path_is(visit_path))
    expect(page.get_by_role("status")).to_have_text(
        "Amendment saved. The note as signed stays in the history."
    )
    expect(page.locator(".note")).to_have_text(AMENDED_NOTE)
    amendment = page.get_by_role("region", name=re.compile("^Amendment of "))
    expect(amendment).to_have_count(1)
    expect(amendment).to_contain_text("Reason: Forgot to mention feeding")
    expect(amendment).to_contain_text(cast.hv_a.display_name())
    changed = amendment.get_by_role("table", name="Changes").locator("tbody tr")
    expect(changed).to_have_count(1)
    expect(changed.locator("th")).to_have_text("note")
    expect(changed.locator("td")).to_have_text([FIRST_NOTE, AMENDED_NOTE])
    expect(page.locator(".tag-ok")).to_have_text(re.compile(r"^Signed "))
    assert_accessible(page, "the visit page with an amendment")

    # The chart lists the visit, signed.
    page.get_by_role("link", name=f"← {family}").click()
    recent = page.get_by_role("table", name="Recent visits")
    row = recent.locator("tbody tr").filter(has_text=f"{visited:%-d %b %Y}")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Completed")
    expect(row).to_contain_text("Family home")
    expect(row).to_contain_text("100")
    expect(row).to_contain_text("signed")
    return visit_path


def test_home_visitor_documents_a_visit_and_the_supervisor_sees_it(
    page, sign_in, cast, catalogue, assert_accessible
):
    visited = visit_day()
    hv_a = cast.hv_a.display_name()

    sign_in(cast.hv_a.username)
    document_a_visit(page, cast, assert_accessible)

    # The supervisor, in a fresh session: Fidelity leads to the team's page.
    page.context.clear_cookies()
    sign_in(cast.sup_a.username)
    nav(page, "Fidelity")
    expect(page).to_have_url(path_is(f"/visits/fidelity/team/{cast.team_a.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Fidelity: {cast.team_a.name}")
    visitors = page.get_by_role("table", name="Home visitors")
    row = row_of(visitors, hv_a)
    expect(row).to_have_count(1)
    cells = row.get_by_role("cell")
    expect(cells.nth(0)).to_have_text("1")  # families
    expect(cells.nth(1)).to_have_text("1")  # home visits
    expect(cells.nth(3)).to_have_text("100%")  # within 90–120 minutes
    expect(row_of(visitors, cast.hv_a2.display_name())).to_have_count(1)
    assert_accessible(page, "the team fidelity page")

    # Drill down to the home visitor.
    row.get_by_role("link", name=hv_a, exact=True).click()
    expect(page).to_have_url(path_is(f"/visits/fidelity/visitor/{cast.hv_a.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Fidelity: {hv_a}")
    families = page.get_by_role("table", name="Families")
    family_row = row_of(families, cast.family_a.display_name)
    expect(family_row.get_by_role("cell").nth(1)).to_have_text("1")
    expect(family_row.get_by_role("cell").nth(3)).to_have_text("100%")
    shares = page.get_by_role(
        "table", name="Share of completed home visits addressing each component"
    )
    expect(row_of(shares, "Building an alliance").get_by_role("cell")).to_have_text("100%")
    expect(row_of(shares, "Material needs").get_by_role("cell")).to_have_text("0%")
    assert_accessible(page, "the home visitor's fidelity page")

    # The chart's figures, as a table.
    weekly = page.get_by_role("table", name="Weekly figures")
    expect(weekly).to_be_hidden()
    page.get_by_text("Table of the weekly figures").click()
    expect(weekly).to_be_visible()
    week = row_of(weekly, f"{week_start(visited):%-d %b %Y}")
    expect(week.get_by_role("cell")).to_have_text(["1", "1", "100%", "1", "1", "100%"])
    assert_accessible(page, "the home visitor's fidelity page with the weekly table open")


def test_state_admin_sees_every_agency_without_names_and_the_catalogue(
    page, sign_in, enroll_two_factor, cast, catalogue, assert_accessible
):
    from imhhv.visits import services
    from imhhv.visits.models import Visit

    # One completed home visit of 100 minutes at agency A, documented through the service.
    # Last week's Wednesday: inside the weeks that are over, whatever today is.
    started = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    started -= timedelta(days=timezone.localdate().weekday() + 5)
    services.document_visit(
        family=cast.family_a,
        visitor=cast.hv_a,
        by=cast.hv_a,
        data={
            "scheduled_at": started,
            "outcome": Visit.Outcome.COMPLETED,
            "started_at": started,
            "ended_at": started + timedelta(minutes=100),
            "place": Visit.Place.HOME,
            "note": "Seen at home.",
        },
        components=["alliance"],
    )

    sign_in(cast.state_admin.username)
    expect(page).to_have_url(path_is("/account/two-factor/setup/"))
    enroll_two_factor()
    page.get_by_role("link", name="I have saved them. Continue").click()
    expect(page).to_have_url(path_is("/"))

    nav(page, "Fidelity")
    expect(page).to_have_url(path_is("/visits/fidelity/state/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Fidelity across agencies")
    agencies = page.get_by_role("table", name="Agencies")
    expect(agencies.locator("tbody th")).to_have_text([cast.agency_a.name, cast.agency_b.name])
    # Agency A has 3 families and 1 home visit: small cells (1-10 people) are hidden, and so
    # is the statewide total of 1 home visit (with B's 0 it would give A's away).
    alpha = row_of(agencies, cast.agency_a.name).get_by_role("cell")
    expect(alpha.nth(0)).to_have_text("—")  # families at agency A
    expect(alpha.nth(1)).to_have_text("—")  # home visits
    expect(alpha.nth(3)).to_have_text("—")  # a share resting on hidden counts
    expect(row_of(agencies, cast.agency_b.name).get_by_role("cell").nth(1)).to_have_text("0")
    expect(agencies.locator("tfoot td").nth(1)).to_have_text("—")
    expect(page.locator("main")).to_contain_text("A dash marks a figure hidden")
    main = page.locator("main").inner_text()
    for family in (cast.family_a, cast.family_a2, cast.family_a3, cast.family_b):
        assert family.display_name not in main
    for person in (cast.hv_a, cast.hv_a2, cast.hv_b, cast.sup_a):
        assert person.username not in main
    assert_accessible(page, "the statewide fidelity page")

    nav(page, "Fidelity tool")
    expect(page).to_have_url(path_is("/visits/catalogue/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Fidelity catalogue")
    expect(page.locator("main")).to_contain_text("Starter catalogue")
    expect(page.get_by_role("heading", level=2, name=re.compile(r"^\d\. "))).to_have_count(7)
    expect(page.get_by_role("button", name="Publish the new version")).to_be_visible()
    assert_accessible(page, "the fidelity catalogue page")
