"""Answers made in bulk for the report tests: people who had a place and answered, or have not
answered yet, with the perspectives and answers a test needs."""

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from codesign.accounts.models import User
from feedback.models import Answer, FeedbackReceipt, Question, Response, ResponsePerspective
from tests.feedback.support import by_key, ended_workshop, form_of
from workshops.models import Registration, Workshop

SCALE_KEYS = ["valued", "listened", "respected", "activities", "language", "again"]


def _people(count: int, perspectives: list[str], workshop: Workshop) -> list[User]:
    tag = uuid.uuid4().hex[:8]
    users = User.objects.bulk_create(
        User(email=f"r{tag}-{n}@example.org", password="!") for n in range(count)
    )
    users = list(User.objects.filter(email__startswith=f"r{tag}-").order_by("pk"))
    Registration.objects.bulk_create(
        Registration(
            workshop=workshop,
            user=user,
            status=Registration.Status.CONFIRMED,
            perspectives=list(perspectives),
        )
        for user in users
    )
    return users


def answered(
    workshop: Workshop,
    perspectives: list[str],
    count: int,
    *,
    scale: int = 4,
    values: dict[str, int] | None = None,
    extra: dict[Question, Any] | None = None,
    quote: bool = False,
    written: str = "",
    when: dt.datetime | None = None,
) -> list[User]:
    """`count` people with these perspectives who had a place and answered: every standard
    scale with `scale` (or `values[key]`), `extra` for other questions (an option value, a
    list of them, or text), and "What went well?" with `written`."""
    form = form_of(workshop)
    questions = by_key(form)
    users = _people(count, perspectives, workshop)
    when = when or timezone.now()
    FeedbackReceipt.objects.bulk_create(
        FeedbackReceipt(form=form, user=user, responded_at=when) for user in users
    )
    responses = Response.objects.bulk_create(
        Response(
            form=form,
            user=None if form.anonymous else user,
            perspectives=list(perspectives),
            quote_consent=quote,
            created_at=when,
            updated_at=when,
        )
        for user in users
    )
    ResponsePerspective.objects.bulk_create(
        ResponsePerspective(response=response, form=form, perspective=p)
        for response in responses
        for p in perspectives
    )
    rows = []
    for response in responses:
        for key in SCALE_KEYS:
            value = (values or {}).get(key, scale)
            rows.append(Answer(response=response, question=questions[key], value=value))
        if written:
            rows.append(Answer(response=response, question=questions["went_well"], text=written))
        for question, chosen in (extra or {}).items():
            if question.kind == Question.Kind.TEXT:
                rows.append(Answer(response=response, question=question, text=str(chosen)))
            else:
                for value in chosen if isinstance(chosen, list) else [chosen]:
                    rows.append(Answer(response=response, question=question, value=value))
    Answer.objects.bulk_create(rows)
    return users


def waiting(workshop: Workshop, perspectives: list[str], count: int) -> list[User]:
    """`count` people with these perspectives who had a place and have not answered."""
    return _people(count, perspectives, workshop)


def reported_workshop(programme: Any, **fields: Any) -> Workshop:
    """A workshop that ended an hour ago, its form open, with its form made."""
    workshop = ended_workshop(programme=programme, **fields)
    form_of(workshop)
    return workshop
