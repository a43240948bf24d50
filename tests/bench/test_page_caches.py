"""The pages the benchmark made faster with a cache show a change at once: the cache keys hold
the time of the latest change."""

import pytest
from django.urls import reverse

from feedback.bench import bench_organiser, feedback_seed
from programmes.models import Programme
from tests.factories import ProgrammeFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def test_a_programme_feed_shows_a_renamed_workshop_at_once(client):
    programme = ProgrammeFactory(status=Programme.Status.OPEN)
    workshop = WorkshopFactory(programme=programme, title="Clinic letters", status="published")
    url = reverse("workshops:programme_feed", args=[programme.slug])
    assert b"Clinic letters" in client.get(url).content

    workshop.title = "Easy-read clinic letters"
    workshop.save()

    assert b"Easy-read clinic letters" in client.get(url).content


def test_the_programme_report_counts_new_answers_at_once(client, with_mfa):
    programme = feedback_seed(responses=10, workshops=1)
    client.force_login(with_mfa(bench_organiser(programme)))
    url = reverse("feedback:programme_report", args=[programme.slug])
    assert "10 of 11 people with a place answered" in client.get(url).content.decode()

    feedback_seed(responses=5, workshops=1, programme=programme)

    page = client.get(url).content.decode()
    assert "15 of 16 people with a place answered" in page, page[
        page.find("people with a place") - 40 :
    ][:80]
