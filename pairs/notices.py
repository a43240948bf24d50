"""What the pair messages say. Builders run when the email is sent (codesign/core/notices.py):
an invitation replaced by a newer one, or a decision changed since, is not sent.

Every message about a pair goes to both partners (pairs.services.pair_notify); each email
says who it is about in that person's own terms."""

from typing import Any

from django.conf import settings
from django.urls import reverse

from codesign.core.models import OutboxMessage
from codesign.core.notices import Email, display_name, notice_kind
from pairs.models import Pair
from programmes.terms import terms_for

DECISION_OCCASIONS = {Pair.Status.ACCEPTED, Pair.Status.WAITLISTED, Pair.Status.DECLINED}


def _pair(message: OutboxMessage) -> Pair | None:
    return (
        Pair.objects.select_related(
            "programme", "cohort", "professional__profile", "partner__profile"
        )
        .filter(pk=message.params.get("pair_id"))
        .first()
    )


def pair_context(pair: Pair) -> dict[str, Any]:
    """What every pair message and the invitation page say about the pair."""
    terms = terms_for(pair.programme)
    return {
        "pair": pair,
        "programme": pair.programme,
        "cohort": pair.cohort,
        "terms": terms,
        "professional_name": pair.professional_display,
        "partner_name": pair.partner_display,
        "join_url": settings.SITE_URL + reverse("pairs:join", kwargs={"token": pair.partner_token}),
        "pair_url": settings.SITE_URL + reverse("pairs:detail", kwargs={"pk": pair.pk}),
        "programme_url": settings.SITE_URL + pair.programme.get_absolute_url(),
    }


@notice_kind("pair_invitation")
def pair_invitation(message: OutboxMessage) -> Email | None:
    pair = _pair(message)
    if (
        pair is None
        or pair.status != Pair.Status.FORMING
        or pair.partner_has_accepted
        # A newer invitation (sent again, or to someone else) says it all.
        or message.params.get("count") != pair.partner_invite_count
    ):
        return None
    context = pair_context(pair)
    context["person"] = pair.partner_name
    return Email(template="pair_invitation", context=context)


def _what(occasion: str) -> str:
    """ "decided-accepted-1790000000" -> "accepted"; "partner_declined-2" -> "partner_declined"."""
    if occasion.startswith("decided-"):
        return occasion.split("-")[1]
    return occasion.split("-")[0]


@notice_kind("pair_update")
def pair_update(message: OutboxMessage) -> Email | None:
    pair = _pair(message)
    if pair is None:
        return None
    what = _what(message.params.get("occasion", ""))
    # A decision changed since this was queued: the newer decision's message tells them.
    if what in DECISION_OCCASIONS and pair.status != what:
        return None
    context = pair_context(pair)
    to_professional = message.user_id == pair.professional_id
    to_invitee = bool(message.params.get("to_invitee"))
    if to_invitee:
        person = pair.partner_name
    elif message.user_id:
        person = display_name(message.user)
        if message.user_id == pair.partner_id and "@" in person:
            person = pair.partner_display
    else:
        person = ""
    context.update(
        {
            "what": what,
            "person": person,
            "to_professional": to_professional,
            "to_invitee": to_invitee,
            "other_name": pair.partner_display if to_professional else pair.professional_display,
        }
    )
    return Email(template="pair_update", context=context)
