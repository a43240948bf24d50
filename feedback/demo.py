"""Fictional feedback for seed_demo: two workshops that have happened, with answers from a mix
of perspectives (young people felt less listened to than professionals, so the breakdown has
something to show), consented quotes, and "you said, we did" — one published, one a draft.

The demo patient and young person had places at the newest one and haven't answered yet, so
they can try the form from My workshops. Running it twice changes nothing the second time.
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from feedback.models import FeedbackAction, Question
from feedback.services import feedback_form_for, response_save
from programmes.models import Programme
from workshops.models import Registration, Workshop

# (days ago it ended, title, description)
PAST_WORKSHOPS = [
    (
        30,
        "Listening event: what moving clinics felt like",
        "We listened to stories of moving from the children's clinic to the adult clinic.",
    ),
    (
        2,
        "First ideas for the welcome pack",
        "We sketched what a welcome pack for the adult clinic could hold.",
    ),
]

# How much people of each perspective agreed, on the 1 (strongly disagree) to 5 (strongly
# agree) scale, before a little variation: young people felt less listened to.
AGREEMENT = {
    "young_person": {"listened": 2, "language": 3},
    "patient": {"listened": 4},
    "carer": {"listened": 4, "activities": 3},
    "family": {"listened": 4},
    "health_professional": {"listened": 5, "valued": 5},
    "care_professional": {"listened": 5},
}
WENT_WELL = [
    "Hearing from other parents who had been through it.",
    "The small groups. I could say things I wouldn't say in clinic.",
    "The quiet room and the breaks every hour.",
    "Drawing the journey on the wall together.",
]
BETTER = [
    "Some of the words the doctors used were hard to follow.",
    "The young people's table needed more time to talk.",
    "Start a bit later so I can get there on the bus.",
    "",
]

ACTIONS = [
    (
        True,
        "Young people told us they didn't always feel listened to, and that some of the words "
        "were hard to follow.",
        "Every workshop now starts with young people's table first, and a young co-facilitator "
        "checks the slides for jargon before each session.",
    ),
    (
        False,
        "Several people said the 10am start was hard to reach by bus.",
        "From the spring cohort, in-person workshops start at 11am.",
    ),
]


def seed_feedback(programme: Programme, people: Sequence[Any], users: dict[str, Any]) -> None:
    """`people`: the demo participants; `users`: the named demo logins by email."""
    existing = set(
        Workshop.objects.filter(
            programme=programme, title__in=[t for _, t, _ in PAST_WORKSHOPS]
        ).values_list("title", flat=True)
    )
    for index, (days_ago, title, description) in enumerate(PAST_WORKSHOPS):
        if title in existing:
            continue
        workshop = _past_workshop(programme, days_ago, title, description)
        attendees = list(people[index * 10 : index * 10 + 24])
        if index == len(PAST_WORKSHOPS) - 1:
            # The demo patient and young person can give their own feedback.
            attendees += [users["patient@example.org"], users["young@example.org"]]
        for person in attendees:
            Registration.objects.create(
                workshop=workshop,
                user=person,
                status=Registration.Status.ATTENDED,
                perspectives=person.profile.perspectives,
                queued_at=workshop.starts_at - datetime.timedelta(days=10),
            )
        _answer(workshop, attendees[:18] if index == 0 else attendees[:12])
    organiser = users["organiser@example.org"]
    if not FeedbackAction.objects.filter(programme=programme).exists():
        first = Workshop.objects.get(programme=programme, title=PAST_WORKSHOPS[0][1])
        for published, heard, changed in ACTIONS:
            FeedbackAction.objects.create(
                programme=programme,
                workshop=first,
                heard=heard,
                changed=changed,
                changed_on=timezone.localdate() - datetime.timedelta(days=7),
                created_by=organiser,
                # Published without emailing: the demo shouldn't start by sending 30 emails.
                published_at=timezone.now() - datetime.timedelta(days=6) if published else None,
                published_by=organiser if published else None,
            )


def _past_workshop(programme: Programme, days_ago: int, title: str, description: str) -> Workshop:
    ends = timezone.now().replace(minute=0, second=0, microsecond=0) - datetime.timedelta(
        days=days_ago
    )
    starts = ends - datetime.timedelta(hours=3)
    return Workshop.objects.create(
        programme=programme,
        title=title,
        description=description,
        audience="Young people aged 14 to 25 with diabetes, parents and carers, and the team.",
        starts_at=starts,
        ends_at=ends,
        format="online",
        joining_url="https://video.example.org/join/diabetes-demo",
        capacity=30,
        registration_opens_at=starts - datetime.timedelta(days=30),
        registration_closes_at=starts - datetime.timedelta(days=1),
        status=Workshop.Status.PUBLISHED,
        safeguarding_lead_name="Sam Okafor",
        safeguarding_lead_contact="safeguarding@example.org or 01632 960 001",
        access_contact_name="Alex Morgan",
        access_contact_details="access@example.org or 01632 960 002",
    )


def _answer(workshop: Workshop, people: Sequence[Any]) -> None:
    form = feedback_form_for(workshop=workshop)
    questions = list(form.questions.all())
    answering_at = workshop.ends_at + datetime.timedelta(hours=20)
    registrations = {
        r.user_id: r
        for r in Registration.objects.filter(workshop=workshop).select_related("user__profile")
    }
    for number, person in enumerate(people):
        perspective = next(iter(person.profile.perspectives), "")
        leanings = AGREEMENT.get(perspective, {})
        answers: dict[int, Any] = {}
        for question in questions:
            if question.kind == Question.Kind.SCALE:
                base = leanings.get(question.key, 4)
                answers[question.pk] = max(1, min(5, base + (number % 3) - 1))
            elif question.key == "went_well":
                answers[question.pk] = WENT_WELL[number % len(WENT_WELL)]
            elif question.key == "better":
                answers[question.pk] = BETTER[number % len(BETTER)]
        response_save(
            form=form,
            registration=registrations[person.pk],
            answers=answers,
            quote_consent=number % 2 == 0,
            now=answering_at,
        )
