from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse


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
