from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Count, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from participants.models import Perspective
from programmes.models import Cohort, Programme, Stage


class Venue(models.Model):
    """A place workshops happen, reused across workshops and programmes."""

    name = models.CharField(max_length=200)
    address = models.TextField(help_text="The full address, including the postcode.")
    postcode = models.CharField(max_length=10, blank=True)
    step_free = models.BooleanField("step-free access", default=False)
    hearing_loop = models.BooleanField("hearing loop", default=False)
    quiet_room = models.BooleanField("quiet room", default=False)
    accessible_toilets = models.BooleanField("accessible toilets", default=False)
    parking = models.CharField(
        "parking", max_length=300, blank=True, help_text="e.g. 3 blue-badge spaces by the door."
    )
    public_transport = models.CharField(
        "nearest public transport",
        max_length=300,
        blank=True,
        help_text="e.g. Bus 12 stops outside; the train station is a 10 minute walk.",
    )
    access_notes = models.TextField("other access information", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def access_features(self) -> list[str]:
        """What the venue has, in words."""
        features = []
        for field in ("step_free", "hearing_loop", "quiet_room", "accessible_toilets"):
            if getattr(self, field):
                features.append(str(self._meta.get_field(field).verbose_name))
        return features


class WorkshopQuerySet(models.QuerySet["Workshop"]):
    def published(self) -> "WorkshopQuerySet":
        return self.filter(
            status=Workshop.Status.PUBLISHED, programme__status__in=Programme.public_statuses()
        )

    def upcoming(self) -> "WorkshopQuerySet":
        return self.filter(ends_at__gte=timezone.now())

    def with_counts(self) -> "WorkshopQuerySet":
        """`confirmed_count`: places held (a companion takes a second place);
        `waitlisted_count`: people or units waiting."""
        return self.annotate(
            confirmed_count=places_held(),
            waitlisted_count=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
            ),
        )


def places_held(prefix: str = "registrations__") -> Any:
    """Places taken by registrations that hold one, summed in the database."""
    holding = {f"{prefix}status__in": Registration.HOLDING}
    return Coalesce(
        Sum(
            Case(
                When(**holding, **{f"{prefix}companion_name": ""}, then=Value(1)),
                When(**holding, then=Value(2)),
                default=Value(0),
            )
        ),
        Value(0),
    )


class WaitlistMode(models.TextChoices):
    CONFIRM = "confirm", "Give the place to the next person at once"
    OFFER = "offer", "Offer the place to the next person for a set time"


class WaitlistPriority(models.TextChoices):
    ARRIVAL = "arrival", "First come, first served"
    UNDER_TARGET = "under_target", "People whose group is under its kept places first"
    BURSARY = "bursary", "People awarded a bursary for it first"


# Hours before a workshop that reminders go out, unless its organisers choose others.
REMINDER_OFFSET_CHOICES = [
    (336, "2 weeks before"),
    (168, "7 days before"),
    (72, "3 days before"),
    (48, "2 days before"),
    (24, "1 day before"),
    (2, "2 hours before"),
]


def default_reminder_offsets() -> list[int]:
    return [168, 24]


