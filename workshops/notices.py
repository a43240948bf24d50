"""What each workshop message says. Builders run when the message is sent, so they tell people
how things stand then, and drop messages that no longer apply (codesign/core/notices.py).

Every message carries the essentials in its body (templates/emails/_workshop_details.*): what,
when in UK time, where or how to join, and who to ask about access.
"""

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from codesign.core.models import OutboxMessage
from codesign.core.notices import Email, display_name, notice_kind
from workshops import ical
from workshops.models import (
    GuardianConsent,
    Registration,
    RegistrationEvent,
    Venue,
    Workshop,
    WorkshopChange,
)
from workshops.templatetags.workshop_words import uk_time, when_words

# Which message each registration change sends, and which statuses it still makes sense in.
EVENT_TEMPLATES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    RegistrationEvent.Kind.CONFIRMED: (
        "registration_confirmed",
        (Registration.Status.CONFIRMED, Registration.Status.ATTENDED),
    ),
    RegistrationEvent.Kind.OFFER_ACCEPTED: (
        "registration_confirmed",
        (Registration.Status.CONFIRMED, Registration.Status.ATTENDED),
    ),
    RegistrationEvent.Kind.PROMOTED: (
        "registration_promoted",
        (Registration.Status.CONFIRMED, Registration.Status.ATTENDED),
    ),
    RegistrationEvent.Kind.WAITLISTED: (
        "registration_waitlisted",
        (Registration.Status.WAITLISTED,),
    ),
    RegistrationEvent.Kind.OFFERED: ("place_offered", (Registration.Status.OFFERED,)),
    # Back on the waiting list; if the place came straight back to them, the new offer says so.
    RegistrationEvent.Kind.OFFER_EXPIRED: ("offer_expired", (Registration.Status.WAITLISTED,)),
    RegistrationEvent.Kind.GUARDIAN_REQUESTED: (
        "registration_awaiting_guardian",
        (Registration.Status.AWAITING_GUARDIAN,),
    ),
    # Not if they registered again before it went: the new confirmation tells them.
    RegistrationEvent.Kind.CANCELLED: ("registration_cancelled", (Registration.Status.CANCELLED,)),
}
CONFIRMING = ("registration_confirmed", "registration_promoted")
# Changes after which an earlier change's notice is out of date.
SUPERSEDING_CHANGES = (WorkshopChange.Kind.RESCHEDULED, WorkshopChange.Kind.CANCELLED)


def _registration(pk: Any) -> Registration | None:
    return (
        Registration.objects.select_related(
            "user__profile", "workshop__programme", "workshop__venue"
        )
        .filter(pk=pk)
        .first()
    )


def workshop_context(registration: Registration) -> dict[str, Any]:
    """What every workshop message needs: what, when, where, how to join, who to contact."""
    from workshops.services import waitlist_positions

    workshop = registration.workshop
    confirmed = registration.status in (
        Registration.Status.CONFIRMED,
        Registration.Status.ATTENDED,
    )
    position = None
    if registration.status == Registration.Status.WAITLISTED:
        position = waitlist_positions([registration]).get(registration.pk)
    venue = workshop.venue if workshop.is_in_person else None
    return {
        "person": display_name(registration.user),
        "registration": registration,
        "workshop": workshop,
        "programme": workshop.programme,
        "when": when_words(workshop.starts_at, workshop.ends_at),
        "venue": venue,
        "venue_address": _address(venue) if venue else "",
        "getting_there": _getting_there(venue) if venue else [],
        # The joining link goes only to people with a confirmed place.
        "joining_url": workshop.joining_url if confirmed and workshop.is_online else "",
        "is_confirmed": confirmed,
        "position": position,
        "workshop_url": ical.absolute_url(workshop.get_absolute_url()),
        "my_workshops_url": ical.absolute_url(reverse("workshops:mine")),
        "workshops_url": ical.absolute_url(reverse("workshops:list")),
    }


def _address(venue: Venue) -> str:
    """The venue on one line: "Community Hall, 1 Example Street, Exampletown, EX1 1AA"."""
    parts = [venue.name, *(line.strip(" ,") for line in venue.address.splitlines())]
    if venue.postcode and venue.postcode not in venue.address:
        parts.append(venue.postcode)
    return ", ".join(part for part in parts if part)


