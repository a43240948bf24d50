"""The benchmark's seeder at a tiny scale, and its pages' queries: each listed page runs the
same number of queries (at most 15) for the biggest and the smallest programme it seeds."""

import pytest

from bench import run
from bench.seed import TINY, ensure_seeded, seeded_scale
from bursaries.models import Application
from feedback.models import Answer, Response
from programmes.models import Programme
from workshops.models import Registration, Workshop

pytestmark = pytest.mark.django_db


def _quiet(_message: str) -> None:
    pass


def test_tiny_seed_makes_every_kind_of_row_it_promises():
    seeded = ensure_seeded(TINY, log=_quiet)

    assert Programme.objects.count() == TINY.programmes
    assert Workshop.objects.count() == TINY.workshops
    assert Registration.objects.count() == TINY.registrations
    assert Response.objects.count() == TINY.responses
    assert Answer.objects.filter(value__isnull=False).count() == TINY.responses * 6
    assert 0 < Application.objects.count() <= TINY.applications
    assert seeded.counts["registrations"] == TINY.registrations


def test_some_upcoming_workshops_are_full_with_people_waiting():
    ensure_seeded(TINY, log=_quiet)

    assert Registration.objects.filter(status=Registration.Status.WAITLISTED).exists()
    for workshop in Workshop.objects.all():
        assert workshop.places_taken() <= workshop.capacity


def test_seeding_again_at_the_same_scale_changes_nothing():
    first = ensure_seeded(TINY, log=_quiet)
    made = Registration.objects.count()

    again = ensure_seeded(TINY, log=_quiet)

    assert Registration.objects.count() == made
    assert again.seconds == pytest.approx(first.seconds)
    assert seeded_scale()["scale"] == TINY.as_dict()


def test_every_benchmarked_page_runs_a_fixed_small_number_of_queries(settings):
    # Sessions are made straight in the database, without the authenticator-app step.
    settings.STAFF_MFA_REQUIRED = False
    ensure_seeded(TINY, log=_quiet)
    plan = run.build_plan()

    counted = run.count_queries(plan)

    for page, result in counted.items():
        assert result["big"] <= run.TARGET_QUERIES, page
        assert result["big"] == result["small"], page
