"""Workshops as iCalendar (RFC 5545): one workshop to download, or a programme's feed to
subscribe to. Times carry the Europe/London time zone, so calendars get the clocks changing
right. The joining link is never in a calendar file: files get forwarded and feeds are public.
"""

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

from programmes.terms import terms_for
from workshops.models import Workshop, WorkshopChange, WorkshopQuerySet
from workshops.templatetags.workshop_words import UK_TIME

PRODID = "-//Co-design platform//Workshops//EN"
# Changes that calendars must pick up over the copy they already hold.
REVISIONS = [WorkshopChange.Kind.RESCHEDULED, WorkshopChange.Kind.CANCELLED]


def for_calendar(queryset: WorkshopQuerySet) -> WorkshopQuerySet:
    """What `workshop_event` reads, in one query."""
    revisions = (
        WorkshopChange.objects.filter(workshop=OuterRef("pk"), kind__in=REVISIONS)
        .order_by()
        .values("workshop")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.select_related("programme", "venue").annotate(
        ical_sequence=Coalesce(Subquery(revisions, output_field=IntegerField()), 0)
    )


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _location(workshop: Workshop) -> str:
    if workshop.venue and workshop.is_in_person:
        place = f"{workshop.venue.name}, {', '.join(workshop.venue.address.splitlines())}"
        if workshop.venue.postcode and workshop.venue.postcode not in workshop.venue.address:
            place = f"{place}, {workshop.venue.postcode}"
        return f"{place} (and online)" if workshop.is_online else place
    return "Online"


def _description(workshop: Workshop) -> str:
    terms = terms_for(workshop.programme)
    lines = []
    if workshop.is_cancelled:
        lines.append("This workshop is cancelled.")
        if workshop.cancelled_reason:
            lines.append(workshop.cancelled_reason)
        lines.append("")
    if workshop.audience:
        lines.append(f"Who it is for: {workshop.audience}")
    if workshop.payment_details:
        lines.append(f"What is paid: {workshop.payment_details}")
    if workshop.bursaries_available:
        lines.append(f"Bursaries are available for {terms.lived_experience_plural}.")
    if workshop.is_online:
        lines.append("Online: we send the joining link when your place is confirmed.")
    lines.append(
        f"Need help to take part? Ask {workshop.access_contact_name}: "
        f"{workshop.access_contact_details}"
    )
    lines.append("")
    lines.append(f"Find out more: {absolute_url(workshop.get_absolute_url())}")
    return "\n".join(lines)


def workshop_event(workshop: Workshop, *, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"workshop-{workshop.pk}@{site_domain()}")
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", workshop.starts_at.astimezone(UK_TIME))
    event.add("dtend", workshop.ends_at.astimezone(UK_TIME))
    event.add("summary", workshop.title)
    event.add("description", _description(workshop))
    event.add("location", _location(workshop))
    event.add("url", absolute_url(workshop.get_absolute_url()))
    event.add("status", "CANCELLED" if workshop.is_cancelled else "CONFIRMED")
    event.add("sequence", getattr(workshop, "ical_sequence", 0))
    event.add("last-modified", workshop.updated_at.astimezone(dt.UTC))
    return event


def _uk_timezone(workshops: list[Workshop], today: dt.date) -> Timezone:
    # The VTIMEZONE lists each clock change as a date, so cover only the years the events span.
    years = [w.starts_at.year for w in workshops] + [w.ends_at.year for w in workshops]
    first = min(years, default=today.year) - 1
    last = max(years, default=today.year) + 2
    return Timezone.from_tzid(
        "Europe/London", first_date=dt.date(first, 1, 1), last_date=dt.date(last, 1, 1)
    )


def workshops_calendar(workshops: Iterable[Workshop], *, name: str) -> bytes:
    """A calendar file: a VTIMEZONE for UK time, then one VEVENT per workshop. The time zone is
    there even with no events, because RFC 5545 wants at least one component."""
    workshops = list(workshops)
    now = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    calendar.add_component(_uk_timezone(workshops, now.date()))
    for workshop in workshops:
        calendar.add_component(workshop_event(workshop, stamp=now))
    return calendar.to_ical()


def calendar_response(content: bytes, filename: str) -> HttpResponse:
    """A calendar file as a download."""
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
