"""Pair workflows: start, invite the partner, accept, submit, decide as one, keep a log.

A pair is always decided as one: both partners are accepted, waitlisted or declined together,
and both hear about it. Accepting pairs into a cohort locks the cohort row, so two organisers
deciding at once never take it past its places.
"""

import datetime
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from codesign.core.audit import audit_log
from codesign.core.notices import Notice, notice_queue, notice_queue_many
from codesign.core.permissions import can_organise
from pairs.models import LogEntry, Pair
from participants.models import Perspective
from programmes.models import Cohort, Programme

PROFESSIONAL = {
    Perspective.HEALTH_PROFESSIONAL,
    Perspective.CARE_PROFESSIONAL,
    Perspective.MANAGER,
    Perspective.DIGITAL,
    Perspective.RESEARCHER,
}
# Kept in the session while someone invited to join a pair signs up or signs in.
JOIN_SESSION_KEY = "pairs.join_token"

NOT_OPEN = "{programme} is not taking pair applications at the moment."
ALREADY_APPLIED = "You already have a pair application for this cohort."
NOT_A_PROFESSIONAL = (
    "Pair applications are started by the {professional} in the pair. If that is you, add "
    "your professional role to your profile first. If not, ask your {professional} to invite you."
)


class PairRefused(ValidationError):
    """The change can't be made; the message says why in plain words."""


def is_professional(user: Any) -> bool:
    """Someone whose profile says they bring a professional perspective."""
    try:
        perspectives = user.profile.perspectives or []
    except Exception:  # noqa: BLE001 - no profile yet: no perspective chosen
        return False
    return bool(set(perspectives) & PROFESSIONAL)


def _lock(pair: Pair) -> Pair:
    """Lock the pair's row, then read it with its people. Read in two steps: when the lock
    query waits for another transaction, PostgreSQL rechecks only the locked row, so a partner
    who joined meanwhile would come back with its id but without its joined user."""
    Pair.objects.select_for_update().filter(pk=pair.pk).values_list("pk", flat=True).get()
    return Pair.objects.select_related("programme", "cohort", "professional", "partner").get(
        pk=pair.pk
    )


def pair_notify(*, pair: Pair, occasion: str) -> None:
    """Tell both partners, once per occasion. A partner who has not joined yet hears by the
    address they were invited at, unless they said no."""
    notices = [
        Notice(
            kind="pair_update",
            key=f"pair:{pair.pk}:{occasion}:{pair.professional_id}",
            to=pair.professional.email,
            user=pair.professional,
            programme=pair.programme,
            params={"pair_id": pair.pk, "occasion": occasion},
        )
    ]
    if pair.partner_id:
        notices.append(
            Notice(
                kind="pair_update",
                key=f"pair:{pair.pk}:{occasion}:{pair.partner_id}",
                to=pair.partner.email,
                user=pair.partner,
                programme=pair.programme,
                params={"pair_id": pair.pk, "occasion": occasion},
            )
        )
    elif pair.partner_invited_at and not pair.partner_declined_at:
        notices.append(
            Notice(
                kind="pair_update",
                key=f"pair:{pair.pk}:{occasion}:invited:{pair.partner_invite_count}",
                to=pair.partner_email,
                programme=pair.programme,
                params={"pair_id": pair.pk, "occasion": occasion, "to_invitee": True},
                copies=False,
            )
        )
    notice_queue_many(notices)


