"""Find a family in Chromium (issue 9): a home visitor types part of a caregiver's name,
without its accent, into the families search box and finds the family; a family of the
same name on another caseload is not found. The supervisor finds both of the team's and
filters by home visitor; the agency administrator finds the family's events on the audit
page by name. axe-core checks every page visited.
"""

import re

import pytest
from playwright.sync_api import expect

from imhhv.families.models import Caregiver
from imhhv.families.services.search import refresh_family_search

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def named(family, first, last, child=""):
    Caregiver.objects.create(
        family=family, relationship="primary", first_name=first, last_name=last
    )
    family.display_name = f"{first} {last}"
    family.save(update_fields=["display_name"])
    if child:
        family.children.update(first_name=child)
    refresh_family_search(family)


@pytest.fixture
def families(cast):
    named(cast.family_a, "Marisól", "Testbrowser", child="Inés")
    named(cast.family_a2, "Marisol", "Othercase")  # hv_a2's caseload, same team
    named(cast.family_b, "Marisól", "Testbrowser")  # agency B
    return cast


def search(page, text):
    box = page.get_by_role("search", name="Find families").get_by_label("Search")
    box.fill(text)
    with page.expect_navigation():
        box.press("Enter")


def test_a_home_visitor_finds_a_family_by_part_of_a_name(
    page, sign_in, families, assert_accessible
):
    sign_in(families.hv_a.username)
    page.goto("/families/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Families")
    assert_accessible(page, "the families list")

    search(page, "marisol")  # typed without the accent
    results = page.get_by_role("table", name="Families in your scope")
    expect(results.get_by_role("link", name="Marisól Testbrowser")).to_have_count(1)
    main = page.locator("main").inner_text()
    assert "Othercase" not in main  # another home visitor's family, same agency
    expect(page.get_by_text("1 active family matches your search.")).to_be_visible()
    assert_accessible(page, "the families list with a search")

    search(page, "INÉ")  # part of the child's name
    expect(results.get_by_role("link", name="Marisól Testbrowser")).to_have_count(1)

    search(page, "othercase")
    expect(page.get_by_text("No family in your scope matches.")).to_be_visible()
    assert_accessible(page, "a search that finds nothing")

    # The chart opens from the result.
    search(page, "testbr")
    page.get_by_role("link", name="Marisól Testbrowser").click()
    expect(page).to_have_url(re.compile(rf"/families/{families.family_a.pk}/$"))
    assert_accessible(page, "the chart opened from a search")


def test_a_supervisor_filters_the_teams_families(page, sign_in, families, assert_accessible):
    sign_in(families.sup_a.username)
    page.goto("/families/")
    search(page, "mari")
    results = page.get_by_role("table", name="Families in your scope")
    expect(results.locator("tbody tr")).to_have_count(2)
    form = page.get_by_role("search", name="Find families")
    form.get_by_label("Home visitor").select_option(label=families.hv_a2.display_name())
    with page.expect_navigation():
        form.get_by_role("button", name="Show").click()
    expect(results.locator("tbody tr")).to_have_count(1)
    expect(results).to_contain_text("Marisol Othercase")
    assert "Testbrowser" not in page.locator("main").inner_text().split("Sort by")[-1]
    assert_accessible(page, "the families list filtered by home visitor")


def test_the_audit_page_finds_a_familys_events_by_name(
    page, sign_in, enroll_two_factor, families, assert_accessible
):
    from imhhv.audit.services import record

    for family, reader in ((families.family_a, families.hv_a), (families.family_b, families.hv_b)):
        record(action="family.read", target=family, user=reader, details={"via": "page"})
    sign_in(families.admin_a.username)
    enroll_two_factor()  # agency administrators sign in with two factors
    page.get_by_role("link", name="I have saved them. Continue").click()
    page.goto("/audit/")
    form = page.get_by_role("search", name="Filter the audit trail")
    form.get_by_label("Family").fill("testbrowser")
    with page.expect_navigation():
        form.get_by_role("button", name="Filter").click()
    table = page.get_by_role("table", name="Audit events, newest first")
    link = table.get_by_role("link", name=f"family {families.family_a.pk}")
    expect(link.first).to_be_visible()
    assert f"family {families.family_b.pk}" not in table.inner_text()
    assert_accessible(page, "the audit page filtered by a family's name")
    link.first.click()
    expect(page).to_have_url(re.compile(rf"/families/{families.family_a.pk}/$"))


def test_the_header_search_finds_a_family_from_any_page_even_on_a_phone(
    page, sign_in, families, assert_accessible
):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(families.hv_a.username)
    expect(page).to_have_url(re.compile(r"/$"))
    header = page.get_by_role("search", name="Quick family search")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page, "the home page with the header search")
    header.get_by_label("Find a family").fill("marisol")
    with page.expect_navigation():
        header.get_by_role("button", name="Find").click()
    results = page.get_by_role("table", name="Families in your scope")
    expect(results.get_by_role("link", name="Marisól Testbrowser")).to_have_count(1)
    expect(page.get_by_role("search", name="Quick family search")).to_have_count(0)
    expect(page.get_by_role("search", name="Find families").get_by_label("Search")).to_have_value(
        "marisol"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page, "the families list on a phone")
