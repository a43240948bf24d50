"""Data rights under the UK GDPR, and how long we keep personal data.

- Access (Article 15): `person_export` and `data_request_export` give everything we hold about
  a person as one JSON file (privacy/export.py says what is in it).
- Erasure (Article 17): `person_erase` for someone with an account, `email_erase` for records
  held against an address with no account. Both are recorded in the audit log with the
  account's id and numbers only.
- Retention (Article 5(1)(e)): `retention_sweep`, run daily by Celery beat, erases people who
  have not taken part for settings.RETENTION_MONTHS (24 unless set) after every programme they
  took part in closed.

What erasure removes, and what it keeps and why (privacy/registry.py lists it per model and
the erasure page shows it; SECURITY.md copies this list):

Deleted
- The profile: name, pronouns, how they want to be described, experience (perspectives),
  profession, organisation, phone, date of birth, support and food needs, the carer to copy
  in, the parent or guardian's details. Its change history rows go too.
- Equality monitoring answers, and their change history rows.
- The email addresses on the account (allauth), the two-step sign-in authenticators, the
  private calendar link, roles on programme teams.
- Learning log entries they wrote. Their partner's entries are their partner's.
- Receipts for bursary claims that were never approved or paid (files and rows).

Anonymised (kept, with their details removed, under the account's code erased-<id>@invalid)
- The account: email replaced by erased-<id>@invalid, password made unusable, closed
  (is_active false), staff flags and permissions removed. Signed-in sessions end because the
  password hash they were made with no longer matches; the person's own browser is signed out.
- Workshop places: future places are cancelled through workshops.services.registration_cancel
  so the next person on the waiting list gets them. Past places stay, with the perspectives
  the person brought, so attendance and the mix of who came stay right; a companion's name
  becomes "Companion" (a companion still took a place). Organisers' notes on the place go.
- Parent or guardian consents: the guardian's name and address go, and the link dies; when
  consent was given stays, as the record that an adult agreed.
- Invitations to them: address, name, message and decline reason go, the link dies and an
  unanswered one is withdrawn; that one was sent and answered stays, for the numbers. Their
  row in the organiser's invitation list is blanked too.
- Feedback: non-anonymous responses are unlinked from the person (user emptied, times cut to
  the day, like anonymous ones). Choices and scale answers stay, so report totals stay right;
  free-text answers are emptied (the words could identify them, and a count of written
  answers stays right), and nothing of theirs can be quoted. That they answered
  (FeedbackReceipt) stays under the code, for response rates.
- Collaborative pairs: a live pair is withdrawn and the other member told; their part of the
  application, the partner's name, address, statement and support needs, and the team's
  decision reason go. The pair stays under the code so a cohort's numbers stay right.
- Bursary applications and claims: KEPT for 6 years because tax law (HMRC record keeping)
  requires records of payments: costs asked for by type and amount, outcome, amount awarded,
  claims, amounts, payment references and receipts for approved or paid claims. The applicant
  is shown by the code instead of their name. Their statement, the team's decision reason,
  reviewers' comments and conflict reasons, notes on claims and receipts' file names go.
  Applications not decided, or decided but not claimed against, are withdrawn, which gives
  the money back to the budget.
- Emails (outbox): address, subject and parameters go, and any not yet sent are stopped. The
  row and its key stay, so the same message is never sent twice.
- Consent answers stay under the code, with their dates: the record that what we did before
  was with their agreement.
- Data requests about them: the address goes; the request, its dates and who did it stay.
- Audit entries: kept, as the security record of what happened (including the erasure), but
  their email address and anything they wrote are removed from them, and entries about their
  records describe the record by type and number only.

Team members' own records of what they did (who decided, who uploaded) are kept: people with a
team role can't erase their account themselves until a site admin removes the role.
"""

import datetime
import logging
import re
import secrets
from collections import Counter
from collections.abc import Iterable
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, F, Max, Q, TextField, Value, When
from django.db.models.functions import Cast, TruncDay
from django.utils import timezone

from bursaries.models import Application, ApplicationItem, Claim, Conflict, Receipt, Review
from bursaries.services import BursaryRefused, application_withdraw
from codesign.core.audit import audit_log
from codesign.core.cache import SIGNED_IN_PAGES, bump
from codesign.core.models import AuditEntry, OutboxMessage
from codesign.core.notices import notice_queue
from codesign.core.permissions import has_staff_role, is_site_admin, team_roles
from feedback.models import Answer, Response
from pairs.models import LogEntry, Pair
from participants.models import Consent, EqualityMonitoring, Profile
from privacy.export import Found, Subject, as_json, collect
from privacy.models import DataRequest, add_months
from programmes.models import Invitation, InvitationBatch, Membership, Programme, TeamRole
from workshops.models import (
    CalendarFeed,
    GuardianConsent,
    Registration,
    RegistrationEvent,
)
from workshops.services import RegistrationRefused, registration_cancel

