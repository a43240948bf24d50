"""Workshop workflows. Each takes keyword arguments, runs in a transaction and records what
changed, so the notices (the invitations issue) can go out."""

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from filetype.types import archive, document, image

from codesign.core.audit import audit_log
from programmes.models import Programme
from programmes.terms import perspective_group_label
from workshops.models import (
    AgendaItem,
    Material,
    PlaceReservation,
    Venue,
    Workshop,
    WorkshopChange,
)

FILLING_AT = 0.8


@dataclass(frozen=True)
class MixLine:
    label: str
    kept: int
    confirmed: int
    expected_now: int

    @property
    def is_behind(self) -> bool:
        return self.confirmed < self.expected_now


@dataclass(frozen=True)
class WorkshopFill:
    capacity: int
    confirmed: int
    waitlisted: int
    mix: list[MixLine]

    @property
    def ratio(self) -> float:
        return self.confirmed / self.capacity if self.capacity else 1.0

    @property
    def is_full(self) -> bool:
        return self.confirmed >= self.capacity

    @property
    def is_filling(self) -> bool:
        return not self.is_full and self.ratio >= FILLING_AT

    @property
    def mix_is_off_target(self) -> bool:
        return any(line.is_behind for line in self.mix)


def workshop_fill(workshop: Workshop) -> WorkshopFill:
    """How full a workshop is and whether its mix keeps up with the places kept per perspective.

    A group is behind when it has fewer confirmed places than its share of the places filled so
    far: with 8 of 20 places kept for patients and 10 people confirmed, fewer than 4 patients is
    behind. Needs `with_counts()` on the workshop and its reservations prefetched with
    `reservation_confirmed` annotated (see `workshops_with_fill`).
    """
    confirmed = getattr(workshop, "confirmed_count", 0)
    mix = []
    for reservation in workshop.reservations.all():
        kept = reservation.places
        expected = int(kept * min(confirmed / workshop.capacity, 1.0)) if workshop.capacity else 0
        mix.append(
            MixLine(
                label=perspective_group_label(reservation.perspectives, workshop.programme),
                kept=kept,
                confirmed=getattr(reservation, "confirmed_count", 0),
                expected_now=expected,
            )
        )
    return WorkshopFill(
        capacity=workshop.capacity,
        confirmed=confirmed,
        waitlisted=getattr(workshop, "waitlisted_count", 0),
        mix=mix,
    )


def workshops_with_fill(queryset: Any) -> Any:
    """The queryset with what `workshop_fill` needs, in a fixed number of queries."""
    from django.db.models import Prefetch

    from workshops.models import PlaceReservation, places_held

    reservations = PlaceReservation.objects.annotate(confirmed_count=places_held())
    return (
        queryset.with_counts()
        .select_related("programme")
        .prefetch_related(Prefetch("reservations", queryset=reservations))
    )


# Organising workshops: create, edit, publish, duplicate, reschedule, cancel, materials, venues.


@dataclass(frozen=True)
class ReservationLine:
    """One line of kept places as the organiser typed it. `id` is set for an existing line."""

    perspectives: list[str]
    places: int
    id: int | None = None
    delete: bool = False


@dataclass(frozen=True)
class AgendaLine:
    starts_at: datetime.time
    ends_at: datetime.time
    title: str
    facilitators: str = ""
    lived_experience_role: str = ""
    id: int | None = None
    delete: bool = False


# Fields an organiser sets through the workshop form; everything else moves through a service.
WORKSHOP_FIELDS = (
    "cohort",
    "stage",
    "title",
    "description",
    "audience",
    "starts_at",
    "ends_at",
    "format",
    "venue",
    "joining_url",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "bursaries_available",
    "payment_details",
    "safeguarding_lead_name",
    "safeguarding_lead_contact",
    "access_contact_name",
    "access_contact_details",
)


def _capacity_error(confirmed: int) -> str:
    people = "1 person already has" if confirmed == 1 else f"{confirmed} people already have"
    return f"{people} a confirmed place, so places can't be fewer than {confirmed}."


def _kept_places_error(kept: int, capacity: int) -> str:
    return (
        f"The places kept for particular groups add up to {kept}, but the workshop has only "
        f"{capacity} places. Add places, or keep fewer."
    )


def _save_lines(workshop: Workshop, reservations: Iterable[ReservationLine]) -> None:
    existing = {r.pk: r for r in workshop.reservations.all()} if workshop.pk else {}
    for line in reservations:
        reservation = existing.get(line.id) if line.id else None
        if line.id and reservation is None:
            raise ValidationError("One of the lines of kept places has gone. Load the page again.")
        if line.delete:
            if reservation is not None:
                reservation.delete()
            continue
        reservation = reservation or PlaceReservation(workshop=workshop)
        reservation.perspectives = list(line.perspectives)
        reservation.places = line.places
        reservation.full_clean(exclude=["workshop"])
        reservation.save()


