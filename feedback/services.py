"""Feedback workflows: the form each workshop starts with, organisers' own questions, answering,
and the feedback request and follow-up after each workshop.

Every change to a form or its answers locks the form's row first, so an organiser changing a
question and a person answering it can't cross.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from codesign.core.audit import audit_log
from codesign.core.models import OutboxMessage
from codesign.core.notices import Notice, notice_queue_many
from feedback.models import (
    AGREEMENT_SCALE,
    DEFAULT_DAYS_OPEN,
    EASY_READ_SCALE,
    MAX_DAYS_OPEN,
    Answer,
    FeedbackAction,
    FeedbackForm,
    FeedbackReceipt,
    Question,
    Response,
    ResponsePerspective,
    form_closes_at,
)
from participants.models import Perspective
from workshops import ical
from workshops.models import Registration, Workshop

# Who is asked for feedback and may give it: people who had a place (the organisers may not
# have taken attendance) or were marked as there.
RESPONDING = (Registration.Status.CONFIRMED, Registration.Status.ATTENDED)
# Requests go to workshops that ended this recently, so a scan after a long pause, or the
# first one after this feature arrives, doesn't ask about workshops long past.
REQUEST_WINDOW = datetime.timedelta(days=3)
# The follow-up goes this long after the request, or halfway to the form closing if sooner.
FOLLOWUP_AFTER = datetime.timedelta(days=3)
LINK_SALT = "codesign.feedback.respond"
# A link works a little longer than the longest a form can stay open: after that the form has
# closed anyway, and the page says so kindly.
TOKEN_MAX_AGE = datetime.timedelta(days=MAX_DAYS_OPEN + 7)
MAX_TEXT = 2000
# Roughly how long a form takes: a minute for every three tick-box questions, two for each
# written one.
MINUTES_PER_CLOSED = 1 / 3
MINUTES_PER_TEXT = 2
MIN_CHOICES = 2
MAX_CHOICES = 12


@dataclass(frozen=True)
class DefaultQuestion:
    key: str
    kind: str
    text: str
    easy_read_text: str
    required: bool


# Grounded in co-design practice: did people feel valued, listened to and respected, did the
# way we worked suit them, would they come again. Every workshop asks these, so a programme's
# workshops can be compared.
DEFAULT_QUESTIONS = [
    DefaultQuestion("valued", Question.Kind.SCALE, "I felt valued", "People valued me", True),
    DefaultQuestion(
        "listened", Question.Kind.SCALE, "I felt listened to", "People listened to me", True
    ),
    DefaultQuestion(
        "respected",
        Question.Kind.SCALE,
        "My experience was respected",
        "People respected my experience",
        True,
    ),
    DefaultQuestion(
        "activities",
        Question.Kind.SCALE,
        "The activities worked for people like me",
        "The activities were good for me",
        True,
    ),
    DefaultQuestion(
        "language",
        Question.Kind.SCALE,
        "The language used was right for me",
        "I understood the words people used",
        True,
    ),
    DefaultQuestion(
        "again", Question.Kind.SCALE, "I would take part again", "I would come again", True
    ),
    DefaultQuestion("went_well", Question.Kind.TEXT, "What went well?", "What was good?", False),
    DefaultQuestion(
        "better",
        Question.Kind.TEXT,
        "What could be better?",
        "What should we change?",
        False,
    ),
]
# Organisers' own questions go after the scales and before the two open questions.
OPEN_QUESTIONS_POSITION = 1000


def _default_questions(form: FeedbackForm) -> list[Question]:
    questions = []
    for number, default in enumerate(DEFAULT_QUESTIONS, start=1):
        is_scale = default.kind == Question.Kind.SCALE
        questions.append(
            Question(
                form=form,
                position=number if is_scale else OPEN_QUESTIONS_POSITION + number,
                kind=default.kind,
                text=default.text,
                easy_read_text=default.easy_read_text,
                choices=list(AGREEMENT_SCALE) if is_scale else [],
                easy_read_choices=list(EASY_READ_SCALE) if is_scale else [],
                required=default.required,
                is_default=True,
                key=default.key,
            )
        )
    return questions


def feedback_form_for(*, workshop: Workshop) -> FeedbackForm:
    """The workshop's form, made from the default questions the first time it is needed."""
    form = FeedbackForm.objects.filter(workshop=workshop).first()
    if form is not None:
        form.workshop = workshop
        return form
    try:
        with transaction.atomic():
            form = FeedbackForm.objects.create(workshop=workshop)
            Question.objects.bulk_create(_default_questions(form))
    except IntegrityError:
        # Someone else made it at the same moment.
        form = FeedbackForm.objects.get(workshop=workshop)
    form.workshop = workshop
    return form


