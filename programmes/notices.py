"""What an invitation says. Builders run when the email is sent, so an invitation withdrawn,
answered or run out in the meantime is not sent (codesign/core/notices.py). Sending and failing
show on the invitation, which organisers see on the invitations page."""

from typing import Any

from django.conf import settings
from django.urls import reverse

from codesign.core.models import OutboxMessage
from codesign.core.notices import Email, display_name, notice_kind
from programmes.models import Invitation
from programmes.services import invitation_refusal

NEXT_WORKSHOPS = 3


def _invitation(message: OutboxMessage) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related(
            "programme", "workshop__venue", "invited_by__profile", "user__profile"
        )
        .filter(pk=message.params.get("invitation_id"))
        .first()
    )
    if invitation is None or not invitation.is_open or invitation_refusal(invitation):
        return None
    # A resend or reminder since this one was queued says it all again, so this one can go.
    if message.params.get("send_count") != invitation.send_count:
        return None
    return invitation


def invitation_context(invitation: Invitation) -> dict[str, Any]:
    """What every invitation says: what, when, where, what it involves, what is paid, how to
    ask for support, and the links to say yes or no. Shared by the emails and the page."""
    from workshops.models import Workshop

    programme, workshop = invitation.programme, invitation.workshop
    next_workshops: list[Workshop] = []
    if workshop is None:
        next_workshops = list(
            Workshop.objects.filter(programme=programme)
            .published()
            .upcoming()
            .select_related("venue")
            .order_by("starts_at", "id")[:NEXT_WORKSHOPS]
        )
    url = settings.SITE_URL + reverse("programmes:invitation", kwargs={"token": invitation.token})
    inviter = invitation.invited_by
    if workshop is not None:
        contact_name = workshop.access_contact_name
        contact_details = workshop.access_contact_details
    elif inviter is not None:
        contact_name, contact_details = display_name(inviter), inviter.email
    elif next_workshops:
        contact_name = next_workshops[0].access_contact_name
        contact_details = next_workshops[0].access_contact_details
    else:
        contact_name, contact_details = "", ""
    address = ""
    if workshop is not None and workshop.is_in_person and workshop.venue:
        venue = workshop.venue
        lines = [line.strip() for line in venue.address.splitlines() if line.strip()]
        if venue.postcode and venue.postcode not in venue.address:
            lines.append(venue.postcode)
        address = ", ".join(lines)
    person = invitation.name or (display_name(invitation.user) if invitation.user else "")
    return {
        "invitation": invitation,
        "programme": programme,
        "workshop": workshop,
        "venue": workshop.venue if workshop is not None and workshop.is_in_person else None,
        "address": address,
        "next_workshops": next_workshops,
        "person": "" if person == invitation.email else person,
        "inviter": display_name(inviter) if inviter is not None else "",
        "contact_name": contact_name,
        "contact_details": contact_details,
        "invitation_url": url,
        "accept_url": f"{url}?answer=accept",
        "decline_url": f"{url}?answer=decline",
        "title": workshop.title if workshop is not None else programme.title,
    }


def _invitation_sent(message: OutboxMessage) -> None:
    Invitation.objects.filter(
        pk=message.params.get("invitation_id"), status__in=Invitation.OPEN
    ).update(status=Invitation.Status.SENT, sent_at=message.sent_at, last_error="")


def _invitation_failed(message: OutboxMessage) -> None:
    Invitation.objects.filter(
        pk=message.params.get("invitation_id"),
        status__in=Invitation.OPEN,
        send_count=message.params.get("send_count"),
    ).update(status=Invitation.Status.FAILED, last_error=message.last_error)


@notice_kind("invitation", on_sent=_invitation_sent, on_failed=_invitation_failed)
def invitation(message: OutboxMessage) -> Email | None:
    found = _invitation(message)
    if found is None:
        return None
    return Email(template="invitation", context=invitation_context(found))


@notice_kind("invitation_reminder", essential=False)
def invitation_reminder(message: OutboxMessage) -> Email | None:
    found = _invitation(message)
    if found is None:
        return None
    return Email(template="invitation_reminder", context=invitation_context(found))
