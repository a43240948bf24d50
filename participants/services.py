"""Participants' profiles, consent records and equality monitoring.

A profile is filled in over short steps (`STEPS`); each step saves on its own. A profile is
complete once the last step is done with every required answer given; registration then also
checks the privacy notice version and, for under-18s, a parent or guardian
(`profile_missing_for_registration`).
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from codesign.core.audit import audit_log
from participants.models import AgeBand, Consent, EqualityMonitoring, Perspective, Profile
from programmes.terms import PROFESSIONAL_PERSPECTIVES

# Steps, in order. Only the guardian step is ever skipped: for people who are 18 or over.
ABOUT = "about-you"
EXPERIENCE = "experience"
DESCRIBED = "described"
SUPPORT = "support"
CONTACT = "contact"
GUARDIAN = "guardian"
AGREEMENT = "agreement"
STEPS = (ABOUT, EXPERIENCE, DESCRIBED, SUPPORT, CONTACT, GUARDIAN, AGREEMENT)
# Steps with no required answer: they count as done once saved (see views._next_step).
OPTIONAL_STEPS = frozenset({SUPPORT, CONTACT})

EDITABLE_FIELDS = frozenset(
    {
        "display_name",
        "pronouns",
        "date_of_birth",
        "age_band",
        "perspectives",
        "discipline",
        "organisation",
        "job_role",
        "described_as",
        "support_needs",
        "support_other",
        "dietary_needs",
        "large_print",
        "easy_read",
        "reminders",
        "phone",
        "copies_to_name",
        "copies_to_email",
        "guardian_name",
        "guardian_email",
    }
)


def is_professional(perspectives: Iterable[str]) -> bool:
    return bool(set(perspectives) & PROFESSIONAL_PERSPECTIVES)


def age_band_for(age: int) -> str:
    if age < 16:
        return AgeBand.UNDER_16
    if age < 18:
        return AgeBand.AGE_16_17
    if age < 25:
        return AgeBand.AGE_18_24
    if age < 45:
        return AgeBand.AGE_25_44
    if age < 65:
        return AgeBand.AGE_45_64
    return AgeBand.AGE_65_PLUS


# Profiles


def profile_get_or_create(*, user: Any) -> Profile:
    profile, _ = Profile.objects.select_related("user").get_or_create(user=user)
    return profile


@transaction.atomic
def profile_update(*, profile: Profile, data: Mapping[str, Any]) -> Profile:
    """Save one step's answers. Only the fields a person may change themselves are taken."""
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"These fields cannot be changed here: {sorted(unknown)}")
    current = Profile.objects.select_for_update().get(pk=profile.pk)
    for name, value in data.items():
        setattr(current, name, value)
    others = [field.name for field in Profile._meta.fields if field.name not in data]
    current.full_clean(exclude=others, validate_unique=False, validate_constraints=False)
    current.save(update_fields=[*data, "updated_at"])
    for name in data:
        setattr(profile, name, getattr(current, name))
    profile.updated_at = current.updated_at
    return profile


def profile_steps(profile: Profile) -> list[str]:
    """The steps this person goes through."""
    return [step for step in STEPS if step != GUARDIAN or profile.is_under_18]


def profile_unanswered_steps(profile: Profile, *, consents: Mapping[str, Consent]) -> list[str]:
    """This person's steps that still miss a required answer, in order."""
    perspectives = set(profile.perspectives)
    missing = {
        ABOUT: not profile.display_name or not (profile.date_of_birth or profile.age_band),
        EXPERIENCE: not perspectives
        or (Perspective.HEALTH_PROFESSIONAL in perspectives and not profile.discipline)
        or (is_professional(perspectives) and not (profile.organisation and profile.job_role)),
        DESCRIBED: not profile.described_as,
        GUARDIAN: not (profile.guardian_name and profile.guardian_email),
        AGREEMENT: not privacy_agreed(consents),
    }
    return [step for step in profile_steps(profile) if missing.get(step, False)]


@transaction.atomic
def profile_complete(*, profile: Profile) -> Profile:
    """Mark the profile finished, once every required answer is in. Finishing again later (after
    a change) keeps the first date."""
    current = Profile.objects.select_for_update().get(pk=profile.pk)
    unanswered = profile_unanswered_steps(current, consents=consents_in_force(current.user))
    if unanswered:
        raise ValidationError(
            "Some questions still need an answer.", code="unanswered", params={"steps": unanswered}
        )
    if current.completed_at is None:
        current.completed_at = timezone.now()
        current.save(update_fields=["completed_at", "updated_at"])
    profile.completed_at = current.completed_at
    return profile


FINISH_PROFILE = "Finish your profile first. It takes a few minutes."


def profile_missing_for_registration(user: Any) -> str | None:
    """What this person must finish before they can register for a workshop, in plain words;
    None when there is nothing."""
    profile = Profile.objects.filter(user=user).first()
    if profile is None or profile.completed_at is None:
        return FINISH_PROFILE
    consents = consents_in_force(user)
    unanswered = profile_unanswered_steps(profile, consents=consents)
    if GUARDIAN in unanswered:
        return "Give us the name and email address of your parent or guardian first."
    if AGREEMENT in unanswered:
        privacy = consents.get(Consent.Kind.PRIVACY)
        if privacy is not None and privacy.granted:
            return (
                "Our privacy notice has changed. Read it, then tick the box to say you have "
                "read it."
            )
        return "Read the privacy notice, then tick the box to say you have read it."
    if unanswered:
        return FINISH_PROFILE
    return None