def _getting_there(venue: Venue) -> list[tuple[str, str]]:
    """How to get to the venue and get in, as (label, answer) lines; only what we know."""
    lines = []
    features = venue.access_features()
    if features:
        lines.append(("The venue has", ", ".join(features)))
    if venue.access_notes:
        lines.append(("More about access", " ".join(venue.access_notes.split())))
    if venue.public_transport:
        lines.append(("Public transport", venue.public_transport))
    if venue.parking:
        lines.append(("Parking", venue.parking))
    return lines


def _calendar(workshop: Workshop) -> tuple[str, bytes, str]:
    # Loaded with its number of changes, so the file's SEQUENCE goes up after a reschedule
    # and calendar apps replace the event they hold instead of ignoring the file.
    current = ical.for_calendar(Workshop.objects.filter(pk=workshop.pk)).first() or workshop
    content = ical.workshops_calendar([current], name=current.title)
    return ("workshop.ics", content, "text/calendar")


def _event_sent(message: OutboxMessage) -> None:
    if not message.is_copy:
        RegistrationEvent.objects.filter(pk=message.params.get("event_id")).update(
            notice_sent_at=message.sent_at
        )


@notice_kind("registration", on_sent=_event_sent)
def registration_event(message: OutboxMessage) -> Email | None:
    event = RegistrationEvent.objects.filter(pk=message.params.get("event_id")).first()
    if event is None or event.kind not in EVENT_TEMPLATES:
        return None
    registration = _registration(event.registration_id)
    if registration is None:
        return None
    template, still_true_for = EVENT_TEMPLATES[event.kind]
    if still_true_for is not None and registration.status not in still_true_for:
        return None
    if RegistrationEvent.objects.filter(
        registration_id=registration.pk, kind__in=EVENT_TEMPLATES, pk__gt=event.pk
    ).exists():
        # Something else happened before this went (they cancelled and booked again, say):
        # the later message tells them how things stand.
        return None
    workshop = registration.workshop
    if workshop.is_past:
        return None
    # The cancellation notice tells them; a confirmation after it would only confuse.
    if workshop.is_cancelled and event.kind != RegistrationEvent.Kind.CANCELLED:
        return None
    context = workshop_context(registration)
    context.update(
        {
            "event": event,
            "cancelled_by_organiser": event.kind == RegistrationEvent.Kind.CANCELLED
            and event.by_id is not None
            and event.by_id != registration.user_id,
            "guardian_name": _guardian_name(registration)
            if event.kind == RegistrationEvent.Kind.GUARDIAN_REQUESTED
            else "",
            "was_waiting": event.kind == RegistrationEvent.Kind.CANCELLED and _was_waiting(event),
        }
    )
    attachments = [_calendar(workshop)] if template in CONFIRMING else []
    return Email(template=template, context=context, attachments=attachments)


# The events that leave someone waiting, and those that give them a place (or keep one).
WAITING_EVENTS = (RegistrationEvent.Kind.WAITLISTED, RegistrationEvent.Kind.OFFER_EXPIRED)
PLACE_EVENTS = (
    RegistrationEvent.Kind.CONFIRMED,
    RegistrationEvent.Kind.PROMOTED,
    RegistrationEvent.Kind.OFFERED,
    RegistrationEvent.Kind.OFFER_ACCEPTED,
    RegistrationEvent.Kind.GUARDIAN_REQUESTED,
    RegistrationEvent.Kind.GUARDIAN_CONFIRMED,
)


def _was_waiting(cancelled: RegistrationEvent) -> bool:
    """Whether they were on the waiting list (rather than holding a place) when they left."""
    before = (
        RegistrationEvent.objects.filter(
            registration_id=cancelled.registration_id,
            kind__in=(*WAITING_EVENTS, *PLACE_EVENTS),
            pk__lt=cancelled.pk,
        )
        .order_by("-pk")
        .values_list("kind", flat=True)
        .first()
    )
    return before in WAITING_EVENTS


