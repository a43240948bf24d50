"""Collaborative pairs: a professional and a patient or lived-experience partner who apply
together, are decided on together, and keep a learning log together."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from programmes.models import Cohort, Programme


class PairQuerySet(models.QuerySet["Pair"]):
    def for_member(self, user: Any) -> "PairQuerySet":
        """Pairs this person is in, as the professional or as the partner."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(Q(professional=user) | Q(partner=user))


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
    # Each invitation sent (first, again, to someone new) counts up: it is part of the outbox
    # key, and an email queued before a newer one is not sent.
    partner_invite_count = models.PositiveSmallIntegerField(default=0)
    partner_declined_at = models.DateTimeField(null=True, blank=True)
    partner_decline_reason = models.CharField("why they said no", max_length=300, blank=True)
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

    objects = PairQuerySet.as_manager()

    # Statuses in which the pair is still going: it can be withdrawn.
    LIVE = (Status.FORMING, Status.SUBMITTED, Status.ACCEPTED, Status.WAITLISTED)
    # Statuses an organiser can decide from.
    DECIDABLE = (Status.SUBMITTED, Status.WAITLISTED)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["cohort", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "professional"],
                condition=~Q(status="withdrawn"),
                name="pairs_one_live_pair_per_professional_per_cohort",
            ),
            models.CheckConstraint(
                condition=Q(partner__isnull=True) | ~Q(partner=F("professional")),
                name="pairs_partner_is_not_the_professional",
            ),
        ]

    def __str__(self) -> str:
        return f"Pair {self.pk} in {self.cohort}"

    def is_member(self, user: object) -> bool:
        pk = getattr(user, "pk", None)
        return pk is not None and pk in (self.professional_id, self.partner_id)

    @property
    def partner_has_accepted(self) -> bool:
        return self.partner_id is not None and self.partner_accepted_at is not None

    @property
    def partner_has_declined(self) -> bool:
        return self.partner_declined_at is not None and not self.partner_has_accepted

    @property
    def is_forming(self) -> bool:
        return self.status == self.Status.FORMING

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE

    @property
    def can_be_decided(self) -> bool:
        return self.status in self.DECIDABLE

    @property
    def is_decided(self) -> bool:
        return self.status in (self.Status.ACCEPTED, self.Status.WAITLISTED, self.Status.DECLINED)

    @property
    def professional_display(self) -> str:
        return _name(self.professional, "")

    @property
    def partner_display(self) -> str:
        """The partner's chosen name once they have joined; until then the name they were
        invited by."""
        if self.partner_id:
            return _name(self.partner, self.partner_name)
        return self.partner_name


def _name(user: Any, fallback: str) -> str:
    try:
        chosen = user.profile.display_name
    except Exception:  # noqa: BLE001 - no profile yet
        chosen = ""
    return chosen or fallback or user.email


class LogEntryQuerySet(models.QuerySet["LogEntry"]):
    def shared_with_team(self) -> "LogEntryQuerySet":
        """Entries the programme team may read: shared with them or with the whole cohort."""
        return self.filter(sharing__in=[LogEntry.Sharing.TEAM, LogEntry.Sharing.COHORT])

    def shared_with_cohort(self) -> "LogEntryQuerySet":
        return self.filter(sharing=LogEntry.Sharing.COHORT)


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

    objects = LogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-entry_date", "-id"]
        indexes = [models.Index(fields=["pair", "sharing"])]
        verbose_name_plural = "log entries"

    def __str__(self) -> str:
        return f"Log entry {self.entry_date} for pair {self.pair_id}"
