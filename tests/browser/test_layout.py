"""The page frame every page shares: it must work without JavaScript too."""

from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS


def test_phone_menu_stays_open_when_javascript_is_off(browser, live_server):
    context = browser.new_context(
        viewport=VIEWPORTS["phone"], base_url=live_server.url, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto("/")

        menu = page.get_by_role("navigation", name="Main")
        expect(menu.get_by_role("link", name="Sign in")).to_be_visible()
        expect(menu.get_by_role("link", name="Create an account")).to_be_visible()
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    finally:
        context.close()
