from django.conf import settings
from django.db import models
from django.urls import reverse


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def for_team_member(self, user: settings.AUTH_USER_MODEL) -> "ProgrammeQuerySet":
        """Programmes this person helps run, in any team role."""
        return self.filter(memberships__user=user).distinct()


class Programme(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open for applications"
        RUNNING = "running", "Running"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", kwargs={"slug": self.slug})


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
