"""Everything we hold about one person, by section: the "Your data" page and its JSON download.

A `Subject` is a person: their account, if they have one, and their email address. Records
without an account (invitations, a parent or guardian's consent, a partner invited to a pair,
emails) are found by the address. An organiser's request covers only their programme's records
(`programme_ids`); a site admin's, or the person's own, covers everything.

Each section is read with one query (two or three with its parts), so a person with years of
records costs the same number of queries as a newcomer. Answers to anonymous feedback forms are
not linked to anyone, so they are not here: only that the person answered.
"""

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.utils import formats, timezone

from bursaries.models import Application, Claim, CostType
from codesign.core.models import AuditEntry, OutboxMessage
from codesign.core.notices import kind_words
from feedback.models import Answer, FeedbackReceipt, Response
from pairs.models import LogEntry, Pair
from participants.models import (
    AgeBand,
    Consent,
    EqualityMonitoring,
    Perspective,
    Profile,
    SupportNeed,
)
from privacy.models import DataRequest
from programmes.models import Invitation, Membership, TeamRole
from workshops.models import CalendarFeed, GuardianConsent, Registration

FORMAT = "codesign-personal-data/1"


@dataclass(frozen=True)
class Subject:
    email: str
    user: Any = None
    # None: every record. Otherwise only records of these programmes (an organiser's request).
    programme_ids: frozenset[int] | None = None

    @classmethod
    def of(cls, user: Any) -> "Subject":
        return cls(email=user.email, user=user)

    @property
    def has_account(self) -> bool:
        return self.user is not None

    @property
    def is_scoped(self) -> bool:
        return self.programme_ids is not None

    def in_scope(self, queryset: QuerySet[Any], programme_path: str) -> QuerySet[Any]:
        if self.programme_ids is None:
            return queryset
        return queryset.filter(**{f"{programme_path}__in": self.programme_ids})


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    fields: tuple[tuple[str, str], ...]
    many: bool = True
    # For fields holding codes: the words to show for each code.
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    empty: str = "Nothing."


@dataclass
class Filled:
    section: Section
    rows: list[dict[str, Any]]

    @property
    def count(self) -> int:
        return len(self.rows)

    def as_json(self) -> Any:
        if self.section.many:
            return self.rows
        return self.rows[0] if self.rows else None

    def display(self) -> list[list[tuple[str, Any, bool]]]:
        """Each row as (label, words or a list of words, is it a list), for the page. Fields
        that don't apply to a row (None) are left out."""
        return [
            [
                (label, words, isinstance(words, list))
                for key, label in self.section.fields
                if key in row and row[key] is not None
                for words in [_words(row[key], self.section.labels.get(key))]
            ]
            for row in self.rows
        ]


def _words(value: Any, labels: Mapping[str, str] | None) -> Any:
    if isinstance(value, list):
        return [_words(item, labels) for item in value] or "None"
    if value is None or value == "":
        return "None"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "j F Y")
    if isinstance(value, Decimal):
        return f"£{value:,.2f}"
    if labels is not None:
        return labels.get(str(value), str(value))
    return str(value)


def _choices(choices: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices}


PERSPECTIVES = _choices(Perspective.choices)
BY_WORDS = {"you": "You", "team": "Someone on a programme team", "system": "The website"}

