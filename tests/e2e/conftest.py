"""Browser journeys: Debian's chromium driven by Playwright against pytest-django's live server.

There is no `playwright install` here: the browser is the system chromium (CHROMIUM_PATH, by
default /usr/bin/chromium). Without it the journeys skip, which SHEQU_TESTS_NO_SKIP=1 (CI) turns
into a failure.

Playwright's sync API keeps an asyncio event loop running in the main thread from start() to
stop(), and while it runs Django refuses every ORM call made from that thread (the factories,
the transactional flush after each test) unless DJANGO_ALLOW_ASYNC_UNSAFE is set. The variable is
set only for as long as Playwright runs: set for the whole process, it would leak into the
subprocesses other tests start (`manage.py check --deploy` rejects it with async.E001).
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

E2E_DIR = Path(__file__).resolve().parent
SCREENSHOTS_DIR = E2E_DIR.parent.parent / "docs" / "screenshots"
DEFAULT_TIMEOUT_MS = 10_000

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


# Package scope: one chromium for every journey under tests/e2e, stopped (and the event loop with
# it) once the last of them has run, before the rest of the suite.
@pytest.fixture(scope="package")
def browser() -> Iterator:
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.access(executable, os.X_OK):
        pytest.skip(
            f"No chromium at {executable} (set CHROMIUM_PATH, or apt-get install chromium); "
            "the browser journeys need it."
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]').")

    with pytest.MonkeyPatch.context() as env:
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        try:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()
        finally:
            playwright.stop()


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def login() -> Callable:
    """Return `login(page, live_server, login, password)`: submit the allauth login form."""

    def _login(page, live_server, login: str, password: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("input[name=login]").fill(login)
        page.locator("input[name=password]").fill(password)
        # The form posts and the server answers with a page (errors) or a redirect (success).
        with page.expect_navigation():
            page.get_by_role("button", name="登录", exact=True).click()

    return _login


PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser) -> Iterator:
    """A page on a 390-px phone with a touch screen, as grid workers use it."""
    context = browser.new_context(
        locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def screenshot() -> Callable:
    """Return `screenshot(page, name)`: always take the screenshot of what the viewport shows
    (so the page is proven to render), and save it as docs/screenshots/<name>.png when
    SHEQU_WRITE_SCREENSHOTS=1. Off by default, so ordinary runs never rewrite the README's images.
    """

    def _screenshot(page, name: str) -> bytes:
        png = page.screenshot(animations="disabled", caret="hide")
        assert png.startswith(b"\x89PNG")
        if os.environ.get("SHEQU_WRITE_SCREENSHOTS") == "1":
            SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
            (SCREENSHOTS_DIR / f"{name}.png").write_bytes(png)
        return png

    return _screenshot