@transaction.atomic
def pair_start(
    *,
    cohort: Cohort,
    professional: Any,
    partner_name: str,
    partner_email: str,
    task: str,
    organisation: str,
    organisation_support: str,
    how_we_work: str,
) -> Pair:
    """A professional starts an application and their partner is invited by email."""
    programme = Programme.objects.get(pk=cohort.programme_id)
    if programme.status != Programme.Status.OPEN:
        raise PairRefused(NOT_OPEN.format(programme=programme.title))
    if not is_professional(professional):
        raise PairRefused(NOT_A_PROFESSIONAL.format(professional=programme.professional_term))
    if partner_email.strip().lower() == professional.email.lower():
        raise PairRefused({"partner_email": "Enter your partner's email address, not your own."})
    required = {
        "task": task,
        "organisation": organisation,
        "organisation_support": organisation_support,
        "how_we_work": how_we_work,
        "partner_name": partner_name,
        "partner_email": partner_email,
    }
    missing = {
        name: "Please answer this question."
        for name, value in required.items()
        if not value.strip()
    }
    if missing:
        raise PairRefused(missing)
    if (
        Pair.objects.filter(cohort=cohort, professional=professional)
        .exclude(status=Pair.Status.WITHDRAWN)
        .exists()
    ):
        raise PairRefused(ALREADY_APPLIED)
    try:
        with transaction.atomic():
            pair = Pair.objects.create(
                programme=programme,
                cohort=cohort,
                professional=professional,
                partner_name=partner_name.strip(),
                partner_email=partner_email.strip(),
                partner_token=secrets.token_urlsafe(32),
                task=task.strip(),
                organisation=organisation.strip(),
                organisation_support=organisation_support.strip(),
                how_we_work=how_we_work.strip(),
            )
    except IntegrityError as error:
        # The same application sent twice at the same moment (a double click).
        raise PairRefused(ALREADY_APPLIED) from error
    audit_log(actor=professional, action="pairs.pair.started", target=pair)
    return pair_invite_partner(pair=pair, email=pair.partner_email)


@transaction.atomic
def pair_invite_partner(*, pair: Pair, email: str, name: str | None = None, by: Any = None) -> Pair:
    """Email the partner their link: the first time, again, or to someone new.

    Inviting someone new (another address or name) makes a new link, so the old one stops
    working. Each invitation has its own outbox key; one queued before a newer one is not sent.
    """
    pair = _lock(pair)
    if by is not None and by.pk != pair.professional_id:
        raise PairRefused("Only the person who started the application can invite the partner.")
    if pair.status != Pair.Status.FORMING:
        raise PairRefused("This application has moved on, so the invitation can't change now.")
    if pair.partner_has_accepted:
        raise PairRefused(f"{pair.partner_display} has already joined this pair.")
    email = email.strip()
    name = pair.partner_name if name is None else name.strip()
    if not email or not name:
        raise PairRefused("Give your partner's name and email address.")
    if email.lower() == pair.professional.email.lower():
        raise PairRefused({"partner_email": "Enter your partner's email address, not your own."})
    someone_new = email.lower() != pair.partner_email.lower() or name != pair.partner_name
    if someone_new:
        pair.partner_token = secrets.token_urlsafe(32)
        pair.partner_email = email
        pair.partner_name = name
    if someone_new or pair.partner_declined_at:
        pair.partner_declined_at = None
        pair.partner_decline_reason = ""
    pair.partner_invited_at = timezone.now()
    pair.partner_invite_count += 1
    pair.save()
    if by is not None:
        audit_log(
            actor=by,
            action="pairs.pair.partner_changed" if someone_new else "pairs.pair.partner_reinvited",
            target=pair,
        )
    notice_queue(
        kind="pair_invitation",
        key=f"pair-invitation:{pair.pk}:{pair.partner_invite_count}",
        to=email,
        programme=pair.programme,
        params={"pair_id": pair.pk, "count": pair.partner_invite_count},
        copies=False,
    )
    return pair


def join_refusal(pair: Pair, user: Any = None) -> str | None:
    """Why this person can't join (or change their part of) this pair now; None if they can."""
    if pair.status != Pair.Status.FORMING:
        return "This pair application has moved on, so it can't be joined now."
    if user is not None and getattr(user, "pk", None) == pair.professional_id:
        return "You started this application; your partner needs to accept it."
    if user is not None and pair.partner_id and pair.partner_id != user.pk:
        return "Someone else has already joined this pair."
    return None


