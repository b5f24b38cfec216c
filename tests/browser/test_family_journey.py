"""A family's journey in Chromium: intake → screen → waitlist → enroll → assign → chart.

The supervisor `sup_a` (manage_intake, assign_caseload, supervise; no two-factor needed)
drives the real forms from the main navigation, and axe-core checks every page on the way,
including the forms re-rendered with errors. A second test shows the duplicate warning.
"""

import importlib
import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CAREGIVER = ("Rosa", "Journeyman")
CAREGIVER_BORN = "1996-05-14"


def path_is(path: str) -> re.Pattern:
    """A URL pattern matching exactly `path` on the live server (query string allowed)."""
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"(\?.*)?$")


def path_matches(pattern: str) -> re.Pattern:
    return re.compile(r"^https?://[^/]+" + pattern + r"(\?.*)?$")


@pytest.fixture
def risk_factors(transactional_db):
    """The reference list from the data migration. A transactional test flushes the
    database afterwards, so a browser test that runs after another one finds it empty."""
    from imhhv.reference.models import RiskFactor

    seed = importlib.import_module("imhhv.families.migrations.0002_risk_factors")
    for order, (code, label, applies_to) in enumerate(seed.RISK_FACTORS, start=1):
        RiskFactor.objects.update_or_create(
            code=code, defaults={"label": label, "applies_to": applies_to, "sort_order": order * 10}
        )


def nav(page, label: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=label, exact=True).click()


def fill_referral(page, *, referral_date: str, first_name: str, child_born: str | None = None):
    """The referral part, caregiver 1 and (optionally) one child of the new-referral form."""
    referral = page.get_by_role("region", name="Referral", exact=True)
    referral.get_by_label("Referral date").fill(referral_date)
    referral.get_by_label("Referral source").select_option(label="Pediatric or primary care")
    referral.get_by_label("Referrer's name").fill("Dr. Test Referrer")
    referral.get_by_label("Depression or other mental illness").check()
    referral.get_by_label("Medicaid status").select_option("enrolled")
    referral.get_by_label("The family agreed to be contacted").check()

    caregiver = page.get_by_role("region", name="Caregiver 1", exact=True)
    caregiver.get_by_label("First name").fill(first_name)
    caregiver.get_by_label("Last name").fill(CAREGIVER[1])
    caregiver.get_by_label("Birth date").fill(CAREGIVER_BORN)
    caregiver.get_by_label("Phone").fill("734-555-0100")

    if child_born:
        children = page.get_by_role("region", name="Children already born")
        children.get_by_label("Child's first name").first.fill("Milo")
        children.get_by_label("Child's birth date").first.fill(child_born)