def _save_agenda(workshop: Workshop, agenda: Iterable[AgendaLine]) -> None:
    existing = {item.pk: item for item in workshop.agenda.all()} if workshop.pk else {}
    for line in agenda:
        item = existing.get(line.id) if line.id else None
        if line.id and item is None:
            raise ValidationError("One of the agenda lines has gone. Load the page again.")
        if line.delete:
            if item is not None:
                item.delete()
            continue
        item = item or AgendaItem(workshop=workshop)
        item.starts_at = line.starts_at
        item.ends_at = line.ends_at
        item.title = line.title
        item.facilitators = line.facilitators
        item.lived_experience_role = line.lived_experience_role
        item.full_clean(exclude=["workshop"])
        item.save()


def _check_kept_places(workshop: Workshop) -> None:
    kept = sum(r.places for r in workshop.reservations.all())
    if kept > workshop.capacity:
        raise ValidationError({"capacity": _kept_places_error(kept, workshop.capacity)})


@transaction.atomic
def workshop_create(
    *,
    programme: Programme,
    data: Mapping[str, Any],
    reservations: Iterable[ReservationLine] = (),
    agenda: Iterable[AgendaLine] = (),
    created_by: Any,
) -> Workshop:
    """A new draft workshop with its kept places and agenda. Nothing is saved if any part is
    wrong."""
    workshop = Workshop(programme=programme, status=Workshop.Status.DRAFT)
    for name in WORKSHOP_FIELDS:
        if name in data:
            setattr(workshop, name, data[name])
    workshop.full_clean()
    workshop.save()
    _save_lines(workshop, reservations)
    _save_agenda(workshop, agenda)
    _check_kept_places(workshop)
    audit_log(actor=created_by, action="workshops.workshop.created", target=workshop)
    return workshop


@transaction.atomic
def workshop_update(
    *,
    workshop: Workshop,
    data: Mapping[str, Any],
    reservations: Iterable[ReservationLine] = (),
    agenda: Iterable[AgendaLine] = (),
    updated_by: Any,
) -> Workshop:
    """Change a workshop's details, kept places and agenda together.

    The workshop is locked while this runs, so a registration confirmed at the same moment is
    counted before places are cut. Times of a workshop people may be coming to change only
    through `workshop_reschedule`, which records the change so they are told.
    """
    locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if locked.is_cancelled:
        raise ValidationError("This workshop was cancelled, so it can't be changed.")
    confirmed = locked.places_taken()
    old_times = (locked.starts_at, locked.ends_at)
    changed = []
    for name in WORKSHOP_FIELDS:
        if name in data and getattr(locked, name) != data[name]:
            setattr(locked, name, data[name])
            changed.append(name)
    if (locked.starts_at, locked.ends_at) != old_times and (locked.is_published or confirmed):
        raise ValidationError(
            {"starts_at": "Use “Reschedule” to change the time, so people who are coming are told."}
        )
    locked.full_clean()
    if locked.capacity < confirmed:
        raise ValidationError({"capacity": _capacity_error(confirmed)})
    locked.save()
    _save_lines(locked, reservations)
    _save_agenda(locked, agenda)
    _check_kept_places(locked)
    audit_log(
        actor=updated_by,
        action="workshops.workshop.updated",
        target=locked,
        data={"fields": changed},
    )
    return locked


def _lock(workshop: Workshop) -> Workshop:
    return Workshop.objects.select_for_update().select_related("programme").get(pk=workshop.pk)


@transaction.atomic
def workshop_publish(*, workshop: Workshop, published_by: Any) -> Workshop:
    locked = _lock(workshop)
    if locked.is_cancelled:
        raise ValidationError("This workshop was cancelled, so it can't be published again.")
    if locked.is_published:
        raise ValidationError("This workshop is already published.")
    if locked.starts_at <= timezone.now():
        raise ValidationError("This workshop has already happened, so it can't be published.")
    locked.full_clean()
    locked.status = Workshop.Status.PUBLISHED
    locked.save(update_fields=["status", "updated_at"])
    WorkshopChange.objects.create(
        workshop=locked, kind=WorkshopChange.Kind.PUBLISHED, changed_by=published_by
    )
    audit_log(actor=published_by, action="workshops.workshop.published", target=locked)
    return locked


