"""Browser fixtures: one headless Debian Chromium per session, a fresh context per test.

Run with `make test-browser` (or `DJANGO_ALLOW_ASYNC_UNSAFE=true pytest -m browser`).
Playwright's sync API keeps an event loop in the test thread, so Django's async-safety
check must be relaxed for these tests only; the session fixture sets the variable while
the browser runs, for the case where the caller did not.
"""

import base64
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        # Not a skip: a browser test that silently does not run is a defect. `make test`
        # runs these only when Chromium is present and says so otherwise.
        pytest.fail(
            f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
        )
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server, transactional_db) -> Iterator:
    """A page in a fresh browser context (own cookies), pointed at the live server."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    # The site has no favicon; skip the request so the server thread (which shares the
    # in-memory SQLite connection with the test) answers only what the test asks for.
    context.route("**/favicon.ico", lambda route: route.abort())
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def sign_in(page) -> Callable:
    """Fill in and submit the real login form as `username`."""
    from conftest import PASSWORD

    def _sign_in(username: str, password: str = PASSWORD):
        page.goto("/account/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        return page

    return _sign_in


def totp_now(secret_text: str) -> str:
    """The current 6-digit code for a base32 secret as the enrollment page shows it."""
    from django_otp.oath import totp

    secret = "".join(secret_text.split()).upper()
    secret += "=" * (-len(secret) % 8)
    return f"{totp(base64.b32decode(secret), step=30, t0=0, digits=6):06d}"


@pytest.fixture
def enroll_two_factor(page) -> Callable:
    """On the enrollment page: read the key, enter the current code, return the
    recovery codes shown afterwards."""

    def _enroll() -> list[str]:
        secret = page.locator("code.secret").inner_text()
        page.get_by_label("6-digit code from your app").fill(totp_now(secret))
        with page.expect_navigation():
            page.get_by_role("button", name="Turn on two-factor sign-in").click()
        return page.locator("ul.codes code").all_inner_texts()

    return _enroll


@pytest.fixture
def assert_accessible() -> Callable:
    """Run axe-core on the current page; fail with axe's report on any violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def _check(page, what: str) -> None:
        results = axe.run(page)
        assert results.violations_count == 0, (
            f"axe found {results.violations_count} violation(s) on {what} ({page.url}):\n"
            f"{results.generate_report()}"
        )

    return _check