logger = logging.getLogger(__name__)

# What an erased address becomes where it is not the account's own (which must stay unique).
# `.invalid` is reserved (RFC 2606): no real address ends with it.
ERASED_ADDRESS = "erased@invalid"
ERASED_SUFFIX = "@invalid"
COMPANION = "Companion"
# Keys in audit data that hold someone's own words: dropped from entries about their records.
FREE_TEXT_KEYS = frozenset({"reason", "text", "heard", "statement", "note", "message"})
# HMRC: records of payments are kept for 6 years.
FINANCIAL_RECORDS_YEARS = 6
# People erased per retention run; the next day's run takes the rest.
RETENTION_BATCH = 500

Reason = str  # "request" (the person), "team" (a site admin or organiser), "retention"


class PrivacyRefused(ValidationError):
    """The request can't be carried out; the message says why in plain words."""


def erased_email(user_id: int) -> str:
    return f"erased-{user_id}{ERASED_SUFFIX}"


def is_erased(user: Any) -> bool:
    return bool(user.email) and user.email == erased_email(user.pk)


def _token() -> str:
    return secrets.token_urlsafe(32)


def erasure_refusal(user: Any) -> str | None:
    """Why this person can't erase their own account here, or None if they can."""
    if is_erased(user):
        return "This account's data has already been erased."
    if user.is_staff or has_staff_role(user):
        return (
            "You help run a programme or this website, so other people's records name you. "
            "Ask a site admin to take away your team role first. Then you can erase your data "
            "here."
        )
    return None


# Access


def person_export(*, user: Any, by: Any) -> dict[str, Any]:
    """Everything held about this account, as the JSON download. Recorded in the audit log
    with the account's id only."""
    subject = Subject.of(user)
    sections = collect(subject)
    data = as_json(subject, sections, now=timezone.now())
    audit_log(
        actor=by,
        action="privacy.data.exported",
        data={"user": user.pk, "records": sum(filled.count for filled in sections)},
    )
    return data


# Erasure: the parts each path shares.


def _history_delete(model: type[models.Model], pks: Iterable[Any]) -> int:
    """Delete the change history rows of deleted objects, where the model keeps one
    (django-simple-history's `history` manager)."""
    pks = list(pks)
    history = getattr(model, "history", None)
    if history is None or not pks:
        return 0
    pk_name = model._meta.pk.attname
    deleted, _ = history.model.objects.filter(**{f"{pk_name}__in": pks}).delete()
    return deleted


def _history_blank(model: type[models.Model], pks: Iterable[Any], values: dict[str, Any]) -> None:
    """Blank, in the change history of kept objects, the values blanked in the objects."""
    pks = list(pks)
    history = getattr(model, "history", None)
    if history is None or not pks:
        return
    names = {field.name for field in history.model._meta.get_fields()}
    kept = {name: value for name, value in values.items() if name in names}
    if kept:
        pk_name = model._meta.pk.attname
        history.model.objects.filter(**{f"{pk_name}__in": pks}).update(**kept)


def _redact_invitations(invitations: models.QuerySet[Invitation], found: Found) -> int:
    rows = list(invitations.exclude(email=ERASED_ADDRESS, name="", message=""))
    for invitation in rows:
        if invitation.status in Invitation.OPEN:
            invitation.status = Invitation.Status.WITHDRAWN
        invitation.email = ERASED_ADDRESS
        invitation.name = ""
        invitation.message = ""
        invitation.decline_reason = ""
        invitation.token = _token()
    Invitation.objects.bulk_update(
        rows, ["status", "email", "name", "message", "decline_reason", "token"]
    )
    found.add(Invitation, [row.pk for row in rows])
    return len(rows)


def _redact_batches(batches: models.QuerySet[InvitationBatch], emails: set[str]) -> int:
    """Blank the person's row in organisers' invitation lists (`rows` is JSON, searched as
    text)."""
    changed = []
    lowered = {email.lower() for email in emails}
    query = Q()
    for email in lowered:
        query |= Q(rows_text__icontains=email)
    candidates = batches.annotate(rows_text=Cast("rows", TextField())).filter(query)
    for batch in candidates:
        rows = []
        for row in batch.rows:
            if str(row.get("email", "")).lower() in lowered:
                row = {**row, "email": ERASED_ADDRESS, "name": ""}
            rows.append(row)
        if rows != batch.rows:
            batch.rows = rows
            changed.append(batch)
    InvitationBatch.objects.bulk_update(changed, ["rows"])
    return len(changed)


