"""The QR code a person scans to add their account to an authenticator app.

The code is drawn as a standalone SVG document and handed to an ``<img>`` as a data URI
(``img-src data:`` is allowed by the CSP; nothing is fetched). An SVG used as an image is
parsed as XML by the browser, so it must declare the SVG namespace: without
``xmlns`` the browser does not recognise it as SVG and draws a 0-pixel image, which is the
bug this module fixes (segno's ``svg_inline`` omits the namespace because it is meant for
pasting into HTML). The document carries both an intrinsic size (``width``/``height``) and a
``viewBox``, so it scales cleanly to whatever size the page gives the ``<img>``.
"""

import base64
import io

import segno

SCALE = 4  # pixels per module at the intrinsic size
TITLE = "QR code to add this account to an authenticator app"


def qr_svg(text: str) -> str:
    """An SVG document (with namespace, size and viewBox) encoding `text` as a QR code."""
    out = io.BytesIO()
    segno.make(text, error="m").save(
        out,
        kind="svg",
        scale=SCALE,
        dark="#1b1b1b",
        light="#ffffff",
        xmldecl=False,
        svgns=True,
        omitsize=True,  # gives a viewBox; the intrinsic size is added below
        title=TITLE,
    )
    svg = out.getvalue().decode()
    # segno writes either width/height or a viewBox; we want both.
    start = svg.index('viewBox="0 0 ') + len('viewBox="0 0 ')
    width, height = svg[start : svg.index('"', start)].split()
    return svg.replace("<svg ", f'<svg width="{width}" height="{height}" ', 1)


def qr_data_uri(text: str) -> str:
    """`qr_svg(text)` as a data URI for an ``<img src>``."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(text).encode()).decode()
