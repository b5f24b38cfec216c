"""The two-factor QR code is drawn by the browser (issue 9: an SVG without its namespace
was a 0-pixel image), and the setup key is there to type instead."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_qr_code_is_drawn_with_a_size(page, sign_in, cast, assert_accessible):
    sign_in(cast.admin_a.username)
    qr = page.get_by_role("img", name="QR code to add this account to an authenticator app")
    expect(qr).to_be_visible()
    qr.evaluate("img => img.decode()")  # waits until the image is decoded (or throws)
    natural = qr.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert natural[0] > 0 and natural[1] > 0
    box = qr.bounding_box()
    assert box["width"] >= 100 and box["height"] >= 100
    expect(page.locator("code.secret")).not_to_be_empty()
    assert_accessible(page, "two-factor enrollment")
