"""The pair lists use a fixed number of queries whatever the number of pairs and entries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pairs import services
from pairs.models import LogEntry
from tests.pairs.support import cohort_of, decided, partner_n, professional_n, start, submitted

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    """How many queries the page takes."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _same_again(client, urls, counts, django_assert_num_queries) -> None:
    for url, count in zip(urls, counts, strict=True):
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200


def _entries(pair, author, n: int) -> None:
    for i in range(n):
        services.log_entry_add(
            pair=pair,
            author=author,
            entry_date=dt.date(2026, 11, 1) + dt.timedelta(days=i),
            tried=f"Tried {i}",
            learned=f"Learned {i}",
            sharing=LogEntry.Sharing.TEAM if i % 2 else LogEntry.Sharing.COHORT,
        )


def _grow_pairs(cohort, organiser, start_at: int, count: int) -> None:
    for n in range(start_at, start_at + count):
        decision = ["accept", "waitlist", "decline"][n % 3]
        pair = decided(cohort, professional_n(n), partner_n(n), organiser, decision)
        if decision == "accept":
            _entries(pair, pair.partner, 3)


def test_the_organisers_lists_take_the_same_queries_for_few_and_many_pairs(
    client, programme, organiser, with_mfa, django_assert_num_queries
):
    cohort = cohort_of(programme, places=None)
    cohort_of(programme, name="Spring")
    _grow_pairs(cohort, organiser, 0, 2)
    client.force_login(with_mfa(organiser))
    urls = [
        reverse("pairs:review", args=[programme.slug]),
        reverse("pairs:review_cohort", args=[programme.slug, cohort.pk]),
        reverse("pairs:cohort_log", args=[cohort.pk]),
    ]
    few = [_count(client, url) for url in urls]

    _grow_pairs(cohort, organiser, 10, 9)
    submitted(cohort, professional_n(30), partner_n(30))
    start(cohort, professional_n(31))

    _same_again(client, urls, few, django_assert_num_queries)


def test_the_review_page_of_one_pair_takes_the_same_queries_with_many_entries(
    client, cohort, professional, partner, organiser, with_mfa, django_assert_num_queries
):
    pair = decided(cohort, professional, partner, organiser, "accept")
    _entries(pair, partner, 1)
    client.force_login(with_mfa(organiser))
    url = reverse("pairs:review_pair", args=[cohort.programme.slug, pair.pk])
    few = _count(client, url)

    _entries(pair, professional, 12)

    _same_again(client, [url], [few], django_assert_num_queries)


def test_my_pairs_the_pair_page_and_the_log_take_the_same_queries_for_few_and_many(
    client, programme, professional, partner, organiser, django_assert_num_queries
):
    cohort = cohort_of(programme, places=None)
    pair = decided(cohort, professional, partner, organiser, "accept")
    _entries(pair, partner, 1)
    client.force_login(partner)
    urls = [
        reverse("pairs:mine"),
        reverse("pairs:detail", args=[pair.pk]),
        reverse("pairs:log", args=[pair.pk]),
        reverse("pairs:cohort_log", args=[cohort.pk]),
    ]
    few = [_count(client, url) for url in urls]

    # The partner joins more pairs (with other professionals), and the log grows.
    for n in range(4):
        other = cohort_of(programme, name=f"Extra {n}")
        start(other, professional_n(40 + n), partner_email=partner.email)
        services.pair_accept(
            pair=other.pairs.get(), partner=partner, statement="I would like to help."
        )
    _entries(pair, professional, 15)
    _grow_pairs(cohort, organiser, 50, 4)

    _same_again(client, urls, few, django_assert_num_queries)
