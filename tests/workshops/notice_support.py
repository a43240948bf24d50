"""Helpers for the workshop message tests: a programme with its own words, workshops with
everything a message must say, and the emails someone got."""

import datetime as dt
from email.mime.base import MIMEBase

from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from tests.factories import ProgrammeFactory, VenueFactory, WorkshopFactory
from workshops.models import Workshop
from workshops.templatetags.workshop_words import UK_TIME

JOINING_URL = "https://meet.example.org/diabetes-workshop"


def programme_with_own_words(**kwargs):
    return ProgrammeFactory(
        title=kwargs.pop("title", "Diabetes care together"),
        lived_experience_term="patient partner",
        lived_experience_term_plural="patient partners",
        professional_term="clinician",
        professional_term_plural="clinicians",
        **kwargs,
    )


def uk_day(days_ahead: int, hour: int = 10) -> dt.datetime:
    """`hour` o'clock UK time, `days_ahead` days from today (UK time)."""
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=UK_TIME)


def when_text(starts_at: dt.datetime) -> str:
    """How a workshop from 10am to 1pm reads in a message: "Saturday 5 December 2026, 10am to
    1pm (UK time)". Spelled out here, not taken from the code under test."""
    day = starts_at.astimezone(UK_TIME)
    return f"{day:%A} {day.day} {day:%B} {day.year}, 10am to 1pm (UK time)"


def in_person_workshop(**kwargs) -> Workshop:
    venue = VenueFactory(
        name="Riverside Community Hall",
        address="12 Mill Lane\nExampletown",
        postcode="EX1 2AB",
        step_free=True,
        hearing_loop=True,
        quiet_room=True,
        parking="3 blue-badge spaces by the front door.",
        public_transport="Bus 12 stops outside.",
        access_notes="The lift is at the back of the hall.",
    )
    starts = kwargs.pop("starts_at", uk_day(30))
    return WorkshopFactory(
        title=kwargs.pop("title", "Mapping the first clinic visit"),
        programme=kwargs.pop("programme", None) or programme_with_own_words(),
        venue=venue,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
        access_contact_name="Alex Access",
        access_contact_details="access@example.org",
        **kwargs,
    )


def online_workshop(**kwargs) -> Workshop:
    starts = kwargs.pop("starts_at", uk_day(30))
    return WorkshopFactory(
        title=kwargs.pop("title", "Online catch-up"),
        programme=kwargs.pop("programme", None) or programme_with_own_words(),
        format=Workshop.Format.ONLINE,
        venue=None,
        joining_url=JOINING_URL,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
        access_contact_name="Alex Access",
        access_contact_details="access@example.org",
        **kwargs,
    )


def emails_to(address: str) -> list[mail.EmailMultiAlternatives]:
    return [message for message in mail.outbox if message.to == [address]]


def html_of(message: mail.EmailMultiAlternatives) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def calendar_events(message: mail.EmailMultiAlternatives) -> list:
    """The events in the workshop.ics attached to a message, read with icalendar."""
    files = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            files.append((attachment.get_filename(), attachment.get_payload(decode=True)))
        else:
            files.append((attachment[0], attachment[1]))
    [(name, content)] = files
    assert name == "workshop.ics"
    return Calendar.from_ical(content).walk("VEVENT")


def assert_readable_html(html: str) -> None:
    """Simple, accessible HTML: British English, big enough text, no layout tables or images,
    one main heading."""
    assert '<html lang="en-GB">' in html
    assert "font-size: 16px" in html
    assert "<table" not in html and "<img" not in html
    assert html.count("<h1") == 1
    assert ">here<" not in html.lower() and "click here" not in html.lower()