def _redact_guardian_consents(consents: models.QuerySet[GuardianConsent], found: Found) -> int:
    rows = list(consents.exclude(guardian_email=ERASED_ADDRESS, guardian_name=""))
    for consent in rows:
        consent.guardian_name = ""
        consent.guardian_email = ERASED_ADDRESS
        consent.token = _token()
    GuardianConsent.objects.bulk_update(rows, ["guardian_name", "guardian_email", "token"])
    found.add(GuardianConsent, [row.pk for row in rows])
    return len(rows)


def _redact_partner(pairs: models.QuerySet[Pair], found: Found) -> int:
    """The partner's side of pairs: their name, address, words and link."""
    rows = list(pairs)
    for pair in rows:
        pair.partner_name = ""
        pair.partner_email = ERASED_ADDRESS
        pair.partner_statement = ""
        pair.partner_support_needs = ""
        pair.partner_decline_reason = ""
        pair.decision_reason = ""
        pair.partner_token = _token()
    Pair.objects.bulk_update(
        rows,
        [
            "partner_name",
            "partner_email",
            "partner_statement",
            "partner_support_needs",
            "partner_decline_reason",
            "decision_reason",
            "partner_token",
        ],
    )
    found.add(Pair, [row.pk for row in rows])
    return len(rows)


def _redact_outbox(messages: models.QuerySet[OutboxMessage], found: Found) -> int:
    """Remove the address and contents; stop what is not sent yet. The key stays, so the
    message is never sent again."""
    found.add(OutboxMessage, messages.values_list("pk", flat=True))
    pending = OutboxMessage.Status.PENDING
    return messages.update(
        to=ERASED_ADDRESS,
        subject="",
        params={},
        last_error=Case(
            When(status=pending, then=Value("Not sent: their data was erased.")),
            default=Value(""),
        ),
        next_attempt_at=Case(When(status=pending, then=Value(None)), default=F("next_attempt_at")),
        status=Case(
            When(status=pending, then=Value(OutboxMessage.Status.SKIPPED)), default=F("status")
        ),
    )


def _redact_named_in_profiles(email: str) -> int:
    """Someone else's profile naming this address (for copies, or as their guardian)."""
    copies = Profile.objects.filter(copies_to_email__iexact=email)
    guardian = Profile.objects.filter(guardian_email__iexact=email)
    changed = list(copies.values_list("pk", flat=True)) + list(
        guardian.values_list("pk", flat=True)
    )
    copies.update(copies_to_email="", copies_to_name="")
    guardian.update(guardian_email="", guardian_name="")
    _history_blank(
        Profile,
        changed,
        {"copies_to_email": "", "copies_to_name": "", "guardian_email": "", "guardian_name": ""},
    )
    return len(set(changed))


def _scrub(value: Any, patterns: list[re.Pattern[str]], drop_free_text: bool) -> Any:
    if isinstance(value, str):
        for pattern in patterns:
            value = pattern.sub(ERASED_ADDRESS, value)
        return value
    if isinstance(value, list):
        return [_scrub(item, patterns, drop_free_text) for item in value]
    if isinstance(value, dict):
        return {
            key: ("" if drop_free_text and key in FREE_TEXT_KEYS else _scrub(v, patterns, False))
            for key, v in value.items()
        }
    return value


def _scrub_audit(found: Found, emails: Iterable[str], *, search_text: bool) -> int:
    """Audit entries keep what happened and when; they lose the person's address and words.
    Entries about the person's records describe the record by type and number only."""
    emails = sorted({email.lower() for email in emails if email and email != ERASED_ADDRESS})
    patterns = [re.compile(re.escape(email), re.IGNORECASE) for email in emails]
    query = found.q() or Q(pk__in=[])
    if search_text and emails:
        entries = AuditEntry.objects.annotate(data_text=Cast("data", TextField()))
        for email in emails:
            query |= Q(data_text__icontains=email) | Q(object_repr__icontains=email)
    else:
        entries = AuditEntry.objects.all()
    changed = []
    for entry in entries.filter(query):
        about = entry.object_id in found.ids.get(entry.object_type, set())
        object_repr = (
            f"{entry.object_type} {entry.object_id}"
            if about
            else _scrub(entry.object_repr, patterns, False)
        )
        data = _scrub(entry.data, patterns, drop_free_text=about)
        if object_repr != entry.object_repr or data != entry.data:
            entry.object_repr = object_repr
            entry.data = data
            changed.append(entry)
    AuditEntry.objects.bulk_update(changed, ["object_repr", "data"])
    if emails:
        admin_query = Q()
        for email in emails:
            admin_query |= Q(object_repr__icontains=email)
        AdminLogEntry.objects.filter(admin_query).update(object_repr="erased")
    return len(changed)


