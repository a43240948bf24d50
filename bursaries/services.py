"""Bursary workflows: apply, review, decide within the budget, release decisions, claim, pay.

Every decision that spends money locks the scheme row first (select_for_update), so two
decisions made at the same moment are taken one after the other and the total awarded never
passes the budget.
"""

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from filetype.types import archive, image

from bursaries.models import (
    Application,
    ApplicationItem,
    Assignment,
    BursaryScheme,
    Claim,
    ClaimItem,
    Conflict,
    CostType,
    Criterion,
    Receipt,
    Review,
    Score,
    cost_group,
)
from codesign.core.audit import audit_log
from codesign.core.models import AuditEntry
from codesign.core.notices import display_name, notice_queue
from codesign.core.uploads import megabytes, sniffed_type
from workshops.registrants import safe_cell

# Money counted against the budget: every decision to award, told to the applicant or not yet.
AWARDING = (Application.Outcome.FULL, Application.Outcome.PARTIAL)


class BursaryRefused(ValidationError):
    """The change can't be made; the message says why in plain words."""


def scheme_committed(scheme: BursaryScheme) -> Decimal:
    """The total awarded so far, including decisions not yet released (one query)."""
    return (
        scheme.applications.filter(outcome__in=AWARDING)
        .exclude(status=Application.Status.WITHDRAWN)
        .aggregate(total=Coalesce(Sum("awarded"), Decimal("0")))["total"]
    )


def scheme_available(scheme: BursaryScheme) -> Decimal:
    return scheme.budget - scheme_committed(scheme)


@dataclass(frozen=True)
class Budget:
    """A scheme's money at a glance: told awards, decided awards not yet told, what is left."""

    scheme: BursaryScheme
    awarded: Decimal = Decimal("0")
    pending: Decimal = Decimal("0")
    pending_decisions: int = 0

    @property
    def budget(self) -> Decimal:
        return self.scheme.budget

    @property
    def committed(self) -> Decimal:
        return self.awarded + self.pending

    @property
    def available(self) -> Decimal:
        return self.scheme.budget - self.committed

    @property
    def percent_committed(self) -> int:
        if not self.scheme.budget:
            return 100
        return min(100, int(self.committed * 100 / self.scheme.budget))


def scheme_budgets(schemes: Iterable[BursaryScheme]) -> list[Budget]:
    """The budget of each scheme, pending decisions included, in one query."""
    schemes = list(schemes)
    rows = {
        row["scheme"]: row
        for row in Application.objects.filter(scheme__in=schemes, decided_at__isnull=False)
        .exclude(status=Application.Status.WITHDRAWN)
        .values("scheme")
        .annotate(
            told_total=Coalesce(
                Sum("awarded", filter=Q(outcome__in=AWARDING, released_at__isnull=False)),
                Decimal("0"),
            ),
            pending_total=Coalesce(
                Sum("awarded", filter=Q(outcome__in=AWARDING, released_at__isnull=True)),
                Decimal("0"),
            ),
            pending_count=Count("pk", filter=Q(released_at__isnull=True)),
        )
    }
    budgets = []
    for scheme in schemes:
        row = rows.get(scheme.pk, {})
        budgets.append(
            Budget(
                scheme=scheme,
                awarded=row.get("told_total", Decimal("0")),
                pending=row.get("pending_total", Decimal("0")),
                pending_decisions=row.get("pending_count", 0),
            )
        )
    return budgets


SCHEME_FIELDS = (
    "name",
    "workshop",
    "budget",
    "max_award",
    "eligible_perspectives",
    "covers",
    "involvement_rate",
    "involvement_rate_unit",
    "opens_at",
    "closes_at",
    "information",
    "benefits_advice_url",
    "blind_review",
)


@dataclass(frozen=True)
class CriterionLine:
    name: str
    guidance: str = ""
    weight: int = 1
    pk: int | None = None