class Workshop(models.Model):
    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"
        HYBRID = "hybrid", "Hybrid (in person and online)"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="workshops")
    cohort = models.ForeignKey(
        Cohort, on_delete=models.SET_NULL, null=True, blank=True, related_name="workshops"
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.SET_NULL, null=True, blank=True, related_name="workshops"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(
        "what it involves",
        blank=True,
        help_text="Markdown: **bold**, *italic*, lists with - and [links](https://...).",
    )
    audience = models.CharField(
        "who it is for",
        max_length=300,
        blank=True,
        help_text="e.g. Young people aged 14 to 25 with diabetes, their parents, and clinic staff.",
    )
    starts_at = models.DateTimeField("starts")
    ends_at = models.DateTimeField("ends")
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.IN_PERSON)
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, null=True, blank=True, related_name="workshops"
    )
    joining_url = models.URLField(
        "online joining link",
        blank=True,
        help_text="Shown only to people with a confirmed place.",
    )
    capacity = models.PositiveIntegerField("places", help_text="How many people can come in all.")
    registration_opens_at = models.DateTimeField("registration opens", null=True, blank=True)
    registration_closes_at = models.DateTimeField("registration closes", null=True, blank=True)
    bursaries_available = models.BooleanField(
        "bursaries available",
        default=False,
        help_text="Costs like travel and care can be paid for people with lived experience.",
    )
    payment_details = models.CharField(
        "what is paid or covered",
        max_length=300,
        blank=True,
        help_text="e.g. Travel paid, lunch provided, £25 voucher for your time.",
    )
    safeguarding_lead_name = models.CharField("safeguarding lead", max_length=100)
    safeguarding_lead_contact = models.CharField(
        "safeguarding lead's email or phone", max_length=200
    )
    access_contact_name = models.CharField("contact for access questions", max_length=100)
    access_contact_details = models.CharField("access contact's email or phone", max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    cancelled_reason = models.TextField(blank=True)
    waitlist_mode = models.CharField(
        "when a place frees up",
        max_length=20,
        choices=WaitlistMode.choices,
        default=WaitlistMode.CONFIRM,
    )
    offer_hours = models.PositiveSmallIntegerField("hours to accept an offered place", default=48)
    waitlist_priority = models.CharField(
        "who goes first on the waiting list",
        max_length=20,
        choices=WaitlistPriority.choices,
        default=WaitlistPriority.ARRIVAL,
    )
    reminder_offsets = models.JSONField(
        "when to send reminders",
        default=default_reminder_offsets,
        blank=True,
        help_text="Hours before the start, e.g. [168, 24] for 7 days and 1 day before.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="workshops_workshop_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workshops:detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The workshop must end after it starts."
        if (
            self.registration_closes_at
            and self.starts_at
            and self.registration_closes_at > self.starts_at
        ):
            errors["registration_closes_at"] = "Registration must close before the workshop starts."
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            errors["registration_closes_at"] = "Registration must close after it opens."
        if self.format in (self.Format.IN_PERSON, self.Format.HYBRID) and not self.venue_id:
            errors["venue"] = (
                "Choose where it happens: in-person and hybrid workshops need a venue."
            )
        if self.format in (self.Format.ONLINE, self.Format.HYBRID) and not self.joining_url:
            errors["joining_url"] = (
                "Add the online joining link: online and hybrid workshops need one."
            )
        if self.cohort_id and self.programme_id and self.cohort.programme_id != self.programme_id:
            errors["cohort"] = "Choose a cohort of this programme."
        if self.stage_id and self.programme_id and self.stage.programme_id != self.programme_id:
            errors["stage"] = "Choose a stage of this programme."
        if errors:
            raise ValidationError(errors)

    def places_taken(self) -> int:
        """Places held right now, counting companions (one query)."""
        return Workshop.objects.filter(pk=self.pk).aggregate(taken=places_held())["taken"]

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def is_in_person(self) -> bool:
        return self.format in (self.Format.IN_PERSON, self.Format.HYBRID)

    @property
    def is_online(self) -> bool:
        return self.format in (self.Format.ONLINE, self.Format.HYBRID)

    @property
    def registration_is_open(self) -> bool:
        now = timezone.now()
        if not self.is_published or self.is_past:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        if self.registration_closes_at and now >= self.registration_closes_at:
            return False
        return now < self.starts_at


class PlaceReservation(models.Model):
    """Places kept for people of some perspectives, e.g. 8 for patients and carers."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="reservations")
    perspectives = models.JSONField(
        default=list, help_text="The perspectives these places are kept for."
    )
    places = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.places} places for {', '.join(self.perspectives)}"

    def clean(self) -> None:
        unknown = set(self.perspectives) - set(Perspective.values)
        if not self.perspectives or unknown:
            raise ValidationError({"perspectives": "Choose at least one perspective."})
        # None when the number was missing or not a number: the form says so already.
        if self.places is not None and self.places < 1:
            raise ValidationError({"places": "Keep at least 1 place, or remove this line."})


class AgendaItem(models.Model):
    class LivedExperienceRole(models.TextChoices):
        NONE = "", "No"
        LED = "led", "Led by someone with lived experience"
        CO_LED = "co_led", "Co-led by someone with lived experience"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="agenda")
    starts_at = models.TimeField("starts")
    ends_at = models.TimeField("ends")
    title = models.CharField(max_length=200)
    facilitators = models.CharField(max_length=200, blank=True)
    lived_experience_role = models.CharField(
        "led by lived experience?",
        max_length=10,
        choices=LivedExperienceRole.choices,
        default="",
        blank=True,
    )

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "This part must end after it starts."})


def material_path(instance: "Material", filename: str) -> str:
    return f"workshops/{instance.workshop_id}/materials/{filename}"


class Material(models.Model):
    class Kind(models.TextChoices):
        SLIDES = "slides", "Slides"
        EASY_READ = "easy_read", "Easy-read version"
        MAP = "map", "Map or directions"
        OTHER = "other", "Other"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(upload_to=material_path)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title


class WorkshopChange(models.Model):
    """A change people who are coming must hear about. The invitations issue sends the notices
    for rows whose `notices_sent_at` is empty."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"
        RESCHEDULED = "rescheduled", "Rescheduled"
        CANCELLED = "cancelled", "Cancelled"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField(blank=True)
    old_starts_at = models.DateTimeField(null=True, blank=True)
    old_ends_at = models.DateTimeField(null=True, blank=True)
    new_starts_at = models.DateTimeField(null=True, blank=True)
    new_ends_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    notices_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.workshop}"


class Registration(models.Model):
    """A person's place at a workshop, or their place in the queue for one.

    Someone coming with a companion or carer registers as one unit of two places: both are
    confirmed together or both wait together, and they are seated together.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WAITLISTED = "waitlisted", "On the waiting list"
        OFFERED = "offered", "Place offered"
        AWAITING_GUARDIAN = "awaiting_guardian", "Awaiting guardian consent"
        CANCELLED = "cancelled", "Cancelled"
        ATTENDED = "attended", "Attended"
        NO_SHOW = "no_show", "Did not attend"

    # Statuses that hold a place: they count against capacity.
    HOLDING = (Status.CONFIRMED, Status.OFFERED, Status.AWAITING_GUARDIAN, Status.ATTENDED)

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    # The person's perspectives when they registered, and the kept places they count towards.
    perspectives = models.JSONField(default=list, blank=True)
    reservation = models.ForeignKey(
        PlaceReservation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
    )
    companion_name = models.CharField(
        "name of the companion or carer coming with you", max_length=100, blank=True
    )
    # Lower goes first on the waiting list; organisers can move people with a reason.
    queue_priority = models.IntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    guardian_confirmed_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"], name="workshops_registration_one_per_person"
            ),
        ]
        indexes = [models.Index(fields=["workshop", "status"])]

    def __str__(self) -> str:
        return f"{self.user} at {self.workshop} ({self.get_status_display()})"

    @property
    def places(self) -> int:
        return 2 if self.companion_name else 1

    @property
    def holds_place(self) -> bool:
        return self.status in self.HOLDING


class RegistrationEvent(models.Model):
    """What happened to a registration and why. Promotions and offers wait here for their
    notice (the invitations issue sends rows whose `notice_sent_at` is empty)."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", "Registered"
        CONFIRMED = "confirmed", "Place confirmed"
        WAITLISTED = "waitlisted", "Joined the waiting list"
        PROMOTED = "promoted", "Moved from the waiting list to a place"
        OFFERED = "offered", "Offered a place"
        OFFER_ACCEPTED = "offer_accepted", "Accepted the offered place"
        OFFER_EXPIRED = "offer_expired", "Offer ran out"
        GUARDIAN_REQUESTED = "guardian_requested", "Asked a guardian for consent"
        GUARDIAN_CONFIRMED = "guardian_confirmed", "Guardian gave consent"
        MOVED = "moved", "Moved on the waiting list by an organiser"
        CANCELLED = "cancelled", "Cancelled"
        CHECKED_IN = "checked_in", "Checked in"
        CHECK_IN_UNDONE = "check_in_undone", "Check-in taken back"
        MARKED_NO_SHOW = "marked_no_show", "Marked as did not attend"

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    reason = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    notice_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class GuardianConsent(models.Model):
    """A parent or guardian's go-ahead for an under-18's registration, given through a link."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="guardian_consent"
    )
    guardian_name = models.CharField(max_length=100)
    guardian_email = models.EmailField()
    token = models.CharField(max_length=64, unique=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Consent from {self.guardian_name}"


class TablePlan(models.Model):
    """Who sits where, per round, so each table mixes perspectives."""

    workshop = models.OneToOneField(Workshop, on_delete=models.CASCADE, related_name="table_plan")
    tables = models.PositiveSmallIntegerField()
    rounds = models.PositiveSmallIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Table plan for {self.workshop}"


class Seat(models.Model):
    plan = models.ForeignKey(TablePlan, on_delete=models.CASCADE, related_name="seats")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="seats")
    round = models.PositiveSmallIntegerField()
    table = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["round", "table", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "registration", "round"], name="workshops_seat_one_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"Round {self.round}, table {self.table}"


class CalendarFeed(models.Model):
    """A private calendar address for one person's workshops. The token is the only key, so
    it can be replaced (revoked) at any time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Calendar feed for {self.user}"