# Erasure of a person with an account.


def _end_live_things(user: Any, by: Any, counts: Counter[str]) -> None:
    """Hand back what the person holds, through the services that tell the others: places at
    workshops still to come, pairs still going, bursaries not yet claimed against."""
    now = timezone.now()
    live = Registration.objects.filter(
        user=user,
        workshop__ends_at__gt=now,
        status__in=[
            Registration.Status.CONFIRMED,
            Registration.Status.WAITLISTED,
            Registration.Status.OFFERED,
            Registration.Status.AWAITING_GUARDIAN,
        ],
    )
    for registration in live:
        try:
            registration_cancel(registration=registration, by=by)
            counts["places cancelled"] += 1
        except RegistrationRefused:
            pass

    for pair in Pair.objects.filter(
        Q(professional=user) | Q(partner=user), status__in=Pair.LIVE
    ).select_related("programme", "professional", "partner"):
        # Not pairs.services.pair_withdraw: its notice names the person leaving, whose name
        # is about to go, and would write to a partner who has not joined. Only the other
        # member with an account is told.
        Pair.objects.filter(pk=pair.pk).update(
            status=Pair.Status.WITHDRAWN, updated_at=timezone.now()
        )
        audit_log(actor=by, action="pairs.pair.withdrawn", target=pair, data={"why": "erasure"})
        other = pair.partner if pair.professional_id == user.pk else pair.professional
        if other is not None and other.pk != user.pk:
            notice_queue(
                kind="pair_update",
                key=f"pair:{pair.pk}:withdrawn:{other.pk}",
                to=other.email,
                user=other,
                programme=pair.programme,
                params={"pair_id": pair.pk, "occasion": "withdrawn"},
            )
        counts["pairs withdrawn"] += 1

    for application in Application.objects.filter(applicant=user).exclude(
        status=Application.Status.WITHDRAWN
    ):
        try:
            application_withdraw(application=application, by=by)
            counts["bursary applications withdrawn"] += 1
        except BursaryRefused:
            # Told it was declined, or claimed against: a record to keep as it is.
            pass


def _erase_bursaries(user: Any, found: Found, counts: Counter[str]) -> None:
    applications = Application.objects.filter(applicant=user)
    ids = list(applications.values_list("pk", flat=True))
    if not ids:
        return
    found.add(Application, ids)
    applications.update(statement="", decision_reason="")
    _history_blank(Application, ids, {"statement": "", "decision_reason": ""})
    ApplicationItem.objects.filter(application__in=ids).update(details="")
    Review.objects.filter(application__in=ids).update(comments="")
    Conflict.objects.filter(application__in=ids).update(reason="")
    claims = Claim.objects.filter(application__in=ids)
    found.add(Claim, claims.values_list("pk", flat=True))
    claims.update(note="", reviewer_note="")
    approved = (Claim.Status.APPROVED, Claim.Status.PAID)
    unpaid = Receipt.objects.filter(claim__application__in=ids).exclude(claim__status__in=approved)
    counts["receipts deleted"] += _receipts_delete(unpaid)
    # Kept as evidence for what was paid; the file's own name may hold the person's name.
    kept = Receipt.objects.filter(claim__application__in=ids, claim__status__in=approved)
    kept.update(original_name="receipt")
    counts["bursary applications kept as financial records"] += len(ids)


def _receipts_delete(receipts: models.QuerySet[Receipt]) -> int:
    rows = list(receipts)
    files = [(receipt.file.storage, receipt.file.name) for receipt in rows if receipt.file]
    Receipt.objects.filter(pk__in=[receipt.pk for receipt in rows]).delete()

    def remove_files() -> None:
        # After commit: a rolled-back erasure keeps its files.
        for storage, name in files:
            try:
                storage.delete(name)
            except OSError:
                logger.exception("Could not delete a receipt file.")

    transaction.on_commit(remove_files)
    return len(rows)


