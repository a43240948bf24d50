"""How long a programme's feedback report takes over many responses, and proof that it runs the
same number of queries over 100 responses as over 100,000.

    python manage.py bench_feedback                   # 100 then 100,000 responses
    python manage.py bench_feedback --count 10000     # one run

`feedback_seed()` makes a fictional programme of ended workshops, people who had a place, and
their answers (every standard question, some written answers, some who have not answered yet)
with bulk inserts. `report_render()` opens the programme report as its organiser would, through
the whole Django stack, and returns the time, the queries and the size of the page. Everything
made is deleted afterwards unless `keep`.

It uses the database the settings name (PostgreSQL with DATABASE_URL set). Don't run it against
production: it writes hundreds of thousands of rows.
"""

import datetime
import random
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from codesign.accounts.models import User
from feedback.models import (
    Answer,
    FeedbackForm,
    FeedbackReceipt,
    Question,
    Response,
    ResponsePerspective,
)
from feedback.services import feedback_form_for
from participants.models import Perspective
from programmes.models import Membership, Programme, TeamRole
from workshops.models import Registration, Venue, Workshop

COMPARE = (100, 100_000)
BATCH = 5000
DEFAULT_WORKSHOPS = 40
# Who answers, roughly as a co-design programme's workshops are made up.
MIX: list[tuple[list[str], int]] = [
    ([Perspective.PATIENT], 28),
    ([Perspective.CARER], 14),
    ([Perspective.YOUNG_PERSON], 10),
    ([Perspective.FAMILY], 5),
    ([Perspective.PATIENT, Perspective.CARER], 3),
    ([Perspective.HEALTH_PROFESSIONAL], 24),
    ([Perspective.CARE_PROFESSIONAL], 6),
    ([Perspective.MANAGER], 5),
    ([Perspective.RESEARCHER], 3),
    ([Perspective.OTHER], 1),
    ([], 1),
]
# An unusable password, so nobody can sign in as the people made up.
NO_PASSWORD = make_password(None)
# How much each group tends to agree (the chance of "agree" or "strongly agree").
AGREEMENT = {
    Perspective.YOUNG_PERSON: 0.45,
    Perspective.CARER: 0.7,
    Perspective.HEALTH_PROFESSIONAL: 0.88,
}
WRITTEN = [
    "Being listened to by the clinic staff.",
    "More breaks, please.",
    "The room was too noisy to hear each other.",
    '=HYPERLINK("http://example.invalid")',
    "I liked working at small tables.",
]


