"""Bursaries: so that cost never keeps a patient or carer away.

Following NIHR's guidance on involving the public, expenses (travel, overnight stays, carer or
replacement care) are kept apart from payment for time (involvement payments, loss of
earnings): nobody should be out of pocket, and anyone may decline payment for their time,
for example to protect their benefits.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from codesign.core.audit import TrackedHistory
from programmes.models import Programme


class CostType(models.TextChoices):
    FEE_WAIVER = "fee_waiver", "Free place (fee waived)"
    TRAVEL = "travel", "Travel"
    OVERNIGHT = "overnight", "Overnight stay"
    CARE = "care", "Carer, childcare or replacement care"
    LOSS_OF_EARNINGS = "loss_of_earnings", "Loss of earnings"
    INVOLVEMENT = "involvement", "Payment for your time (involvement payment)"


EXPENSES = frozenset({CostType.TRAVEL, CostType.OVERNIGHT, CostType.CARE})
PAYMENT_FOR_TIME = frozenset({CostType.LOSS_OF_EARNINGS, CostType.INVOLVEMENT})


def cost_group(cost_type: str) -> str:
    """ "expense", "payment" (for time) or "waiver", for keeping them apart on every page."""
    if cost_type in EXPENSES:
        return "expense"
    if cost_type in PAYMENT_FOR_TIME:
        return "payment"
    return "waiver"


MONEY = {"max_digits": 10, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class BursaryScheme(models.Model):
    """Money set aside for a programme, or one workshop, with the rules applicants see first."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="bursary_schemes"
    )
    workshop = models.ForeignKey(
        "workshops.Workshop",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="bursary_schemes",
        help_text="Leave empty for a scheme that covers the whole programme.",
    )
    name = models.CharField(max_length=200)
    budget = models.DecimalField("total budget (£)", **MONEY)
    max_award = models.DecimalField("most one person can be awarded (£)", **MONEY)
    eligible_perspectives = models.JSONField(
        "who can apply", default=list, help_text="Perspectives that may apply."
    )
    covers = models.JSONField("what it covers", default=list)
    involvement_rate = models.DecimalField(
        "involvement payment rate (£)",
        null=True,
        blank=True,
        help_text="e.g. 25.00 for each hour, or a fixed amount per workshop: say which below.",
        **MONEY,
    )
    involvement_rate_unit = models.CharField(
        "the rate is paid", max_length=40, blank=True, default="per hour"
    )
    opens_at = models.DateTimeField("applications open")
    closes_at = models.DateTimeField("applications close")
    information = models.TextField(
        "what applicants read first",
        help_text="What is covered, the amounts, how and when it is paid. Markdown.",
    )
    benefits_advice_url = models.URLField(
        "benefits advice link",
        blank=True,
        default="https://www.gov.uk/benefits-calculators",
        help_text="Shown before people choose whether to accept payment for their time.",
    )
    blind_review = models.BooleanField(
        "hide applicants' names from reviewers",
        default=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opens_at", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="bursaries_scheme_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(max_award__lte=models.F("budget")),
                name="bursaries_scheme_award_within_budget",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.opens_at <= timezone.now() < self.closes_at


class Criterion(models.Model):
    """Something reviewers score each application on, out of 5, with a weight."""

    scheme = models.ForeignKey(BursaryScheme, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=200)
    guidance = models.CharField(max_length=500, blank=True)
    weight = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        UNDER_REVIEW = "under_review", "Under review"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        WAITLISTED = "waitlisted", "On the waiting list"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Outcome(models.TextChoices):
        FULL = "full", "Approve in full"
        PARTIAL = "partial", "Approve in part"
        DECLINE = "decline", "Decline"
        WAITLIST = "waitlist", "Put on the waiting list"

    scheme = models.ForeignKey(BursaryScheme, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bursary_applications"
    )
    workshops = models.ManyToManyField(
        "workshops.Workshop", blank=True, related_name="bursary_applications"
    )
    pair = models.ForeignKey(
        "pairs.Pair",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bursary_applications",
    )
    statement = models.TextField("why this would help you take part", max_length=2000)
    payment_in_advance = models.BooleanField(
        "I need the money before the workshop, not after", default=False
    )
    declines_payment = models.BooleanField(
        "I don't want payment for my time (expenses can still be paid)", default=False
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # The decision. It may be held back (released_at empty) so everyone hears at once.
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    awarded = models.DecimalField("amount awarded (£)", null=True, blank=True, **MONEY)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Every change of status and decision, with its values: who decided what, and when.
    history = TrackedHistory(
        watch=["status", "outcome", "awarded", "decision_reason", "decided_by", "released_at"],
        keep=[
            "scheme",
            "applicant",
            "status",
            "outcome",
            "awarded",
            "decision_reason",
            "decided_by",
            "decided_at",
            "released_at",
        ],
    )

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        indexes = [models.Index(fields=["scheme", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "applicant"],
                condition=~Q(status="withdrawn"),
                name="bursaries_one_live_application_per_scheme",
            ),
        ]

    def __str__(self) -> str:
        return f"Bursary application {self.pk} to {self.scheme}"

    @property
    def decision_pending(self) -> bool:
        """Decided, but not yet told to the applicant."""
        return bool(self.decided_at and not self.released_at)

    @property
    def applicant_status(self) -> str:
        """Where it stands, as the applicant may know it: a decision not yet told reads as
        still under review."""
        if self.decision_pending:
            return self.Status.UNDER_REVIEW.label
        return self.get_status_display()

    @property
    def is_awarded(self) -> bool:
        """Approved, and the applicant has been told."""
        return self.status == self.Status.APPROVED and bool(self.released_at)


class ApplicationItem(models.Model):
    """One cost asked for, by type: expenses and payment for time are never mixed."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="items")
    cost_type = models.CharField(max_length=30, choices=CostType.choices)
    amount = models.DecimalField("amount (£)", **MONEY)
    details = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "cost_type"], name="bursaries_one_item_per_cost_type"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_cost_type_display()}: £{self.amount}"


class Assignment(models.Model):
    """A reviewer asked to review an application."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bursary_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="bursaries_assign_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} reviews application {self.application_id}"


class Conflict(models.Model):
    """A reviewer's declared conflict of interest: they can neither see nor score it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bursary_conflicts"
    )
    reason = models.CharField(max_length=300, blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="bursaries_conflict_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} has a conflict with application {self.application_id}"


class Review(models.Model):
    class Recommendation(models.TextChoices):
        FULL = "full", "Approve in full"
        PARTIAL = "partial", "Approve in part"
        DECLINE = "decline", "Decline"
        WAITLIST = "waitlist", "Waiting list"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bursary_reviews"
    )
    recommendation = models.CharField(max_length=20, choices=Recommendation.choices)
    recommended_amount = models.DecimalField(null=True, blank=True, **MONEY)
    comments = models.TextField(blank=True)
    weighted_score = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("0"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="bursaries_review_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Review of application {self.application_id} by {self.reviewer}"


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="bursaries_score_once"),
            models.CheckConstraint(
                condition=Q(value__gte=1, value__lte=5), name="bursaries_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class Claim(models.Model):
    """After attending, a bursary holder claims against their award, with receipts."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned for changes"
        PAID = "paid", "Paid"

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="claims")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    note = models.TextField("anything we should know", blank=True)
    reviewer_note = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    payment_reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Claim {self.pk} on application {self.application_id}"


class ClaimItem(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="items")
    cost_type = models.CharField(max_length=30, choices=CostType.choices)
    amount = models.DecimalField("amount (£)", **MONEY)
    details = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.get_cost_type_display()}: £{self.amount}"


def receipt_path(instance: "Receipt", filename: str) -> str:
    # Never the uploaded name: it may hold personal details, and it is not trusted.
    return f"receipts/{instance.claim_id}/{timezone.now():%Y%m%d%H%M%S%f}"


class Receipt(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="receipts")
    file = models.FileField(upload_to=receipt_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name

    @property
    def kind_words(self) -> str:
        return {"application/pdf": "PDF", "image/png": "PNG image", "image/jpeg": "JPEG image"}.get(
            self.content_type, "file"
        )