def _erase_feedback(user: Any, found: Found, counts: Counter[str]) -> None:
    responses = Response.objects.filter(user=user)
    ids = list(responses.values_list("pk", flat=True))
    if not ids:
        return
    found.add(Response, ids)
    Answer.objects.filter(response__in=ids, value__isnull=True).update(text="")
    # Cut to the day, as anonymous responses are, so rows can't be lined up with receipts.
    Response.objects.filter(pk__in=ids).update(
        user=None,
        quote_consent=False,
        created_at=TruncDay("created_at"),
        updated_at=TruncDay("created_at"),
    )
    counts["feedback responses unlinked"] += len(ids)


def person_erase(*, user: Any, by: Any, reason: Reason) -> dict[str, int]:
    """Erase a person's personal data (see the module docstring for what goes and what stays).

    Runs in one transaction with the account locked; a second call does nothing. `by` is who
    asked (the person, a site admin, or None for the retention sweep). Returns numbers of
    records changed, by kind, for the request's record.
    """
    User = get_user_model()
    counts: Counter[str] = Counter()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if is_erased(user):
            return {}
        email = user.email
        # The records audit entries may be about, read before anything changes.
        found = _found_of(user)

        _end_live_things(user, by, counts)

        registrations = Registration.objects.filter(user=user)
        registrations.exclude(companion_name="").update(companion_name=COMPANION)
        RegistrationEvent.objects.filter(registration__user=user).exclude(reason="").update(
            reason=""
        )
        counts["workshop places kept for the numbers"] += registrations.count()
        counts["guardian consents"] += _redact_guardian_consents(
            GuardianConsent.objects.filter(
                Q(registration__user=user) | Q(guardian_email__iexact=email)
            ),
            found,
        )
        counts["invitations"] += _redact_invitations(
            Invitation.objects.filter(Q(user=user) | Q(email__iexact=email)), found
        )
        _redact_batches(InvitationBatch.objects.all(), {email})
        _erase_feedback(user, found, counts)

        Pair.objects.filter(professional=user).update(
            task="", organisation="", organisation_support="", how_we_work="", decision_reason=""
        )
        counts["pairs"] += _redact_partner(
            Pair.objects.filter(Q(partner=user) | Q(partner_email__iexact=email)), found
        )
        counts["learning log entries deleted"] += LogEntry.objects.filter(author=user).delete()[0]
        _erase_bursaries(user, found, counts)

        for model in (Profile, EqualityMonitoring):
            pks = list(model.objects.filter(user=user).values_list("pk", flat=True))
            model.objects.filter(pk__in=pks).delete()
            # After the delete: deleting writes a last history row of its own.
            _history_delete(model, pks)
            counts[f"{model._meta.verbose_name} deleted"] += len(pks)
        _redact_named_in_profiles(email)
        CalendarFeed.objects.filter(user=user).delete()
        counts["team roles removed"] += Membership.objects.filter(user=user).delete()[0]
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()

        counts["emails"] += _redact_outbox(
            OutboxMessage.objects.filter(Q(user=user) | Q(to__iexact=email)), found
        )
        DataRequest.objects.filter(Q(user=user) | Q(email__iexact=email)).update(email="")

        user.email = erased_email(user.pk)
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.set_unusable_password()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        AdminLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
        ).update(object_repr=user.email)
        _scrub_audit(found, [email], search_text=True)
        summary = {key: value for key, value in sorted(counts.items()) if value}
        audit_log(
            actor=by,
            action="privacy.person.erased",
            target=user,
            data={"user": user.pk, "reason": reason, "counts": summary},
        )
    return summary


def _found_of(user: Any) -> Found:
    """The person's records that audit entries may be about."""
    found = Found()
    found.add(get_user_model(), [user.pk])
    for model, query in (
        (Profile, Q(user=user)),
        (EqualityMonitoring, Q(user=user)),
        (Consent, Q(user=user)),
        (Membership, Q(user=user)),
        (Registration, Q(user=user)),
        (Pair, Q(professional=user) | Q(partner=user)),
        (LogEntry, Q(author=user)),
        (Application, Q(applicant=user)),
        (Claim, Q(application__applicant=user)),
        (Response, Q(user=user)),
    ):
        found.add(model, model.objects.filter(query).values_list("pk", flat=True))
    return found


def self_erase(*, user: Any) -> DataRequest:
    """The person's own erasure, from the erasure page: recorded as a done request, so the
    list of requests shows every erasure."""
    refusal = erasure_refusal(user)
    if refusal:
        raise PrivacyRefused(refusal)
    with transaction.atomic():
        request = DataRequest.objects.create(
            kind=DataRequest.Kind.ERASURE,
            source=DataRequest.Source.SELF,
            user=user,
            all_programmes=True,
            recorded_by=user,
        )
        summary = person_erase(user=user, by=user, reason="request")
        request.status = DataRequest.Status.DONE
        request.completed_at = timezone.now()
        request.completed_by = user
        request.summary = summary
        request.save(update_fields=["status", "completed_at", "completed_by", "summary"])
    return request


