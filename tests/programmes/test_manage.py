"""The organisers' overview of one programme."""

import pytest
from django.urls import reverse

from tests.factories import (
    CohortFactory,
    MembershipFactory,
    PlaceReservationFactory,
    RegistrationFactory,
    StageFactory,
    WorkshopFactory,
)
from tests.programmes.helpers import headings, page_text


def manage_url(programme):
    return reverse("programmes:manage", args=[programme.slug])


def test_the_overview_shows_cohorts_stages_team_and_words(
    sign_in, organiser, reviewer, partner_words
):
    CohortFactory(programme=partner_words, name="September 2026 cohort", places=12)
    StageFactory(programme=partner_words, name="Gather experiences")

    response = sign_in(organiser).get(manage_url(partner_words))

    text = page_text(response)
    assert headings(response, 1) == ["Diabetes care together"]
    assert "September 2026 cohort" in text
    assert "Gather experiences" in text
    assert "(organiser@example.org): organiser" in text
    assert "(reviewer@example.org): bursary reviewer" in text
    assert "patient partners (one is a patient partner)" in text
    assert "clinicians (one is a clinician)" in text
    page = response.content.decode()
    for name in ("edit", "cohort_create", "stages", "team"):
        assert reverse(f"programmes:{name}", args=[partner_words.slug]) in page
    assert f"{reverse('workshops:manage_new')}?programme={partner_words.slug}" in page


def test_the_workshop_table_counts_places_kept_in_the_programmes_words(
    sign_in, organiser, partner_words
):
    workshop = WorkshopFactory(programme=partner_words, title="Story circle", capacity=10)
    PlaceReservationFactory(workshop=workshop, perspectives=["patient", "carer"], places=6)
    PlaceReservationFactory(workshop=workshop, perspectives=["health_professional"], places=2)
    for _ in range(9):
        RegistrationFactory(workshop=workshop, perspectives=["health_professional"])

    text = page_text(sign_in(organiser).get(manage_url(partner_words)))

    assert "Places kept for patient partners" in text
    row = text[text.index("Story circle") :]
    assert "9 of 10" in row
    assert " 6 " in row
    assert "Filling up (80% or more)" in row
    assert "Mix off target: patients and carers 0 of 6 kept places" in row


def test_a_draft_programme_tells_its_organiser_only_the_team_can_see_it(
    sign_in, organiser, programme
):
    programme.status = "draft"
    programme.save()

    text = page_text(sign_in(organiser).get(manage_url(programme)))

    assert "This programme is a draft. Only its team can see it." in text


@pytest.mark.parametrize("count", [1, 30])
def test_the_overview_runs_a_fixed_number_of_queries(
    sign_in, organiser, programme, count, django_assert_num_queries
):
    for _ in range(count):
        CohortFactory(programme=programme)
        stage = StageFactory(programme=programme)
        MembershipFactory(programme=programme, role="reviewer")
        workshop = WorkshopFactory(programme=programme, stage=stage)
        kept = PlaceReservationFactory(workshop=workshop)
        RegistrationFactory(workshop=workshop, reservation=kept)
    client = sign_in(organiser)

    # session, user, roles, MFA check, programme, cohorts, stages, team, workshops, kept places
    with django_assert_num_queries(10):
        response = client.get(manage_url(programme))

    assert response.status_code == 200
