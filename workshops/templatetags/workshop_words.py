"""Dates, times, places and contacts in plain words, as people say them in the UK.

`{% load workshop_words %}{{ workshop|when }}` gives "Tuesday 3 November 2026, 10am to 1pm".
Times are always UK time, whatever the server's time zone, because the pages say "UK time".
"""

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from programmes.terms import perspective_group_label

register = template.Library()

UK_TIME = ZoneInfo("Europe/London")
# An email address, or a UK phone number like 020 7946 0000, 01632 960002 or +44 7700 900123.
CONTACT = re.compile(
    r"(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)|(?P<phone>(?:\+44\s?|\b0)\d(?:[ -]?\d){8,9})\b"
)
# Words that start with a vowel letter but a "y" or "w" sound: "a user", "a one-off".
A_BEFORE = ("eu", "one", "uni", "use", "usu")


def uk_time(value: dt.datetime) -> dt.datetime:
    return value.astimezone(UK_TIME)


def time_words(value: dt.time | dt.datetime) -> str:
    """10am, 10:30am, midday, midnight."""
    if isinstance(value, dt.datetime):
        value = uk_time(value).time()
    if value.minute == 0 and value.hour == 12:
        return "midday"
    if value.minute == 0 and value.hour == 0:
        return "midnight"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    if value.minute:
        return f"{hour}:{value.minute:02d}{suffix}"
    return f"{hour}{suffix}"


def date_words(value: dt.date | dt.datetime) -> str:
    """Tuesday 3 November 2026."""
    if isinstance(value, dt.datetime):
        value = uk_time(value).date()
    return f"{value:%A} {value.day} {value:%B} {value.year}"


def when_words(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """Tuesday 3 November 2026, 10am to 1pm; the end date too if it ends on another day."""
    start, end = uk_time(starts_at), uk_time(ends_at)
    if start.date() == end.date():
        return f"{date_words(start)}, {time_words(start)} to {time_words(end)}"
    return f"{date_words(start)}, {time_words(start)} to {date_words(end)}, {time_words(end)}"


def moment_words(value: dt.datetime) -> str:
    """Monday 2 November 2026 at 9am."""
    return f"{date_words(value)} at {time_words(value)}"


def duration_words(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """3 hours, 1 hour and 30 minutes, 45 minutes."""
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{n} {unit}{'' if n == 1 else 's'}"
        for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"))
        if n
    ]
    if not parts:
        return "less than a minute"
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def count_words(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def places_left_words(workshop: Any) -> str:
    """Needs `with_counts()` on the workshop."""
    left = workshop.capacity - getattr(workshop, "confirmed_count", 0)
    if left <= 0:
        return "Full – join the waiting list"
    return count_words(left, "place left", "places left")


def with_article_words(noun: str) -> str:
    """'a patient partner', 'an expert by experience'."""
    lower = noun.lower()
    vowel = lower[:1] in "aeiou" and not lower.startswith(A_BEFORE)
    return f"{'an' if vowel else 'a'} {noun}"


@register.filter
def when(workshop: Any) -> str:
    return when_words(workshop.starts_at, workshop.ends_at)


@register.filter
def duration(workshop: Any) -> str:
    return duration_words(workshop.starts_at, workshop.ends_at)


@register.filter
def moment(value: dt.datetime | None) -> str:
    return moment_words(value) if value else ""


@register.filter
def time_in_words(value: dt.time | dt.datetime | None) -> str:
    return time_words(value) if value else ""


@register.filter
def places_left(workshop: Any) -> str:
    return places_left_words(workshop)


@register.filter
def with_article(noun: str) -> str:
    return with_article_words(str(noun))


@register.filter
def contact_link(details: str) -> SafeString:
    """Email addresses and phone numbers as links people can tap; the rest as text.
    "access@example.org or 01632 960 002" gets two links."""
    parts = []
    position = 0
    for match in CONTACT.finditer(details or ""):
        parts.append(conditional_escape(details[position : match.start()]))
        found = match.group()
        if match.lastgroup == "email":
            parts.append(format_html('<a href="mailto:{}">{}</a>', found, found))
        else:
            number = re.sub(r"[^\d+]", "", found)
            parts.append(format_html('<a href="tel:{}">{}</a>', number, found))
        position = match.end()
    parts.append(conditional_escape((details or "")[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped or built by format_html


@register.filter
def kept_for(perspectives: list[str], programme: Any) -> str:
    """{{ reservation.perspectives|kept_for:programme }}: "patients and carers", in the
    programme's own words where it has them."""
    return perspective_group_label(perspectives, programme)