def _lock(form: FeedbackForm) -> FeedbackForm:
    locked = FeedbackForm.objects.select_for_update().get(pk=form.pk)
    locked.workshop = form.workshop
    return locked


# Organisers


def feedback_form_update(
    *,
    form: FeedbackForm,
    days_open: int,
    anonymous: bool,
    easy_read: bool,
    updated_by: Any,
) -> FeedbackForm:
    """Change how long the form stays open, anonymous mode (only before anyone answers) and
    which wording shows first."""
    if not 1 <= days_open <= MAX_DAYS_OPEN:
        raise ValidationError(
            {"days_open": f"Choose between 1 and {MAX_DAYS_OPEN} days."}, code="days"
        )
    with transaction.atomic():
        locked = _lock(form)
        if anonymous != locked.anonymous and locked.receipts.exists():
            raise ValidationError(
                {
                    "anonymous": "People have already answered, so this can't be changed now: "
                    "they answered knowing whether their name would be kept with their answers."
                },
                code="answered",
            )
        changes = {
            name: [getattr(locked, name), value]
            for name, value in (
                ("days_open", days_open),
                ("anonymous", anonymous),
                ("easy_read", easy_read),
            )
            if getattr(locked, name) != value
        }
        if not changes:
            return locked
        locked.days_open = days_open
        locked.anonymous = anonymous
        locked.easy_read = easy_read
        locked.save(update_fields=["days_open", "anonymous", "easy_read", "updated_at"])
        audit_log(actor=updated_by, action="feedback.form.updated", target=locked, data=changes)
    return locked