SECTIONS: tuple[Section, ...] = (
    Section(
        "account",
        "Your account",
        "How you sign in.",
        (
            ("email", "Email address"),
            ("joined_at", "Account made"),
            ("last_signed_in_at", "Last signed in"),
            ("email_addresses", "Email addresses on the account"),
            ("two_step_sign_in", "Two-step sign-in set up"),
        ),
        many=False,
    ),
    Section(
        "profile",
        "Your profile",
        "How you want to be known and how to reach you.",
        (
            ("name", "Name"),
            ("pronouns", "Pronouns"),
            ("perspectives", "Experience you bring"),
            ("described_as", "How you want to be described"),
            ("discipline", "Profession"),
            ("organisation", "Organisation"),
            ("job_role", "Job title"),
            ("phone", "Phone"),
            ("date_of_birth", "Date of birth"),
            ("age_group", "Age group"),
            ("copies_to_name", "Copies of our messages go to"),
            ("copies_to_email", "Their email address"),
            ("guardian_name", "Parent or guardian"),
            ("guardian_email", "Parent or guardian's email address"),
            ("reminders", "Reminders before workshops"),
            ("finished_at", "Profile finished"),
            ("created_at", "Profile started"),
            ("updated_at", "Last changed"),
        ),
        many=False,
        labels={"perspectives": PERSPECTIVES, "age_group": _choices(AgeBand.choices)},
    ),
    Section(
        "support",
        "What helps you take part",
        "The support you asked us to arrange.",
        (
            ("support_needs", "Support"),
            ("support_other", "Anything else"),
            ("food_and_drink", "Food and drink"),
            ("large_print", "Large print"),
            ("easy_read", "Easy read"),
        ),
        many=False,
        labels={"support_needs": _choices(SupportNeed.choices)},
    ),
    Section(
        "consents",
        "What you agreed to",
        "Every answer you gave, newest first. The newest answer of each kind is the one in force.",
        (
            ("kind", "About"),
            ("agreed", "Your answer"),
            ("privacy_notice_version", "Privacy notice version"),
            ("recorded_at", "When"),
        ),
        labels={"kind": _choices(Consent.Kind.choices)},
    ),
    Section(
        "equality",
        "Equality questions",
        "Your answers. Organisers only ever see totals of 5 or more, never your answers.",
        (
            ("age_group", "Age group"),
            ("ethnic_group", "Ethnic group"),
            ("disability", "Disability or long-term condition"),
            ("sex", "Sex"),
            ("gender_same_as_sex_at_birth", "Gender the same as sex registered at birth"),
            ("updated_at", "Last changed"),
        ),
        many=False,
        labels={
            "age_group": _choices(AgeBand.choices),
            "ethnic_group": _choices(EqualityMonitoring.Ethnicity.choices),
            "disability": _choices(EqualityMonitoring.YesNo.choices),
            "sex": _choices(EqualityMonitoring.Sex.choices),
            "gender_same_as_sex_at_birth": _choices(EqualityMonitoring.YesNo.choices),
        },
    ),
    Section(
        "team_roles",
        "Your roles on programme teams",
        "Programmes you help run.",
        (("programme", "Programme"), ("role", "Role"), ("since", "Since")),
        labels={"role": _choices(TeamRole.choices)},
    ),
    Section(
        "registrations",
        "Workshops you signed up for",
        "Your places, whether you came, and where you sat.",
        (
            ("workshop", "Workshop"),
            ("programme", "Programme"),
            ("starts_at", "Starts"),
            ("status", "Your place"),
            ("perspectives", "Experience you brought"),
            ("companion_name", "Companion"),
            ("registered_at", "Signed up"),
            ("checked_in_at", "Checked in"),
            ("cancelled_at", "Cancelled"),
            ("tables", "Tables"),
            ("history", "What happened"),
        ),
        labels={
            "status": _choices(Registration.Status.choices),
            "perspectives": PERSPECTIVES,
        },
    ),
    Section(
        "guardian_consents",
        "Parent or guardian consent",
        "Consent a parent or guardian gave for a young person to come to a workshop.",
        (
            ("you_are", "You are"),
            ("workshop", "Workshop"),
            ("guardian_name", "Parent or guardian"),
            ("guardian_email", "Their email address"),
            ("asked_at", "Asked"),
            ("given_at", "Consent given"),
        ),
        labels={
            "you_are": {
                "young_person": "The young person",
                "guardian": "The parent or guardian",
            }
        },
    ),
    Section(
        "invitations",
        "Invitations",
        "Invitations we sent to your email address.",
        (
            ("programme", "Programme"),
            ("workshop", "Workshop"),
            ("email", "Sent to"),
            ("name", "Name we used"),
            ("message", "Message"),
            ("status", "Status"),
            ("sent_at", "Sent"),
            ("answered_at", "Answered"),
            ("decline_reason", "Why you said no"),
        ),
        labels={"status": _choices(Invitation.Status.choices)},
    ),
    Section(
        "feedback",
        "Feedback you gave",
        "Your answers to feedback forms. Answers to anonymous forms are not linked to you, so "
        "they are not here.",
        (
            ("workshop", "Workshop"),
            ("given_at", "Given"),
            ("changed_at", "Last changed"),
            ("perspectives", "Experience you brought"),
            ("may_quote", "May be quoted without your name"),
            ("answers", "Your answers"),
        ),
        labels={"perspectives": PERSPECTIVES},
    ),
    Section(
        "feedback_answered",
        "Feedback forms you answered",
        "That you answered, including anonymous forms: nothing about what you said.",
        (("workshop", "Workshop"), ("answered_at", "Answered")),
    ),
    Section(
        "pairs",
        "Collaborative pairs",
        "Pairs you started, joined or were invited to.",
        (
            ("programme", "Programme"),
            ("cohort", "Cohort"),
            ("you_are", "You are"),
            ("status", "Status"),
            ("partner_name", "Partner's name"),
            ("partner_email", "Partner's email address"),
            ("task", "The task"),
            ("organisation", "Organisation"),
            ("organisation_support", "Support from the organisation"),
            ("how_we_work", "How you will work"),
            ("partner_statement", "What you hope to bring and get"),
            ("partner_support_needs", "What would help you take part"),
            ("decline_reason", "Why you said no"),
            ("started_at", "Started"),
            ("submitted_at", "Sent"),
            ("decided_at", "Decided"),
        ),
        labels={
            "status": _choices(Pair.Status.choices),
            "you_are": {
                "professional": "The professional",
                "partner": "The partner",
                "invited": "Invited as the partner",
            },
        },
    ),
    Section(
        "learning_log",
        "Learning log entries you wrote",
        "Entries your partner wrote are theirs, so they are not here.",
        (
            ("date", "Date"),
            ("tried", "What we tried"),
            ("learned", "What we learned"),
            ("next_steps", "What we will do next"),
            ("sharing", "Who can read it"),
            ("written_at", "Written"),
        ),
        labels={"sharing": _choices(LogEntry.Sharing.choices)},
    ),
    Section(
        "bursary_applications",
        "Bursary applications",
        "What you asked for and what was decided.",
        (
            ("scheme", "Bursary"),
            ("programme", "Programme"),
            ("status", "Status"),
            ("costs", "Costs asked for"),
            ("statement", "Why it would help"),
            ("payment_in_advance", "Money needed before the workshop"),
            ("declines_payment", "No payment for your time"),
            ("awarded", "Amount awarded"),
            ("decision_reason", "Reason for the decision"),
            ("submitted_at", "Sent"),
            ("decided_at", "Decision told to you"),
            ("withdrawn_at", "Withdrawn"),
        ),
        labels={"status": _choices(Application.Status.choices)},
    ),
    Section(
        "bursary_claims",
        "Bursary claims",
        "What you claimed and what was paid.",
        (
            ("scheme", "Bursary"),
            ("status", "Status"),
            ("costs", "Costs claimed"),
            ("note", "Your note"),
            ("receipts", "Receipts"),
            ("claimed_at", "Claimed"),
            ("approved_at", "Approved"),
            ("paid_at", "Paid"),
            ("payment_reference", "Payment reference"),
        ),
        labels={"status": _choices(Claim.Status.choices)},
    ),
    Section(
        "calendar",
        "Your calendar link",
        "A private link that puts your workshops in your calendar app.",
        (("made_at", "Made"),),
        many=False,
    ),
    Section(
        "named_by_others",
        "Where someone else named you",
        "Someone gave your email address as the person to get copies of their messages, or as "
        "their parent or guardian.",
        (("as", "Named as"), ("name_given", "Name they gave")),
        labels={
            "as": {
                "copies": "The person who gets copies of their messages",
                "guardian": "Their parent or guardian",
            }
        },
    ),
    Section(
        "messages",
        "Emails we sent you",
        "Emails to you, or about you to the person you asked us to copy in.",
        (
            ("kind", "What"),
            ("subject", "Subject"),
            ("to", "Sent to"),
            ("is_copy", "A copy for someone else"),
            ("status", "Status"),
            ("queued_at", "Queued"),
            ("sent_at", "Sent"),
        ),
        labels={"status": _choices(OutboxMessage.Status.choices)},
    ),
    Section(
        "data_requests",
        "Requests about your data",
        "Requests to see or erase your data that reached us.",
        (
            ("kind", "Request"),
            ("status", "Status"),
            ("received_on", "Received"),
            ("done_at", "Done"),
        ),
        labels={
            "kind": _choices(DataRequest.Kind.choices),
            "status": _choices(DataRequest.Status.choices),
        },
    ),
    Section(
        "audit",
        "Security records about you",
        "What was done to your records, when and by whom.",
        (("when", "When"), ("action", "What"), ("about", "Record"), ("by", "By")),
        labels={"by": BY_WORDS},
    ),
)
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}
# Sections that only exist for someone with an account.
ACCOUNT_SECTIONS = frozenset(
    {
        "account",
        "profile",
        "support",
        "consents",
        "equality",
        "team_roles",
        "registrations",
        "feedback",
        "feedback_answered",
        "learning_log",
        "bursary_applications",
        "bursary_claims",
        "calendar",
    }
)