# Erasure of what is held against an address with no account.


def email_erase(*, email: str, programme_ids: frozenset[int] | None, by: Any) -> dict[str, int]:
    """Remove an address, and the name and words that go with it, from records held without
    an account: invitations, parent or guardian consents, pair invitations, emails, invitation
    lists and (for a site admin, `programme_ids` None) other people's profiles naming it.
    An organiser's request (`programme_ids`) changes only their programmes' records."""

    def scoped(queryset: models.QuerySet[Any], path: str) -> models.QuerySet[Any]:
        if programme_ids is None:
            return queryset
        return queryset.filter(**{f"{path}__in": programme_ids})

    if not email.strip():
        # An empty address would match every record without one.
        return {}
    counts: Counter[str] = Counter()
    found = Found()
    with transaction.atomic():
        counts["invitations"] += _redact_invitations(
            scoped(Invitation.objects.filter(email__iexact=email), "programme"), found
        )
        _redact_batches(scoped(InvitationBatch.objects.all(), "programme"), {email})
        counts["guardian consents"] += _redact_guardian_consents(
            scoped(
                GuardianConsent.objects.filter(guardian_email__iexact=email),
                "registration__workshop__programme",
            ),
            found,
        )
        counts["pair invitations"] += _redact_partner(
            scoped(Pair.objects.filter(partner_email__iexact=email), "programme"), found
        )
        counts["emails"] += _redact_outbox(
            scoped(OutboxMessage.objects.filter(to__iexact=email), "programme"), found
        )
        if programme_ids is None:
            counts["named in someone's profile"] += _redact_named_in_profiles(email)
        _scrub_audit(found, [email], search_text=programme_ids is None)
    return {key: value for key, value in sorted(counts.items()) if value}


# Requests recorded by the team.


def organised_programme_ids(user: Any) -> frozenset[int]:
    return frozenset(pk for pk, role in team_roles(user) if role == TeamRole.ORGANISER)


def can_handle_requests(user: Any) -> bool:
    return is_site_admin(user) or bool(organised_programme_ids(user))


def data_requests_visible_to(user: Any) -> models.QuerySet[DataRequest]:
    """Site admins see every request; organisers those recorded for programmes they
    organise."""
    if is_site_admin(user):
        return DataRequest.objects.all()
    return DataRequest.objects.filter(
        all_programmes=False, programme_id__in=organised_programme_ids(user)
    )


def request_subject(request: DataRequest) -> Subject:
    if request.user_id is not None and not is_erased(request.user):
        return Subject.of(request.user)
    if request.all_programmes:
        return Subject(email=request.email)
    ids = frozenset({request.programme_id}) if request.programme_id else frozenset()
    return Subject(email=request.email, programme_ids=ids)


def _account_for(email: str) -> Any:
    return get_user_model().objects.filter(email__iexact=email).first()


ACCOUNT_REFUSAL = (
    "This address belongs to an account. The person can download or erase their own data from "
    "“Your data” once signed in. If they can't, ask a site admin to do it for them."
)


def data_request_record(
    *,
    by: Any,
    kind: str,
    email: str,
    programme: Programme | None,
    identity_check: str,
    received_on: datetime.date,
) -> DataRequest:
    """Record a request that reached the team another way. An organiser's covers their
    programme's records, for an address with no account that appears in them; a site admin's
    covers everything, with or without an account."""
    email = email.strip()
    admin = is_site_admin(by)
    account = _account_for(email)
    if not admin:
        if programme is None or programme.pk not in organised_programme_ids(by):
            raise PrivacyRefused("Choose one of the programmes you organise.")
        if account is not None:
            raise PrivacyRefused(ACCOUNT_REFUSAL)
        held = collect(Subject(email=email, programme_ids=frozenset({programme.pk})))
        if not any(filled.count for filled in held):
            raise PrivacyRefused(
                f"We hold nothing for {email} in {programme.title}. Check the address is "
                "spelled as they gave it to you."
            )
    request = DataRequest.objects.create(
        kind=kind,
        source=DataRequest.Source.TEAM,
        email=email,
        user=account if admin else None,
        programme=None if admin else programme,
        all_programmes=admin,
        identity_check=identity_check.strip(),
        received_on=received_on,
        recorded_by=by,
    )
    audit_log(actor=by, action="privacy.request.recorded", target=request, data={"kind": kind})
    return request