@transaction.atomic
def scheme_save(
    *,
    programme: Any,
    data: Mapping[str, Any],
    criteria: Sequence[CriterionLine],
    by: Any,
    scheme: BursaryScheme | None = None,
) -> BursaryScheme:
    """Create or change a scheme and its weighted criteria. The budget can't drop below what
    has been awarded, and criteria stay as they are once reviewers have started scoring."""
    errors: dict[str, str] = {}
    if scheme is None:
        scheme = BursaryScheme(programme=programme, created_by=by)
        committed = Decimal("0")
        scored = False
    else:
        scheme = BursaryScheme.objects.select_for_update().get(pk=scheme.pk)
        committed = scheme_committed(scheme)
        scored = Review.objects.filter(application__scheme=scheme).exists()
    for field in SCHEME_FIELDS:
        setattr(scheme, field, data[field])
    workshop = data["workshop"]
    if workshop is not None and workshop.programme_id != programme.pk:
        errors["workshop"] = "Choose a workshop of this programme."
    if scheme.budget < committed:
        errors["budget"] = (
            f"£{committed:.2f} has already been awarded, so the budget can't be less than that."
        )
    if scheme.max_award > scheme.budget:
        errors["max_award"] = "The most one person can get can't be more than the whole budget."
    if scheme.closes_at <= scheme.opens_at:
        errors["closes_at"] = "Applications must close after they open."
    if not scheme.covers:
        errors["covers"] = "Choose at least one thing the bursary pays for."
    if CostType.INVOLVEMENT in scheme.covers and not scheme.involvement_rate:
        errors["involvement_rate"] = "Say how much the involvement payment is."
    if not criteria and not scored:
        errors["__all__"] = "Add at least one thing reviewers score applications on."
    if errors:
        raise BursaryRefused(errors)
    created = scheme.pk is None
    scheme.save()
    if not scored:
        keep = [line.pk for line in criteria if line.pk]
        scheme.criteria.exclude(pk__in=keep).delete()
        existing = {c.pk: c for c in scheme.criteria.all()}
        for position, line in enumerate(criteria):
            criterion = existing.get(line.pk) if line.pk else None
            criterion = criterion or Criterion(scheme=scheme)
            criterion.name = line.name.strip()
            criterion.guidance = line.guidance.strip()
            criterion.weight = line.weight
            criterion.position = position
            criterion.save()
    audit_log(
        actor=by,
        action="bursaries.scheme.created" if created else "bursaries.scheme.changed",
        target=scheme,
        data={"budget": str(scheme.budget), "max_award": str(scheme.max_award)},
    )
    return scheme


def scheme_workshops(scheme: BursaryScheme) -> QuerySet[Any]:
    """The workshops an application to this scheme can be for."""
    from workshops.models import Workshop

    if scheme.workshop_id:
        return Workshop.objects.filter(pk=scheme.workshop_id)
    return (
        Workshop.objects.published()
        .upcoming()
        .filter(programme_id=scheme.programme_id)
        .order_by("starts_at")
    )


def is_eligible(*, scheme: BursaryScheme, user: Any) -> bool:
    profile = getattr(user, "profile", None)
    perspectives = set(getattr(profile, "perspectives", None) or [])
    return not scheme.eligible_perspectives or bool(
        perspectives & set(scheme.eligible_perspectives)
    )


def application_total(application: Application) -> Decimal:
    return sum((item.amount for item in application.items.all()), Decimal("0"))