def test_supervisor_takes_a_family_from_referral_to_chart(
    page, sign_in, cast, qualified_visitors, risk_factors, assert_accessible
):
    today = timezone.localdate()
    referred = today - timedelta(days=10)
    child_born = today - timedelta(days=125)  # always 4 months old, never 5
    first, last = CAREGIVER
    hv_a, hv_a2 = cast.hv_a.display_name(), cast.hv_a2.display_name()

    sign_in(cast.sup_a.username)

    # Referrals → New referral.
    nav(page, "Referrals")
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals")
    expect(page.get_by_role("table", name="Referrals")).to_contain_text("No referrals.")
    assert_accessible(page, "the referral list")

    page.get_by_role("link", name="New referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New referral")
    assert_accessible(page, "the new referral form")

    # First try without the caregiver's first name: field errors, nothing saved.
    fill_referral(
        page, referral_date=referred.isoformat(), first_name="", child_born=child_born.isoformat()
    )
    page.get_by_role("button", name="Save the referral").click()
    expect(page).to_have_url(path_is("/families/referrals/new/"))
    caregiver = page.get_by_role("region", name="Caregiver 1", exact=True)
    expect(caregiver.locator(".error-message")).to_have_text("This field is required.")
    first_name = caregiver.get_by_label("First name")
    expect(first_name).to_have_accessible_description(re.compile("This field is required"))
    # What was typed is still there.
    expect(caregiver.get_by_label("Last name")).to_have_value(last)
    expect(page.get_by_label("Depression or other mental illness")).to_be_checked()
    assert_accessible(page, "the new referral form with field errors")

    first_name.fill(first)
    with page.expect_navigation():
        page.get_by_role("button", name="Save the referral").click()
    expect(page).to_have_url(path_matches(r"/families/referrals/\d+/"))
    referral_path = urlsplit(page.url).path
    expect(page.get_by_role("status")).to_have_text(
        "Referral saved. Screen it for eligibility next."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral of {referred:%-d %B %Y}")
    expect(page.locator("main")).to_contain_text(f"{first} {last}")
    expect(page.locator("main")).to_contain_text("Not screened yet.")
    assert_accessible(page, "the referral before screening")

    # Screen: eligible, with every reason.
    with page.expect_navigation():
        page.get_by_role("button", name="Screen for eligibility").click()
    expect(page.get_by_role("status")).to_have_text("Eligible.")
    expect(page.locator(".tag")).to_have_text("Eligible, waiting")
    expect(page.locator("main")).to_contain_text(
        f"Screened {today:%-d %B %Y}: eligible by the rule."
    )
    reasons = page.locator("ul.reasons li")
    expect(reasons.filter(has_text=f"Child born {child_born.isoformat()}")).to_have_count(1)
    expect(reasons.filter(has_text="Medicaid")).to_have_count(1)
    assert reasons.count() >= 3, reasons.all_inner_texts()
    expect(page.get_by_role("button", name="Screen again")).to_be_visible()
    expect(page.get_by_role("link", name="Enroll the family")).to_be_visible()
    assert_accessible(page, "the referral after screening")

    # The waitlist shows the caregiver, waiting since the referral date.
    nav(page, "Waitlist")
    expect(page.get_by_role("heading", level=1)).to_have_text("Waitlist")
    waitlist = page.get_by_role("table", name="Waitlist in priority order")
    row = waitlist.locator("tbody tr").filter(has_text=f"{first} {last}")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(4)).to_have_text("10")  # days waiting
    expect(row.get_by_role("link", name=f"{first} {last}")).to_have_attribute("href", referral_path)
    expect(page.get_by_role("table", name="Open slots per home visitor")).to_contain_text(hv_a)
    assert_accessible(page, "the waitlist")

    # Enroll, from the waitlist.
    row.get_by_role("link", name="Enroll this family").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enroll the family")
    caregiver = page.get_by_role("region", name="Caregiver 1", exact=True)
    expect(caregiver.get_by_label("First name")).to_have_value(first)
    expect(caregiver.get_by_label("Last name")).to_have_value(last)
    expect(caregiver.get_by_label("Birth date")).to_have_value(CAREGIVER_BORN)
    expect(caregiver.get_by_label("Relationship")).to_have_value("primary")
    expect(caregiver.get_by_label("Insurance")).to_have_value("medicaid")
    child = page.get_by_role("region", name="Child 1", exact=True)
    expect(child.get_by_label("First name")).to_have_value("Milo")
    expect(child.get_by_label("Birth date")).to_have_value(child_born.isoformat())
    enrollment = page.get_by_role("region", name="Enrollment", exact=True)
    expect(enrollment.get_by_label("Enrollment date")).to_have_value(today.isoformat())
    expect(enrollment.get_by_label("Consent to services")).not_to_be_checked()  # never pre-ticked
    assert_accessible(page, "the enrollment form")

    # Without consent to services the form comes back with the error on that group.
    consents = enrollment.get_by_role("group", name="Consents given today")
    consents.get_by_label("Consent to services").uncheck()
    consents.get_by_label("Share de-identified data with evaluators").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Enroll", exact=True).click()
    expect(consents).to_have_accessible_description(
        "Services need the family's consent to services."
    )
    expect(caregiver.get_by_label("First name")).to_have_value(first)
    assert_accessible(page, "the enrollment form with an error")
    consents.get_by_label("Consent to services").check()

    caregiver.get_by_role("group", name="Race").get_by_label("White").check()
    caregiver.get_by_role("group", name="Race").get_by_label(
        "Middle Eastern or North African"
    ).check()
    caregiver.get_by_label("Hispanic or Latino ethnicity").select_option(
        label="Not Hispanic or Latino"
    )
    programs = caregiver.get_by_role("group", name="Means-tested programs")
    programs.get_by_label("Medicaid", exact=True).check()
    programs.get_by_label("WIC", exact=True).check()
    # The birth details are new at enrollment.
    child.get_by_label("Gestational age at birth (weeks)").fill("39")
    child.get_by_label("Birth weight (grams)").fill("3300")
    enrollment.get_by_label("Home visitor").select_option(label=f"{hv_a} (A1, 1.00 FTE)")
    with page.expect_navigation():
        page.get_by_role("button", name="Enroll", exact=True).click()

    # The family chart.
    expect(page).to_have_url(path_matches(r"/families/\d+/"))
    chart_url = page.url
    expect(page.get_by_role("status")).to_have_text(f"{first} {last} is enrolled.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{first} {last}")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(hv_a)
    expect(facts).to_contain_text(f"enrolled since {today:%-d %B %Y}")
    children = page.get_by_role("table", name="Children")
    expect(children.get_by_role("row", name=re.compile("Milo"))).to_contain_text("4 months")
    caregivers = page.get_by_role("table", name="Caregivers")
    expect(caregivers.get_by_role("row", name=re.compile(f"{first} {last}"))).to_contain_text(
        "Primary caregiver"
    )
    episodes = page.get_by_role("region", name="Enrollment history")
    expect(episodes.locator("li")).to_have_text([f"{today:%-d %b %Y} – now"])
    visitors = page.get_by_role("region", name="Home visitors")
    expect(visitors.locator("li")).to_have_text(
        [f"{hv_a}: {today:%-d %b %Y} – now (first assignment at enrollment)"]
    )
    expect(page.get_by_role("region", name="Consents")).to_contain_text(
        f"Consent to services: given {today:%-d %b %Y}"
    )
    assert_accessible(page, "the family chart")

    # Assign or transfer to hv_a2, with a reason.
    page.get_by_role("link", name="Assign or transfer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Assign or transfer {first} {last}")
    expect(page.locator("main")).to_contain_text(f"Now with: {hv_a}.")
    loads = page.get_by_role("table", name="Home visitors and their caseloads")
    expect(loads.get_by_role("row", name=re.compile(hv_a2))).to_be_visible()
    assert_accessible(page, "the assign page")

    page.get_by_label("Home visitor").select_option(label=f"{hv_a2} (A1, 1.00 FTE)")
    page.get_by_label("Reason").fill("Family moved to the east side")
    with page.expect_navigation():
        page.get_by_role("button", name="Assign", exact=True).click()
    expect(page).to_have_url(chart_url)
    expect(page.get_by_role("status")).to_have_text(f"{first} {last} is now with {hv_a2}.")
    expect(page.locator("dl.facts")).to_contain_text(hv_a2)
    visitors = page.get_by_role("region", name="Home visitors")
    expect(visitors.locator("li")).to_have_count(2)
    expect(visitors.locator("li").filter(has_text=hv_a2)).to_have_text(
        f"{hv_a2}: {today:%-d %b %Y} – now (Family moved to the east side)"
    )
    expect(visitors.locator("li").filter(has_text=f"{hv_a}:")).to_contain_text(
        f"{hv_a}: {today:%-d %b %Y} – {today:%-d %b %Y}"
    )
    assert_accessible(page, "the family chart after the transfer")

    # The referral is now enrolled and links to the chart; the waitlist is empty again.
    page.goto(referral_path)
    expect(page.locator(".tag")).to_have_text("Enrolled")
    expect(page.get_by_role("link", name="Open the family's chart")).to_be_visible()
    assert_accessible(page, "the enrolled referral")

    nav(page, "Waitlist")
    expect(page.get_by_role("table", name="Waitlist in priority order")).to_contain_text(
        "Nobody is waiting."
    )

    # Capacity: hv_a2 now has one more active family than the cast gave them.
    nav(page, "Capacity")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Capacity at {cast.agency_a.name}")
    slots = page.get_by_role("table", name="Open slots per home visitor")
    expect(slots.get_by_role("row", name=re.compile(hv_a2)).locator("td").nth(2)).to_have_text("2")
    assert_accessible(page, "the capacity page")