class Found:
    """The records each section read, by model, so the audit section can find entries about
    them, and erasure can find them again."""

    def __init__(self) -> None:
        self.ids: dict[str, set[str]] = {}

    def add(self, model: Any, pks: Iterable[Any]) -> None:
        self.ids.setdefault(model._meta.label_lower, set()).update(str(pk) for pk in pks)

    def q(self) -> Q | None:
        query = None
        for label, ids in self.ids.items():
            if ids:
                part = Q(object_type=label, object_id__in=sorted(ids))
                query = part if query is None else query | part
        return query


def _iexact(field_name: str, email: str) -> Q:
    return Q(**{f"{field_name}__iexact": email})


def _costs(items: Iterable[Any]) -> list[str]:
    labels = _choices(CostType.choices)
    return [
        f"{labels.get(item.cost_type, item.cost_type)}: £{item.amount:,.2f}"
        + (f" ({item.details})" if item.details else "")
        for item in items
    ]


# Section builders: each takes the subject and what was found so far, and returns rows.

Builder = Callable[[Subject, Found, dict[str, Any]], list[dict[str, Any]]]


def _account(subject: Subject, found: Found, cache: dict[str, Any]) -> list[dict[str, Any]]:
    user = subject.user
    addresses = list(EmailAddress.objects.filter(user=user).order_by("-primary", "email"))
    has_app = Authenticator.objects.filter(user=user).exists()
    found.add(get_user_model(), [user.pk])
    return [
        {
            "email": user.email,
            "joined_at": user.date_joined,
            "last_signed_in_at": user.last_login,
            "email_addresses": [
                a.email + (" (checked)" if a.verified else " (not checked yet)") for a in addresses
            ],
            "two_step_sign_in": has_app,
        }
    ]