def _clean_question(
    *, kind: str, text: str, easy_read_text: str, choices: Iterable[str], easy_read_choices: Any
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    text = (text or "").strip()
    if kind not in Question.Kind.values:
        errors["kind"] = "Choose what kind of question it is."
    if not text:
        errors["text"] = "Write the question."
    options = [c.strip() for c in choices if c and c.strip()]
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        if len(options) < MIN_CHOICES:
            errors["choices"] = f"Give at least {MIN_CHOICES} answers to choose from, one a line."
        elif len(options) > MAX_CHOICES:
            errors["choices"] = f"Give at most {MAX_CHOICES} answers to choose from."
        elif len({o.lower() for o in options}) != len(options):
            errors["choices"] = "Each answer to choose from must be different."
    if errors:
        raise ValidationError(errors)
    if kind == Question.Kind.SCALE:
        return {
            "choices": list(AGREEMENT_SCALE),
            "easy_read_choices": list(EASY_READ_SCALE),
            "text": text,
            "easy_read_text": (easy_read_text or "").strip(),
        }
    return {
        "choices": options if kind != Question.Kind.TEXT else [],
        "easy_read_choices": [],
        "text": text,
        "easy_read_text": (easy_read_text or "").strip(),
    }


def question_add(
    *,
    form: FeedbackForm,
    kind: str,
    text: str,
    easy_read_text: str = "",
    choices: Iterable[str] = (),
    required: bool = False,
    added_by: Any,
) -> Question:
    """Add an organiser's own question, before the form opens."""
    cleaned = _clean_question(
        kind=kind, text=text, easy_read_text=easy_read_text, choices=choices, easy_read_choices=[]
    )
    with transaction.atomic():
        locked = _lock(form)
        if locked.has_opened():
            raise ValidationError(
                "The form opened when the workshop ended, so questions can't be added now: "
                "people who already answered would not see them.",
                code="opened",
            )
        last = (
            locked.questions.filter(position__lt=OPEN_QUESTIONS_POSITION)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        question = Question.objects.create(
            form=locked, position=(last or 0) + 1, kind=kind, required=required, **cleaned
        )
        audit_log(
            actor=added_by,
            action="feedback.question.added",
            target=question,
            data={"form": locked.pk, "kind": kind},
        )
    return question


def question_check_changeable(question: Question, doing: str = "changed") -> None:
    """Refuse (ValidationError) to change or remove a default question or one with answers."""
    if question.is_default:
        raise ValidationError(
            f"This is one of the questions every workshop asks, so it can't be {doing}: it "
            "lets you compare workshops across the programme. You can add your own questions.",
            code="default",
        )
    if question.answers.exists():
        raise ValidationError(
            f"People have already answered this question, so it can't be {doing}: their "
            "answers would no longer match it. You can add a new question instead.",
            code="answered",
        )


def question_update(
    *,
    question: Question,
    kind: str,
    text: str,
    easy_read_text: str = "",
    choices: Iterable[str] = (),
    required: bool = False,
    updated_by: Any,
) -> Question:
    """Change an organiser's own question, while nobody has answered it."""
    cleaned = _clean_question(
        kind=kind, text=text, easy_read_text=easy_read_text, choices=choices, easy_read_choices=[]
    )
    with transaction.atomic():
        _lock(question.form)
        question_check_changeable(question, "changed")
        question.kind = kind
        question.required = required
        for name, value in cleaned.items():
            setattr(question, name, value)
        question.save()
        audit_log(actor=updated_by, action="feedback.question.changed", target=question)
    return question


def question_remove(*, question: Question, removed_by: Any) -> None:
    with transaction.atomic():
        _lock(question.form)
        question_check_changeable(question, "removed")
        audit_log(
            actor=removed_by,
            action="feedback.question.removed",
            target=question,
            data={"form": question.form_id, "text": question.text},
        )
        question.delete()


# Answering


def feedback_minutes(kinds: Iterable[str]) -> int:
    """About how many minutes a form with questions of these kinds takes."""
    kinds = list(kinds)
    written = kinds.count(Question.Kind.TEXT)
    return max(2, round((len(kinds) - written) * MINUTES_PER_CLOSED + written * MINUTES_PER_TEXT))


def feedback_token(registration: Registration) -> str:
    return signing.dumps(registration.pk, salt=LINK_SALT, compress=True)


class BadLink(Exception):
    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "bad")
        self.expired = expired


def feedback_token_registration_id(token: str) -> int:
    """The registration a feedback link is for. Raises BadLink if it was changed or is old."""
    try:
        return int(signing.loads(token, salt=LINK_SALT, max_age=TOKEN_MAX_AGE))
    except signing.SignatureExpired as error:
        raise BadLink(expired=True) from error
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise BadLink(expired=False) from error


def feedback_url(registration: Registration) -> str:
    """The no-password link to the form, as sent in the emails."""
    return ical.absolute_url(
        reverse("feedback:give", kwargs={"token": feedback_token(registration)})
    )


def can_give_feedback(registration: Registration) -> bool:
    workshop = registration.workshop
    return registration.status in RESPONDING and workshop.status == Workshop.Status.PUBLISHED


AnswerValue = int | list[int] | str | None


def _answer_rows(
    questions: list[Question], answers: Mapping[int, AnswerValue]
) -> tuple[list[Answer], dict[str, str]]:
    """The rows to store, after checking every answer against its question again."""
    rows: list[Answer] = []
    errors: dict[str, str] = {}
    for question in questions:
        value = answers.get(question.pk)
        field = f"q{question.pk}"
        allowed = {v for v, _label in question.options()}
        if question.kind == Question.Kind.TEXT:
            text = str(value or "").strip()
            if len(text) > MAX_TEXT:
                errors[field] = f"Please keep this to {MAX_TEXT} characters or fewer."
            elif text:
                rows.append(Answer(question=question, text=text))
            elif question.required:
                errors[field] = "Please answer this question."
            continue
        chosen = value if isinstance(value, list) else ([] if value in (None, "") else [value])
        try:
            chosen = sorted({int(v) for v in chosen})
        except (TypeError, ValueError):
            errors[field] = "Choose one of the answers given."
            continue
        if question.kind != Question.Kind.MULTIPLE and len(chosen) > 1:
            errors[field] = "Choose only one answer."
        elif any(v not in allowed for v in chosen):
            errors[field] = "Choose one of the answers given."
        elif not chosen and question.required:
            errors[field] = "Please answer this question."
        else:
            rows.extend(Answer(question=question, value=v) for v in chosen)
    return rows, errors


def _perspectives_now(registration: Registration) -> list[str]:
    profile = getattr(registration.user, "profile", None)
    chosen = list(profile.perspectives) if profile is not None else []
    chosen = chosen or list(registration.perspectives or [])
    known = set(Perspective.values)
    return [p for p in dict.fromkeys(chosen) if p in known]


def response_for(*, form: FeedbackForm, user: Any) -> Response | None:
    """The person's own response, to show and change; never one from an anonymous form."""
    if form.anonymous or not getattr(user, "pk", None):
        return None
    return Response.objects.filter(form=form, user=user).prefetch_related("answers").first()


def has_responded(*, form: FeedbackForm, user: Any) -> bool:
    return FeedbackReceipt.objects.filter(form=form, user=user).exists()


def response_save(
    *,
    form: FeedbackForm,
    registration: Registration,
    answers: Mapping[int, AnswerValue],
    quote_consent: bool,
    now: datetime.datetime | None = None,
) -> Response:
    """Save a person's answers: their first, or changed ones while the form is open.

    One response per person per form. In anonymous mode the response keeps no user, random ids
    and only the day, and can't be changed later; a receipt says the person answered.
    """
    now = now or timezone.now()
    user = registration.user
    with transaction.atomic():
        locked = _lock(form)
        if not can_give_feedback(registration):
            raise ValidationError(
                "This feedback form is for people who had a place at the workshop.", code="who"
            )
        if not locked.has_opened(now):
            raise ValidationError(
                "The feedback form opens when the workshop ends.", code="not_open"
            )
        if not locked.is_open(now):
            raise ValidationError(
                "The feedback form has closed, so answers can't be saved or changed now.",
                code="closed",
            )
        questions = list(locked.questions.all())
        rows, errors = _answer_rows(questions, answers)
        if errors:
            raise ValidationError(errors, code="answers")
        receipt = FeedbackReceipt.objects.filter(form=locked, user=user).first()
        if locked.anonymous:
            if receipt is not None:
                raise ValidationError(
                    "You have already given feedback on this workshop. Thank you. Answers "
                    "are anonymous, so they can't be changed.",
                    code="answered",
                )
            day = now.replace(hour=0, minute=0, second=0, microsecond=0)
            response = Response.objects.create(
                form=locked,
                user=None,
                perspectives=_perspectives_now(registration),
                quote_consent=quote_consent,
                created_at=day,
                updated_at=day,
            )
        else:
            response = Response.objects.filter(form=locked, user=user).first()
            if response is None:
                response = Response.objects.create(
                    form=locked,
                    user=user,
                    perspectives=_perspectives_now(registration),
                    quote_consent=quote_consent,
                    created_at=now,
                    updated_at=now,
                )
            else:
                # The perspectives stay as they were when the person first answered.
                response.quote_consent = quote_consent
                response.updated_at = now
                response.save(update_fields=["quote_consent", "updated_at"])
                response.answers.all().delete()
        if not response.perspective_rows.exists():
            ResponsePerspective.objects.bulk_create(
                ResponsePerspective(response=response, form=locked, perspective=p)
                for p in response.perspectives
            )
        for row in rows:
            row.response = response
        Answer.objects.bulk_create(rows)
        if receipt is None:
            FeedbackReceipt.objects.create(form=locked, user=user, responded_at=now)
    return response


# My workshops


def with_feedback_state(registrations: models.QuerySet[Registration]) -> Any:
    """Registrations with what My workshops needs to offer feedback, in the same query:
    `feedback_days_open` and `feedback_anonymous` (None before the form is made) and
    `feedback_given`."""
    forms = FeedbackForm.objects.filter(workshop=OuterRef("workshop_id"))
    return registrations.annotate(
        feedback_days_open=Subquery(forms.values("days_open")[:1]),
        feedback_anonymous=Subquery(forms.values("anonymous")[:1]),
        feedback_given=Exists(
            FeedbackReceipt.objects.filter(
                form__workshop=OuterRef("workshop_id"), user=OuterRef("user_id")
            )
        ),
    )


def feedback_mark_open(
    registrations: Iterable[Registration], *, now: datetime.datetime | None = None
) -> None:
    """Set `feedback_open` on each (annotated) registration whose form takes answers now."""
    now = now or timezone.now()
    for registration in registrations:
        workshop = registration.workshop
        closes_at = form_closes_at(workshop, getattr(registration, "feedback_days_open", None))
        registration.feedback_open = can_give_feedback(registration) and (
            workshop.ends_at <= now < closes_at
        )


# Requests and follow-ups


def _followup_due_at(requested_at: datetime.datetime, closes_at: datetime.datetime) -> Any:
    return requested_at + min(FOLLOWUP_AFTER, (closes_at - requested_at) / 2)


def feedback_requests_queue(*, now: datetime.datetime | None = None) -> int:
    """Periodic: ask people for feedback when a workshop ends, and remind once those who have
    not answered. A fixed number of queries; run twice, it adds nothing.

    The request goes to everyone who had a place (confirmed or attended) at a published
    workshop that ended in the last few days. The follow-up goes to those with no receipt,
    three days after their request was queued (or halfway to the form closing, if that is
    sooner), never after the form closes and never twice. People who turned reminders off get
    neither (both kinds are non-essential).
    """
    now = now or timezone.now()
    workshops = {
        workshop.pk: workshop
        for workshop in Workshop.objects.published()
        .filter(ends_at__lte=now, ends_at__gt=now - datetime.timedelta(days=MAX_DAYS_OPEN))
        .select_related("programme", "feedback_form")
    }
    closes: dict[int, datetime.datetime] = {}
    for pk, workshop in list(workshops.items()):
        form = getattr(workshop, "feedback_form", None)
        closes_at = form_closes_at(workshop, form.days_open if form else DEFAULT_DAYS_OPEN)
        if now >= closes_at:
            del workshops[pk]
        else:
            closes[pk] = closes_at
    if not workshops:
        return 0
    registrations = list(
        Registration.objects.filter(workshop_id__in=workshops, status__in=RESPONDING)
        .select_related("user__profile")
        .order_by("pk")
    )
    if not registrations:
        return 0
    answered = set(
        FeedbackReceipt.objects.filter(form__workshop_id__in=workshops).values_list(
            "form__workshop_id", "user_id"
        )
    )
    requested = dict(
        OutboxMessage.objects.filter(
            key__in=[f"feedback-request:{r.pk}" for r in registrations]
        ).values_list("key", "created_at")
    )
    notices = []
    for registration in registrations:
        workshop = workshops[registration.workshop_id]
        if (workshop.pk, registration.user_id) in answered:
            continue
        common = {
            "to": registration.user.email,
            "user": registration.user,
            "programme": workshop.programme,
            "workshop": workshop,
            "params": {"registration_id": registration.pk},
            # The link opens the person's own answers, so it goes to them alone.
            "copies": False,
        }
        requested_at = requested.get(f"feedback-request:{registration.pk}")
        if requested_at is None:
            if now < workshop.ends_at + REQUEST_WINDOW:
                notices.append(
                    Notice(
                        kind="feedback_request",
                        key=f"feedback-request:{registration.pk}",
                        **common,
                    )
                )
        elif now >= _followup_due_at(requested_at, closes[workshop.pk]):
            notices.append(
                Notice(
                    kind="feedback_followup",
                    key=f"feedback-followup:{registration.pk}",
                    **common,
                )
            )
    if not notices:
        return 0
    return len(notice_queue_many(notices))


# You said, we did

MAX_ACTION_TEXT = 2000
# How far from today the date of a change can be: a slip of the keyboard, not a plan.
ACTION_DATE_RANGE = datetime.timedelta(days=3 * 365)


def _clean_action(
    *, programme: Any, workshop: Workshop | None, heard: str, changed: str, changed_on: Any
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    heard, changed = (heard or "").strip(), (changed or "").strip()
    if not heard:
        errors["heard"] = "Say what people told you."
    elif len(heard) > MAX_ACTION_TEXT:
        errors["heard"] = f"Please keep this to {MAX_ACTION_TEXT} characters or fewer."
    if not changed:
        errors["changed"] = "Say what you did because of it."
    elif len(changed) > MAX_ACTION_TEXT:
        errors["changed"] = f"Please keep this to {MAX_ACTION_TEXT} characters or fewer."
    today = timezone.localdate()
    if not isinstance(changed_on, datetime.date):
        errors["changed_on"] = "Enter the date, like 14 March 2027."
    elif abs(changed_on - today) > ACTION_DATE_RANGE:
        errors["changed_on"] = "Enter a date within three years of today."
    if workshop is not None and workshop.programme_id != programme.pk:
        errors["workshop"] = "Choose one of this programme's workshops."
    if errors:
        raise ValidationError(errors, code="invalid")
    return {"workshop": workshop, "heard": heard, "changed": changed, "changed_on": changed_on}


def action_create(
    *,
    programme: Any,
    heard: str,
    changed: str,
    changed_on: datetime.date,
    workshop: Workshop | None = None,
    created_by: Any,
) -> FeedbackAction:
    """Record a “you said, we did” as a draft: nobody sees it until it is published."""
    cleaned = _clean_action(
        programme=programme, workshop=workshop, heard=heard, changed=changed, changed_on=changed_on
    )
    with transaction.atomic():
        action = FeedbackAction.objects.create(
            programme=programme,
            created_by=created_by if getattr(created_by, "pk", None) else None,
            **cleaned,
        )
        audit_log(actor=created_by, action="feedback.action.added", target=action)
    return action


def action_update(
    *,
    action: FeedbackAction,
    heard: str,
    changed: str,
    changed_on: datetime.date,
    workshop: Workshop | None = None,
    updated_by: Any,
) -> FeedbackAction:
    """Change the words or date. A published one changes on the learning page; nobody is
    emailed again."""
    cleaned = _clean_action(
        programme=action.programme,
        workshop=workshop,
        heard=heard,
        changed=changed,
        changed_on=changed_on,
    )
    with transaction.atomic():
        locked = FeedbackAction.objects.select_for_update().get(pk=action.pk)
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save()
        audit_log(
            actor=updated_by,
            action="feedback.action.changed",
            target=locked,
            data={"published": locked.is_published},
        )
    return locked


def feedback_givers(programme: Any) -> models.QuerySet[Any]:
    """Everyone who gave feedback on any of the programme's workshops (their receipts, so
    people who answered anonymously are included), each once."""
    from django.contrib.auth import get_user_model

    answered = FeedbackReceipt.objects.filter(
        form__workshop__programme=programme, user_id=OuterRef("pk")
    )
    return (
        get_user_model()
        .objects.filter(Exists(answered), is_active=True)
        .select_related("profile")
        .order_by("pk")
    )


def action_publish(
    *, action: FeedbackAction, published_by: Any, now: datetime.datetime | None = None
) -> int:
    """Publish a “you said, we did” on the programme's learning page and email it to everyone
    who gave feedback in the programme, once each. Returns how many emails were queued (people
    who turned reminders off are not emailed)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            FeedbackAction.objects.select_for_update().select_related("programme").get(pk=action.pk)
        )
        if locked.is_published:
            raise ValidationError(
                "This is already published. Changes you make show on the learning page; "
                "nobody is emailed again.",
                code="published",
            )
        locked.published_at = now
        locked.published_by = published_by if getattr(published_by, "pk", None) else None
        locked.save(update_fields=["published_at", "published_by", "updated_at"])
        programme = locked.programme
        notices = [
            Notice(
                kind="you_said_we_did",
                key=f"you-said-we-did:{locked.pk}:{person.pk}",
                to=person.email,
                user=person,
                programme=programme,
                workshop=locked.workshop,
                params={"action_id": locked.pk},
            )
            for person in feedback_givers(programme).iterator(chunk_size=2000)
        ]
        queued = notice_queue_many(notices)
        audit_log(
            actor=published_by,
            action="feedback.action.published",
            target=locked,
            data={"emails": len([m for m in queued if not m.is_copy])},
        )
    action.published_at, action.published_by = locked.published_at, locked.published_by
    return len([m for m in queued if not m.is_copy])


def action_remove(*, action: FeedbackAction, removed_by: Any) -> None:
    """Delete it. If it was published it leaves the learning page, and emails not sent yet
    are dropped (the email builder finds nothing to send)."""
    with transaction.atomic():
        audit_log(
            actor=removed_by,
            action="feedback.action.removed",
            target=action,
            data={"heard": action.heard[:200], "published": action.is_published},
        )
        action.delete()