def _counts(sections: list[Any]) -> dict[str, int]:
    return {filled.section.key: filled.count for filled in sections if filled.count}


def data_request_export(*, request: DataRequest, by: Any) -> dict[str, Any]:
    """The JSON for a request: what we hold against the address (or account) in its scope.
    Downloading it completes an access request."""
    if request.kind == DataRequest.Kind.ERASURE and request.is_done:
        raise PrivacyRefused("This data has been erased, so there is nothing to download.")
    subject = request_subject(request)
    sections = collect(subject)
    data = as_json(subject, sections, now=timezone.now())
    with transaction.atomic():
        locked = DataRequest.objects.select_for_update().get(pk=request.pk)
        if locked.kind == DataRequest.Kind.ACCESS and not locked.is_done:
            locked.status = DataRequest.Status.DONE
            locked.completed_at = timezone.now()
            locked.completed_by = by
            locked.summary = _counts(sections)
            locked.save(update_fields=["status", "completed_at", "completed_by", "summary"])
        audit_log(
            actor=by,
            action="privacy.request.exported",
            target=locked,
            data={"user": locked.user_id, "records": sum(f.count for f in sections)},
        )
    return data


def data_request_erase(*, request: DataRequest, by: Any) -> DataRequest:
    """Carry out an erasure request: the account's full erasure (site admins only), or the
    address's records in the request's scope. The address is then removed from the request."""
    with transaction.atomic():
        # Only the request's row is locked (`of`): its account may be empty.
        request = (
            DataRequest.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=request.pk)
        )
        if request.kind != DataRequest.Kind.ERASURE:
            raise PrivacyRefused("This is a request for a copy of their data, not an erasure.")
        if request.is_done:
            raise PrivacyRefused("This request has already been carried out.")
        account = request.user or _account_for(request.email)
        if account is not None and not is_site_admin(by):
            raise PrivacyRefused(ACCOUNT_REFUSAL)
        if account is not None:
            if account.is_superuser or has_staff_role(account):
                raise PrivacyRefused(
                    "This person has a team role or is a site admin. Take their roles away "
                    "first, then erase their data."
                )
            summary = person_erase(user=account, by=by, reason="team")
            request.user = account
        else:
            scope = None if request.all_programmes else frozenset({request.programme_id})
            summary = email_erase(email=request.email, programme_ids=scope, by=by)
        request.status = DataRequest.Status.DONE
        request.completed_at = timezone.now()
        request.completed_by = by
        request.summary = summary
        request.email = ""
        request.save(
            update_fields=["status", "completed_at", "completed_by", "summary", "email", "user"]
        )
        audit_log(
            actor=by,
            action="privacy.request.erased",
            target=request,
            data={"user": request.user_id, "counts": summary},
        )
    return request


# Retention


def retention_months() -> int:
    return int(settings.RETENTION_MONTHS)


def programme_closing_dates() -> dict[int, datetime.date | None]:
    """When each programme closed: the later of its end date and its last workshop's end.
    None for a programme with neither: it has not closed, so nobody in it is erased. One
    query."""
    closing: dict[int, datetime.date | None] = {}
    for pk, ends_on, last_end in Programme.objects.annotate(
        last_end=Max("workshops__ends_at")
    ).values_list("pk", "ends_on", "last_end"):
        days = [day for day in (ends_on, last_end and timezone.localdate(last_end)) if day]
        closing[pk] = max(days) if days else None
    return closing


def _window_start(now: datetime.datetime, months: int) -> datetime.datetime:
    start = add_months(timezone.localdate(now), -months)
    return timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))