def _profile_row(subject: Subject, cache: dict[str, Any]) -> Profile | None:
    if "profile" not in cache:
        cache["profile"] = Profile.objects.filter(user=subject.user).first()
    return cache["profile"]


def _profile(subject: Subject, found: Found, cache: dict[str, Any]) -> list[dict[str, Any]]:
    profile = _profile_row(subject, cache)
    if profile is None:
        return []
    found.add(Profile, [profile.pk])
    return [
        {
            "name": profile.display_name,
            "pronouns": profile.pronouns,
            "perspectives": list(profile.perspectives),
            "described_as": profile.described_as,
            "discipline": profile.discipline,
            "organisation": profile.organisation,
            "job_role": profile.job_role,
            "phone": profile.phone,
            "date_of_birth": profile.date_of_birth,
            "age_group": profile.age_band,
            "copies_to_name": profile.copies_to_name,
            "copies_to_email": profile.copies_to_email,
            "guardian_name": profile.guardian_name,
            "guardian_email": profile.guardian_email,
            "reminders": profile.reminders,
            "finished_at": profile.completed_at,
            "created_at": profile.created_at,
            "updated_at": profile.updated_at,
        }
    ]


def _support(subject: Subject, found: Found, cache: dict[str, Any]) -> list[dict[str, Any]]:
    profile = _profile_row(subject, cache)
    if profile is None:
        return []
    return [
        {
            "support_needs": list(profile.support_needs),
            "support_other": profile.support_other,
            "food_and_drink": profile.dietary_needs,
            "large_print": profile.large_print,
            "easy_read": profile.easy_read,
        }
    ]


