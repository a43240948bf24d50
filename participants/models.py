from django.conf import settings
from django.db import models


class Perspective(models.TextChoices):
    """The experience someone brings. People can hold more than one."""

    PATIENT = "patient", "Patient"
    CARER = "carer", "Carer"
    FAMILY = "family", "Parent or family member"
    YOUNG_PERSON = "young_person", "Young person"
    HEALTH_PROFESSIONAL = "health_professional", "Health professional"
    CARE_PROFESSIONAL = "care_professional", "Care professional"
    MANAGER = "manager", "Manager"
    DIGITAL = "digital", "Digital or technology"
    RESEARCHER = "researcher", "Researcher"
    OTHER = "other", "Other"


class Profile(models.Model):
    """How a participant wants to be known. The participants issue adds the rest of the profile."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField("name we should use", max_length=100, blank=True)
    perspectives = models.JSONField(default=list, blank=True)
    described_as = models.CharField("how you want to be described", max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    guardian_name = models.CharField("parent or guardian's name", max_length=100, blank=True)
    guardian_email = models.EmailField("parent or guardian's email address", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.display_name or self.user.email

    def perspective_labels(self) -> list[str]:
        labels = dict(Perspective.choices)
        return [labels.get(value, value) for value in self.perspectives]
