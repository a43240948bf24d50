"""Feedback after each workshop: a form of questions, and people's answers to it.

Shaped for reports that count in the database, by perspective, without looping over responses:

- One `Answer` row per answer, and for a multiple-choice question one row per option chosen, so
  every closed question's distribution is `GROUP BY question, value` (value is the scale point
  1 to 5, or the index of the option in `Question.choices`).
- One `ResponsePerspective` row per perspective a respondent held when they answered (someone
  can be a carer and a health professional), so a breakdown joins Answer → Response →
  ResponsePerspective and groups by `perspective`. Respondents per perspective count
  `ResponsePerspective` rows by form.
- Default questions carry a `key` ("valued", "listened", …) shared by every workshop's form, so
  a programme's trend groups by `question__key` across its workshops.

Anonymous forms keep no link from a response to the person: no user, no registration, random
ids (so the order of rows can't be lined up with `FeedbackReceipt` rows) and day-only times.
`FeedbackReceipt` records only *that* someone answered, for follow-ups and response rates.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from participants.models import Perspective
from workshops.models import Workshop

DEFAULT_DAYS_OPEN = 14
MAX_DAYS_OPEN = 60

# Every point labelled, least to most agreement; the value stored is the position (1 to 5).
AGREEMENT_SCALE = [
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
]
EASY_READ_SCALE = ["No, not at all", "No", "Not sure", "Yes", "Yes, a lot"]


class FeedbackForm(models.Model):
    """A workshop's feedback form. It opens when the workshop ends and closes `days_open` days
    later, so a rescheduled workshop takes its form with it."""

    workshop = models.OneToOneField(
        Workshop, on_delete=models.CASCADE, related_name="feedback_form"
    )
    days_open = models.PositiveSmallIntegerField(
        "days open after the workshop",
        default=DEFAULT_DAYS_OPEN,
        help_text=f"People can answer from the end of the workshop for this many days (1 to {MAX_DAYS_OPEN}).",
    )
    anonymous = models.BooleanField(
        "anonymous answers",
        default=False,
        help_text="We keep no link between an answer and the person who gave it. People can't "
        "see or change their answers later. We still record their perspective, for the report.",
    )
    easy_read = models.BooleanField(
        "show easy-read wording first",
        default=False,
        help_text="Everyone can switch between easy-read and standard wording.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(days_open__gte=1, days_open__lte=MAX_DAYS_OPEN),
                name="feedback_form_days_open_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback on {self.workshop}"

    @property
    def opens_at(self) -> datetime.datetime:
        return self.workshop.ends_at

    @property
    def closes_at(self) -> datetime.datetime:
        return form_closes_at(self.workshop, self.days_open)

    def has_opened(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.opens_at

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.workshop.status == Workshop.Status.PUBLISHED
            and self.opens_at <= now < self.closes_at
        )


def form_closes_at(workshop: Workshop, days_open: int | None) -> datetime.datetime:
    return workshop.ends_at + datetime.timedelta(days=days_open or DEFAULT_DAYS_OPEN)


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", "Agreement scale (strongly disagree to strongly agree)"
        SINGLE = "single", "Choose one answer"
        MULTIPLE = "multiple", "Choose any answers that apply"
        TEXT = "text", "Free text"

    CLOSED_KINDS = (Kind.SCALE, Kind.SINGLE, Kind.MULTIPLE)

    form = models.ForeignKey(FeedbackForm, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.CharField("question", max_length=300)
    easy_read_text = models.CharField(
        "easy-read wording",
        max_length=300,
        blank=True,
        help_text="Short words and sentences, e.g. “People listened to me”. Leave empty to use "
        "the question as it is.",
    )
    # The options people choose from, in order. A scale's are its five labelled points.
    choices = models.JSONField(default=list, blank=True)
    easy_read_choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField("people must answer it", default=False)
    # Questions every form starts with; `key` names the same question across all forms, for
    # a programme's trends.
    is_default = models.BooleanField(default=False)
    key = models.SlugField(max_length=40, blank=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["form", "position"]), models.Index(fields=["key"])]

    def __str__(self) -> str:
        return self.text

    @property
    def is_closed(self) -> bool:
        return self.kind in self.CLOSED_KINDS

    def wording(self, easy_read: bool) -> str:
        return (self.easy_read_text if easy_read else "") or self.text

    def options(self, easy_read: bool = False) -> list[tuple[int, str]]:
        """(value stored, label) for each option: 1 to 5 for a scale, 0, 1, 2 … otherwise."""
        labels = list(self.choices)
        if easy_read and len(self.easy_read_choices) == len(labels):
            labels = list(self.easy_read_choices)
        start = 1 if self.kind == self.Kind.SCALE else 0
        return [(start + i, label) for i, label in enumerate(labels)]

    def label_for(self, value: int | None) -> str:
        return dict(self.options()).get(value, "") if value is not None else ""


class Response(models.Model):
    """One person's answers to one form. In anonymous mode `user` is empty."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    form = models.ForeignKey(FeedbackForm, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_responses",
    )
    # The person's perspectives as they were when they answered; kept if they change later.
    perspectives = models.JSONField(default=list, blank=True)
    quote_consent = models.BooleanField("may be quoted anonymously", default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "user"],
                condition=Q(user__isnull=False),
                name="feedback_response_one_per_person",
            ),
        ]
        indexes = [models.Index(fields=["form", "created_at"])]

    def __str__(self) -> str:
        return f"Response to {self.form}"