def _consents(subject: Subject, found: Found, cache: dict[str, Any]) -> list[dict[str, Any]]:
    consents = list(Consent.objects.filter(user=subject.user).order_by("-recorded_at", "-id"))
    found.add(Consent, [c.pk for c in consents])
    return [
        {
            "kind": c.kind,
            "agreed": c.granted,
            "privacy_notice_version": c.privacy_notice_version,
            "recorded_at": c.recorded_at,
        }
        for c in consents
    ]


def _equality(subject: Subject, found: Found, cache: dict[str, Any]) -> list[dict[str, Any]]:
    answers = EqualityMonitoring.objects.filter(user=subject.user).first()
    if answers is None:
        return []
    found.add(EqualityMonitoring, [answers.pk])
    return [
        {
            "age_group": answers.age_band,
            "ethnic_group": answers.ethnicity,
            "disability": answers.disability,
            "sex": answers.sex,
            "gender_same_as_sex_at_birth": answers.gender_same_as_sex_at_birth,
            "updated_at": answers.updated_at,
        }
    ]


def _team_roles(subject: Subject, found: Found, cache: dict[str, Any]) -> list[dict[str, Any]]:
    roles = list(
        Membership.objects.filter(user=subject.user)
        .select_related("programme")
        .order_by("programme__title", "role")
    )
    found.add(Membership, [m.pk for m in roles])
    return [{"programme": m.programme.title, "role": m.role, "since": m.created_at} for m in roles]


def _registrations(subject: Subject, found: Found, cache: dict[str, Any]) -> list[dict[str, Any]]:
    registrations = list(
        Registration.objects.filter(user=subject.user)
        .select_related("workshop__programme")
        .prefetch_related("events", "seats")
        .order_by("-workshop__starts_at", "-id")
    )
    found.add(Registration, [r.pk for r in registrations])
    cache["registrations"] = registrations
    rows = []
    for r in registrations:
        rows.append(
            {
                "workshop": r.workshop.title,
                "programme": r.workshop.programme.title,
                "starts_at": r.workshop.starts_at,
                "status": r.status,
                "perspectives": list(r.perspectives),
                "companion_name": r.companion_name,
                "registered_at": r.created_at,
                "checked_in_at": r.checked_in_at,
                "cancelled_at": r.cancelled_at,
                "tables": [f"Round {s.round}: table {s.table}" for s in r.seats.all()],
                "history": [
                    f"{_words(e.created_at, None)}: {e.get_kind_display()}"
                    + (f" ({e.reason})" if e.reason else "")
                    for e in r.events.all()
                ],
            }
        )
    return rows


