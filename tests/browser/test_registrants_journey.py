"""On the day, in Chromium: an organiser finds someone on the check-in list and checks them in
with one tap (htmx updates the row in place), then opens the table plan. Both pages pass
axe-core, on a phone and on a laptop."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.test_accounts_journey import sign_in
from tests.factories import PASSWORD, WorkshopFactory
from tests.workshops.registrants_support import CARER, PATIENT, PROFESSIONAL, registered
from workshops.models import Registration
from workshops.registrants import table_plan_build


def test_organiser_checks_someone_in_on_a_phone_and_prints_the_table_plan(
    page: Page, organiser, programme, settings
):
    settings.STAFF_MFA_REQUIRED = False
    now = timezone.now()
    workshop = WorkshopFactory(
        programme=programme,
        title="Redesigning the clinic letter",
        starts_at=now - dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(hours=2),
    )
    ade = registered(workshop, "Ade Adeyemi", [PATIENT], described_as="expert by experience")
    registered(workshop, "Bea Brown", [CARER], companion_name="Bob Brown")
    for i, perspective in enumerate([PROFESSIONAL, PATIENT, CARER, PROFESSIONAL]):
        registered(workshop, f"Person {i}", [perspective])
    table_plan_build(workshop=workshop, tables=2, rounds=2, by=organiser)

    sign_in(page, organiser.email, PASSWORD)
    page.goto(f"/workshops/manage/{workshop.pk}/checkin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check-in")
    assert_accessible(page)

    page.get_by_label("Find someone by name or email").fill("adey")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("button", name="Check in Ade Adeyemi")).to_be_visible()
    expect(page.get_by_role("button", name="Check in Bea Brown")).to_have_count(0)

    page.get_by_role("button", name="Check in Ade Adeyemi").click()
    expect(page.get_by_role("status").filter(has_text="Ade Adeyemi is checked in.")).to_be_visible()
    expect(page.get_by_role("button", name="Undo check-in for Ade Adeyemi")).to_be_focused()
    expect(page.locator("#checkin-count")).to_have_text("1 of 6 checked in")
    assert_accessible(page)
    ade.refresh_from_db()
    assert ade.status == Registration.Status.ATTENDED

    page.goto(f"/workshops/manage/{workshop.pk}/tables/")
    expect(page.get_by_role("heading", level=2, name="Round 2 of 2")).to_be_visible()
    expect(page.get_by_text("with Bob Brown (companion)").first).to_be_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Make a new plan")).to_be_hidden()
    expect(
        page.get_by_role("heading", level=2, name="Everyone's table in each round")
    ).to_be_visible()
