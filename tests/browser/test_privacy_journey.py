"""Data rights in Chromium: a participant opens "Your data", downloads it, then erases it, is
signed out, and can't sign in again. axe-core checks every page at both screen sizes."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from programmes.models import Invitation
from tests.browser.accessibility import assert_accessible
from tests.browser.test_accounts_journey import main_menu, open_menu, sign_in
from tests.factories import PASSWORD
from tests.privacy.support import EMAIL, MARKERS, NAME, person_with_everything


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_participant_downloads_then_erases_their_data(page: Page, programme, tmp_path):
    person_with_everything(programme=programme, two_step=False)

    sign_in(page, EMAIL, PASSWORD)
    expect(main_menu(page).get_by_text("Signed in as")).to_contain_text(EMAIL)
    open_menu(page)
    main_menu(page).get_by_role("link", name="Your data").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    expect(page.get_by_role("heading", name="Your profile", exact=True)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(NAME)
    expect(page.get_by_role("main")).to_contain_text(MARKERS["companion"])
    assert_accessible(page)

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download your data (JSON file)").click()
    download = downloading.value
    assert download.suggested_filename.startswith("your-data-")
    assert download.suggested_filename.endswith(".json")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["email"] == EMAIL
    assert data["profile"]["name"] == NAME
    assert data["support"]["food_and_drink"] == MARKERS["food"]
    assert [entry["tried"] for entry in data["learning_log"]] == [MARKERS["log"]]

    page.get_by_role("link", name="Erase your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase your data")
    expect(page.get_by_role("heading", name="What we must keep, and why")).to_be_visible()
    assert_accessible(page)

    # Without the tick, nothing happens and the page says what to do.
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Erase my data and close my account").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick the box to say you understand.")
    assert_accessible(page)

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("I understand that my data will be erased").check()
    page.get_by_role("button", name="Erase my data and close my account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your data has been erased")
    expect(main_menu(page).get_by_text("Signed in as")).to_have_count(0)
    assert_accessible(page)

    sign_in(page, EMAIL, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("main")).to_contain_text("not correct")
    expect(main_menu(page).get_by_text("Signed in as")).to_have_count(0)
    assert_accessible(page)


def test_the_erasure_form_works_by_keyboard(page: Page, patient):
    sign_in(page, patient.email, PASSWORD)
    expect(main_menu(page).get_by_text("Signed in as")).to_contain_text(patient.email)
    page.goto("/data-rights/erase/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase your data")

    page.get_by_label("Your password").focus()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_label("I understand that my data will be erased")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Erase my data and close my account")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your data has been erased")
    assert_accessible(page)


def test_an_organiser_erases_the_records_of_someone_without_an_account(
    page: Page, organiser, programme, settings
):
    settings.STAFF_MFA_REQUIRED = False
    Invitation.objects.create(
        programme=programme,
        email="no.account@example.org",
        name="Noor Account",
        token="noor",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )

    sign_in(page, organiser.email, PASSWORD)
    expect(main_menu(page).get_by_text("Signed in as")).to_contain_text(organiser.email)
    open_menu(page)
    main_menu(page).get_by_role("link", name="Data requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data requests")
    assert_accessible(page)

    page.get_by_role("link", name="Record a request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a data request")
    assert_accessible(page)
    page.get_by_label("Erase their data").check()
    page.get_by_label("Their email address").fill("no.account@example.org")
    page.get_by_label("How did you check it is them?").fill("They wrote from this address.")
    page.get_by_role("button", name="Record the request").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("erase their data")
    expect(page.get_by_role("main")).to_contain_text("Noor Account")
    assert_accessible(page)
    page.get_by_label("I have checked it is them").check()
    page.get_by_role("button", name="Erase their data").click()

    expect(page.get_by_role("status")).to_contain_text("Their data is erased.")
    expect(page.get_by_role("main")).to_contain_text("Removed after erasure")
    expect(page.get_by_role("main")).not_to_contain_text("Noor Account")
    assert_accessible(page)
    assert not Invitation.objects.filter(email="no.account@example.org").exists()