def _guardian_consents(
    subject: Subject, found: Found, cache: dict[str, Any]
) -> list[dict[str, Any]]:
    query = _iexact("guardian_email", subject.email)
    if subject.has_account:
        query |= Q(registration__user=subject.user)
    consents = list(
        subject.in_scope(GuardianConsent.objects.filter(query), "registration__workshop__programme")
        .select_related("registration__workshop")
        .order_by("-requested_at", "-id")
    )
    found.add(GuardianConsent, [c.pk for c in consents])
    own = subject.user.pk if subject.has_account else None
    return [
        {
            "you_are": "young_person" if c.registration.user_id == own else "guardian",
            "workshop": c.registration.workshop.title,
            "guardian_name": c.guardian_name,
            "guardian_email": c.guardian_email,
            "asked_at": c.requested_at,
            "given_at": c.confirmed_at,
        }
        for c in consents
    ]


def _invitations(subject: Subject, found: Found, cache: dict[str, Any]) -> list[dict[str, Any]]:
    query = _iexact("email", subject.email)
    if subject.has_account:
        query |= Q(user=subject.user)
    invitations = list(
        subject.in_scope(Invitation.objects.filter(query), "programme")
        .select_related("programme", "workshop")
        .order_by("-created_at", "-id")
    )
    found.add(Invitation, [i.pk for i in invitations])
    return [
        {
            "programme": i.programme.title,
            "workshop": i.workshop.title if i.workshop else "",
            "email": i.email,
            "name": i.name,
            "message": i.message,
            "status": i.status,
            "sent_at": i.sent_at,
            "answered_at": i.responded_at,
            "decline_reason": i.decline_reason,
        }
        for i in invitations
    ]


def _feedback(subject: Subject, found: Found, cache: dict[str, Any]) -> list[dict[str, Any]]:
    responses = list(
        Response.objects.filter(user=subject.user)
        .select_related("form__workshop")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("question").order_by(
                    "question__position", "question_id", "value"
                ),
            )
        )
        .order_by("-created_at")
    )
    found.add(Response, [r.pk for r in responses])
    rows = []
    for response in responses:
        answers = []
        for answer in response.answers.all():
            said = answer.text or answer.question.label_for(answer.value)
            answers.append(f"{answer.question.text}: {said}")
        rows.append(
            {
                "workshop": response.form.workshop.title,
                "given_at": response.created_at,
                "changed_at": response.updated_at,
                "perspectives": list(response.perspectives),
                "may_quote": response.quote_consent,
                "answers": answers,
            }
        )
    return rows


def _feedback_answered(
    subject: Subject, found: Found, cache: dict[str, Any]
) -> list[dict[str, Any]]:
    receipts = list(
        FeedbackReceipt.objects.filter(user=subject.user)
        .select_related("form__workshop")
        .order_by("-responded_at", "-id")
    )
    return [{"workshop": r.form.workshop.title, "answered_at": r.responded_at} for r in receipts]


def _pairs(subject: Subject, found: Found, cache: dict[str, Any]) -> list[dict[str, Any]]:
    query = _iexact("partner_email", subject.email)
    if subject.has_account:
        query |= Q(professional=subject.user) | Q(partner=subject.user)
    pairs = list(
        subject.in_scope(Pair.objects.filter(query), "programme")
        .select_related("programme", "cohort")
        .order_by("-created_at", "-id")
    )
    found.add(Pair, [p.pk for p in pairs])
    own = subject.user.pk if subject.has_account else None
    rows = []
    for p in pairs:
        role = (
            "professional"
            if own is not None and p.professional_id == own
            else "partner"
            if own is not None and p.partner_id == own
            else "invited"
        )
        mine = role == "professional"
        rows.append(
            {
                "programme": p.programme.title,
                "cohort": p.cohort.name,
                "you_are": role,
                "status": p.status,
                "partner_name": p.partner_name,
                "partner_email": p.partner_email,
                # Each person's own part of the application: the other's is theirs.
                "task": p.task if mine else None,
                "organisation": p.organisation if mine else None,
                "organisation_support": p.organisation_support if mine else None,
                "how_we_work": p.how_we_work if mine else None,
                "partner_statement": p.partner_statement if not mine else None,
                "partner_support_needs": p.partner_support_needs if not mine else None,
                "decline_reason": p.partner_decline_reason if not mine else None,
                "started_at": p.created_at,
                "submitted_at": p.submitted_at,
                "decided_at": p.decided_at,
            }
        )
    return rows