@transaction.atomic
def pair_accept(*, pair: Pair, partner: Any, statement: str, support_needs: str = "") -> Pair:
    """The partner joins and gives their part. Joined already: their part is updated."""
    pair = _lock(pair)
    if refusal := join_refusal(pair, partner):
        raise PairRefused(refusal)
    if not statement.strip():
        raise PairRefused({"partner_statement": "Tell us what you hope to bring and to get."})
    first_time = not pair.partner_has_accepted
    pair.partner = partner
    pair.partner_statement = statement.strip()
    pair.partner_support_needs = support_needs.strip()
    if first_time:
        pair.partner_accepted_at = timezone.now()
        pair.partner_declined_at = None
        pair.partner_decline_reason = ""
    pair.save()
    if first_time:
        audit_log(actor=partner, action="pairs.pair.partner_accepted", target=pair)
        pair_notify(pair=pair, occasion="partner_accepted")
    return pair


@transaction.atomic
def pair_partner_decline(*, pair: Pair, reason: str = "", user: Any = None) -> Pair:
    """The person invited says no. The professional hears, and can invite someone else."""
    pair = _lock(pair)
    if pair.status != Pair.Status.FORMING or pair.partner_has_accepted:
        raise PairRefused("This pair application has moved on, so there is nothing to say no to.")
    if user is not None and getattr(user, "pk", None) == pair.professional_id:
        raise PairRefused("You started this application. To stop it, withdraw it.")
    if pair.partner_declined_at:
        return pair
    pair.partner_declined_at = timezone.now()
    pair.partner_decline_reason = reason.strip()[:300]
    pair.save(update_fields=["partner_declined_at", "partner_decline_reason", "updated_at"])
    audit_log(
        actor=user, action="pairs.pair.partner_declined", target=pair, data={"reason": reason}
    )
    # Only the professional: the person who said no is not part of the pair.
    notice_queue(
        kind="pair_update",
        key=f"pair:{pair.pk}:partner_declined-{pair.partner_invite_count}:{pair.professional_id}",
        to=pair.professional.email,
        user=pair.professional,
        programme=pair.programme,
        params={"pair_id": pair.pk, "occasion": f"partner_declined-{pair.partner_invite_count}"},
    )
    return pair


@transaction.atomic
def pair_submit(*, pair: Pair, by: Any) -> Pair:
    pair = _lock(pair)
    if not pair.is_member(by):
        raise PairRefused("Only the pair can send their application.")
    if pair.status != Pair.Status.FORMING:
        raise PairRefused("This application has already been sent.")
    if not pair.partner_has_accepted:
        raise PairRefused("Your partner needs to accept and add their part first.")
    if pair.programme.status != Programme.Status.OPEN:
        raise PairRefused(NOT_OPEN.format(programme=pair.programme.title))
    pair.status = Pair.Status.SUBMITTED
    pair.submitted_at = timezone.now()
    pair.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_log(actor=by, action="pairs.pair.submitted", target=pair)
    pair_notify(pair=pair, occasion="submitted")
    return pair


@transaction.atomic
def pair_withdraw(*, pair: Pair, by: Any) -> Pair:
    pair = _lock(pair)
    if not pair.is_member(by):
        raise PairRefused("Only the pair can withdraw their application.")
    if pair.status in (Pair.Status.WITHDRAWN, Pair.Status.DECLINED):
        raise PairRefused("This application can't be withdrawn now.")
    pair.status = Pair.Status.WITHDRAWN
    pair.save(update_fields=["status", "updated_at"])
    audit_log(actor=by, action="pairs.pair.withdrawn", target=pair)
    pair_notify(pair=pair, occasion="withdrawn")
    return pair


DECISIONS = {
    "accept": Pair.Status.ACCEPTED,
    "waitlist": Pair.Status.WAITLISTED,
    "decline": Pair.Status.DECLINED,
}


def places_taken(cohort: Cohort) -> int:
    return Pair.objects.filter(cohort=cohort, status=Pair.Status.ACCEPTED).count()


