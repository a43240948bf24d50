"""The programme pages anyone can open: the list at /programmes/ and each programme's page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import FeedbackAction
from programmes.models import Programme
from tests.factories import (
    CohortFactory,
    MembershipFactory,
    ProgrammeFactory,
    StageFactory,
    WorkshopFactory,
)
from tests.programmes.helpers import headings, page_text

LIST = reverse("programmes:list")


def test_the_list_shows_programmes_that_are_not_drafts(client, db):
    ProgrammeFactory(title="Open one", status=Programme.Status.OPEN)
    ProgrammeFactory(title="Running one", status=Programme.Status.RUNNING)
    ProgrammeFactory(title="Closed one", status=Programme.Status.CLOSED)
    ProgrammeFactory(title="Secret draft", status=Programme.Status.DRAFT)

    response = client.get(LIST)

    assert response.status_code == 200
    assert headings(response, 1) == ["Programmes"]
    assert headings(response, 2) == ["Open one", "Running one", "Closed one"]
    assert "Secret draft" not in response.content.decode()


def test_the_list_does_not_show_drafts_to_their_own_team_either(sign_in, organiser, programme):
    programme.status = Programme.Status.DRAFT
    programme.save()

    response = sign_in(organiser).get(LIST)

    assert "Diabetes care together" not in response.content.decode()
    assert "There are no programmes to show yet" in page_text(response)


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_runs_one_query_however_many_programmes(
    client, db, count, django_assert_num_queries
):
    ProgrammeFactory.create_batch(count)

    with django_assert_num_queries(1):
        response = client.get(LIST)

    assert response.content.count(b'class="card mb-3"') == count


# One programme's page


@pytest.fixture
def full_programme(programme):
    programme.description = "We meet **four times**.\n\n<script>alert('x')</script>"
    programme.starts_on = dt.date(2026, 9, 1)
    programme.ends_on = dt.date(2027, 3, 31)
    programme.places = 30
    programme.save()
    return programme


def test_the_programme_page_shows_what_a_participant_needs_to_know(client, full_programme):
    CohortFactory(
        programme=full_programme,
        name="September 2026 cohort",
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 12, 1),
        places=15,
    )
    StageFactory(programme=full_programme, name="Gather experiences", position=0)
    StageFactory(programme=full_programme, name="Celebrate", position=1)

    response = client.get(full_programme.get_absolute_url())

    text = page_text(response)
    assert headings(response, 1) == ["Diabetes care together"]
    assert "1 September 2026 to 31 March 2027" in text
    assert "September 2026 cohort: 1 September 2026 to 1 December 2026, 15 places" in text
    assert "Gather experiences" in text and "Celebrate" in text
    page = response.content.decode()
    assert "<strong>four times</strong>" in page
    assert "<script>alert" not in page


def test_the_programme_page_uses_the_programmes_own_words(client, partner_words):
    text = page_text(client.get(partner_words.get_absolute_url()))

    assert "patient partners and clinicians design services together" in text
    assert "people with lived experience" not in text


def test_the_programme_page_lists_published_workshops_still_to_come(client, programme):
    coming = WorkshopFactory(programme=programme, title="Story circle")
    WorkshopFactory(programme=programme, title="Planning draft", status="draft")
    WorkshopFactory(programme=programme, title="Called off", status="cancelled")
    WorkshopFactory(
        programme=programme,
        title="Last month",
        starts_at=timezone.now() - dt.timedelta(days=30),
        ends_at=timezone.now() - dt.timedelta(days=30, hours=-2),
    )
    WorkshopFactory(title="Another programme's workshop")

    response = client.get(programme.get_absolute_url())

    assert headings(response, 3) == ["Story circle"]
    assert f'href="{coming.get_absolute_url()}"' in response.content.decode()


def test_the_programme_page_says_when_no_workshops_are_coming(client, programme):
    text = page_text(client.get(programme.get_absolute_url()))

    assert "There are no workshops to sign up for yet." in text


@pytest.mark.parametrize("who", ["visitor", "patient", "other_organiser"])
def test_a_draft_programme_is_not_found_by_people_outside_its_team(
    sign_in, person, organiser, programme, who
):
    programme.status = Programme.Status.DRAFT
    programme.save()

    response = sign_in(person(who)).get(programme.get_absolute_url())

    assert response.status_code == 404


@pytest.mark.parametrize("who", ["organiser", "reviewer", "admin"])
def test_a_draft_programme_is_seen_by_its_team_with_a_warning(sign_in, person, programme, who):
    programme.status = Programme.Status.DRAFT
    programme.save()

    response = sign_in(person(who)).get(programme.get_absolute_url())

    assert response.status_code == 200
    assert "This programme is a draft. Only its team can see this page." in page_text(response)


def test_only_organisers_get_a_link_to_manage_the_programme(sign_in, organiser, reviewer):
    programme = organiser.memberships.get().programme
    manage = reverse("programmes:manage", args=[programme.slug])

    assert manage in sign_in(organiser).get(programme.get_absolute_url()).content.decode()
    assert manage not in sign_in(reviewer).get(programme.get_absolute_url()).content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_the_programme_page_runs_a_fixed_number_of_queries(
    client, programme, count, django_assert_num_queries
):
    for _ in range(count):
        stage = StageFactory(programme=programme)
        CohortFactory(programme=programme)
        WorkshopFactory(programme=programme, stage=stage)

    # programme, cohorts, stages, workshops with their venues and stages, "you said, we did"
    with django_assert_num_queries(5):
        response = client.get(programme.get_absolute_url())

    assert len(headings(response, 3)) == count


@pytest.mark.parametrize("count", [1, 30])
def test_the_programme_page_costs_the_same_for_a_signed_in_team_member(
    sign_in, organiser, programme, count, django_assert_num_queries
):
    for _ in range(count):
        WorkshopFactory(programme=programme)
        MembershipFactory(user=organiser)
    client = sign_in(organiser)

    # session, user, team roles, then the five above
    with django_assert_num_queries(8):
        client.get(programme.get_absolute_url())


def _action(programme, *, published: bool, heard: str, days_ago: int = 1) -> FeedbackAction:
    return FeedbackAction.objects.create(
        programme=programme,
        heard=heard,
        changed=f"We changed something after: {heard}",
        changed_on=timezone.localdate() - dt.timedelta(days=days_ago),
        published_at=timezone.now() if published else None,
    )


def test_the_programme_page_shows_the_newest_published_you_said_we_did(client, programme):
    for n in range(1, 5):
        _action(programme, published=True, heard=f"Published number {n}", days_ago=n)
    _action(programme, published=False, heard="A draft nobody should see yet", days_ago=0)

    text = page_text(client.get(programme.get_absolute_url()))

    assert "Published number 1" in text
    assert "Published number 3" in text
    assert "Published number 4" not in text  # the learning page has the rest
    assert "A draft nobody should see yet" not in text
    assert "See everything we changed and learned" in text


def test_the_programme_page_says_when_nothing_is_published_yet(client, programme):
    _action(programme, published=False, heard="A draft")

    text = page_text(client.get(programme.get_absolute_url()))

    assert "Nothing is published yet" in text
    assert "A draft" not in text
