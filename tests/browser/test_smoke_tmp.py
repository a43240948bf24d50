from tests.browser.accessibility import assert_accessible
from playwright.sync_api import expect

def test_home(page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Design health and care together")
    assert_accessible(page)
    page.goto("/accounts/signup/")
    page.screenshot(path="/tmp/bt/signup.png", full_page=True)
    assert_accessible(page)