@transaction.atomic
def workshop_unpublish(*, workshop: Workshop, unpublished_by: Any) -> Workshop:
    locked = _lock(workshop)
    if not locked.is_published:
        raise ValidationError("This workshop isn't published, so there is nothing to take down.")
    locked.status = Workshop.Status.DRAFT
    locked.save(update_fields=["status", "updated_at"])
    WorkshopChange.objects.create(
        workshop=locked, kind=WorkshopChange.Kind.UNPUBLISHED, changed_by=unpublished_by
    )
    audit_log(actor=unpublished_by, action="workshops.workshop.unpublished", target=locked)
    return locked


@transaction.atomic
def workshop_duplicate(*, workshop: Workshop, duplicated_by: Any) -> Workshop:
    """A draft copy with the same details, agenda and kept places; no registrations or files."""
    copy = Workshop(programme_id=workshop.programme_id, status=Workshop.Status.DRAFT)
    for name in WORKSHOP_FIELDS:
        setattr(copy, name, getattr(workshop, name))
    copy.title = f"Copy of {workshop.title}"[: Workshop._meta.get_field("title").max_length]
    copy.save()
    PlaceReservation.objects.bulk_create(
        PlaceReservation(workshop=copy, perspectives=list(r.perspectives), places=r.places)
        for r in workshop.reservations.all()
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(
            workshop=copy,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            title=item.title,
            facilitators=item.facilitators,
            lived_experience_role=item.lived_experience_role,
        )
        for item in workshop.agenda.all()
    )
    audit_log(
        actor=duplicated_by,
        action="workshops.workshop.duplicated",
        target=copy,
        data={"copied_from": workshop.pk},
    )
    return copy


@transaction.atomic
def workshop_reschedule(
    *,
    workshop: Workshop,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    reason: str,
    rescheduled_by: Any,
) -> WorkshopChange:
    """Move a workshop, and record the old and new times so the people coming are told."""
    locked = _lock(workshop)
    if locked.is_cancelled:
        raise ValidationError("This workshop was cancelled, so it can't be moved.")
    errors: dict[str, str] = {}
    if starts_at <= timezone.now():
        errors["starts_at"] = "Choose a start time in the future."
    if ends_at <= starts_at:
        errors["ends_at"] = "The workshop must end after it starts."
    if not reason.strip():
        errors["reason"] = "Say why it is moving. People who are coming will see this."
    if not errors and (starts_at, ends_at) == (locked.starts_at, locked.ends_at):
        errors["starts_at"] = "These are the times it already has. Choose new times."
    if not errors and locked.registration_closes_at and locked.registration_closes_at > starts_at:
        errors["starts_at"] = (
            "Registration closes after this new start time. Change when registration closes "
            "on the edit page first, or choose a later time."
        )
    if errors:
        raise ValidationError(errors)
    change = WorkshopChange.objects.create(
        workshop=locked,
        kind=WorkshopChange.Kind.RESCHEDULED,
        reason=reason.strip(),
        old_starts_at=locked.starts_at,
        old_ends_at=locked.ends_at,
        new_starts_at=starts_at,
        new_ends_at=ends_at,
        changed_by=rescheduled_by,
    )
    locked.starts_at, locked.ends_at = starts_at, ends_at
    locked.save(update_fields=["starts_at", "ends_at", "updated_at"])
    audit_log(
        actor=rescheduled_by,
        action="workshops.workshop.rescheduled",
        target=locked,
        data={
            "old_starts_at": change.old_starts_at.isoformat(),
            "new_starts_at": starts_at.isoformat(),
            "reason": change.reason,
        },
    )
    return change


@transaction.atomic
def workshop_cancel(*, workshop: Workshop, reason: str, cancelled_by: Any) -> WorkshopChange:
    locked = _lock(workshop)
    if locked.is_cancelled:
        raise ValidationError("This workshop is already cancelled.")
    if locked.is_past:
        raise ValidationError("This workshop has already happened, so it can't be cancelled.")
    if not reason.strip():
        raise ValidationError(
            {"reason": "Say why it is cancelled. People who are coming will see this."}
        )
    locked.status = Workshop.Status.CANCELLED
    locked.cancelled_reason = reason.strip()
    locked.save(update_fields=["status", "cancelled_reason", "updated_at"])
    change = WorkshopChange.objects.create(
        workshop=locked,
        kind=WorkshopChange.Kind.CANCELLED,
        reason=locked.cancelled_reason,
        old_starts_at=locked.starts_at,
        old_ends_at=locked.ends_at,
        changed_by=cancelled_by,
    )
    audit_log(
        actor=cancelled_by,
        action="workshops.workshop.cancelled",
        target=locked,
        data={"reason": locked.cancelled_reason},
    )
    return change


