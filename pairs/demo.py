"""Fictional collaborative pairs for seed_demo: one cohort with pairs in every status, and an
accepted pair (the demo logins professional@example.org and patient@example.org) with learning
log entries at each sharing level. Running it twice changes nothing the second time."""

import datetime
import secrets
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone

from pairs.models import LogEntry, Pair
from participants.models import Consent, Perspective, Profile
from programmes.models import Cohort, Programme

# All fictional. example.org is reserved for examples and never delivers mail.
DEMO_PEOPLE = [
    ("fola.nurse@example.org", "Fola Adeyemi", [Perspective.HEALTH_PROFESSIONAL], "nurse"),
    ("sam.physio@example.org", "Sam Okoro", [Perspective.HEALTH_PROFESSIONAL], "physiotherapist"),
    ("lee.partner@example.org", "Lee Marsh", [Perspective.PATIENT], "patient partner"),
    ("wren.manager@example.org", "Wren Hale", [Perspective.MANAGER], "service manager"),
    ("kai.partner@example.org", "Kai Dunn", [Perspective.CARER], "carer"),
    ("dara.gp@example.org", "Dara Quinn", [Perspective.HEALTH_PROFESSIONAL], "GP"),
    ("moss.partner@example.org", "Moss Reid", [Perspective.PATIENT], "expert by experience"),
    ("ivy.support@example.org", "Ivy Chen", [Perspective.CARE_PROFESSIONAL], "support worker"),
    ("rio.partner@example.org", "Rio Banks", [Perspective.FAMILY], "parent"),
]

SUPPORT = (
    "Two hours a week protected from clinic work, a room for our meetings, and the trust pays "
    "travel and a payment for my partner's time."
)


def _person(email: str, name: str, perspectives: list[str], described_as: str) -> Any:
    from codesign.accounts.models import User

    user, created = User.objects.get_or_create(email=email)
    if created:
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        professional = bool(
            set(perspectives)
            & {Perspective.HEALTH_PROFESSIONAL, Perspective.CARE_PROFESSIONAL, Perspective.MANAGER}
        )
        Profile.objects.create(
            user=user,
            display_name=name,
            perspectives=[str(p) for p in perspectives],
            described_as=described_as,
            date_of_birth=datetime.date(1980, 4, 1),
            organisation="Example Health Trust" if professional else "",
            job_role=described_as if professional else "",
            completed_at=timezone.now(),
        )
        Consent.objects.create(
            user=user,
            kind=Consent.Kind.PRIVACY,
            granted=True,
            privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
        )
    return user


def _pair(cohort: Cohort, professional: Any, partner: Any, status: str, **fields: Any) -> Pair:
    existing = Pair.objects.filter(cohort=cohort, professional=professional).first()
    if existing is not None:
        return existing
    now = timezone.now()
    defaults: dict[str, Any] = {
        "programme_id": cohort.programme_id,
        "cohort": cohort,
        "professional": professional,
        "partner_token": secrets.token_urlsafe(32),
        "partner_invited_at": now - datetime.timedelta(days=20),
        "partner_invite_count": 1,
        "organisation": "Example Health Trust",
        "organisation_support": SUPPORT,
        "status": status,
    }
    if partner is not None:
        defaults.update(
            partner=partner,
            partner_name=partner.profile.display_name,
            partner_email=partner.email,
            partner_accepted_at=now - datetime.timedelta(days=18),
            partner_statement=(
                "I know what the clinic feels like from the waiting room. I hope to help make "
                "it kinder, and to learn how the service works behind the scenes."
            ),
        )
    if status != Pair.Status.FORMING:
        defaults["submitted_at"] = now - datetime.timedelta(days=15)
    defaults.update(fields)
    return Pair.objects.create(**defaults)