def pair_decide(*, pair: Pair, decided_by: Any, decision: str, reason: str = "") -> Pair:
    """Accept, waitlist or decline both partners together, within the cohort's places."""
    if decision not in DECISIONS:
        raise PairRefused({"decision": "Choose accept, waiting list or decline."})
    if decision == "decline" and not reason.strip():
        raise PairRefused({"reason": "Give a reason. Both partners will see it."})
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().get(pk=pair.cohort_id)
        pair = _lock(pair)
        if not can_organise(decided_by, pair.programme):
            raise PairRefused("Only the programme's organisers can decide on pairs.")
        if pair.status not in Pair.DECIDABLE:
            raise PairRefused(
                f"This pair is {pair.get_status_display().lower()}, so it can't be decided now. "
                "Only a submitted or waitlisted pair can be decided."
            )
        if DECISIONS[decision] == pair.status:
            raise PairRefused(f"This pair is already {pair.get_status_display().lower()}.")
        if decision == "accept" and cohort.places is not None:
            if places_taken(cohort) >= cohort.places:
                raise PairRefused(
                    f"{cohort.name} is full: all {cohort.places} places for pairs are taken. "
                    "Put this pair on the waiting list instead."
                )
        pair.status = DECISIONS[decision]
        pair.decided_by = decided_by
        pair.decided_at = timezone.now()
        pair.decision_reason = reason.strip()
        pair.save()
        audit_log(
            actor=decided_by,
            action=f"pairs.pair.{pair.status}",
            target=pair,
            data={"reason": pair.decision_reason},
        )
        pair_notify(pair=pair, occasion=f"decided-{pair.status}-{pair.decided_at.timestamp():.0f}")
    return pair


# The learning log


def _log_check(pair: Pair, author: Any, sharing: str, tried: str, learned: str) -> None:
    if not pair.is_member(author):
        raise PairRefused("Only the pair can write in their learning log.")
    if pair.status != Pair.Status.ACCEPTED:
        raise PairRefused("Your learning log opens when your pair is accepted.")
    if sharing not in LogEntry.Sharing.values:
        raise PairRefused({"sharing": "Choose who can read it."})
    missing = {}
    if not tried.strip():
        missing["tried"] = "Say what you tried."
    if not learned.strip():
        missing["learned"] = "Say what you learned."
    if missing:
        raise PairRefused(missing)


@transaction.atomic
def log_entry_add(
    *,
    pair: Pair,
    author: Any,
    entry_date: datetime.date,
    tried: str,
    learned: str,
    next_steps: str = "",
    sharing: str = LogEntry.Sharing.PAIR,
) -> LogEntry:
    _log_check(pair, author, sharing, tried, learned)
    return LogEntry.objects.create(
        pair=pair,
        author=author,
        entry_date=entry_date,
        tried=tried.strip(),
        learned=learned.strip(),
        next_steps=next_steps.strip(),
        sharing=sharing,
    )


@transaction.atomic
def log_entry_update(
    *,
    entry: LogEntry,
    by: Any,
    entry_date: datetime.date,
    tried: str,
    learned: str,
    next_steps: str = "",
    sharing: str = LogEntry.Sharing.PAIR,
) -> LogEntry:
    """Either partner can change an entry, including who can read it."""
    _log_check(entry.pair, by, sharing, tried, learned)
    entry.entry_date = entry_date
    entry.tried = tried.strip()
    entry.learned = learned.strip()
    entry.next_steps = next_steps.strip()
    entry.sharing = sharing
    entry.save()
    return entry


def log_entries_for_cohort(cohort: Cohort) -> QuerySet[LogEntry]:
    """What the accepted pairs of a cohort share with each other."""
    return (
        LogEntry.objects.shared_with_cohort()
        .filter(pair__cohort=cohort, pair__status=Pair.Status.ACCEPTED)
        .select_related("pair__professional__profile", "pair__partner__profile")
    )


def pair_entries_shared_with_programme(programme: Programme) -> QuerySet[LogEntry]:
    """Learning log entries the programme team may read: those the pairs shared with the team
    or with their cohort. Newest first, with each pair, its cohort and both partners loaded."""
    return (
        LogEntry.objects.shared_with_team()
        .filter(pair__programme=programme)
        .select_related(
            "pair__cohort", "pair__professional__profile", "pair__partner__profile", "author"
        )
        .order_by("-entry_date", "-id")
    )
