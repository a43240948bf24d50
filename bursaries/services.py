"""Bursary workflows: apply, review, decide within the budget, release decisions, claim, pay.

Every decision that spends money locks the scheme row first (select_for_update), so two
decisions made at the same moment are taken one after the other and the total awarded never
passes the budget.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

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
    Review,
    Score,
    cost_group,
)
from codesign.core.audit import audit_log
from codesign.core.notices import notice_queue

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
    if total > scheme.max_award:
        errors["__all__"] = (
            f"The most this bursary can give one person is £{scheme.max_award}; "
            f"you have asked for £{total}."
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
    application.workshops.set(list(workshops))
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
    if application.status in (Application.Status.WITHDRAWN, Application.Status.DECLINED):
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
        if application.released_at and application.outcome:
            raise BursaryRefused("The applicant has been told the decision; it can't change.")
        requested = application_total(application)
        if outcome == Application.Outcome.FULL:
            amount = requested
        elif outcome == Application.Outcome.PARTIAL:
            if amount is None or amount <= 0 or amount >= requested:
                raise BursaryRefused(
                    {"amount": f"A partial award is more than £0 and less than £{requested}."}
                )
        else:
            amount = None
        if amount is not None:
            already = application.awarded if application.outcome in AWARDING else Decimal("0")
            available = scheme.budget - scheme_committed(scheme) + (already or Decimal("0"))
            if amount > available:
                raise BursaryRefused(
                    f"This would take the total past the budget: £{available} is left, "
                    f"and this award is £{amount}."
                )
            if amount > scheme.max_award:
                raise BursaryRefused(f"The most one person can be awarded is £{scheme.max_award}.")
        application.outcome = outcome
        application.awarded = amount
        application.decision_reason = reason.strip()
        application.decided_by = decided_by
        application.decided_at = timezone.now()
        application.status = OUTCOME_STATUS[outcome]
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
        key=f"bursary-decision:{application.pk}",
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


@transaction.atomic
def claim_submit(
    *,
    application: Application,
    by: Any,
    items: Mapping[str, tuple[Decimal, str]],
    note: str = "",
) -> Claim:
    application = _lock_application(application)
    if application.applicant_id != by.pk:
        raise BursaryRefused("You can only claim against your own award.")
    if application.status != Application.Status.APPROVED or not application.released_at:
        raise BursaryRefused("You can claim once your bursary has been approved.")
    total = sum((a for a, _ in items.values()), Decimal("0"))
    if total <= 0:
        raise BursaryRefused("Enter what you spent.")
    left = claim_allowed(application)
    if total > left:
        raise BursaryRefused(f"Your award has £{left} left to claim; this claim is £{total}.")
    claim = Claim.objects.create(application=application, note=note.strip())
    ClaimItem.objects.bulk_create(
        ClaimItem(claim=claim, cost_type=t, amount=a, details=d)
        for t, (a, d) in items.items()
        if a > 0
    )
    audit_log(actor=by, action="bursaries.claim.submitted", target=claim)
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