def _guardian_name(registration: Registration) -> str:
    consent = GuardianConsent.objects.filter(registration=registration).first()
    if consent is not None:
        return consent.guardian_name
    profile = getattr(registration.user, "profile", None)
    return getattr(profile, "guardian_name", "") or ""


@notice_kind("workshop_change")
def workshop_change(message: OutboxMessage) -> Email | None:
    change = WorkshopChange.objects.filter(pk=message.params.get("change_id")).first()
    registration = _registration(message.params.get("registration_id"))
    if change is None or registration is None:
        return None
    if registration.status == Registration.Status.CANCELLED and (
        registration.cancelled_at is None or registration.cancelled_at < change.created_at
    ):
        return None
    # Moved again, or cancelled, before this went: the later notice says how things stand.
    if WorkshopChange.objects.filter(
        workshop_id=change.workshop_id, kind__in=SUPERSEDING_CHANGES, pk__gt=change.pk
    ).exists():
        return None
    context = workshop_context(registration)
    context["change"] = change
    if change.kind == WorkshopChange.Kind.CANCELLED:
        context["joining_url"] = ""
        context["when"] = when_words(change.old_starts_at, change.old_ends_at)
        return Email(template="workshop_cancelled", context=context)
    if change.kind == WorkshopChange.Kind.RESCHEDULED:
        context["old_when"] = when_words(change.old_starts_at, change.old_ends_at)
        context["new_when"] = when_words(change.new_starts_at, change.new_ends_at)
        # For people with a place: the calendar file has the same UID, so calendar apps move
        # the event. People still waiting don't get one, as it would look like a booking.
        attachments = [_calendar(registration.workshop)] if context["is_confirmed"] else []
        return Email(template="workshop_rescheduled", context=context, attachments=attachments)
    return None


def time_to_go_words(starts_at: datetime.datetime, now: datetime.datetime) -> str:
    """ "today", "tomorrow", "in 3 days", "in 2 weeks": counted in UK calendar days."""
    days = (uk_time(starts_at).date() - uk_time(now).date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days % 7 == 0 and days >= 14:
        return f"in {days // 7} weeks"
    return f"in {days} days"


@notice_kind("reminder", essential=False)
def reminder(message: OutboxMessage) -> Email | None:
    registration = _registration(message.params.get("registration_id"))
    if registration is None or registration.status != Registration.Status.CONFIRMED:
        return None
    workshop = registration.workshop
    starts_at = datetime.datetime.fromisoformat(message.params.get("starts_at", ""))
    if not workshop.is_published or workshop.starts_at != starts_at:
        return None
    now = timezone.now()
    if workshop.starts_at <= now:
        return None
    hours = int(message.params.get("offset_hours") or 0)
    offsets = {int(h) for h in workshop.reminder_offsets or []}
    if hours not in offsets:
        # The organisers no longer send a reminder at this time.
        return None
    if any(h < hours and workshop.starts_at - datetime.timedelta(hours=h) <= now for h in offsets):
        # Sent late, when a later reminder is already due: that one is enough.
        return None
    context = workshop_context(registration)
    context["offset_hours"] = hours
    context["time_to_go"] = time_to_go_words(workshop.starts_at, now)
    return Email(template="workshop_reminder", context=context)


@notice_kind("guardian_consent")
def guardian_consent(message: OutboxMessage) -> Email | None:
    consent = (
        GuardianConsent.objects.select_related(
            "registration__workshop__programme",
            "registration__workshop__venue",
            "registration__user__profile",
        )
        .filter(pk=message.params.get("consent_id"))
        .first()
    )
    if consent is None or consent.confirmed_at:
        return None
    registration = consent.registration
    if registration.status == Registration.Status.CANCELLED:
        return None
    workshop = registration.workshop
    if workshop.is_cancelled or workshop.is_past:
        return None
    name = display_name(registration.user)
    context = workshop_context(registration)
    context.update(
        {
            "consent": consent,
            "young_person": name if name != registration.user.email else "Your child",
            # The link is the young person's to have once their place is confirmed.
            "joining_url": "",
            "url": ical.absolute_url(
                reverse("workshops:guardian_consent", kwargs={"token": consent.token})
            ),
        }
    )
    return Email(template="guardian_consent", context=context)