class ResponsePerspective(models.Model):
    """One perspective of one respondent, for GROUP BY perspective."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="perspective_rows"
    )
    form = models.ForeignKey(FeedbackForm, on_delete=models.CASCADE, related_name="+")
    perspective = models.CharField(max_length=30, choices=Perspective.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "perspective"], name="feedback_perspective_once"
            ),
        ]
        indexes = [
            models.Index(fields=["form", "perspective"]),
            models.Index(fields=["perspective", "response"]),
        ]

    def __str__(self) -> str:
        return self.get_perspective_display()


class Answer(models.Model):
    """One answer. A scale or single-choice answer is one row with `value`; a multiple-choice
    answer is one row per option chosen; a free-text answer has `text` and no value."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.RESTRICT, related_name="answers")
    value = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "value"],
                condition=Q(value__isnull=False),
                name="feedback_answer_option_once",
            ),
            models.UniqueConstraint(
                fields=["response", "question"],
                condition=Q(value__isnull=True),
                name="feedback_answer_text_once",
            ),
        ]
        indexes = [
            models.Index(fields=["question", "value"]),
            models.Index(fields=["response", "question"]),
        ]

    def __str__(self) -> str:
        return self.text or self.question.label_for(self.value)


class FeedbackReceipt(models.Model):
    """That this person answered this form, and nothing about what they said."""

    form = models.ForeignKey(FeedbackForm, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_receipts"
    )
    responded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["form", "user"], name="feedback_receipt_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} answered {self.form}"


class FeedbackActionQuerySet(models.QuerySet["FeedbackAction"]):
    def published(self) -> "FeedbackActionQuerySet":
        return self.filter(published_at__isnull=False)


class FeedbackAction(models.Model):
    """“You said, we did”: something the programme team heard in feedback and what they changed
    because of it. A draft until published; publishing shows it on the programme's learning
    page and emails everyone who gave feedback in the programme."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="feedback_actions"
    )
    workshop = models.ForeignKey(
        Workshop,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_actions",
        verbose_name="workshop the feedback was about",
    )
    heard = models.TextField("what we heard")
    changed = models.TextField("what we did")
    changed_on = models.DateField("when we did it")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FeedbackActionQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_on", "-id"]
        indexes = [models.Index(fields=["programme", "published_at"])]

    def __str__(self) -> str:
        heard = self.heard if len(self.heard) <= 60 else self.heard[:59] + "…"
        return f"You said, we did: {heard}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
