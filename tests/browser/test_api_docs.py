"""The API docs page in Chromium: reached from the menu by a role that uses the API, inside
the site's header, and free of axe-core violations (issue 9)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_evaluator_opens_the_api_docs_from_the_menu(page, sign_in, cast, assert_accessible):
    sign_in(cast.evaluator.username)
    menu = page.get_by_role("navigation", name="Main")
    with page.expect_navigation():
        menu.get_by_role("link", name="API", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API reference")
    expect(page.locator("header.site-header")).to_be_visible()
    expect(menu.get_by_role("link", name="API", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("heading", name="GET /api/v1/families/", exact=True)).to_be_attached()
    # The contents link to each group, and a field's type links to its shape.
    page.get_by_role("link", name="Data shapes").click()
    expect(page.get_by_role("heading", name="Data shapes")).to_be_in_viewport()
    assert_accessible(page, "the API docs page")


def test_a_home_visitor_has_no_api_link(page, sign_in, cast):
    sign_in(cast.hv_a.username)
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="API", exact=True)).to_have_count(0)
