"""Scheduling, end to end in Chromium: an organiser sets up a programme in its own words, a
venue and a workshop, and publishes it; a visitor finds the workshop and downloads it for their
calendar."""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Locator, Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.test_accounts_journey import (
    expect_signed_in_as,
    main_menu,
    open_menu,
    sign_in,
    sign_out,
)
from tests.factories import PASSWORD

PROGRAMME = "Knee surgery recovery together"
VENUE = "Hilltop Community Hall"
WORKSHOP = "Planning your recovery at home"
UK_TIME = ZoneInfo("Europe/London")


def field(scope: Page | Locator, label: str) -> Locator:
    """The form field with exactly this label; required fields' labels end in a star. (A label
    regex sees the label's text untrimmed, hence the spaces.)"""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def done_message(page: Page) -> Locator:
    return page.get_by_role("main").get_by_role("status")


def test_organiser_schedules_a_workshop_and_a_visitor_finds_it_and_downloads_the_ics(
    page: Page, organiser, settings
):
    # Two-step sign-in has a journey of its own (test_accounts_journey).
    settings.STAFF_MFA_REQUIRED = False
    day = timezone.localdate() + dt.timedelta(days=14)

    # 1. The organiser signs in.
    sign_in(page, organiser.email, PASSWORD)
    expect_signed_in_as(page, organiser.email)

    # 2. A programme with its own words for people.
    open_menu(page)
    main_menu(page).get_by_role("link", name="Your programmes").click()
    expect(heading(page)).to_have_text("Your programmes")
    assert_accessible(page)
    page.get_by_role("link", name="Set up a new programme").click()

    expect(heading(page)).to_have_text("Set up a programme")
    assert_accessible(page)
    field(page, "Title").fill(PROGRAMME)
    field(page, "Summary").fill("People recovering from knee surgery and their clinicians.")
    field(page, "Description").fill(
        "Together we redesign the support people get after knee surgery."
    )
    field(page, "Status").select_option(label="Open for applications")
    field(page, "What you call one person with lived experience").fill("patient partner")
    field(page, "What you call more than one person with lived experience").fill("patient partners")
    field(page, "What you call one professional").fill("clinician")
    field(page, "What you call more than one professional").fill("clinicians")
    page.get_by_role("button", name="Set up the programme").click()

    expect(heading(page)).to_have_text(PROGRAMME)
    expect(done_message(page)).to_contain_text(f"{PROGRAMME} is set up.")
    words = page.get_by_role("region", name="Words for people", exact=True)
    expect(words).to_contain_text("patient partners (one is a patient partner)")
    expect(words).to_contain_text("clinicians (one is a clinician)")
    assert_accessible(page)

    # 3. A venue, added from the workshop form, which it then comes back to.
    page.get_by_role("link", name="Add a workshop").click()
    expect(heading(page)).to_have_text("Add a workshop")
    expect(page.get_by_text(f"Programme: {PROGRAMME}.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Add a venue that is not in the list").click()

    expect(heading(page)).to_have_text("Add a venue")
    assert_accessible(page)
    field(page, "Name").fill(VENUE)
    field(page, "Address").fill("12 Hilltop Road\nExampletown")
    field(page, "Postcode").fill("EX1 2HT")
    page.get_by_role("checkbox", name="Step-free access").check()
    page.get_by_role("checkbox", name="Hearing loop").check()
    page.get_by_role("button", name="Add the venue").click()

    # 4. The workshop, first with a mistake.
    expect(heading(page)).to_have_text("Add a workshop")
    expect(done_message(page)).to_contain_text(f"“{VENUE}” is added to the venues.")
    expect(field(page, "Venue")).to_have_value(re.compile(r"^\d+$"))
    expect(field(page, "Venue").locator("option:checked")).to_have_text(VENUE)
    assert_accessible(page)

    field(page, "Title").fill(WORKSHOP)
    field(page, "Who it is for").fill(
        "People who have had knee surgery, their carers, and clinicians."
    )
    field(page, "What it involves").fill("We design a leaflet about the first weeks at home.")
    field(page, "Start date and time").fill(f"{day:%Y-%m-%d}T10:00")
    field(page, "End date and time").fill(f"{day:%Y-%m-%d}T09:00")  # before it starts
    field(page, "Registration closes").fill(f"{day - dt.timedelta(days=1):%Y-%m-%d}T17:00")
    page.get_by_role("radio", name="In person", exact=True).check()
    field(page, "Places").fill("20")
    field(page, "Safeguarding lead").fill("Sam Safe")
    field(page, "Safeguarding lead's email or phone").fill("safeguarding@example.org")
    field(page, "Contact for access questions").fill("Alex Access")
    field(page, "Access contact's email or phone").fill("access@example.org")

    patients_and_carers = page.get_by_role("group", name="Kept places, line 1")
    patients_and_carers.get_by_role("checkbox", name="Patient", exact=True).check()
    patients_and_carers.get_by_role("checkbox", name="Carer", exact=True).check()
    field(patients_and_carers, "Number of places").fill("8")
    young_people = page.get_by_role("group", name="Kept places, line 2")
    young_people.get_by_role("checkbox", name="Young person", exact=True).check()
    field(young_people, "Number of places").fill("4")

    welcome = page.get_by_role("group", name="Part 1")
    field(welcome, "Starts").fill("10:00")
    field(welcome, "Ends").fill("10:30")
    field(welcome, "What happens").fill("Welcome")
    field(welcome, "Led by (names)").fill("Pat and Dr Okafor")
    field(welcome, "Led or co-led by patient partners?").select_option(
        label="Co-led by patient partners"
    )
    leaflet = page.get_by_role("group", name="Part 2")
    field(leaflet, "Starts").fill("10:30")
    field(leaflet, "Ends").fill("12:00")
    field(leaflet, "What happens").fill("Design the recovery leaflet")
    field(leaflet, "Led by (names)").fill("Pat")
    field(leaflet, "Led or co-led by patient partners?").select_option(
        label="Led by patient partners"
    )
    page.get_by_role("button", name="Save as a draft").click()

    problem = "The workshop must end after it starts."
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_role("alert").get_by_role("link", name=problem)).to_be_visible()
    ends = field(page, "End date and time")
    expect(ends).to_have_accessible_description(re.compile(re.escape(problem)))
    expect(page.locator("#div_id_ends_at").get_by_text(problem)).to_be_visible()
    # What was typed is still there, down to the lines.
    expect(field(page, "Title")).to_have_value(WORKSHOP)
    expect(field(page.get_by_role("group", name="Part 2"), "What happens")).to_have_value(
        "Design the recovery leaflet"
    )
    assert_accessible(page)

    ends.fill(f"{day:%Y-%m-%d}T12:00")
    page.get_by_role("button", name="Save as a draft").click()

    # 5. Publish.
    expect(heading(page)).to_have_text(WORKSHOP)
    expect(done_message(page)).to_contain_text(f"“{WORKSHOP}” is saved as a draft.")
    expect(page.get_by_role("heading", name="Status: Draft")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Publish", exact=True).click()

    expect(done_message(page)).to_contain_text(
        f"“{WORKSHOP}” is published. People can now find it."
    )
    expect(page.get_by_role("heading", name="Status: Published")).to_be_visible()
    assert_accessible(page)

    # 6. A visitor finds it.
    sign_out(page)
    page.goto("/")
    expect(heading(page)).to_have_text("Design health and care together")
    assert_accessible(page)
    open_menu(page)
    main_menu(page).get_by_role("link", name="Workshops", exact=True).click()

    expect(heading(page)).to_have_text("Workshops")
    assert_accessible(page)
    search = page.get_by_role("search")
    field(search, "Search").fill(WORKSHOP)
    search.get_by_role("button", name="Show workshops").click()

    expect(page).to_have_url(re.compile(r"[?&]q="))
    results = page.get_by_role("region", name="Upcoming workshops")
    expect(results.get_by_role("status")).to_have_text("1 workshop matches your filters.")
    assert_accessible(page)
    page.get_by_role("link", name=WORKSHOP).click()

    expect(heading(page)).to_have_text(WORKSHOP)
    expect(page.get_by_text(f"Part of {PROGRAMME}.")).to_be_visible()
    where = page.get_by_role("region", name="Where", exact=True)
    expect(where).to_contain_text(VENUE)
    expect(where).to_contain_text("12 Hilltop Road")
    expect(where.get_by_role("listitem")).to_have_text(["Step-free access", "Hearing loop"])
    agenda = page.get_by_role("region", name="Agenda", exact=True)
    expect(agenda).to_contain_text(
        "2 parts of this workshop are led or co-led by patient partners."
    )
    rows = agenda.get_by_role("row")
    expect(rows.filter(has_text="Welcome")).to_contain_text("Co-led by a patient partner")
    expect(rows.filter(has_text="Welcome")).to_contain_text("10am to 10:30am")
    expect(rows.filter(has_text="Design the recovery leaflet")).to_contain_text(
        "Led by a patient partner"
    )
    places = page.get_by_role("region", name="Places", exact=True)
    expect(places).to_contain_text("There are 20 places in all.")
    expect(places.get_by_role("listitem")).to_have_text(
        [
            "8 places are kept for patients and carers",
            "4 places are kept for young people",
        ]
    )
    assert_accessible(page)

    # The calendar file.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this workshop for your calendar").click()
    assert download.value.suggested_filename == "planning-your-recovery-at-home.ics"
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())

    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == WORKSHOP
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    starts = event.decoded("DTSTART")
    assert (starts.date(), starts.hour, starts.minute) == (day, 10, 0)
    # The same moment as 10am UK time, so the file's VTIMEZONE has the right offset.
    assert starts == dt.datetime.combine(day, dt.time(10), tzinfo=UK_TIME)
    assert event["DTEND"].params["TZID"] == "Europe/London"
    assert event.decoded("DTEND").hour == 12
    assert VENUE in str(event["LOCATION"])
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/London"]