def _learning_log(subject: Subject, found: Found, cache: dict[str, Any]) -> list[dict[str, Any]]:
    entries = list(LogEntry.objects.filter(author=subject.user).order_by("-entry_date", "-id"))
    found.add(LogEntry, [e.pk for e in entries])
    return [
        {
            "date": e.entry_date,
            "tried": e.tried,
            "learned": e.learned,
            "next_steps": e.next_steps,
            "sharing": e.sharing,
            "written_at": e.created_at,
        }
        for e in entries
    ]


def _bursary_applications(
    subject: Subject, found: Found, cache: dict[str, Any]
) -> list[dict[str, Any]]:
    applications = list(
        Application.objects.filter(applicant=subject.user)
        .select_related("scheme__programme")
        .prefetch_related("items")
        .order_by("-created_at", "-id")
    )
    found.add(Application, [a.pk for a in applications])
    rows = []
    for a in applications:
        # A decision not yet told to the applicant reads as still under review, as on their
        # own bursary page: the team tells everyone at once.
        told = bool(a.released_at)
        rows.append(
            {
                "scheme": a.scheme.name,
                "programme": a.scheme.programme.title,
                "status": Application.Status.UNDER_REVIEW if a.decision_pending else a.status,
                "costs": _costs(a.items.all()),
                "statement": a.statement,
                "payment_in_advance": a.payment_in_advance,
                "declines_payment": a.declines_payment,
                "awarded": a.awarded if told else None,
                "decision_reason": a.decision_reason if told else "",
                "submitted_at": a.submitted_at,
                "decided_at": a.released_at,
                "withdrawn_at": a.withdrawn_at,
            }
        )
    return rows


def _bursary_claims(subject: Subject, found: Found, cache: dict[str, Any]) -> list[dict[str, Any]]:
    claims = list(
        Claim.objects.filter(application__applicant=subject.user)
        .select_related("application__scheme")
        .prefetch_related("items", "receipts")
        .order_by("-created_at", "-id")
    )
    found.add(Claim, [c.pk for c in claims])
    return [
        {
            "scheme": c.application.scheme.name,
            "status": c.status,
            "costs": _costs(c.items.all()),
            "note": c.note,
            "receipts": [r.original_name for r in c.receipts.all()],
            "claimed_at": c.created_at,
            "approved_at": c.approved_at,
            "paid_at": c.paid_at,
            "payment_reference": c.payment_reference,
        }
        for c in claims
    ]


def _calendar(subject: Subject, found: Found, cache: dict[str, Any]) -> list[dict[str, Any]]:
    feed = CalendarFeed.objects.filter(user=subject.user).first()
    # The link itself is a key to the person's calendar: it is not put in a file.
    return [{"made_at": feed.created_at}] if feed else []


def _named_by_others(subject: Subject, found: Found, cache: dict[str, Any]) -> list[dict[str, Any]]:
    if subject.is_scoped:
        # A profile belongs to no programme: only a site admin's request reaches it.
        return []
    profiles = Profile.objects.filter(
        _iexact("copies_to_email", subject.email) | _iexact("guardian_email", subject.email)
    )
    if subject.has_account:
        profiles = profiles.exclude(user=subject.user)
    rows = []
    email = subject.email.lower()
    for profile in profiles.order_by("id"):
        if profile.copies_to_email.lower() == email:
            rows.append({"as": "copies", "name_given": profile.copies_to_name})
        if profile.guardian_email.lower() == email:
            rows.append({"as": "guardian", "name_given": profile.guardian_name})
    return rows