# Consent


def consents_in_force(user: Any) -> dict[str, Consent]:
    """The latest answer for each kind of consent, in one query however many answers there are."""
    latest = (
        Consent.objects.filter(user=user)
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("kind")],
                order_by=[F("recorded_at").desc(), F("id").desc()],
            )
        )
        .filter(position=1)
    )
    return {consent.kind: consent for consent in latest}


def privacy_agreed(consents: Mapping[str, Consent]) -> bool:
    privacy = consents.get(Consent.Kind.PRIVACY)
    return bool(
        privacy
        and privacy.granted
        and privacy.privacy_notice_version == settings.PRIVACY_NOTICE_VERSION
    )


@transaction.atomic
def consent_record(*, user: Any, kind: str, granted: bool) -> Consent | None:
    """Record an answer to one consent question, with the time, only if it differs from the
    answer in force (for the privacy notice: or was given for an older version).
    Returns the new record, or None when nothing changed."""
    if kind not in Consent.Kind.values:
        raise ValueError(f"No consent called {kind!r}.")
    # Lock the person's row so two requests at once cannot both record the same change.
    get_user_model().objects.select_for_update().get(pk=user.pk)
    version = settings.PRIVACY_NOTICE_VERSION if kind == Consent.Kind.PRIVACY else ""
    current = consents_in_force(user).get(kind)
    if (
        current is not None
        and current.granted == granted
        and current.privacy_notice_version == version
    ):
        return None
    consent = Consent.objects.create(
        user=user, kind=kind, granted=granted, privacy_notice_version=version
    )
    audit_log(
        actor=user,
        action="participants.consent.changed",
        target=consent,
        data={"kind": kind, "granted": granted, "privacy_notice_version": version},
    )
    return consent


@transaction.atomic
def consents_record(
    *, user: Any, privacy: bool, contact: bool | None, photos: bool | None
) -> list[Consent]:
    """Record the answers from the agreement step. A question left unanswered records nothing."""
    answers = {
        Consent.Kind.PRIVACY: privacy,
        Consent.Kind.CONTACT: contact,
        Consent.Kind.PHOTOS: photos,
    }
    recorded = []
    for kind, granted in answers.items():
        if granted is None:
            continue
        consent = consent_record(user=user, kind=kind, granted=granted)
        if consent is not None:
            recorded.append(consent)
    return recorded


# Equality monitoring

EQUALITY_FIELDS = ("age_band", "ethnicity", "disability", "sex", "gender_same_as_sex_at_birth")
SMALL_NUMBER = 5
FEWER_THAN_SMALL_NUMBER = "fewer than 5"
# On the form, leaving age empty is how people say "prefer not to say" (AgeBand has no such
# choice); the other questions have their own "prefer not to say".
NOT_ANSWERED = {"age_band": "Prefer not to say or not answered"}


@transaction.atomic
def equality_monitoring_save(*, user: Any, data: Mapping[str, Any]) -> EqualityMonitoring:
    answers = {name: data.get(name) or "" for name in EQUALITY_FIELDS}
    monitoring, _ = EqualityMonitoring.objects.select_for_update().get_or_create(user=user)
    for name, value in answers.items():
        setattr(monitoring, name, value)
    monitoring.full_clean()
    monitoring.save()
    return monitoring


@transaction.atomic
def equality_monitoring_delete(*, user: Any) -> bool:
    deleted, _ = EqualityMonitoring.objects.filter(user=user).delete()
    return bool(deleted)


def equality_totals(users: QuerySet[Any]) -> dict[str, list[tuple[str, int | str]]]:
    """How many of these people gave each equality answer, for reports. Counts under 5 read
    "fewer than 5", so that nobody can be picked out. One query, whatever the number of people.
    """
    choices = {
        name: [*EqualityMonitoring._meta.get_field(name).choices, ("", None)]
        for name in EQUALITY_FIELDS
    }
    keys = {
        (name, value): f"n{number}"
        for number, (name, value) in enumerate(
            (name, value) for name, options in choices.items() for value, _ in options
        )
    }
    counts = EqualityMonitoring.objects.filter(user__in=users).aggregate(
        **{key: Count("pk", filter=Q(**{name: value})) for (name, value), key in keys.items()}
    )
    totals: dict[str, list[tuple[str, int | str]]] = {}
    for name, options in choices.items():
        rows: list[tuple[str, int | str]] = []
        for value, label in options:
            count = counts[keys[name, value]]
            rows.append(
                (
                    str(label or NOT_ANSWERED.get(name, "Not answered")),
                    count if count >= SMALL_NUMBER else FEWER_THAN_SMALL_NUMBER,
                )
            )
        totals[name] = rows
    return totals


def reminders_turn_off(*, profile: Profile) -> None:
    """From the link in an email: no more reminders or feedback nudges. Messages people must
    have (confirmations, changes, cancellations) still reach them."""
    with transaction.atomic():
        locked = Profile.objects.select_for_update().get(pk=profile.pk)
        if not locked.reminders:
            return
        locked.reminders = False
        locked.save(update_fields=["reminders", "updated_at"])
        audit_log(
            actor=locked.user,
            action="participants.reminders.unsubscribed",
            target=locked,
            data={"via": "email link"},
        )
    profile.reminders = False