def _lock_application(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("scheme").get(pk=application.pk)


@transaction.atomic
def application_save(
    *,
    scheme: BursaryScheme,
    applicant: Any,
    statement: str,
    items: Mapping[str, tuple[Decimal, str]],
    payment_in_advance: bool = False,
    declines_payment: bool = False,
    workshops: Iterable[Any] = (),
    application: Application | None = None,
    pair: Any = None,
) -> Application:
    """Create or update a draft. `items` maps cost type to (amount, details)."""
    if not is_eligible(scheme=scheme, user=applicant):
        raise BursaryRefused("This bursary is for other groups of people, so you can't apply.")
    if application is None:
        if not scheme.is_open:
            raise BursaryRefused("Applications for this bursary are closed.")
        if (
            Application.objects.filter(scheme=scheme, applicant=applicant)
            .exclude(status=Application.Status.WITHDRAWN)
            .exists()
        ):
            raise BursaryRefused("You have already applied for this bursary.")
        if pair is not None and pair.partner_id != applicant.pk:
            raise BursaryRefused("You can only apply as the partner in your own pair.")
        application = Application(scheme=scheme, applicant=applicant, pair=pair)
    else:
        application = _lock_application(application)
        if application.applicant_id != applicant.pk:
            raise BursaryRefused("This is someone else's application.")
        if application.status != Application.Status.DRAFT:
            raise BursaryRefused("This application has been sent, so it can't be changed now.")
    errors: dict[str, str] = {}
    for cost_type, (amount, _details) in items.items():
        if cost_type not in scheme.covers:
            errors[cost_type] = "This bursary doesn't cover that."
        elif amount < 0:
            errors[cost_type] = "Enter an amount of £0 or more."
        elif declines_payment and cost_group(cost_type) == "payment" and amount > 0:
            errors[cost_type] = (
                "You said you don't want payment for your time, so leave this at £0."
            )
    total = sum((amount for amount, _ in items.values()), Decimal("0"))
    workshops = list(workshops)
    allowed = set(scheme_workshops(scheme).values_list("pk", flat=True))
    chosen = {w.pk for w in workshops}
    # A workshop already chosen stays choosable, even once it has started.
    if application.pk:
        allowed |= set(application.workshops.values_list("pk", flat=True))
    if chosen - allowed:
        errors["workshops"] = "Choose from the workshops listed."
    if total > scheme.max_award:
        errors["__all__"] = (
            f"The most this bursary can give one person is £{scheme.max_award}; "
            f"you have asked for £{total:.2f}."
        )
    if errors:
        raise BursaryRefused(errors)
    application.statement = statement.strip()
    application.payment_in_advance = payment_in_advance
    application.declines_payment = declines_payment
    application.save()
    application.items.all().delete()
    ApplicationItem.objects.bulk_create(
        ApplicationItem(application=application, cost_type=t, amount=a, details=d)
        for t, (a, d) in items.items()
        if a > 0 or t == CostType.FEE_WAIVER
    )
    application.workshops.set(workshops)
    audit_log(actor=applicant, action="bursaries.application.saved", target=application)
    return application


@transaction.atomic
def application_submit(*, application: Application, by: Any) -> Application:
    application = _lock_application(application)
    if application.status != Application.Status.DRAFT:
        raise BursaryRefused("This application has already been sent.")
    if not application.scheme.is_open:
        raise BursaryRefused("Applications for this bursary are closed.")
    if not application.items.exists():
        raise BursaryRefused("Add at least one cost before you send your application.")
    if not application.statement:
        raise BursaryRefused("Tell us briefly why this would help you take part.")
    application.status = Application.Status.SUBMITTED
    application.submitted_at = timezone.now()
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_log(actor=by, action="bursaries.application.submitted", target=application)
    return application


@transaction.atomic
def application_withdraw(*, application: Application, by: Any) -> Application:
    application = _lock_application(application)
    told_declined = application.status == Application.Status.DECLINED and application.released_at
    if application.status == Application.Status.WITHDRAWN or told_declined:
        raise BursaryRefused("This application can't be withdrawn now.")
    if application.claims.exists():
        raise BursaryRefused("You have claimed against this award, so it can't be withdrawn.")
    application.status = Application.Status.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["status", "withdrawn_at", "updated_at"])
    audit_log(actor=by, action="bursaries.application.withdrawn", target=application)
    return application


def reviewer_can_see(*, application: Application, reviewer: Any) -> bool:
    return not Conflict.objects.filter(application=application, reviewer=reviewer).exists()


@transaction.atomic
def application_assign(*, application: Application, reviewer: Any, by: Any) -> Assignment:
    if Conflict.objects.filter(application=application, reviewer=reviewer).exists():
        raise BursaryRefused("This reviewer has a conflict of interest with this application.")
    assignment, created = Assignment.objects.get_or_create(
        application=application, reviewer=reviewer, defaults={"assigned_by": by}
    )
    if created:
        audit_log(
            actor=by,
            action="bursaries.application.assigned",
            target=application,
            data={"reviewer": reviewer.email},
        )
        if application.status == Application.Status.SUBMITTED:
            application.status = Application.Status.UNDER_REVIEW
            application.save(update_fields=["status", "updated_at"])
    return assignment


