"""Workshop workflows. Each takes keyword arguments, runs in a transaction and records what
changed, so the notices (the invitations issue) can go out."""

import datetime
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from filetype.types import archive, document, image

from codesign.core.audit import audit_log
from codesign.core.notices import Notice, notice_queue, notice_queue_many
from codesign.core.uploads import megabytes, sniffed_type
from programmes.models import Programme
from programmes.terms import perspective_group_label
from workshops.models import (
    REMINDER_OFFSET_CHOICES,
    AgendaItem,
    GuardianConsent,
    Material,
    PlaceReservation,
    Registration,
    RegistrationEvent,
    Venue,
    WaitlistMode,
    WaitlistPriority,
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
    "waitlist_mode",
    "offer_hours",
    "waitlist_priority",
    "reminder_offsets",
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
    workshop_change_notify(change=change)
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
    workshop_change_notify(change=change)
    audit_log(
        actor=cancelled_by,
        action="workshops.workshop.cancelled",
        target=locked,
        data={"reason": locked.cancelled_reason},
    )
    return change


# Everyone with a place, an offer or a place on the waiting list hears about a change.
CHANGE_AUDIENCE = (*Registration.HOLDING, Registration.Status.WAITLISTED)


def workshop_change_notify(*, change: WorkshopChange) -> int:
    """Queue the reschedule or cancellation notice for everyone affected, in the caller's
    transaction: one message per person per change, however often this runs."""
    workshop = change.workshop
    registrations = (
        workshop.registrations.filter(status__in=CHANGE_AUDIENCE)
        .exclude(status=Registration.Status.ATTENDED)
        .select_related("user__profile")
    )
    notices = [
        Notice(
            kind="workshop_change",
            key=f"workshop-change:{change.pk}:{registration.pk}",
            to=registration.user.email,
            user=registration.user,
            programme=workshop.programme,
            workshop=workshop,
            params={"change_id": change.pk, "registration_id": registration.pk},
        )
        for registration in registrations
    ]
    notice_queue_many(notices)
    change.notices_sent_at = timezone.now()
    change.save(update_fields=["notices_sent_at"])
    return len(notices)


def reminders_queue(*, now: datetime.datetime | None = None) -> int:
    """Periodic: queue the reminders now due, with a fixed number of queries.

    A reminder for an offset (say 24 hours) is due from `starts_at - offset` until half the
    offset (at most a day) later, for people whose place was confirmed before it fell due, so
    nobody gets "7 days to go" three days before, or straight after booking. The key holds the
    start time, so after a reschedule the reminders follow the new time, and the send step
    drops any reminder whose workshop moved, was cancelled, or whose place was given up.
    """
    now = now or timezone.now()
    longest = max((hours for hours, _label in REMINDER_OFFSET_CHOICES), default=0)
    workshops = list(
        Workshop.objects.published()
        .filter(starts_at__gt=now, starts_at__lte=now + datetime.timedelta(hours=longest + 1))
        .select_related("programme")
    )
    due: dict[int, tuple[Workshop, int, datetime.datetime]] = {}
    for workshop in workshops:
        for hours in sorted({int(h) for h in workshop.reminder_offsets or [] if int(h) > 0}):
            offset = datetime.timedelta(hours=hours)
            falls_due = workshop.starts_at - offset
            window = min(offset / 2, datetime.timedelta(days=1))
            if falls_due <= now < falls_due + window:
                due[workshop.pk] = (workshop, hours, falls_due)
                break
    if not due:
        return 0
    registrations = Registration.objects.filter(
        workshop_id__in=due, status=Registration.Status.CONFIRMED
    ).select_related("user__profile")
    notices = []
    for registration in registrations:
        workshop, hours, falls_due = due[registration.workshop_id]
        if registration.created_at > falls_due:
            continue
        notices.append(
            Notice(
                kind="reminder",
                key=(
                    f"reminder:{registration.pk}:"
                    f"{workshop.starts_at.strftime('%Y%m%dT%H%MZ')}:{hours}h"
                ),
                to=registration.user.email,
                user=registration.user,
                programme=workshop.programme,
                workshop=workshop,
                params={
                    "registration_id": registration.pk,
                    "starts_at": workshop.starts_at.isoformat(),
                    "offset_hours": hours,
                },
            )
        )
    return len(notice_queue_many(notices))


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
    found = sniffed_type(upload, _ALLOWED_MATCHERS)
    if found is not None:
        return found
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


@transaction.atomic
def material_add(
    *, workshop: Workshop, title: str, kind: str, upload: UploadedFile, uploaded_by: Any
) -> Material:
    """Keep a file for a workshop, if it is a type people can open safely and not too big."""
    max_bytes = settings.MATERIAL_MAX_BYTES
    if upload.size is None or upload.size > max_bytes:
        raise ValidationError(
            {
                "file": f"This file is {megabytes(upload.size or 0)} MB. Files can be up to "
                f"{megabytes(max_bytes)} MB: make it smaller, or split it."
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


# Registration: places, kept places, waiting list, guardian consent.
#
# Every change to who holds a place locks the workshop row first (select_for_update), so two
# people pressing "Register" at once are placed one after the other and never overbook.


class RegistrationRefused(ValidationError):
    """Registration cannot go ahead; the message says what to do instead."""


def _reservation_for(workshop: Workshop, perspectives: list[str]) -> PlaceReservation | None:
    """The kept places this person counts towards: the most specific matching group."""
    matches = [r for r in workshop.reservations.all() if set(r.perspectives) & set(perspectives)]
    matches.sort(key=lambda r: (len(r.perspectives), r.pk))
    return matches[0] if matches else None


@dataclass
class _Occupancy:
    capacity: int
    kept: dict[int, int]
    held_by_group: dict[int, int]
    held: int

    @classmethod
    def of(cls, workshop: Workshop) -> "_Occupancy":
        return _occupancies([workshop])[workshop.pk]

    def general_free(self) -> int:
        general = self.capacity - sum(self.kept.values())
        used_in_kept = sum(min(self.held_by_group[pk], k) for pk, k in self.kept.items())
        return general - (self.held - used_in_kept)

    def fits(self, places: int, reservation_id: int | None) -> bool:
        if self.held + places > self.capacity:
            return False
        kept_free = 0
        if reservation_id in self.kept:
            kept_free = max(self.kept[reservation_id] - self.held_by_group[reservation_id], 0)
        return places - min(places, kept_free) <= self.general_free()

    def take(self, places: int, reservation_id: int | None) -> None:
        self.held += places
        if reservation_id in self.held_by_group:
            self.held_by_group[reservation_id] += places


# The changes a person hears about by email (workshops/notices.py says what each one says).
NOTIFIED_EVENTS = frozenset(
    {
        RegistrationEvent.Kind.CONFIRMED,
        RegistrationEvent.Kind.WAITLISTED,
        RegistrationEvent.Kind.PROMOTED,
        RegistrationEvent.Kind.OFFERED,
        RegistrationEvent.Kind.OFFER_ACCEPTED,
        RegistrationEvent.Kind.OFFER_EXPIRED,
        RegistrationEvent.Kind.GUARDIAN_REQUESTED,
        RegistrationEvent.Kind.CANCELLED,
    }
)


def _event(registration: Registration, kind: str, *, by: Any = None, reason: str = "") -> None:
    event = RegistrationEvent.objects.create(
        registration=registration, kind=kind, by=by, reason=reason
    )
    if kind in NOTIFIED_EVENTS:
        workshop = registration.workshop
        notice_queue(
            kind="registration",
            key=f"registration-event:{event.pk}",
            to=registration.user.email,
            user=registration.user,
            programme=workshop.programme,
            workshop=workshop,
            params={"event_id": event.pk},
        )


def _lock_workshop(workshop_id: int) -> Workshop:
    return (
        Workshop.objects.select_for_update()
        .select_related("programme")
        .prefetch_related("reservations")
        .get(pk=workshop_id)
    )


def _needs_guardian(registration: Registration) -> bool:
    profile = getattr(registration.user, "profile", None)
    return bool(profile and profile.is_under_18 and not registration.guardian_confirmed_at)


def _give_place(
    registration: Registration,
    workshop: Workshop,
    *,
    promoted: bool,
    now: datetime.datetime | None = None,
) -> None:
    """Move a registration into a place: confirmed, offered, or waiting for a guardian."""
    if _needs_guardian(registration):
        registration.status = Registration.Status.AWAITING_GUARDIAN
    elif promoted and workshop.waitlist_mode == WaitlistMode.OFFER:
        registration.status = Registration.Status.OFFERED
        registration.offer_expires_at = (now or timezone.now()) + datetime.timedelta(
            hours=workshop.offer_hours
        )
    else:
        registration.status = Registration.Status.CONFIRMED
    registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
    kind = {
        Registration.Status.OFFERED: RegistrationEvent.Kind.OFFERED,
        Registration.Status.CONFIRMED: RegistrationEvent.Kind.PROMOTED
        if promoted
        else RegistrationEvent.Kind.CONFIRMED,
        Registration.Status.AWAITING_GUARDIAN: RegistrationEvent.Kind.GUARDIAN_REQUESTED,
    }[registration.status]
    _event(registration, kind)
    if registration.status == Registration.Status.AWAITING_GUARDIAN:
        _guardian_consent_request(registration)


def _queue_order(
    waiting: list[Registration],
    workshop: Workshop,
    occupancy: "_Occupancy | None",
    bursary_holders: set[int] | None = None,
) -> list[Registration]:
    waiting = sorted(waiting, key=lambda r: (r.queue_priority, r.queued_at or r.created_at, r.pk))
    if workshop.waitlist_priority == WaitlistPriority.BURSARY and bursary_holders:
        # Stable sort: people with an approved bursary first, otherwise the queue order stands.
        waiting.sort(key=lambda r: (r.queue_priority, r.user_id not in bursary_holders))
    if workshop.waitlist_priority == WaitlistPriority.UNDER_TARGET and occupancy is not None:

        def under_target(registration: Registration) -> bool:
            pk = registration.reservation_id
            return pk in occupancy.kept and occupancy.held_by_group[pk] < occupancy.kept[pk]

        # Stable sort: under-target groups first, otherwise the queue order stands.
        waiting.sort(key=lambda r: (r.queue_priority, not under_target(r)))
    return waiting


def waitlist_in_order(workshop: Workshop) -> list[Registration]:
    """The waiting list in the order places are given out."""
    waiting = list(
        workshop.registrations.filter(status=Registration.Status.WAITLISTED).select_related(
            "user__profile"
        )
    )
    occupancy = (
        _Occupancy.of(workshop)
        if workshop.waitlist_priority == WaitlistPriority.UNDER_TARGET
        else None
    )
    holders = _bursary_holders([workshop]).get(workshop.pk, set())
    return _queue_order(waiting, workshop, occupancy, holders)


def _bursary_holders(workshops: Iterable[Workshop]) -> dict[int, set[int]]:
    """For workshops that put bursary holders first: the people (user ids) with an approved
    bursary told to them, for that workshop or for its whole programme. One query."""
    from bursaries.models import Application

    chosen = [w for w in workshops if w.waitlist_priority == WaitlistPriority.BURSARY]
    if not chosen:
        return {}
    by_programme: dict[int, list[int]] = {}
    for workshop in chosen:
        by_programme.setdefault(workshop.programme_id, []).append(workshop.pk)
    holders: dict[int, set[int]] = {w.pk: set() for w in chosen}
    awards = Application.objects.filter(
        status=Application.Status.APPROVED, released_at__isnull=False
    ).filter(
        Q(scheme__workshop__in=[w.pk for w in chosen])
        | Q(scheme__workshop__isnull=True, scheme__programme__in=list(by_programme))
    )
    for user_id, workshop_id, programme_id in awards.values_list(
        "applicant_id", "scheme__workshop_id", "scheme__programme_id"
    ):
        for pk in [workshop_id] if workshop_id else by_programme.get(programme_id, []):
            if pk in holders:
                holders[pk].add(user_id)
    return holders


def waitlist_positions(registrations: list[Registration]) -> dict[int, int]:
    """Queue positions for waiting registrations across several workshops, in a fixed number
    of queries."""
    workshops = {r.workshop_id: r.workshop for r in registrations}
    if not workshops:
        return {}
    waiting_by_workshop: dict[int, list[Registration]] = {pk: [] for pk in workshops}
    for registration in Registration.objects.filter(
        workshop_id__in=workshops, status=Registration.Status.WAITLISTED
    ):
        waiting_by_workshop[registration.workshop_id].append(registration)
    occupancies = _occupancies(
        [w for w in workshops.values() if w.waitlist_priority == WaitlistPriority.UNDER_TARGET]
    )
    holders = _bursary_holders(workshops.values())
    positions = {}
    for pk, workshop in workshops.items():
        order = _queue_order(
            waiting_by_workshop[pk], workshop, occupancies.get(pk), holders.get(pk)
        )
        positions.update({r.pk: i for i, r in enumerate(order, start=1)})
    return {r.pk: positions[r.pk] for r in registrations if r.pk in positions}


def _occupancies(workshops: list[Workshop]) -> dict[int, "_Occupancy"]:
    if not workshops:
        return {}
    kept: dict[int, dict[int, int]] = {w.pk: {} for w in workshops}
    for reservation in PlaceReservation.objects.filter(workshop__in=workshops):
        kept[reservation.workshop_id][reservation.pk] = reservation.places
    result = {
        w.pk: _Occupancy(w.capacity, kept[w.pk], dict.fromkeys(kept[w.pk], 0), 0) for w in workshops
    }
    for registration in Registration.objects.filter(
        workshop__in=workshops, status__in=Registration.HOLDING
    ):
        occupancy = result[registration.workshop_id]
        occupancy.held += registration.places
        if registration.reservation_id in occupancy.held_by_group:
            occupancy.held_by_group[registration.reservation_id] += registration.places
    return result


def waitlist_promote(
    *, workshop: Workshop, now: datetime.datetime | None = None
) -> list[Registration]:
    """Give freed places to the first waiting people (or units) who fit. Call with the
    workshop row locked. Returns who moved up."""
    if workshop.is_cancelled or workshop.is_past:
        return []
    occupancy = _Occupancy.of(workshop)
    promoted = []
    for registration in waitlist_in_order(workshop):
        if occupancy.fits(registration.places, registration.reservation_id):
            occupancy.take(registration.places, registration.reservation_id)
            _give_place(registration, workshop, promoted=True, now=now)
            promoted.append(registration)
    return promoted


def registration_create(*, workshop: Workshop, user: Any, companion_name: str = "") -> Registration:
    """Register someone: a place if one is free for them, otherwise the waiting list.

    Under-18s hold their place as "awaiting guardian consent" until a parent or guardian
    confirms through the emailed link.
    """
    from participants.services import profile_missing_for_registration

    with transaction.atomic():
        workshop = _lock_workshop(workshop.pk)
        if workshop.is_cancelled:
            raise RegistrationRefused("This workshop has been cancelled, so you can't register.")
        if not workshop.is_published or not workshop.programme.is_public:
            raise RegistrationRefused("This workshop is not open for registration.")
        if not workshop.registration_is_open:
            raise RegistrationRefused(
                "Registration for this workshop is closed. Look for another workshop, or ask "
                "the organisers if a place is still possible."
            )
        missing = profile_missing_for_registration(user)
        if missing:
            raise RegistrationRefused(missing)
        existing = Registration.objects.filter(workshop=workshop, user=user).first()
        if existing and existing.status != Registration.Status.CANCELLED:
            raise RegistrationRefused(
                f"You are already registered: {existing.get_status_display().lower()}. "
                "See My workshops."
            )
        perspectives = list(user.profile.perspectives)
        reservation = _reservation_for(workshop, perspectives)
        registration = existing or Registration(workshop=workshop, user=user)
        registration.perspectives = perspectives
        registration.reservation = reservation
        registration.companion_name = companion_name.strip()
        registration.queued_at = timezone.now()
        registration.queue_priority = 0
        registration.cancelled_at = None
        registration.offer_expires_at = None
        registration.checked_in_at = None
        registration.guardian_confirmed_at = None
        registration.status = Registration.Status.WAITLISTED
        registration.save()
        _event(registration, RegistrationEvent.Kind.REGISTERED, by=user)
        occupancy = _Occupancy.of(workshop)
        # Someone already waiting keeps their turn: a newcomer only jumps in when nobody who
        # fits is ahead of them.
        ahead = [
            r
            for r in waitlist_in_order(workshop)
            if r.pk != registration.pk and occupancy.fits(r.places, r.reservation_id)
        ]
        if not ahead and occupancy.fits(registration.places, registration.reservation_id):
            _give_place(registration, workshop, promoted=False)
        else:
            _event(registration, RegistrationEvent.Kind.WAITLISTED)
        audit_log(
            actor=user,
            action="workshops.registration.created",
            target=registration,
            data={"status": registration.status, "companion": bool(companion_name)},
        )
    return registration


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != Registration.Status.WAITLISTED:
        return None
    return waitlist_positions([registration]).get(registration.pk)


def registration_cancel(*, registration: Registration, by: Any) -> Registration:
    """Cancel a place or leave the waiting list; a freed place goes to the next person."""
    with transaction.atomic():
        workshop = _lock_workshop(registration.workshop_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status in (
            Registration.Status.CANCELLED,
            Registration.Status.ATTENDED,
            Registration.Status.NO_SHOW,
        ):
            raise RegistrationRefused("This registration can't be cancelled now.")
        held_place = registration.holds_place
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        _event(registration, RegistrationEvent.Kind.CANCELLED, by=by)
        audit_log(actor=by, action="workshops.registration.cancelled", target=registration)
        if held_place:
            waitlist_promote(workshop=workshop)
    return registration


def registration_accept_offer(*, registration: Registration, by: Any) -> Registration:
    with transaction.atomic():
        _lock_workshop(registration.workshop_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != Registration.Status.OFFERED:
            raise RegistrationRefused("There is no place waiting for you to accept.")
        if registration.offer_expires_at and registration.offer_expires_at < timezone.now():
            raise RegistrationRefused(
                "Sorry, the time to accept this place has run out. You are still on the "
                "waiting list if you want to be."
            )
        registration.status = Registration.Status.CONFIRMED
        registration.offer_expires_at = None
        registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
        _event(registration, RegistrationEvent.Kind.OFFER_ACCEPTED, by=by)
    return registration


def offers_expire(*, now: datetime.datetime | None = None) -> int:
    """Offers nobody took in time go to the back of the waiting list and the place moves on.
    Safe to run any number of times."""
    now = now or timezone.now()
    expired = 0
    workshop_ids = set(
        Registration.objects.filter(
            status=Registration.Status.OFFERED, offer_expires_at__lt=now
        ).values_list("workshop_id", flat=True)
    )
    for workshop_id in workshop_ids:
        with transaction.atomic():
            workshop = _lock_workshop(workshop_id)
            stale = workshop.registrations.select_for_update().filter(
                status=Registration.Status.OFFERED, offer_expires_at__lt=now
            )
            for registration in stale:
                registration.status = Registration.Status.WAITLISTED
                registration.offer_expires_at = None
                registration.queued_at = now
                registration.save(
                    update_fields=["status", "offer_expires_at", "queued_at", "updated_at"]
                )
                _event(registration, RegistrationEvent.Kind.OFFER_EXPIRED)
                expired += 1
            # The place moves on: whoever is first now (never straight back to the same
            # person while anyone else is waiting).
            waitlist_promote(workshop=workshop, now=now)
    return expired


def registration_move(
    *, registration: Registration, by: Any, priority: int, reason: str
) -> Registration:
    """An organiser moves someone on the waiting list; lower numbers go first."""
    if not reason.strip():
        raise RegistrationRefused("Say why you are moving this person, so the list stays fair.")
    with transaction.atomic():
        workshop = _lock_workshop(registration.workshop_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != Registration.Status.WAITLISTED:
            raise RegistrationRefused("Only people on the waiting list can be moved.")
        registration.queue_priority = priority
        registration.save(update_fields=["queue_priority", "updated_at"])
        _event(registration, RegistrationEvent.Kind.MOVED, by=by, reason=reason.strip())
        audit_log(
            actor=by,
            action="workshops.registration.moved",
            target=registration,
            data={"priority": priority, "reason": reason.strip()},
        )
        waitlist_promote(workshop=workshop)
    return registration


def _guardian_consent_request(registration: Registration) -> GuardianConsent:
    profile = registration.user.profile
    consent, created = GuardianConsent.objects.get_or_create(
        registration=registration,
        defaults={
            "guardian_name": profile.guardian_name,
            "guardian_email": profile.guardian_email,
            "token": secrets.token_urlsafe(32),
        },
    )
    if created:
        workshop = registration.workshop
        notice_queue(
            kind="guardian_consent",
            key=f"guardian-consent:{consent.pk}",
            to=consent.guardian_email,
            user=registration.user,
            programme=workshop.programme,
            workshop=workshop,
            params={"consent_id": consent.pk},
            copies=False,
        )
    return consent


def guardian_consent_confirm(*, token: str) -> Registration:
    with transaction.atomic():
        consent = (
            GuardianConsent.objects.select_for_update()
            .select_related("registration")
            .filter(token=token)
            .first()
        )
        if consent is None:
            raise RegistrationRefused(
                "This link does not work. It may have been copied wrongly. Ask the organisers "
                "to send a new one."
            )
        _lock_workshop(consent.registration.workshop_id)
        registration = Registration.objects.select_for_update().get(pk=consent.registration_id)
        if consent.confirmed_at:
            return registration
        now = timezone.now()
        consent.confirmed_at = now
        consent.save(update_fields=["confirmed_at"])
        registration.guardian_confirmed_at = now
        registration.save(update_fields=["guardian_confirmed_at", "updated_at"])
        _event(registration, RegistrationEvent.Kind.GUARDIAN_CONFIRMED)
        if registration.status == Registration.Status.AWAITING_GUARDIAN:
            registration.status = Registration.Status.CONFIRMED
            registration.save(update_fields=["status", "updated_at"])
            _event(registration, RegistrationEvent.Kind.CONFIRMED)
        audit_log(actor=None, action="workshops.guardian_consent.confirmed", target=registration)
    return registration