def test_duplicate_referral_is_flagged_and_saved_only_when_confirmed(
    page, sign_in, cast, risk_factors, assert_accessible
):
    from imhhv.families import services
    from imhhv.families.models import Referral

    today = timezone.localdate()
    first, last = CAREGIVER
    existing = services.create_referral(
        agency=cast.agency_a,
        by=cast.sup_a,
        data={
            "referral_date": today - timedelta(days=30),
            "source": "wic",
            "medicaid_status": "enrolled",
            "consent_to_contact": True,
        },
        caregivers=[
            {
                "first_name": first.upper(),  # normalised names match across case
                "last_name": last,
                "birth_date": date.fromisoformat(CAREGIVER_BORN),
                "preferred_language": "en",
            }
        ],
        children=[],
        risk_factor_codes=["mental_illness"],
    )

    sign_in(cast.sup_a.username)
    page.goto("/families/referrals/new/")
    fill_referral(page, referral_date=today.isoformat(), first_name=first)
    page.get_by_role("button", name="Save the referral").click()

    warning = page.get_by_role("alert").filter(has_text="Possible duplicates")
    expect(warning.get_by_role("heading")).to_have_text("Possible duplicates at your agency")
    link = warning.get_by_role("link", name=f"Referral of {existing.referral_date:%-d %b %Y}")
    expect(link).to_have_attribute("href", f"/families/referrals/{existing.pk}/")
    assert Referral.objects.count() == 1
    confirm = page.get_by_label("this is a different family")
    expect(confirm).not_to_be_checked()
    assert_accessible(page, "the new referral form with possible duplicates")

    # Saving again without the box shows the warning again and saves nothing.
    with page.expect_navigation():
        page.get_by_role("button", name="Save the referral").click()
    expect(page.get_by_role("alert").filter(has_text="Possible duplicates")).to_be_visible()
    assert Referral.objects.count() == 1

    page.get_by_label("this is a different family").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save the referral").click()
    expect(page).to_have_url(path_matches(r"/families/referrals/\d+/"))
    expect(page.get_by_role("status")).to_have_text(
        "Referral saved. Screen it for eligibility next."
    )
    assert Referral.objects.count() == 2
    assert not page.url.endswith(f"/families/referrals/{existing.pk}/")


@pytest.mark.browser
def test_enrolling_with_the_prefilled_people_as_shown(page, sign_in, cast, risk_factors):
    """Intake recorded the caregiver and the child; accepting them unchanged must enroll."""
    from imhhv.families import services

    today = timezone.localdate()
    referral = services.create_referral(
        agency=cast.agency_a,
        by=cast.sup_a,
        data={"referral_date": today, "source": "self", "medicaid_status": "enrolled"},
        caregivers=[{"first_name": "Ada", "last_name": "Asis", "preferred_language": "en"}],
        children=[{"first_name": "Bo", "birth_date": today - timedelta(days=60)}],
        risk_factor_codes=["mental_illness"],
    )
    services.screen_referral(referral=referral, by=cast.sup_a)

    sign_in(cast.sup_a.username)
    page.goto(f"/families/referrals/{referral.pk}/enroll/")
    expect(page.get_by_role("region", name="Child 1").get_by_label("First name")).to_have_value(
        "Bo"
    )
    page.get_by_label("Consent to services").check()  # the family's decision: never pre-ticked
    with page.expect_navigation():
        page.get_by_role("button", name="Enroll", exact=True).click()
    expect(page.get_by_role("alert")).to_have_count(0, timeout=1_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Asis", timeout=1_000)