@transaction.atomic
def conflict_declare(*, application: Application, reviewer: Any, reason: str = "") -> Conflict:
    """A conflicted reviewer loses the application: assignment and any review go."""
    conflict, _ = Conflict.objects.get_or_create(
        application=application, reviewer=reviewer, defaults={"reason": reason.strip()}
    )
    Assignment.objects.filter(application=application, reviewer=reviewer).delete()
    Review.objects.filter(application=application, reviewer=reviewer).delete()
    audit_log(actor=reviewer, action="bursaries.conflict.declared", target=application)
    return conflict


@transaction.atomic
def review_save(
    *,
    application: Application,
    reviewer: Any,
    scores: Mapping[int, int],
    recommendation: str,
    recommended_amount: Decimal | None,
    comments: str,
) -> Review:
    """Score against the scheme's weighted criteria (1 to 5 each) and recommend."""
    if not reviewer_can_see(application=application, reviewer=reviewer):
        raise BursaryRefused("You declared a conflict of interest with this application.")
    if application.status not in (
        Application.Status.SUBMITTED,
        Application.Status.UNDER_REVIEW,
    ):
        raise BursaryRefused("This application is not open for review.")
    criteria = list(Criterion.objects.filter(scheme_id=application.scheme_id))
    errors: dict[str, str] = {}
    for criterion in criteria:
        value = scores.get(criterion.pk)
        if value is None or not 1 <= int(value) <= 5:
            errors[f"criterion_{criterion.pk}"] = f"Score “{criterion.name}” from 1 to 5."
    if recommendation not in Review.Recommendation.values:
        errors["recommendation"] = "Choose a recommendation."
    if recommendation == Review.Recommendation.PARTIAL and not recommended_amount:
        errors["recommended_amount"] = "Say how much you recommend for a partial award."
    if errors:
        raise BursaryRefused(errors)
    total_weight = sum(c.weight for c in criteria) or 1
    weighted = sum(Decimal(scores[c.pk]) * c.weight for c in criteria) / total_weight
    review, _ = Review.objects.update_or_create(
        application=application,
        reviewer=reviewer,
        defaults={
            "recommendation": recommendation,
            "recommended_amount": recommended_amount,
            "comments": comments.strip(),
            "weighted_score": weighted.quantize(Decimal("0.01")),
        },
    )
    review.scores.all().delete()
    Score.objects.bulk_create(
        Score(review=review, criterion=c, value=int(scores[c.pk])) for c in criteria
    )
    if application.status == Application.Status.SUBMITTED:
        Application.objects.filter(pk=application.pk).update(status=Application.Status.UNDER_REVIEW)
    audit_log(actor=reviewer, action="bursaries.review.saved", target=application)
    return review


OUTCOME_STATUS = {
    Application.Outcome.FULL: Application.Status.APPROVED,
    Application.Outcome.PARTIAL: Application.Status.APPROVED,
    Application.Outcome.DECLINE: Application.Status.DECLINED,
    Application.Outcome.WAITLIST: Application.Status.WAITLISTED,
}


def bursary_decide(
    *,
    application: Application,
    decided_by: Any,
    outcome: str,
    reason: str,
    amount: Decimal | None = None,
    release: bool = False,
) -> Application:
    """Decide an application. Awards are checked against what is left of the budget with the
    scheme row locked, so two decisions at once can never overspend it. With `release` the
    applicant hears now; otherwise the decision is held as pending until released."""
    if outcome not in Application.Outcome.values:
        raise BursaryRefused("Choose a decision.")
    if not reason.strip():
        raise BursaryRefused({"reason": "Give a reason. The applicant will see it."})
    with transaction.atomic():
        scheme = BursaryScheme.objects.select_for_update().get(pk=application.scheme_id)
        application = _lock_application(application)
        if application.status in (Application.Status.DRAFT, Application.Status.WITHDRAWN):
            raise BursaryRefused("This application hasn't been sent, or was withdrawn.")
        if (
            application.released_at
            and application.outcome
            and application.status != Application.Status.WAITLISTED
        ):
            raise BursaryRefused("The applicant has been told the decision; it can't change.")
        requested = application_total(application)
        if outcome == Application.Outcome.FULL:
            amount = requested
        elif outcome == Application.Outcome.PARTIAL:
            if amount is None or amount <= 0 or amount >= requested:
                raise BursaryRefused(
                    {"amount": f"A partial award is more than £0 and less than £{requested:.2f}."}
                )
        else:
            amount = None
        if amount is not None:
            already = application.awarded if application.outcome in AWARDING else Decimal("0")
            available = scheme.budget - scheme_committed(scheme) + (already or Decimal("0"))
            if amount > available:
                raise BursaryRefused(
                    f"This would take the total past the budget: £{available:.2f} is left, "
                    f"and this award is £{amount:.2f}."
                )
            if amount > scheme.max_award:
                raise BursaryRefused(f"The most one person can be awarded is £{scheme.max_award}.")
        application.outcome = outcome
        application.awarded = amount
        application.decision_reason = reason.strip()
        application.decided_by = decided_by
        application.decided_at = timezone.now()
        application.status = OUTCOME_STATUS[outcome]
        # Someone on the waiting list is told the new decision afresh.
        application.released_at = None
        application.save()
        audit_log(
            actor=decided_by,
            action=f"bursaries.application.{application.status}",
            target=application,
            data={"outcome": outcome, "amount": str(amount or ""), "reason": reason.strip()},
        )
        if release:
            _release(application, by=decided_by)
    return application


