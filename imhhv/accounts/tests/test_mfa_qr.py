"""The two-factor QR code is an image a browser can draw, with the key also given as text."""

import base64
import re
import xml.etree.ElementTree as ET

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from imhhv.accounts.qr import qr_svg

SVG_NS = "{http://www.w3.org/2000/svg}"


def enrollment_page(client, username="admin_a"):
    client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    page = client.get(reverse("accounts:mfa_enroll"))
    assert page.status_code == 200
    return page.content.decode()


def served_svg(html: str) -> tuple[ET.Element, str]:
    img = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)"([^>]*)>', html)
    assert img, "the page shows the QR code as an image"
    return ET.fromstring(base64.b64decode(img.group(1))), img.group(2)


def test_the_qr_code_is_a_standalone_svg_with_a_size(cast, client):
    svg, _ = served_svg(enrollment_page(client))
    # Without the namespace a browser does not treat the image as SVG (0 pixels).
    assert svg.tag == f"{SVG_NS}svg"
    assert float(svg.get("width")) > 0 and float(svg.get("height")) > 0
    _, _, vb_width, vb_height = (float(n) for n in svg.get("viewBox").split())
    assert vb_width > 0 and vb_height > 0
    assert svg.find(f"{SVG_NS}title").text


def test_the_qr_code_has_a_text_alternative_and_the_key_is_shown_for_typing(cast, client):
    html = enrollment_page(client)
    _, attributes = served_svg(html)
    assert re.search(r'alt="[^"]*authenticator[^"]*"', attributes)
    device = TOTPDevice.objects.get(user=cast.admin_a, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    shown = re.search(r'<code class="secret">([^<]+)</code>', html).group(1)
    assert shown.replace(" ", "") == secret


def test_the_qr_code_encodes_the_devices_setup_address(cast, client):
    """The image is the device's otpauth:// address; decoding is left to the app, so we
    check the SVG is built from that address by rebuilding it."""
    html = enrollment_page(client)
    device = TOTPDevice.objects.get(user=cast.admin_a, confirmed=False)
    svg, _ = served_svg(html)
    assert ET.tostring(svg) == ET.tostring(ET.fromstring(qr_svg(device.config_url)))
