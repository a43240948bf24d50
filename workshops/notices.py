"""What each workshop message says. Builders run when the message is sent, so they tell people
how things stand then, and drop messages that no longer apply (codesign/core/notices.py)."""

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from codesign.core.models import OutboxMessage
from codesign.core.notices import Email, display_name, notice_kind
from workshops import ical
from workshops.models import GuardianConsent, Registration, RegistrationEvent, WorkshopChange

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
    RegistrationEvent.Kind.OFFER_EXPIRED: ("offer_expired", None),
    RegistrationEvent.Kind.GUARDIAN_REQUESTED: (
        "registration_awaiting_guardian",
        (Registration.Status.AWAITING_GUARDIAN,),
    ),
    RegistrationEvent.Kind.CANCELLED: ("registration_cancelled", None),
}
CONFIRMING = ("registration_confirmed", "registration_promoted")


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
    return {
        "person": display_name(registration.user),
        "registration": registration,
        "workshop": workshop,
        "programme": workshop.programme,
        "venue": workshop.venue if workshop.is_in_person else None,
        # The joining link goes only to people with a confirmed place.
        "joining_url": workshop.joining_url if confirmed and workshop.is_online else "",
        "position": position,
        "workshop_url": ical.absolute_url(workshop.get_absolute_url()),
        "my_workshops_url": ical.absolute_url(reverse("workshops:mine")),
    }


def _calendar(registration: Registration) -> tuple[str, bytes, str]:
    workshop = registration.workshop
    content = ical.workshops_calendar([workshop], name=workshop.title)
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
    context = workshop_context(registration)
    context.update(
        {
            "event": event,
            "cancelled_by_organiser": event.kind == RegistrationEvent.Kind.CANCELLED
            and event.by_id is not None
            and event.by_id != registration.user_id,
        }
    )
    attachments = [_calendar(registration)] if template in CONFIRMING else []
    return Email(template=template, context=context, attachments=attachments)


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
    context = workshop_context(registration)
    context["change"] = change
    if change.kind == WorkshopChange.Kind.CANCELLED:
        return Email(template="workshop_cancelled", context=context)
    if change.kind == WorkshopChange.Kind.RESCHEDULED:
        # The calendar file has the same UID, so calendar apps move the event.
        return Email(
            template="workshop_rescheduled", context=context, attachments=[_calendar(registration)]
        )
    return None


@notice_kind("reminder", essential=False)
def reminder(message: OutboxMessage) -> Email | None:
    registration = _registration(message.params.get("registration_id"))
    if registration is None or registration.status != Registration.Status.CONFIRMED:
        return None
    workshop = registration.workshop
    starts_at = datetime.datetime.fromisoformat(message.params.get("starts_at", ""))
    if not workshop.is_published or workshop.starts_at != starts_at:
        return None
    if workshop.starts_at <= timezone.now():
        return None
    context = workshop_context(registration)
    context["offset_hours"] = message.params.get("offset_hours")
    return Email(template="workshop_reminder", context=context)


@notice_kind("guardian_consent")
def guardian_consent(message: OutboxMessage) -> Email | None:
    consent = (
        GuardianConsent.objects.select_related(
            "registration__workshop__programme", "registration__user__profile"
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
    name = display_name(registration.user)
    return Email(
        template="guardian_consent",
        context={
            "consent": consent,
            "young_person": name if name != registration.user.email else "Your child",
            "workshop": workshop,
            "programme": workshop.programme,
            "url": ical.absolute_url(
                reverse("workshops:guardian_consent", kwargs={"token": consent.token})
            ),
        },
    )