def _release(application: Application, *, by: Any) -> None:
    application.released_at = timezone.now()
    application.save(update_fields=["released_at", "updated_at"])
    notice_queue(
        kind="bursary_decision",
        # One message per decision: someone on the waiting list may later hear another.
        key=f"bursary-decision:{application.pk}:{application.decided_at:%Y%m%d%H%M%S%f}",
        to=application.applicant.email,
        user=application.applicant,
        programme=application.scheme.programme,
        params={"application_id": application.pk},
    )
    audit_log(actor=by, action="bursaries.decision.released", target=application)


@transaction.atomic
def decisions_release(*, scheme: BursaryScheme, by: Any) -> int:
    """Tell everyone whose decision is pending, at the same moment."""
    pending = list(
        scheme.applications.select_for_update()
        .select_related("applicant", "scheme__programme")
        .filter(decided_at__isnull=False, released_at__isnull=True)
        .exclude(status=Application.Status.WITHDRAWN)
    )
    for application in pending:
        _release(application, by=by)
    return len(pending)


def claim_allowed(application: Application) -> Decimal:
    """What is left to claim on an award."""
    claimed = (
        ClaimItem.objects.filter(claim__application=application)
        .exclude(claim__status=Claim.Status.RETURNED)
        .aggregate(total=Coalesce(Sum("amount"), Decimal("0")))["total"]
    )
    return (application.awarded or Decimal("0")) - claimed


def claim_opens_at(application: Application) -> Any:
    """When the holder may claim: straight away if they need the money in advance or the award
    is for the whole programme; otherwise once their (first) workshop has started."""
    if application.payment_in_advance:
        return None
    workshops = list(application.workshops.all())
    if not workshops and application.scheme.workshop_id:
        workshops = [application.scheme.workshop]
    if not workshops:
        return None
    return min(w.starts_at for w in workshops)


def claim_is_open(application: Application) -> bool:
    opens = claim_opens_at(application)
    return opens is None or opens <= timezone.now()


# Receipts. The type is read from the file's first bytes, never from its name or the browser.
_RECEIPT_MATCHERS = [archive.Pdf(), image.Png(), image.Jpeg()]
RECEIPT_TYPES = "PDF, JPEG or PNG"
MAX_RECEIPTS = 5
RECEIPT_MAX_BYTES = 10 * 1024 * 1024


def receipt_type(upload: UploadedFile) -> tuple[str, str] | None:
    """(MIME type, extension) of a PDF, PNG or JPEG, read from its content; None otherwise."""
    return sniffed_type(upload, _RECEIPT_MATCHERS)


def _check_receipts(uploads: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str, str]]:
    max_bytes = getattr(settings, "RECEIPT_MAX_BYTES", RECEIPT_MAX_BYTES)
    if len(uploads) > MAX_RECEIPTS:
        raise BursaryRefused({"receipts": f"Add up to {MAX_RECEIPTS} receipts to one claim."})
    checked = []
    for upload in uploads:
        name = (upload.name or "receipt")[:100]
        if not upload.size:
            raise BursaryRefused({"receipts": f"“{name}” is empty. Choose another file."})
        if upload.size > max_bytes:
            raise BursaryRefused(
                {
                    "receipts": f"“{name}” is {megabytes(upload.size)} MB. Receipts can be up "
                    f"to {megabytes(max_bytes)} MB: take a smaller photo, or scan it again."
                }
            )
        found = receipt_type(upload)
        if found is None:
            raise BursaryRefused(
                {"receipts": f"“{name}” is not a {RECEIPT_TYPES} file. Upload a photo or scan."}
            )
        checked.append((upload, *found))
    return checked


