"""Helpers for the feedback tests: a workshop that has just ended, places at it, and the answers
a browser would send."""

import datetime as dt
import html
from typing import Any

from django.urls import reverse
from django.utils import timezone

from feedback.models import FeedbackForm, Question
from feedback.services import feedback_form_for, feedback_token
from tests.factories import RegistrationFactory, WorkshopFactory
from workshops.models import Registration, Workshop


def ended_workshop(*, ended: dt.timedelta = dt.timedelta(hours=1), **fields: Any) -> Workshop:
    """A published workshop that ended `ended` ago (in the future if negative)."""
    ends_at = (timezone.now() - ended).replace(microsecond=0)
    return WorkshopFactory(starts_at=ends_at - dt.timedelta(hours=3), ends_at=ends_at, **fields)


def place(
    workshop: Workshop, user: Any, status: str = Registration.Status.CONFIRMED
) -> Registration:
    perspectives = list(getattr(getattr(user, "profile", None), "perspectives", []) or [])
    return RegistrationFactory(
        workshop=workshop, user=user, status=status, perspectives=perspectives
    )


def link(registration: Registration) -> str:
    return reverse("feedback:give", kwargs={"token": feedback_token(registration)})


def form_of(workshop: Workshop) -> FeedbackForm:
    return feedback_form_for(workshop=workshop)


def by_key(form: FeedbackForm) -> dict[str, Question]:
    return {q.key: q for q in form.questions.all() if q.key}


def answers(form: FeedbackForm, *, scale: int = 4, **extra: Any) -> dict[str, Any]:
    """POST data answering every default scale with `scale` (1 to 5) and the two open
    questions; `extra` adds or replaces fields, e.g. q12="0" or quote_consent="on"."""
    data: dict[str, Any] = {}
    for question in form.questions.all():
        name = f"q{question.pk}"
        if question.kind == Question.Kind.SCALE:
            data[name] = str(scale)
        elif question.key == "went_well":
            data[name] = "Being listened to by the clinic staff."
        elif question.key == "better":
            data[name] = "More breaks, please."
    data.update(extra)
    return data


def text(response: Any) -> str:
    """The page as a person reads it: HTML entities turned back into characters."""
    return html.unescape(response.content.decode())