def seed_pairs(programme: Programme, users: dict[str, Any]) -> list[Pair]:
    """A cohort of `programme` with pairs in every status. `users` holds the demo logins by
    email; professional@example.org and patient@example.org make the accepted pair."""
    cohort = programme.cohorts.order_by("starts_on", "name").first()
    if cohort is None:
        today = timezone.localdate()
        cohort, _ = Cohort.objects.get_or_create(
            programme=programme,
            name="Collaborative pairs cohort",
            defaults={"starts_on": today, "ends_on": today + datetime.timedelta(days=180)},
        )
    people = {email: _person(email, *rest) for email, *rest in DEMO_PEOPLE}
    organiser = users.get("organiser@example.org")
    now = timezone.now()
    decided = {"decided_by": organiser, "decided_at": now - datetime.timedelta(days=10)}

    accepted = _pair(
        cohort,
        users["professional@example.org"],
        users["patient@example.org"],
        Pair.Status.ACCEPTED,
        task="Rewrite the letter that invites young people to their first adult clinic, so it "
        "says plainly what will happen and who they will meet.",
        how_we_work="We meet every other Tuesday for an hour, online or at the clinic. Pat leads "
        "on what the letter should say; Prem gets it through the clinic's approvals.",
        decision_reason="A clear, real task with strong support from the trust.",
        **decided,
    )
    other_accepted = _pair(
        cohort,
        people["ivy.support@example.org"],
        people["rio.partner@example.org"],
        Pair.Status.ACCEPTED,
        task="Plan a drop-in evening where parents meet the adult clinic team before the move.",
        how_we_work="We meet monthly at the youth hub, and share notes in between by email.",
        **decided,
    )
    pairs = [
        accepted,
        other_accepted,
        _pair(
            cohort,
            people["fola.nurse@example.org"],
            None,
            Pair.Status.FORMING,
            partner_name="Ines Ward",
            partner_email="ines.partner@example.org",
            task="Make the clinic's text message reminders easier to understand.",
            how_we_work="Short weekly calls, and we try each new message on friends first.",
            submitted_at=None,
        ),
        _pair(
            cohort,
            people["sam.physio@example.org"],
            people["lee.partner@example.org"],
            Pair.Status.SUBMITTED,
            task="Design an exercise session for young adults new to the adult service.",
            how_we_work="We will run the first session together and change it after each one.",
        ),
        _pair(
            cohort,
            people["wren.manager@example.org"],
            people["kai.partner@example.org"],
            Pair.Status.WAITLISTED,
            task="Find out why carers miss the transition planning meeting, and fix it.",
            how_we_work="Kai talks to other carers; Wren changes how the meetings are booked.",
            decision_reason="A strong application; the cohort's places went to earlier ones.",
            **decided,
        ),
        _pair(
            cohort,
            people["dara.gp@example.org"],
            people["moss.partner@example.org"],
            Pair.Status.DECLINED,
            task="Review all GP referral letters across the region.",
            how_we_work="We will meet when we can.",
            decision_reason="The task is too large for one pair in six months. Please apply "
            "again with a smaller piece of it.",
            **decided,
        ),
    ]
    _entries(accepted, other_accepted)
    return pairs


LOG = [
    (
        40,
        LogEntry.Sharing.PAIR,
        "We read ten of the current letters aloud to each other.",
        "Half of them never say where to go on the day.",
        "Draft a first version with the address at the top.",
    ),
    (
        26,
        LogEntry.Sharing.TEAM,
        "We showed our draft letter to three young people in the waiting room.",
        "They wanted to know who they would meet, more than what would happen.",
        "Add a photo and a line about each person in the clinic team.",
    ),
    (
        12,
        LogEntry.Sharing.COHORT,
        "We tried the new letter with the next ten people invited.",
        "Nobody rang to ask where to go, and two people brought a friend as we suggested.",
        "Ask the clinic to use it for everyone from next month.",
    ),
]


def _entries(accepted: Pair, other: Pair) -> None:
    today = timezone.localdate()
    for days, sharing, tried, learned, next_steps in LOG:
        LogEntry.objects.get_or_create(
            pair=accepted,
            tried=tried,
            defaults={
                "author": accepted.partner if days % 2 else accepted.professional,
                "entry_date": today - datetime.timedelta(days=days),
                "learned": learned,
                "next_steps": next_steps,
                "sharing": sharing,
            },
        )
    LogEntry.objects.get_or_create(
        pair=other,
        tried="We asked parents at the clinic what they wished they had known before the move.",
        defaults={
            "author": other.partner,
            "entry_date": today - datetime.timedelta(days=8),
            "learned": "Most wanted to meet the adult team once before the first appointment.",
            "next_steps": "Book the youth hub for an evening in spring.",
            "sharing": LogEntry.Sharing.COHORT,
        },
    )
