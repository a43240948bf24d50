"""The feedback request after a workshop, and the one follow-up. Both are non-essential, so
people who turned reminders off get neither, and both are dropped at send time if the person
has answered since or the form has closed (codesign/core/notices.py).

And "you said, we did": what the programme team changed because of feedback, sent when they
publish it to everyone who gave feedback in the programme (also non-essential)."""

from typing import Any

from django.urls import reverse
from django.utils import timezone

from codesign.core.models import OutboxMessage
from codesign.core.notices import Email, display_name, notice_kind
from feedback.models import FeedbackAction, FeedbackForm, FeedbackReceipt, form_closes_at
from feedback.services import (
    DEFAULT_QUESTIONS,
    can_give_feedback,
    feedback_minutes,
    feedback_url,
)
from workshops import ical
from workshops.models import Registration


def _context(message: OutboxMessage) -> dict[str, Any] | None:
    registration = (
        Registration.objects.select_related("user__profile", "workshop__programme")
        .filter(pk=message.params.get("registration_id"))
        .first()
    )
    if registration is None or not can_give_feedback(registration):
        return None
    workshop = registration.workshop
    form = FeedbackForm.objects.filter(workshop=workshop).first()
    closes_at = form_closes_at(workshop, form.days_open if form else None)
    now = timezone.now()
    if not workshop.ends_at <= now < closes_at:
        return None
    if (
        form is not None
        and FeedbackReceipt.objects.filter(form=form, user_id=registration.user_id).exists()
    ):
        return None
    if form is not None:
        minutes = feedback_minutes(form.questions.values_list("kind", flat=True))
    else:
        minutes = feedback_minutes(d.kind for d in DEFAULT_QUESTIONS)
    return {
        "person": display_name(registration.user),
        "registration": registration,
        "workshop": workshop,
        "programme": workshop.programme,
        "closes_at": closes_at,
        "minutes": minutes,
        "anonymous": bool(form and form.anonymous),
        "url": feedback_url(registration),
        "my_workshops_url": ical.absolute_url(reverse("workshops:mine")),
    }


@notice_kind("feedback_request", essential=False)
def feedback_request(message: OutboxMessage) -> Email | None:
    context = _context(message)
    if context is None:
        return None
    return Email(template="feedback_request", context=context)


@notice_kind("feedback_followup", essential=False)
def feedback_followup(message: OutboxMessage) -> Email | None:
    context = _context(message)
    if context is None:
        return None
    return Email(template="feedback_followup", context=context)


@notice_kind("you_said_we_did", essential=False, label="You said, we did")
def you_said_we_did(message: OutboxMessage) -> Email | None:
    """What the programme team changed because of feedback, to those who gave it. Dropped if
    it was deleted (or unpublished) before it went."""
    action = (
        FeedbackAction.objects.published()
        .select_related("programme", "workshop")
        .filter(pk=message.params.get("action_id"))
        .first()
    )
    if action is None or message.user is None:
        return None
    programme = action.programme
    return Email(
        template="you_said_we_did",
        context={
            "person": display_name(message.user),
            "action": action,
            "programme": programme,
            "workshop": action.workshop,
            "learning_url": ical.absolute_url(
                reverse("feedback:learning", kwargs={"slug": programme.slug})
            ),
        },
    )