# Materials. The type is read from the file's first bytes, never from its name or the browser.

_ALLOWED_MATCHERS = [
    archive.Pdf(),
    image.Png(),
    image.Jpeg(),
    document.Docx(),
    document.Pptx(),
    document.Odt(),
    document.Odp(),
]
ALLOWED_MATERIAL_TYPES = "PDF, Word (.docx), PowerPoint (.pptx), OpenDocument (.odt, .odp), PNG, JPEG or plain text (.txt)"
IMAGE_TYPES = frozenset({"image/png", "image/jpeg"})
TEXT_TYPE = "text/plain; charset=utf-8"
# Anything a browser might take for markup or a script. Text files are served as downloads
# with nosniff, so this is a second lock, not the only one.
_MARKUP = re.compile(rb"<\s*[a-zA-Z!?/]")


def _material_type(upload: UploadedFile) -> tuple[str, str] | None:
    """(MIME type, file extension) of an allowed file, read from its content; None otherwise."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.match(head, matchers=_ALLOWED_MATCHERS)
    if kind is not None:
        return kind.mime, kind.extension
    if not (upload.name or "").lower().endswith(".txt"):
        return None
    content = upload.read()
    upload.seek(0)
    if b"\x00" in content or _MARKUP.search(content):
        return None
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(ord(c) < 32 and c not in "\t\n\r\f" for c in text):
        return None
    return TEXT_TYPE, "txt"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


@transaction.atomic
def material_add(
    *, workshop: Workshop, title: str, kind: str, upload: UploadedFile, uploaded_by: Any
) -> Material:
    """Keep a file for a workshop, if it is a type people can open safely and not too big."""
    max_bytes = settings.MATERIAL_MAX_BYTES
    if upload.size is None or upload.size > max_bytes:
        raise ValidationError(
            {
                "file": f"This file is {_megabytes(upload.size or 0)} MB. Files can be up to "
                f"{_megabytes(max_bytes)} MB: make it smaller, or split it."
            }
        )
    if upload.size == 0:
        raise ValidationError({"file": "This file is empty. Choose another file."})
    found = _material_type(upload)
    if found is None:
        raise ValidationError(
            {"file": f"This type of file can't be added. Upload a {ALLOWED_MATERIAL_TYPES} file."}
        )
    mime, extension = found
    material = Material(
        workshop=workshop,
        title=title.strip(),
        kind=kind,
        content_type=mime,
        size=upload.size,
        uploaded_by=uploaded_by,
    )
    material.full_clean(exclude=["file", "uploaded_by"])
    # Our own name: the uploaded name could carry another extension or odd characters.
    material.file.save(
        f"{slugify(material.title)[:60] or 'material'}.{extension}", upload, save=False
    )
    try:
        material.save()
        audit_log(
            actor=uploaded_by,
            action="workshops.material.added",
            target=workshop,
            data={"material": material.pk, "title": material.title, "type": mime},
        )
    except Exception:
        # No row, no file: the database rolls back, so the file must go too.
        material.file.storage.delete(material.file.name)
        raise
    return material


@transaction.atomic
def material_delete(*, material: Material, deleted_by: Any) -> None:
    audit_log(
        actor=deleted_by,
        action="workshops.material.deleted",
        target=material.workshop,
        data={"material": material.pk, "title": material.title},
    )
    file_name = material.file.name
    storage = material.file.storage
    material.delete()
    # The file goes only once the row is surely gone.
    transaction.on_commit(lambda: storage.delete(file_name))


VENUE_FIELDS = (
    "name",
    "address",
    "postcode",
    "step_free",
    "hearing_loop",
    "quiet_room",
    "accessible_toilets",
    "parking",
    "public_transport",
    "access_notes",
)


@transaction.atomic
def venue_create(*, data: Mapping[str, Any], created_by: Any) -> Venue:
    venue = Venue(created_by=created_by if getattr(created_by, "pk", None) else None)
    for name in VENUE_FIELDS:
        if name in data:
            setattr(venue, name, data[name])
    venue.full_clean()
    venue.save()
    audit_log(actor=created_by, action="workshops.venue.created", target=venue)
    return venue


@transaction.atomic
def venue_update(*, venue: Venue, data: Mapping[str, Any], updated_by: Any) -> Venue:
    locked = Venue.objects.select_for_update().get(pk=venue.pk)
    changed = []
    for name in VENUE_FIELDS:
        if name in data and getattr(locked, name) != data[name]:
            setattr(locked, name, data[name])
            changed.append(name)
    locked.full_clean()
    locked.save()
    audit_log(
        actor=updated_by, action="workshops.venue.updated", target=locked, data={"fields": changed}
    )
    return locked
