"""Chromium, driven by Playwright, against pytest-django's live server.

Every test here gets a fresh browser context at two viewports (a small phone and a laptop), a
base URL pointing at the live server, and a screenshot in test-artifacts/ if it fails.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM use
# (Django reads this when a query runs, so setting it here, before any test, is enough).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

BROWSER_TESTS_DIR = Path(__file__).parent
ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000
VIEWPORTS = {
    "phone": {"width": 360, "height": 780},
    "desktop": {"width": 1280, "height": 900},
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # This hook sees the whole session's items, so only mark the ones in this folder.
    for item in items:
        if BROWSER_TESTS_DIR in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
            # The live server reads what the test writes, so no wrapping transaction.
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    report = yield
    # Kept on the item so the page fixture can tell, at teardown, whether the test failed.
    setattr(item, f"report_{report.when}", report)
    return report


# Package scope, not session: while Playwright runs, its event loop counts as running in the
# test thread, and Django (through asgiref) then keeps database connections per context
# instead of per thread. Stopping Playwright after the last browser test gives the rest of
# the run back the connections pytest-django set up.
@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    expect.set_options(timeout=TIMEOUT_MS)
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def page(
    request: pytest.FixtureRequest, browser: Browser, live_server, viewport: str
) -> Iterator[Page]:
    context = browser.new_context(
        viewport=VIEWPORTS[viewport], base_url=live_server.url, locale="en-GB"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
        failed = any(
            getattr(getattr(request.node, f"report_{when}", None), "failed", False)
            for when in ("setup", "call")
        )
        if failed:
            ARTIFACTS_DIR.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1]).strip("_")
            page.screenshot(path=ARTIFACTS_DIR / f"{name}.png", full_page=True)
    finally:
        context.close()
