"""Accounts, end to end in Chromium: signing up, verifying, signing in, two-step sign-in."""

import re
import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_accessible
from tests.factories import PASSWORD

# Bootstrap's navbar-expand-md folds the menu away below this width.
MENU_FOLDS_BELOW = 768


def menu_is_folded(page: Page) -> bool:
    return page.viewport_size["width"] < MENU_FOLDS_BELOW


def open_menu(page: Page) -> None:
    """On a phone the header menu is folded behind the Menu button; open it.

    Call it once the page is the one you expect: Bootstrap's script runs just before
    DOMContentLoaded, and a click before that does nothing.
    """
    if not menu_is_folded(page):
        return
    toggler = page.get_by_role("button", name="Menu")
    if toggler.get_attribute("aria-expanded") == "true":
        return
    page.wait_for_load_state("domcontentloaded")
    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    # Bootstrap adds `show` once the opening animation has finished.
    expect(page.locator("#main-menu")).to_have_class(re.compile(r"\bshow\b"))


def main_menu(page: Page):
    return page.get_by_role("navigation", name="Main")


def expect_signed_in_as(page: Page, email: str) -> None:
    signed_in_as = main_menu(page).get_by_text("Signed in as")
    expect(signed_in_as).to_have_text(re.compile(rf"^Signed in as {re.escape(email)}\b"))
    open_menu(page)
    expect(signed_in_as).to_be_visible()
    assert_accessible(page)


def sign_out(page: Page) -> None:
    open_menu(page)
    main_menu(page).get_by_role("button", name="Sign out").click()
    expect(main_menu(page).get_by_text("Signed in as")).to_have_count(0)
    open_menu(page)
    expect(main_menu(page).get_by_role("link", name="Sign in")).to_be_visible()
    assert_accessible(page)


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_new_person_signs_up_verifies_email_and_signs_in(page: Page, live_server, viewport):
    email = f"new.person.{viewport}@example.org"
    password = "correct horse battery staple"

    page.goto("/")
    assert_accessible(page)
    page.get_by_role("main").get_by_role("link", name="Create an account").click()

    expect(page.get_by_role("heading", level=1, name="Create an account")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password again").fill(password)
    page.get_by_role("main").get_by_role("button", name="Create an account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)

    assert len(mail.outbox) == 1
    verification = mail.outbox[0]
    assert verification.to == [email]
    link = re.search(r"https?://[^\s\"'<>]+/confirm-email/[^\s\"'<>]+", verification.body)
    assert link, verification.body
    assert link.group(0).startswith(live_server.url)

    page.goto(link.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm my email address").click()

    expect_signed_in_as(page, email)
    welcomes = [message for message in mail.outbox if "Welcome" in message.subject]
    assert [message.to for message in welcomes] == [[email]]

    sign_out(page)
    sign_in(page, email, password)
    expect_signed_in_as(page, email)
    sign_out(page)


def test_organiser_sets_up_two_step_sign_in_before_reaching_staff_pages(
    page: Page, organiser, settings
):
    # Accept the codes either side of now, so a code computed just before the 30-second
    # boundary still works when the server checks it just after.
    settings.MFA_TOTP_TOLERANCE = 1

    sign_in(page, organiser.email, PASSWORD)
    expect_signed_in_as(page, organiser.email)

    page.goto("/programmes/manage/")
    # Staff need two-step sign-in; allauth first asks for the password again before setting
    # it up, even just after signing in.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    expect(page.get_by_role("status")).to_contain_text("Set up an authenticator app")
    assert_accessible(page)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step sign-in")
    assert_accessible(page)
    secret = page.get_by_label("Setup key").input_value()
    assert secret
    page.get_by_label("Code from your authenticator app").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-step sign-in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    expect(page.get_by_label("Your unused recovery codes")).not_to_be_empty()
    assert_accessible(page)

    page.goto("/programmes/manage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your programmes")
    expect(page.get_by_role("link", name="Diabetes care together")).to_be_visible()
    assert_accessible(page)

    sign_out(page)
    sign_in(page, organiser.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-step sign-in")
    assert_accessible(page)
    page.get_by_label("Code from your authenticator app").fill(totp_code(secret))
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect_signed_in_as(page, organiser.email)


def test_pages_work_by_keyboard(page: Page):
    page.goto("/")
    assert_accessible(page)

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()

    sign_in_link = main_menu(page).get_by_role("link", name="Sign in")
    toggler = page.get_by_role("button", name="Menu")
    if not menu_is_folded(page):
        expect(toggler).to_be_hidden()
        expect(sign_in_link).to_be_visible()
        return

    expect(sign_in_link).to_be_hidden()
    # Folded menu links can't take focus, so the Menu button comes just before main.
    page.keyboard.press("Shift+Tab")
    expect(toggler).to_be_focused()
    page.keyboard.press("Enter")
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(sign_in_link).to_be_visible()
    expect(page.locator("#main-menu")).to_have_class(re.compile(r"\bshow\b"))
    assert_accessible(page)
