from django.conf import settings
from django.db import models
from django.utils import timezone

from codesign.core.audit import TrackedHistory


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


DESCRIPTION_CHOICES = [
    "patient",
    "carer",
    "parent",
    "young person",
    "person with lived experience",
    "expert by experience",
    "service user",
    "patient partner",
    "health professional",
    "care professional",
]


class SupportNeed(models.TextChoices):
    """What to arrange, in the words a facilitator needs: never the reason behind it."""

    STEP_FREE = "step_free", "Step-free access"
    BSL = "bsl", "BSL interpreter"
    HEARING_LOOP = "hearing_loop", "Hearing loop"
    LARGE_PRINT = "large_print", "Large print"
    QUIET_SPACE = "quiet_space", "Quiet space"
    COMPANION = "companion", "A companion or carer coming with them"


class AgeBand(models.TextChoices):
    UNDER_16 = "under_16", "Under 16"
    AGE_16_17 = "16_17", "16 or 17"
    AGE_18_24 = "18_24", "18 to 24"
    AGE_25_44 = "25_44", "25 to 44"
    AGE_45_64 = "45_64", "45 to 64"
    AGE_65_PLUS = "65_plus", "65 or over"

    @classmethod
    def under_18(cls) -> set[str]:
        return {cls.UNDER_16, cls.AGE_16_17}


class Profile(models.Model):
    """How a participant wants to be known, what they need, and what they agreed to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField("name we should use", max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    perspectives = models.JSONField(default=list, blank=True)
    discipline = models.CharField(
        "your profession or discipline", max_length=100, blank=True, help_text="e.g. nurse, GP."
    )
    described_as = models.CharField(
        "how you want to be described",
        max_length=100,
        blank=True,
        help_text="The words organisers see next to your name.",
    )
    organisation = models.CharField(max_length=200, blank=True)
    job_role = models.CharField("job role", max_length=200, blank=True)
    phone = models.CharField("phone number", max_length=30, blank=True)
    reminders = models.BooleanField("send me reminders before workshops", default=True)
    large_print = models.BooleanField("large-print materials", default=False)
    easy_read = models.BooleanField("easy-read materials", default=False)
    copies_to_name = models.CharField(
        "name of the carer or family member to copy in", max_length=100, blank=True
    )
    copies_to_email = models.EmailField(
        "their email address",
        blank=True,
        help_text="They get a copy of every message we send you about workshops.",
    )
    support_needs = models.JSONField(default=list, blank=True)
    support_other = models.CharField("anything else we should arrange", max_length=300, blank=True)
    dietary_needs = models.CharField("food and drink needs", max_length=300, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    age_band = models.CharField(max_length=20, choices=AgeBand.choices, blank=True)
    guardian_name = models.CharField("parent or guardian's name", max_length=100, blank=True)
    guardian_email = models.EmailField("parent or guardian's email address", blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Who changed someone's support needs, and when; the needs themselves are not copied.
    history = TrackedHistory(
        watch=["support_needs", "support_other", "dietary_needs", "large_print", "easy_read"],
        keep=["user"],
    )

    def __str__(self) -> str:
        return self.display_name or self.user.email

    def perspective_labels(self) -> list[str]:
        labels = dict(Perspective.choices)
        return [labels.get(value, value) for value in self.perspectives]

    def support_need_labels(self) -> list[str]:
        labels = dict(SupportNeed.choices)
        needs = [labels.get(value, value) for value in self.support_needs]
        if self.support_other:
            needs.append(self.support_other)
        return needs

    @property
    def age(self) -> int | None:
        if not self.date_of_birth:
            return None
        today = timezone.localdate()
        born = self.date_of_birth
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    @property
    def is_under_18(self) -> bool:
        if self.date_of_birth:
            return (self.age or 0) < 18
        return self.age_band in AgeBand.under_18()

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class Consent(models.Model):
    """One answer to one consent question, kept with when it was given. The latest answer per
    kind is the one in force; earlier ones stay as the record."""

    class Kind(models.TextChoices):
        PRIVACY = "privacy", "Read the privacy notice"
        CONTACT = "contact", "Contact me about future work"
        PHOTOS = "photos", "Photos that show me"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    granted = models.BooleanField()
    privacy_notice_version = models.CharField(max_length=20, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["user", "kind", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {'yes' if self.granted else 'no'}"


class EqualityMonitoring(models.Model):
    """Optional answers for equality monitoring. Never shown per person: only totals of 5 or
    more reach organisers."""

    class Ethnicity(models.TextChoices):
        # The Office for National Statistics' five groups for England and Wales (2021).
        ASIAN = "asian", "Asian or Asian British"
        BLACK = "black", "Black, Black British, Caribbean or African"
        MIXED = "mixed", "Mixed or multiple ethnic groups"
        WHITE = "white", "White"
        OTHER = "other", "Another ethnic group"
        PREFER_NOT = "prefer_not", "Prefer not to say"

    class YesNo(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        PREFER_NOT = "prefer_not", "Prefer not to say"

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        PREFER_NOT = "prefer_not", "Prefer not to say"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="equality"
    )
    age_band = models.CharField(max_length=20, choices=AgeBand.choices, blank=True)
    ethnicity = models.CharField(max_length=20, choices=Ethnicity.choices, blank=True)
    disability = models.CharField(
        "disability or long-term condition", max_length=20, choices=YesNo.choices, blank=True
    )
    sex = models.CharField(max_length=20, choices=Sex.choices, blank=True)
    gender_same_as_sex_at_birth = models.CharField(
        "is your gender the same as the sex you were registered at birth?",
        max_length=20,
        choices=YesNo.choices,
        blank=True,
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Who changed or deleted answers, and when: never the answers, which only ever reach
    # anyone as totals of 5 or more.
    history = TrackedHistory(
        watch=["age_band", "ethnicity", "disability", "sex", "gender_same_as_sex_at_birth"],
        keep=["user"],
    )

    def __str__(self) -> str:
        return "Equality monitoring answers"