def retention_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Ids of people to erase for retention: every programme they took part in closed more
    than RETENTION_MONTHS ago, and they have done nothing (taken part, signed in, joined)
    since the start of the window. Never site admins or team members, never someone already
    erased. One query for the closing dates, one for the people."""
    now = now or timezone.now()
    months = retention_months()
    today = timezone.localdate(now)
    since = _window_start(now, months)
    live = [
        pk
        for pk, closed in programme_closing_dates().items()
        if closed is None or add_months(closed, months) > today
    ]
    people = (
        get_user_model()
        .objects.filter(is_superuser=False, is_staff=False, date_joined__lt=since)
        .exclude(email__endswith=ERASED_SUFFIX)
        .exclude(last_login__gte=since)
        .exclude(pk__in=Membership.objects.values("user_id"))
    )
    recent = {
        "registrations": (
            Registration.objects.filter(
                Q(workshop__programme__in=live)
                | Q(updated_at__gte=since)
                | Q(created_at__gte=since)
                | Q(checked_in_at__gte=since)
            ).values("user_id"),
        ),
        "responses": (
            Response.objects.filter(
                Q(form__workshop__programme__in=live) | Q(updated_at__gte=since),
                user__isnull=False,
            ).values("user_id"),
        ),
        "pairs": (
            Pair.objects.filter(Q(programme__in=live) | Q(updated_at__gte=since)).values(
                "professional_id"
            ),
            Pair.objects.filter(
                Q(programme__in=live) | Q(updated_at__gte=since), partner__isnull=False
            ).values("partner_id"),
        ),
        "log": (
            LogEntry.objects.filter(
                Q(pair__programme__in=live) | Q(updated_at__gte=since), author__isnull=False
            ).values("author_id"),
        ),
        "bursaries": (
            Application.objects.filter(
                Q(scheme__programme__in=live) | Q(updated_at__gte=since)
            ).values("applicant_id"),
            Claim.objects.filter(updated_at__gte=since).values("application__applicant_id"),
        ),
        "invitations": (
            Invitation.objects.filter(
                Q(programme__in=live, status=Invitation.Status.ACCEPTED)
                | Q(responded_at__gte=since),
                user__isnull=False,
            ).values("user_id"),
        ),
    }
    for subqueries in recent.values():
        for subquery in subqueries:
            people = people.exclude(pk__in=subquery)
    return list(people.order_by("pk").values_list("pk", flat=True)[:RETENTION_BATCH])


def _retention_records(*, now: datetime.datetime, months: int) -> Counter[str]:
    """Records held without an account in programmes past their retention: invitations,
    pair invitations, guardian consents, emails, invitation lists. And receipts older than
    tax law needs."""
    counts: Counter[str] = Counter()
    today = timezone.localdate(now)
    ended = [
        pk
        for pk, closed in programme_closing_dates().items()
        if closed is not None and add_months(closed, months) <= today
    ]
    found = Found()
    with transaction.atomic():
        invitations = Invitation.objects.filter(programme__in=ended).exclude(email=ERASED_ADDRESS)
        emails = set(invitations.values_list("email", flat=True))
        counts["invitations"] += _redact_invitations(invitations, found)
        counts["invitation lists"] += (
            InvitationBatch.objects.filter(programme__in=ended).exclude(rows=[]).update(rows=[])
        )
        pairs = Pair.objects.filter(programme__in=ended, partner__isnull=True).exclude(
            partner_email=ERASED_ADDRESS
        )
        emails |= set(pairs.values_list("partner_email", flat=True))
        counts["pair invitations"] += _redact_partner(pairs, found)
        consents = GuardianConsent.objects.filter(
            registration__workshop__programme__in=ended
        ).exclude(guardian_email=ERASED_ADDRESS)
        emails |= set(consents.values_list("guardian_email", flat=True))
        counts["guardian consents"] += _redact_guardian_consents(consents, found)
        messages = (
            OutboxMessage.objects.filter(
                Q(programme__in=ended)
                | Q(programme__isnull=True, created_at__lt=_window_start(now, months))
            )
            .exclude(to=ERASED_ADDRESS)
            .exclude(status=OutboxMessage.Status.PENDING)
        )
        counts["emails"] += _redact_outbox(messages, found)
        _scrub_audit(found, emails, search_text=False)
        cutoff = add_months(today, -12 * FINANCIAL_RECORDS_YEARS)
        since = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
        counts["receipts"] += _receipts_delete(
            Receipt.objects.filter(
                Q(claim__paid_at__lt=since)
                | Q(claim__paid_at__isnull=True, claim__updated_at__lt=since)
            )
        )
    return counts


def retention_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Erase the people due for it (each in a transaction of its own, so one problem does not
    stop the rest) and clear old records held without an account. Run twice, the second run
    changes nothing."""
    now = now or timezone.now()
    months = retention_months()
    counts: Counter[str] = Counter()
    User = get_user_model()
    for pk in retention_due(now=now):
        try:
            person_erase(user=User(pk=pk), by=None, reason="retention")
            counts["people"] += 1
        except Exception:
            logger.exception("Retention: could not erase account %s; next run tries again.", pk)
    counts.update(_retention_records(now=now, months=months))
    # Some of the above are queryset updates, which send no signal: no kept page may show
    # what was just cleared (codesign/core/cache.py).
    bump(SIGNED_IN_PAGES)
    return {key: value for key, value in sorted(counts.items()) if value}
