import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from programmes.models import Programme
from tests.factories import ProgrammeFactory, RegistrationFactory, VenueFactory, WorkshopFactory
from workshops.models import Workshop, WorkshopChange

UK = ZoneInfo("Europe/London")
JOINING_URL = "https://meet.example.org/room-4471"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://codesign.example.org"


def ics(workshop):
    return reverse("workshops:ics", args=[workshop.pk])


def feed(programme):
    return reverse("workshops:programme_feed", args=[programme.slug])


def events(content: bytes):
    return Calendar.from_ical(content).walk("VEVENT")


def test_a_workshop_downloads_as_a_calendar_file(client, programme):
    workshop = WorkshopFactory(programme=programme, title="Design the clinic letter!")

    response = client.get(ics(workshop))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="design-the-clinic-letter.ics"'
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert calendar["CALSCALE"] == "GREGORIAN"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "Design the clinic letter!"
    assert calendar["X-WR-TIMEZONE"] == "Europe/London"
    [event] = calendar.walk("VEVENT")
    assert event["SUMMARY"] == "Design the clinic letter!"
    assert event["STATUS"] == "CONFIRMED"
    assert event["URL"] == f"https://codesign.example.org/workshops/{workshop.pk}/"
    assert event["DTSTAMP"].dt.utcoffset() == dt.timedelta(0)
    assert re.search(rb"DTSTAMP:\d{8}T\d{6}Z\r\n", response.content)


@pytest.mark.parametrize(
    ("local_start", "utc_hour"),
    [
        (dt.datetime(2026, 10, 24, 10, tzinfo=UK), 9),  # British Summer Time, the day before
        (dt.datetime(2026, 10, 26, 10, tzinfo=UK), 10),  # Greenwich Mean Time, the day after
    ],
)
def test_times_are_in_uk_time_either_side_of_the_clocks_going_back(
    client, programme, local_start, utc_hour
):
    workshop = WorkshopFactory(programme=programme, starts_at=local_start)

    content = client.get(ics(workshop)).content

    calendar = Calendar.from_ical(content)
    [timezone_] = calendar.walk("VTIMEZONE")
    assert timezone_["TZID"] == "Europe/London"
    assert {c.name for c in timezone_.subcomponents} == {"STANDARD", "DAYLIGHT"}
    [event] = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event["DTEND"].params["TZID"] == "Europe/London"
    start = event["DTSTART"].dt
    assert (start.hour, start.minute) == (10, 0)
    assert start.astimezone(dt.UTC).hour == utc_hour
    assert event["DTEND"].dt - start == dt.timedelta(hours=3)
    assert f"DTSTART;TZID=Europe/London:{local_start:%Y%m%d}T100000".encode() in content


def test_the_event_id_stays_the_same_between_downloads(client, programme):
    workshop = WorkshopFactory(programme=programme)

    [first] = events(client.get(ics(workshop)).content)
    [second] = events(client.get(ics(workshop)).content)

    assert first["UID"] == second["UID"] == f"workshop-{workshop.pk}@codesign.example.org"


def test_the_file_uses_crlf_and_folds_long_lines_to_75_octets(client, programme):
    workshop = WorkshopFactory(
        programme=programme,
        audience="Young people aged 14 to 25 with diabetes – and their parents, carers, "
        "brothers and sisters – and the nurses, doctors and receptionists at the clinic.",
        payment_details="Travel paid, lunch provided, £25 voucher for your time.",
    )

    content = client.get(ics(workshop)).content

    assert content.endswith(b"\r\n")
    lines = content.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(lines)
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # something was folded
    content.decode("utf-8")  # folding never splits a character
    [event] = events(content)
    assert "£25 voucher for your time." in event["DESCRIPTION"]
    assert "– and the nurses, doctors and receptionists at the clinic." in event["DESCRIPTION"]


def test_the_description_says_who_it_is_for_what_is_paid_and_links_to_the_page(client, programme):
    workshop = WorkshopFactory(
        programme=programme,
        audience="Parents of children with diabetes.",
        payment_details="Travel paid.",
        bursaries_available=True,
        venue=VenueFactory(name="Riverside Hall", address="12 River Road\nExampletown"),
    )

    [event] = events(client.get(ics(workshop)).content)

    description = event["DESCRIPTION"]
    assert "Who it is for: Parents of children with diabetes." in description
    assert "What is paid: Travel paid." in description
    assert "Bursaries are available for people with lived experience." in description
    assert f"https://codesign.example.org/workshops/{workshop.pk}/" in description
    assert event["LOCATION"] == "Riverside Hall, 12 River Road, Exampletown, EX1 1AA"


