"""Two versions of a record at phone width (360 px), in Chromium: a caregiver edit saved
from a page opened before someone else's save shows the explanation and the fields that
differ in a captioned table inside a focusable scroll box; nothing sticks out of the
screen, axe-core finds no violation, and saving again keeps what the person typed."""

import re

import pytest
from django.db.models import F
from playwright.sync_api import expect

from imhhv.families.models import Caregiver, Family
from imhhv.families.tests.factories import CaregiverFactory
from tests.browser.test_phone import OVERFLOW_JS, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_stale_caregiver_edit_shows_both_versions_on_a_phone(
    page, sign_in, cast, assert_accessible
):
    caregiver = CaregiverFactory(
        family=cast.family_a, relationship="secondary", first_name="Testa", birth_date=None
    )
    page.set_viewport_size(PHONE)
    sign_in(cast.hv_a.username)
    page.goto(f"/families/{cast.family_a.pk}/caregivers/{caregiver.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit caregiver")
    # Meanwhile the record is saved from another device (a new version).
    Caregiver.objects.filter(pk=caregiver.pk).update(
        address="1 Synthetic Lane, Apartment 1234567, Testville, Michigan"
    )
    Family.objects.filter(pk=cast.family_a.pk).update(version=F("version") + 1)

    page.locator("#id_address").fill("2 Example Court")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Someone else changed this record")
    region = page.get_by_role("region", name="What differs between the version saved now")
    expect(region).to_have_attribute("tabindex", "0")
    table = region.get_by_role("table")
    expect(table.get_by_role("columnheader", name="Saved now")).to_be_visible()
    expect(table.get_by_role("rowheader", name="Address")).to_be_visible()
    expect(table).to_contain_text("1 Synthetic Lane")
    expect(table).to_contain_text("2 Example Court")
    expect(page.locator("#id_address")).to_have_value("2 Example Court")

    page.wait_for_load_state("load")
    found = page.evaluate(OVERFLOW_JS)
    assert found["scrollWidth"] <= found["innerWidth"], f"the merge scrolls sideways: {found}"
    assert not found["sticking"], f"these stick out of the screen: {found}"
    assert_accessible(page, "the caregiver edit with two versions at 360 px")

    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"/families/{cast.family_a.pk}/$"))
    caregiver.refresh_from_db()
    assert caregiver.address == "2 Example Court"
