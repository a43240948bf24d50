"""Helpers for the organiser-page tests: form data as a browser would send it, and small real
files to upload."""

import datetime as dt
import io
import struct
import zipfile
import zlib
from typing import Any

from django.utils import timezone

from workshops.models import Workshop

LOCAL = "%Y-%m-%dT%H:%M"


def local(value: dt.datetime) -> str:
    """A time as a datetime-local box shows it: UK time, no seconds."""
    return timezone.localtime(value).strftime(LOCAL)


def days_ahead(days: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _management(prefix: str, total: int, initial: int, max_num: int) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": str(max_num),
    }


def workshop_data(
    *,
    venue: Any = None,
    places: list[tuple[list[str], int]] | None = None,
    agenda: list[tuple[str, str, str, str]] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """What the 'Add a workshop' form sends: a valid in-person workshop in 30 days' time, with
    optional lines of kept places (perspectives, places) and agenda (start, end, title, role)."""
    starts = days_ahead(30)
    data: dict[str, Any] = {
        "title": "Mapping the first clinic visit",
        "audience": "Young people, parents and clinic staff.",
        "description": "We will map what happens at the **first** appointment.",
        "starts_at": local(starts),
        "ends_at": local(starts + dt.timedelta(hours=3)),
        "format": Workshop.Format.IN_PERSON,
        "venue": str(venue.pk) if venue else "",
        "joining_url": "",
        "capacity": "20",
        "registration_opens_at": "",
        "registration_closes_at": "",
        "payment_details": "Travel paid, lunch provided.",
        "safeguarding_lead_name": "Sam Safe",
        "safeguarding_lead_contact": "safeguarding@example.org",
        "access_contact_name": "Alex Access",
        "access_contact_details": "access@example.org",
    }
    places = places or []
    agenda = agenda or []
    data.update(_management("places", max(len(places), 2), 0, 20))
    for i, (perspectives, count) in enumerate(places):
        data[f"places-{i}-perspectives"] = perspectives
        data[f"places-{i}-places"] = str(count)
    data.update(_management("agenda", max(len(agenda), 2), 0, 40))
    for i, (start, end, title, role) in enumerate(agenda):
        data[f"agenda-{i}-starts_at"] = start
        data[f"agenda-{i}-ends_at"] = end
        data[f"agenda-{i}-title"] = title
        data[f"agenda-{i}-facilitators"] = "Olu and Pat"
        data[f"agenda-{i}-lived_experience_role"] = role
    data.update(overrides)
    return data


def edit_data(workshop: Workshop, **overrides: Any) -> dict[str, Any]:
    """What the edit form sends back unchanged, plus `overrides`."""
    data: dict[str, Any] = {
        "title": workshop.title,
        "audience": workshop.audience,
        "description": workshop.description,
        "starts_at": local(workshop.starts_at),
        "ends_at": local(workshop.ends_at),
        "format": workshop.format,
        "venue": str(workshop.venue_id or ""),
        "joining_url": workshop.joining_url,
        "capacity": str(workshop.capacity),
        "registration_opens_at": local(workshop.registration_opens_at)
        if workshop.registration_opens_at
        else "",
        "registration_closes_at": local(workshop.registration_closes_at)
        if workshop.registration_closes_at
        else "",
        "payment_details": workshop.payment_details,
        "safeguarding_lead_name": workshop.safeguarding_lead_name,
        "safeguarding_lead_contact": workshop.safeguarding_lead_contact,
        "access_contact_name": workshop.access_contact_name,
        "access_contact_details": workshop.access_contact_details,
    }
    if workshop.bursaries_available:
        data["bursaries_available"] = "on"
    reservations = list(workshop.reservations.all())
    data.update(_management("places", len(reservations) + 2, len(reservations), 20))
    for i, reservation in enumerate(reservations):
        data[f"places-{i}-id"] = str(reservation.pk)
        data[f"places-{i}-perspectives"] = list(reservation.perspectives)
        data[f"places-{i}-places"] = str(reservation.places)
    items = list(workshop.agenda.all())
    data.update(_management("agenda", len(items) + 2, len(items), 40))
    for i, item in enumerate(items):
        data[f"agenda-{i}-id"] = str(item.pk)
        data[f"agenda-{i}-starts_at"] = item.starts_at.strftime("%H:%M")
        data[f"agenda-{i}-ends_at"] = item.ends_at.strftime("%H:%M")
        data[f"agenda-{i}-title"] = item.title
        data[f"agenda-{i}-facilitators"] = item.facilitators
        data[f"agenda-{i}-lived_experience_role"] = item.lived_experience_role
    data.update(overrides)
    return data


# Small real files, built here so the tests show exactly what is uploaded.

PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def png_bytes() -> bytes:
    """A 1 by 1 white PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def docx_bytes() -> bytes:
    """The smallest Word document layout: content types first, then word/document.xml."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><document/>')
    return buffer.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