def test_an_online_workshop_is_online_and_never_carries_the_joining_link(
    client, programme, patient
):
    workshop = WorkshopFactory(
        programme=programme, format=Workshop.Format.ONLINE, venue=None, joining_url=JOINING_URL
    )
    RegistrationFactory(workshop=workshop, user=patient)
    client.force_login(patient)

    content = client.get(ics(workshop)).content
    feed_content = client.get(feed(programme)).content

    [event] = events(content)
    assert event["LOCATION"] == "Online"
    for body in (content, feed_content):
        assert b"meet.example.org" not in body.replace(b"\r\n ", b"")


def test_a_cancelled_workshop_is_marked_cancelled_with_a_higher_sequence(client, programme):
    workshop = WorkshopFactory(programme=programme)
    WorkshopChange.objects.create(workshop=workshop, kind=WorkshopChange.Kind.PUBLISHED)
    [before] = events(client.get(ics(workshop)).content)
    WorkshopChange.objects.create(workshop=workshop, kind=WorkshopChange.Kind.RESCHEDULED)
    [moved] = events(client.get(ics(workshop)).content)
    workshop.status = Workshop.Status.CANCELLED
    workshop.cancelled_reason = "The venue flooded."
    workshop.save()
    WorkshopChange.objects.create(workshop=workshop, kind=WorkshopChange.Kind.CANCELLED)

    [after] = events(client.get(ics(workshop)).content)

    assert before["SEQUENCE"] == 0
    assert moved["SEQUENCE"] == 1
    assert after["SEQUENCE"] == 2
    assert after["STATUS"] == "CANCELLED"
    assert "The venue flooded." in after["DESCRIPTION"]
    assert after["UID"] == before["UID"]


def test_the_team_can_download_a_draft(client, programme, organiser):
    workshop = WorkshopFactory(programme=programme, status=Workshop.Status.DRAFT)
    client.force_login(organiser)

    assert client.get(ics(workshop)).status_code == 200


def test_calendar_files_refuse_a_post(client, programme):
    workshop = WorkshopFactory(programme=programme)

    assert client.post(ics(workshop)).status_code == 405
    assert client.post(feed(programme)).status_code == 405


def test_the_programme_feed_lists_its_public_workshops_from_the_last_90_days_on(
    client, programme, other_programme
):
    now = timezone.now()
    WorkshopFactory(programme=programme, title="Coming up")
    WorkshopFactory(programme=programme, title="Last month", starts_at=now - dt.timedelta(days=30))
    WorkshopFactory(programme=programme, title="Long ago", starts_at=now - dt.timedelta(days=120))
    WorkshopFactory(programme=programme, title="Draft", status=Workshop.Status.DRAFT)
    cancelled = WorkshopFactory(programme=programme, title="Called off")
    WorkshopChange.objects.create(workshop=cancelled, kind=WorkshopChange.Kind.PUBLISHED)
    Workshop.objects.filter(pk=cancelled.pk).update(status=Workshop.Status.CANCELLED)
    WorkshopFactory(programme=programme, title="Cancelled draft", status=Workshop.Status.CANCELLED)
    WorkshopFactory(programme=other_programme, title="Another programme's")

    response = client.get(feed(programme))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert calendar["X-WR-CALNAME"] == "Diabetes care together workshops"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"
    summaries = {str(e["SUMMARY"]): str(e["STATUS"]) for e in calendar.walk("VEVENT")}
    assert summaries == {
        "Last month": "CONFIRMED",
        "Coming up": "CONFIRMED",
        "Called off": "CANCELLED",
    }


def test_an_empty_feed_is_still_a_valid_calendar(client, programme):
    content = client.get(feed(programme)).content

    calendar = Calendar.from_ical(content)
    assert calendar.walk("VEVENT") == []
    assert calendar.walk("VTIMEZONE")  # RFC 5545 needs at least one component


def test_a_draft_programme_has_no_feed(client, organiser):
    programme = ProgrammeFactory(status=Programme.Status.DRAFT)
    WorkshopFactory(programme=programme)
    client.force_login(organiser)

    assert client.get(feed(programme)).status_code == 404
    assert client.get("/workshops/feeds/no-such-programme.ics").status_code == 404


def test_the_feed_runs_the_same_queries_for_10_and_200_workshops(
    client, programme, django_assert_num_queries, django_assert_max_num_queries
):
    venue = VenueFactory()
    WorkshopFactory.create_batch(10, programme=programme, venue=venue)
    with django_assert_max_num_queries(5) as small:
        client.get(feed(programme))
    for workshop in WorkshopFactory.create_batch(190, programme=programme, venue=venue):
        WorkshopChange.objects.create(workshop=workshop, kind=WorkshopChange.Kind.RESCHEDULED)

    with django_assert_num_queries(len(small.captured_queries)):
        content = client.get(feed(programme)).content

    assert len(events(content)) == 200