def _chunks[T](items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert(model: Any, rows: Iterable[Any]) -> None:
    for chunk in _chunks(rows):
        model.objects.bulk_create(chunk, batch_size=BATCH)


def _scale_value(rng: random.Random, perspectives: Sequence[str]) -> int:
    chance = min((AGREEMENT.get(p, 0.75) for p in perspectives), default=0.75)
    if rng.random() < chance:
        return rng.choice((4, 5))
    return rng.choice((1, 2, 3))


def feedback_seed(
    *,
    responses: int,
    workshops: int = DEFAULT_WORKSHOPS,
    waiting_share: float = 0.1,
    programme: Programme | None = None,
    seed: int = 7,
    now: datetime.datetime | None = None,
) -> Programme:
    """A programme (made if not given) with `workshops` ended workshops and `responses`
    answered forms spread across them, plus `waiting_share` as many people again who had a
    place and have not answered. Bulk inserts throughout; returns the programme."""
    now = now or timezone.now()
    rng = random.Random(seed)  # noqa: S311 - made-up answers, not secrets
    tag = uuid.uuid4().hex[:10]
    if programme is None:
        programme = Programme.objects.create(
            title=f"Feedback benchmark {tag}",
            slug=f"feedback-bench-{tag}",
            status=Programme.Status.RUNNING,
            summary="A fictional programme for the feedback benchmark.",
        )
    venue = Venue.objects.create(
        name=f"Benchmark hall {tag}", address="1 Example Street", postcode="EX1 1AA"
    )
    count = max(1, workshops)
    made = []
    for number in range(count):
        # Spread over the last few weeks, so some forms are open and some closed.
        ends_at = (now - datetime.timedelta(days=count - number, hours=1)).replace(microsecond=0)
        made.append(
            Workshop(
                programme=programme,
                title=f"Workshop {number + 1}",
                description="A fictional workshop for the feedback benchmark.",
                audience="Patients, carers, young people and clinic staff.",
                starts_at=ends_at - datetime.timedelta(hours=3),
                ends_at=ends_at,
                format=Workshop.Format.IN_PERSON,
                venue=venue,
                capacity=max(30, responses),
                status=Workshop.Status.PUBLISHED,
                safeguarding_lead_name="Sam Safe",
                safeguarding_lead_contact="safeguarding@example.invalid",
                access_contact_name="Alex Access",
                access_contact_details="access@example.invalid",
            )
        )
    Workshop.objects.bulk_create(made)
    made = list(Workshop.objects.filter(programme=programme, venue=venue).order_by("pk"))
    forms = [feedback_form_for(workshop=workshop) for workshop in made]
    questions = {
        form.pk: [q for q in Question.objects.filter(form=form).order_by("position")]
        for form in forms
    }
    waiting = int(responses * waiting_share)
    people = responses + waiting
    perspectives_pool = [p for p, weight in MIX for _ in range(weight)]
    _insert(
        User,
        (
            User(email=f"bench-{tag}-{n}@example.invalid", password=NO_PASSWORD)
            for n in range(people)
        ),
    )
    users = list(
        User.objects.filter(email__startswith=f"bench-{tag}-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    plan = [
        (user_id, index % count, rng.choice(perspectives_pool), index < responses)
        for index, user_id in enumerate(users)
    ]
    _insert(
        Registration,
        (
            Registration(
                workshop=made[w],
                user_id=user_id,
                status=Registration.Status.ATTENDED
                if answered or rng.random() < 0.5
                else Registration.Status.CONFIRMED,
                perspectives=list(perspectives),
            )
            for user_id, w, perspectives, answered in plan
        ),
    )
    answered = [row for row in plan if row[3]]
    _insert(
        FeedbackReceipt,
        (
            FeedbackReceipt(form=forms[w], user_id=user_id, responded_at=now)
            for user_id, w, _perspectives, _answered in answered
        ),
    )
    for chunk in _chunks(answered):
        rows = [
            Response(
                form=forms[w],
                user_id=user_id,
                perspectives=list(perspectives),
                quote_consent=rng.random() < 0.4,
                created_at=made[w].ends_at,
                updated_at=made[w].ends_at,
            )
            for user_id, w, perspectives, _answered in chunk
        ]
        Response.objects.bulk_create(rows, batch_size=BATCH)
        ResponsePerspective.objects.bulk_create(
            (
                ResponsePerspective(response=r, form_id=r.form_id, perspective=p)
                for r in rows
                for p in r.perspectives
            ),
            batch_size=BATCH,
        )
        answers = []
        for response in rows:
            for question in questions[response.form_id]:
                if question.kind == Question.Kind.SCALE:
                    value = _scale_value(rng, response.perspectives)
                    answers.append(Answer(response=response, question=question, value=value))
                elif rng.random() < 0.2:
                    answers.append(
                        Answer(response=response, question=question, text=rng.choice(WRITTEN))
                    )
        Answer.objects.bulk_create(answers, batch_size=BATCH)
    return programme


def refresh_statistics() -> None:
    """On PostgreSQL, bring the planner's statistics up to date after a bulk load, as
    autovacuum soon would in production; otherwise the first report is planned as if the
    tables were still empty."""
    if connection.vendor != "postgresql":
        return
    models = [
        User,
        Workshop,
        Registration,
        FeedbackForm,
        FeedbackReceipt,
        Response,
        ResponsePerspective,
        Answer,
        Question,
    ]
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def feedback_unseed(programme: Programme) -> None:
    """Delete a seeded programme and the people made for it, fastest rows first."""
    forms = {"form__workshop__programme": programme}
    Answer.objects.filter(response__form__workshop__programme=programme).delete()
    ResponsePerspective.objects.filter(**forms).delete()
    Response.objects.filter(**forms).delete()
    FeedbackReceipt.objects.filter(**forms).delete()
    users = list(
        Registration.objects.filter(workshop__programme=programme).values_list("user_id", flat=True)
    )
    Registration.objects.filter(workshop__programme=programme).delete()
    venues = set(Workshop.objects.filter(programme=programme).values_list("venue_id", flat=True))
    Question.objects.filter(form__workshop__programme=programme).delete()
    programme.delete()
    Venue.objects.filter(pk__in=venues).delete()
    for chunk in _chunks(users):
        User.objects.filter(pk__in=chunk, email__endswith="@example.invalid").delete()


@dataclass(frozen=True)
class ReportTiming:
    responses: int
    workshops: int
    seed_seconds: float
    seconds: float
    queries: int
    page_kb: float


def bench_organiser(programme: Programme) -> Any:
    """Someone who organises the programme, to open its report."""
    organiser = User.objects.create(
        email=f"bench-organiser-{uuid.uuid4().hex[:8]}@example.invalid", password=NO_PASSWORD
    )
    Membership.objects.create(programme=programme, user=organiser, role=TeamRole.ORGANISER)
    return organiser


def report_render(programme: Programme, organiser: Any) -> tuple[float, int, int]:
    """Open the programme report once, as its organiser: (seconds, queries, bytes). A first,
    untimed, request warms the templates and the connection."""
    client = Client()
    client.force_login(organiser)
    url = reverse("feedback:programme_report", kwargs={"slug": programme.slug})
    # No cache: the page keeps a report until new feedback arrives, and it is the work of
    # making one that is timed here.
    no_cache = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with override_settings(STAFF_MFA_REQUIRED=False, ALLOWED_HOSTS=["*"], CACHES=no_cache):
        # As over HTTPS, so a production-like setting that redirects to it changes nothing.
        client.get(url, secure=True)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, secure=True)
            seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"The report answered {response.status_code}.")
    return seconds, len(queries.captured_queries), len(response.content)


def bench_run(
    counts: Sequence[int] = COMPARE,
    *,
    workshops: int = DEFAULT_WORKSHOPS,
    keep: bool = False,
) -> list[ReportTiming]:
    """Seed each count of responses in a programme of its own and time its report."""
    results = []
    for count in counts:
        started = time.perf_counter()
        with transaction.atomic():
            programme = feedback_seed(responses=count, workshops=workshops)
        refresh_statistics()
        seed_seconds = time.perf_counter() - started
        organiser = bench_organiser(programme)
        try:
            seconds, queries, size = report_render(programme, organiser)
            results.append(
                ReportTiming(count, workshops, seed_seconds, seconds, queries, size / 1024)
            )
        finally:
            if not keep:
                feedback_unseed(programme)
                organiser.delete()
    return results