@transaction.atomic
def claim_submit(
    *,
    application: Application,
    by: Any,
    items: Mapping[str, tuple[Decimal, str]],
    note: str = "",
    receipts: Sequence[UploadedFile] = (),
) -> Claim:
    """Claim against an award: only for the costs awarded, within what is left, with receipts
    for expenses (unless the money was asked for in advance)."""
    application = _lock_application(application)
    if application.applicant_id != by.pk:
        raise BursaryRefused("You can only claim against your own award.")
    if application.status != Application.Status.APPROVED or not application.released_at:
        raise BursaryRefused("You can claim once your bursary has been approved.")
    if not claim_is_open(application):
        opens = timezone.localtime(claim_opens_at(application))
        raise BursaryRefused(f"You can claim once your workshop has started, on {opens:%-d %B}.")
    awarded_types = set(application.items.values_list("cost_type", flat=True))
    errors: dict[str, str] = {}
    for cost_type, (amount, _details) in items.items():
        if amount < 0:
            errors[cost_type] = "Enter an amount of £0 or more."
        elif amount > 0 and cost_type not in awarded_types:
            errors[cost_type] = "Your bursary doesn't cover this."
        elif amount > 0 and application.declines_payment and cost_group(cost_type) == "payment":
            errors[cost_type] = "You chose not to be paid for your time, so leave this at £0."
    if errors:
        raise BursaryRefused(errors)
    total = sum((a for a, _ in items.values()), Decimal("0"))
    if total <= 0:
        raise BursaryRefused("Enter what you spent.")
    left = claim_allowed(application)
    if total > left:
        raise BursaryRefused(
            f"Your award has £{left:.2f} left to claim; this claim is £{total:.2f}."
        )
    checked = _check_receipts(receipts)
    claims_expenses = any(cost_group(t) == "expense" and a > 0 for t, (a, _) in items.items())
    if claims_expenses and not checked and not application.payment_in_advance:
        raise BursaryRefused(
            {"receipts": "Add a photo or scan of your receipts or tickets for your expenses."}
        )
    claim = Claim.objects.create(application=application, note=note.strip())
    ClaimItem.objects.bulk_create(
        ClaimItem(claim=claim, cost_type=t, amount=a, details=d)
        for t, (a, d) in items.items()
        if a > 0
    )
    saved: list[str] = []
    try:
        for upload, mime, extension in checked:
            receipt = Receipt(
                claim=claim,
                original_name=(upload.name or "receipt")[:200],
                content_type=mime,
                size=upload.size,
            )
            receipt.file.save(f"receipt.{extension}", upload, save=False)
            saved.append(receipt.file.name)
            receipt.save()
        audit_log(
            actor=by,
            action="bursaries.claim.submitted",
            target=claim,
            data={"application": application.pk, "total": str(total), "receipts": len(saved)},
        )
    except Exception:
        # No rows, no files: the database rolls back, so the files must go too.
        for name in saved:
            Receipt._meta.get_field("file").storage.delete(name)
        raise
    return claim