def _messages(subject: Subject, found: Found, cache: dict[str, Any]) -> list[dict[str, Any]]:
    query = _iexact("to", subject.email)
    if subject.has_account:
        query |= Q(user=subject.user)
    messages = list(
        subject.in_scope(OutboxMessage.objects.filter(query), "programme").order_by(
            "-created_at", "-id"
        )
    )
    found.add(OutboxMessage, [m.pk for m in messages])
    return [
        {
            "kind": kind_words(m.kind),
            "subject": m.subject,
            "to": m.to,
            "is_copy": m.is_copy,
            "status": m.status,
            "queued_at": m.created_at,
            "sent_at": m.sent_at,
        }
        for m in messages
    ]


def _data_requests(subject: Subject, found: Found, cache: dict[str, Any]) -> list[dict[str, Any]]:
    query = _iexact("email", subject.email)
    if subject.has_account:
        query |= Q(user=subject.user)
    requests = DataRequest.objects.filter(query)
    if subject.is_scoped:
        requests = requests.filter(programme_id__in=subject.programme_ids)
    return [
        {
            "kind": r.kind,
            "status": r.status,
            "received_on": r.received_on,
            "done_at": r.completed_at,
        }
        for r in requests.order_by("-created_at", "-id")
    ]


def _audit(subject: Subject, found: Found, cache: dict[str, Any]) -> list[dict[str, Any]]:
    query = found.q()
    if query is None:
        return []
    own = subject.user.pk if subject.has_account else None
    entries = AuditEntry.objects.filter(query).order_by("-created_at", "-id")
    return [
        {
            "when": e.created_at,
            "action": e.action,
            "about": f"{e.object_type} {e.object_id}",
            # Who on the team it was is the team's business, and may be someone the person
            # must not be able to identify (a bursary reviewer).
            "by": "you" if own and e.actor_id == own else ("team" if e.actor_id else "system"),
        }
        for e in entries
    ]


BUILDERS: dict[str, Builder] = {
    "account": _account,
    "profile": _profile,
    "support": _support,
    "consents": _consents,
    "equality": _equality,
    "team_roles": _team_roles,
    "registrations": _registrations,
    "guardian_consents": _guardian_consents,
    "invitations": _invitations,
    "feedback": _feedback,
    "feedback_answered": _feedback_answered,
    "pairs": _pairs,
    "learning_log": _learning_log,
    "bursary_applications": _bursary_applications,
    "bursary_claims": _bursary_claims,
    "calendar": _calendar,
    "named_by_others": _named_by_others,
    "messages": _messages,
    "data_requests": _data_requests,
    # Last: it finds entries about every record the others read.
    "audit": _audit,
}


def collect(subject: Subject) -> list[Filled]:
    """Every section that applies to the subject, in page order, in a fixed number of
    queries."""
    found = Found()
    cache: dict[str, Any] = {}
    filled: dict[str, Filled] = {}
    # No account and no address (it was erased): nothing can be found, and an empty address
    # must not match every empty field.
    nothing = not subject.has_account and not subject.email.strip()
    for key, build in BUILDERS.items():
        if key in ACCOUNT_SECTIONS and not subject.has_account:
            continue
        rows = [] if nothing else build(subject, found, cache)
        filled[key] = Filled(SECTIONS_BY_KEY[key], rows)
    return [filled[section.key] for section in SECTIONS if section.key in filled]


def as_json(subject: Subject, sections: list[Filled], *, now: datetime.datetime) -> dict:
    """The download: every section key always there (null or [] when empty), codes not
    words, dates and times in ISO 8601."""
    data: dict[str, Any] = {
        "format": FORMAT,
        "website": settings.SITE_NAME,
        "made_at": now,
        "email": subject.email,
        "has_account": subject.has_account,
        "covers": "everything" if not subject.is_scoped else "one programme's records",
    }
    by_key = {filled.section.key: filled for filled in sections}
    for section in SECTIONS:
        if section.key in by_key:
            data[section.key] = by_key[section.key].as_json()
        else:
            data[section.key] = None if not section.many else []
    return data
