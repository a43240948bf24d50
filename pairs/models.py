"""Collaborative pairs: a professional and a patient or lived-experience partner who apply
together, are decided on together, and keep a learning log together."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from programmes.models import Cohort, Programme


class Pair(models.Model):
    class Status(models.TextChoices):
        FORMING = "forming", "Forming"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        WAITLISTED = "waitlisted", "On the waiting list"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="pairs")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="pairs")
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pairs_as_professional"
    )
    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pairs_as_partner",
    )
    partner_name = models.CharField("your partner's name", max_length=100)
    partner_email = models.EmailField("your partner's email address")
    partner_token = models.CharField(max_length=64, unique=True)
    partner_invited_at = models.DateTimeField(null=True, blank=True)
    partner_accepted_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.FORMING)
    # The professional's part.
    task = models.TextField("the real task you will work on together")
    organisation = models.CharField("your organisation", max_length=200)
    organisation_support = models.TextField("the support your organisation will give")
    how_we_work = models.TextField("how you will work as a pair")
    # The partner's part.
    partner_statement = models.TextField("what you hope to bring and to get from it", blank=True)
    partner_support_needs = models.TextField("anything that would help you take part", blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["cohort", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "professional"],
                condition=~Q(status="withdrawn"),
                name="pairs_one_live_pair_per_professional_per_cohort",
            ),
        ]

    def __str__(self) -> str:
        return f"Pair {self.pk} in {self.cohort}"

    def is_member(self, user: object) -> bool:
        pk = getattr(user, "pk", None)
        return pk is not None and pk in (self.professional_id, self.partner_id)


class LogEntry(models.Model):
    """A dated learning log entry. Private to the pair unless shared."""

    class Sharing(models.TextChoices):
        PAIR = "pair", "Just the two of us"
        TEAM = "team", "Us and the programme team"
        COHORT = "cohort", "Everyone in our cohort"

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="log_entries")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entry_date = models.DateField("date")
    tried = models.TextField("what we tried")
    learned = models.TextField("what we learned")
    next_steps = models.TextField("what we will do next", blank=True)
    sharing = models.CharField(
        "who can read it", max_length=20, choices=Sharing.choices, default=Sharing.PAIR
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-entry_date", "-id"]
        verbose_name_plural = "log entries"

    def __str__(self) -> str:
        return f"Log entry {self.entry_date} for pair {self.pair_id}"
