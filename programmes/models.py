from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def for_team_member(self, user: settings.AUTH_USER_MODEL) -> "ProgrammeQuerySet":
        """Programmes this person helps run, in any team role."""
        return self.filter(memberships__user=user).distinct()

    def public(self) -> "ProgrammeQuerySet":
        return self.exclude(status=Programme.Status.DRAFT)


class Programme(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open for applications"
        RUNNING = "running", "Running"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=80,
        unique=True,
        help_text="The end of the programme's web address. Letters, numbers and hyphens.",
    )
    summary = models.CharField(
        max_length=300, blank=True, help_text="One or two sentences, shown in lists."
    )
    description = models.TextField(
        blank=True, help_text="Markdown: **bold**, *italic*, lists with - and [links](https://...)."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    starts_on = models.DateField("start date", null=True, blank=True)
    ends_on = models.DateField("end date", null=True, blank=True)
    places = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many people the programme can take in all."
    )
    # The programme's own words for the people who take part (see programmes/terms.py).
    lived_experience_term = models.CharField(
        "what you call people with lived experience",
        max_length=60,
        default="person with lived experience",
        help_text='For one person, e.g. "patient partner" or "expert by experience".',
    )
    lived_experience_term_plural = models.CharField(
        "the same, for more than one person",
        max_length=60,
        default="people with lived experience",
    )
    professional_term = models.CharField(
        "what you call professionals",
        max_length=60,
        default="professional",
        help_text='For one person, e.g. "clinician" or "staff member".',
    )
    professional_term_plural = models.CharField(
        "the same, for more than one person", max_length=60, default="professionals"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="programmes_programme_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The end date must be on or after the start date."})

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    @classmethod
    def public_statuses(cls) -> list[str]:
        return [cls.Status.OPEN, cls.Status.RUNNING, cls.Status.CLOSED]


class Cohort(models.Model):
    """One intake of a programme, e.g. "September 2026 cohort"."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=100, help_text='For example "September 2026 cohort".')
    starts_on = models.DateField("start date", null=True, blank=True)
    ends_on = models.DateField("end date", null=True, blank=True)
    places = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["starts_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="programmes_cohort_unique_name"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="programmes_cohort_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The end date must be on or after the start date."})


class Stage(models.Model):
    """A step of the programme's method, e.g. "Gather experiences"; it groups workshops."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="programmes_stage_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TeamRole(models.TextChoices):
    ORGANISER = "organiser", "Organiser"
    REVIEWER = "reviewer", "Bursary reviewer"
    FINANCE = "finance", "Finance (pays bursary claims)"


class Membership(models.Model):
    """A person's role in one programme's team. Roles never carry over to other programmes."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=TeamRole.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "team role"
        ordering = ["programme", "role", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "user", "role"], name="programmes_membership_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} of {self.programme}"


class InvitationBatch(models.Model):
    """A list of people an organiser means to invite, checked and shown to them before anything
    is sent. `rows` holds each person as {"email", "name", "user_id", "problem"}: a row with a
    problem (bad email, duplicate, already registered) is shown with why, and never sent."""

    class Source(models.TextChoices):
        ONE = "one", "One email address"
        LIST = "list", "A pasted list"
        CSV = "csv", "A CSV file"
        PARTICIPANTS = "participants", "People already on the platform"

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="invitation_batches"
    )
    workshop = models.ForeignKey(
        "workshops.Workshop",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitation_batches",
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    message = models.TextField("personal message", blank=True)
    expires_at = models.DateTimeField("the link stops working on")
    rows = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Invitations to {self.workshop or self.programme} ({len(self.rows)} rows)"


class Invitation(models.Model):
    """An invitation to a programme, or to one of its workshops, with a secret link to accept
    or decline. Queued, sent and failed follow its email in the outbox; expired is worked out
    from `expires_at`."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed to send"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN = (Status.QUEUED, Status.SENT, Status.FAILED)

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="invitations")
    workshop = models.ForeignKey(
        "workshops.Workshop",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    batch = models.ForeignKey(
        InvitationBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
    )
    email = models.EmailField()
    name = models.CharField(max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        help_text="The account it went to, or the one that accepted it.",
    )
    message = models.TextField("personal message", blank=True)
    token = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    expires_at = models.DateTimeField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Each send, resend or reminder counts up: it is part of the outbox key.
    send_count = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField("why they said no", max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["programme", "status"]),
            models.Index(fields=["workshop", "status"]),
            models.Index(fields=["email"]),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.workshop or self.programme}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_expired(self) -> bool:
        return self.is_open and self.expires_at <= timezone.now()

    @property
    def state_label(self) -> str:
        """What organisers see: its status, or "Expired" once an unanswered link runs out."""
        return "Expired" if self.is_expired else self.get_status_display()
