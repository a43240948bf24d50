"""Reports count in the database: each page and export runs the same number of queries over a
handful of responses as over thousands (the data is made in bulk; feedback/bench.py times
100,000)."""

import pytest
from django.urls import reverse

from feedback.bench import bench_organiser, feedback_seed, report_render
from feedback.services import question_add
from participants.models import Perspective
from tests.feedback.report_support import answered, reported_workshop, waiting
from tests.feedback.support import form_of

pytestmark = pytest.mark.django_db

P, C, Y, HP = (
    Perspective.PATIENT,
    Perspective.CARER,
    Perspective.YOUNG_PERSON,
    Perspective.HEALTH_PROFESSIONAL,
)
# The session, the user, their roles and their authenticator app; then the page's own. The
# programme report adds one for its cache key (the latest answer) when it is not cached yet.
WORKSHOP_REPORT = 12
PROGRAMME_REPORT = 12


def _questions(workshop, count):
    """Organisers' own questions, added before the form opened."""
    import datetime as dt

    import time_machine

    with time_machine.travel(workshop.ends_at - dt.timedelta(days=1)):
        return [
            question_add(
                form=form_of(workshop),
                kind="multiple" if n % 2 else "single",
                text=f"Extra question {n}",
                choices=["Yes", "No", "Not sure"],
                added_by=None,
            )
            for n in range(count)
        ]


def test_the_workshop_report_runs_the_same_queries_whatever_the_size(
    client, programme, organiser, with_mfa, django_assert_num_queries
):
    client.force_login(with_mfa(organiser))
    small = reported_workshop(programme)
    answered(small, [P], 2)
    large = reported_workshop(programme)
    extra = _questions(large, 4)
    for perspectives, count in (([P], 120), ([C], 40), ([Y], 3), ([HP], 60), ([P, C], 9)):
        answered(
            large,
            perspectives,
            count,
            extra={extra[0]: 1, extra[1]: [0, 2]},
            quote=True,
            written="It was good.",
        )
    waiting(large, [Y], 30)

    for workshop in (small, large):
        with django_assert_num_queries(WORKSHOP_REPORT):
            response = client.get(reverse("feedback:workshop_report", args=[workshop.pk]))
        assert response.status_code == 200
    assert "232 of 262 people with a place answered (89%)" in response.content.decode()


def test_the_programme_report_runs_the_same_queries_over_100_responses_or_thousands(
    client, with_mfa, django_assert_num_queries
):
    small = feedback_seed(responses=100, workshops=3)
    large = feedback_seed(responses=3000, workshops=12)

    for programme in (small, large):
        client.force_login(with_mfa(bench_organiser(programme)))
        with django_assert_num_queries(PROGRAMME_REPORT):
            response = client.get(
                reverse("feedback:programme_report", args=[programme.slug])
                + "?question=listened&who=young_person"
            )
        assert response.status_code == 200


def test_the_exports_run_the_same_queries_whatever_the_size(
    client, with_mfa, django_assert_num_queries
):
    for responses, workshops in ((100, 2), (1500, 8)):
        programme = feedback_seed(responses=responses, workshops=workshops)
        client.force_login(with_mfa(bench_organiser(programme)))
        workshop = programme.workshops.order_by("pk").first()
        # The report's queries (never cached, so without the cache key's), one more for the
        # workshops' answers, and the audit entry.
        with django_assert_num_queries(PROGRAMME_REPORT - 1 + 2):
            response = client.get(reverse("feedback:programme_report_csv", args=[programme.slug]))
        assert response.status_code == 200
        with django_assert_num_queries(WORKSHOP_REPORT + 1):
            response = client.get(reverse("feedback:workshop_report_csv", args=[workshop.pk]))
        assert response.status_code == 200


def test_the_benchmark_seeds_in_bulk_and_times_the_report(db):
    timings = []
    for responses in (50, 600):
        programme = feedback_seed(responses=responses, workshops=3)
        timings.append(report_render(programme, bench_organiser(programme)))

    (seconds, small_queries, size), (_, large_queries, _) = timings
    assert seconds > 0
    assert size > 10_000
    # Signed in without an authenticator app check: one query fewer than the page tests.
    assert small_queries == large_queries == PROGRAMME_REPORT - 1