@transaction.atomic
def claim_return(*, claim: Claim, by: Any, note: str) -> Claim:
    """Send a claim back to the holder with a note; what it asked for can be claimed again."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != Claim.Status.SUBMITTED:
        raise BursaryRefused("Only a newly submitted claim can be returned.")
    if not note.strip():
        raise BursaryRefused({"note": "Say what needs to change. The applicant will see it."})
    claim.status = Claim.Status.RETURNED
    claim.reviewer_note = note.strip()
    claim.save()
    audit_log(actor=by, action="bursaries.claim.returned", target=claim)
    return claim


@transaction.atomic
def claim_approve(*, claim: Claim, by: Any, note: str = "") -> Claim:
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != Claim.Status.SUBMITTED:
        raise BursaryRefused("Only a newly submitted claim can be approved.")
    claim.status = Claim.Status.APPROVED
    claim.approved_by = by
    claim.approved_at = timezone.now()
    claim.reviewer_note = note.strip()
    claim.save()
    audit_log(actor=by, action="bursaries.claim.approved", target=claim)
    return claim


@transaction.atomic
def claim_mark_paid(*, claim: Claim, by: Any, reference: str) -> Claim:
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != Claim.Status.APPROVED:
        raise BursaryRefused("Only an approved claim can be marked as paid.")
    if not reference.strip():
        raise BursaryRefused({"reference": "Enter the payment reference."})
    claim.status = Claim.Status.PAID
    claim.paid_by = by
    claim.paid_at = timezone.now()
    claim.payment_reference = reference.strip()
    claim.save()
    audit_log(actor=by, action="bursaries.claim.paid", target=claim)
    return claim


def awarded_holders(workshop: Any) -> Q:
    """Registrations whose person holds an approved, released bursary for this workshop or its
    programme: for the waiting list's "bursary holders first" priority."""
    return Q(
        user__bursary_applications__status=Application.Status.APPROVED,
        user__bursary_applications__released_at__isnull=False,
    ) & (
        Q(user__bursary_applications__scheme__workshop=workshop)
        | Q(
            user__bursary_applications__scheme__programme_id=workshop.programme_id,
            user__bursary_applications__scheme__workshop__isnull=True,
        )
    )


def application_history(application: Application) -> list[AuditEntry]:
    """Who did what to an application and its claims, and when, newest first (one query)."""
    claim_ids = [str(pk) for pk in application.claims.values_list("pk", flat=True)]
    return list(
        AuditEntry.objects.select_related("actor__profile")
        .filter(
            Q(object_type="bursaries.application", object_id=str(application.pk))
            | Q(object_type="bursaries.claim", object_id__in=claim_ids)
        )
        .exclude(action__startswith="viewed.")  # who looked is on the audit page, not here
        .order_by("-created_at", "-id")
    )


FINANCE_HEADER = [
    "Scheme",
    "Application",
    "Applicant",
    "Email",
    "Decision",
    "Awarded (£)",
    "Told on",
    "Needs money in advance",
    "Claim",
    "Claim status",
    "Expenses claimed (£)",
    "Payment for time claimed (£)",
    "Claim total (£)",
    "Claim approved on",
    "Paid on",
    "Payment reference",
]


def _day(value: Any) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d}" if value else ""


def scheme_export(*, scheme: BursaryScheme, by: Any) -> str:
    """Awards, claims and payments of a scheme as CSV text, recorded in the audit log. Cells are
    made safe for spreadsheets (no formulas)."""
    applications = (
        scheme.applications.filter(status=Application.Status.APPROVED, released_at__isnull=False)
        .select_related("applicant__profile")
        .prefetch_related("claims__items")
        .order_by("released_at", "pk")
    )
    rows = [FINANCE_HEADER]
    for application in applications:
        award = [
            scheme.name,
            application.pk,
            display_name(application.applicant),
            application.applicant.email,
            application.get_outcome_display(),
            application.awarded,
            _day(application.released_at),
            "yes" if application.payment_in_advance else "no",
        ]
        claims = list(application.claims.all()) or [None]
        for claim in claims:
            if claim is None:
                rows.append(award + [""] * 8)
                continue
            items = list(claim.items.all())
            expenses = sum(
                (i.amount for i in items if cost_group(i.cost_type) == "expense"), Decimal("0")
            )
            payment = sum(
                (i.amount for i in items if cost_group(i.cost_type) == "payment"), Decimal("0")
            )
            rows.append(
                award
                + [
                    claim.pk,
                    claim.get_status_display(),
                    expenses,
                    payment,
                    sum((i.amount for i in items), Decimal("0")),
                    _day(claim.approved_at),
                    _day(claim.paid_at),
                    claim.payment_reference,
                ]
            )
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[safe_cell(cell) for cell in row] for row in rows])
    audit_log(
        actor=by,
        action="bursaries.scheme.exported",
        target=scheme,
        data={"rows": len(rows) - 1},
    )
    return buffer.getvalue()
