"""The organisers' dashboard: their coming workshops, how full they are, and what needs
attention, in words."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import Programme
from programmes.views import DASHBOARD_PER_PAGE
from tests.factories import (
    MembershipFactory,
    PlaceReservationFactory,
    ProgrammeFactory,
    RegistrationFactory,
    WorkshopFactory,
)
from tests.programmes.helpers import headings, page_text

URL = reverse("programmes:dashboard")


def book(workshop, count, status="confirmed", perspectives=("professional",), reservation=None):
    for _ in range(count):
        RegistrationFactory(
            workshop=workshop,
            status=status,
            perspectives=list(perspectives),
            reservation=reservation,
        )


def row_text(response, title):
    """The text of the table row for one workshop."""
    text = page_text(response)
    start = text.index(title)
    return text[start : start + 300]


def test_dashboard_shows_places_booked_against_capacity_and_the_waiting_list(
    sign_in, organiser, programme
):
    workshop = WorkshopFactory(programme=programme, title="Story circle", capacity=20)
    book(workshop, 3)
    book(workshop, 2, status="waitlisted")

    response = sign_in(organiser).get(URL)

    row = row_text(response, "Story circle")
    assert "3 of 20" in row
    assert "Diabetes care together" in row
    assert "Nothing" in row


def test_a_workshop_at_80_percent_is_flagged_as_filling_up(sign_in, organiser, programme):
    workshop = WorkshopFactory(programme=programme, title="Story circle", capacity=10)
    book(workshop, 8)

    row = row_text(sign_in(organiser).get(URL), "Story circle")

    assert "8 of 10" in row
    assert "Filling up (80% or more)" in row
    assert "Full" not in row.replace("Filling", "")


def test_a_full_workshop_is_flagged_as_full(sign_in, organiser, programme):
    workshop = WorkshopFactory(programme=programme, title="Story circle", capacity=5)
    book(workshop, 5)

    row = row_text(sign_in(organiser).get(URL), "Story circle")

    assert "5 of 5" in row
    assert "Full" in row
    assert "Filling up" not in row


def test_a_workshop_whose_mix_is_behind_says_which_group_in_words(sign_in, organiser, programme):
    workshop = WorkshopFactory(programme=programme, title="Story circle", capacity=10)
    kept = PlaceReservationFactory(workshop=workshop, perspectives=["patient", "carer"], places=8)
    book(workshop, 1, perspectives=["patient"], reservation=kept)
    book(workshop, 7)

    row = row_text(sign_in(organiser).get(URL), "Story circle")

    assert "Mix off target: patients and carers 1 of 8 kept places" in row


def test_the_mix_flag_uses_the_programmes_own_words(sign_in, organiser, partner_words):
    workshop = WorkshopFactory(programme=partner_words, title="Story circle", capacity=10)
    PlaceReservationFactory(
        workshop=workshop, perspectives=["patient", "carer", "family", "young_person"], places=5
    )
    book(workshop, 8)

    row = row_text(sign_in(organiser).get(URL), "Story circle")

    assert "Mix off target: patient partners 0 of 5 kept places" in row


def test_drafts_are_shown_and_marked_but_past_workshops_and_other_programmes_are_not(
    sign_in, organiser, programme
):
    WorkshopFactory(programme=programme, title="Planning session", status="draft")
    WorkshopFactory(
        programme=programme,
        title="Long ago",
        starts_at=timezone.now() - dt.timedelta(days=9),
        ends_at=timezone.now() - dt.timedelta(days=9, hours=-2),
    )
    WorkshopFactory(title="Someone else's workshop")

    response = sign_in(organiser).get(URL)

    assert "Planning session Draft" in page_text(response)
    assert "Long ago" not in page_text(response)
    assert "Someone else's workshop" not in page_text(response)


def test_reviewers_see_the_workshops_of_the_programmes_they_review_for(
    sign_in, reviewer, programme
):
    WorkshopFactory(programme=programme, title="Story circle")

    response = sign_in(reviewer).get(URL)

    assert "Story circle" in page_text(response)
    assert reverse("programmes:manage", args=[programme.slug]) not in response.content.decode()


def test_organisers_get_a_link_to_manage_each_programme_and_to_set_up_a_new_one(
    sign_in, organiser, programme
):
    page = sign_in(organiser).get(URL).content.decode()

    assert reverse("programmes:manage", args=[programme.slug]) in page
    assert reverse("programmes:create") in page


def test_a_reviewer_who_organises_nothing_is_not_offered_to_set_up_a_programme(sign_in, reviewer):
    assert reverse("programmes:create") not in sign_in(reviewer).get(URL).content.decode()


def test_site_admins_see_the_workshops_of_every_programme(
    sign_in, admin, programme, other_programme
):
    WorkshopFactory(programme=programme, title="Story circle")
    WorkshopFactory(programme=other_programme, title="Student drop-in")

    text = page_text(sign_in(admin).get(URL))

    assert "Story circle" in text
    assert "Student drop-in" in text


@pytest.mark.parametrize("count", [1, 30])
def test_dashboard_with_workshops_runs_a_fixed_number_of_queries(
    sign_in, organiser, count, django_assert_num_queries
):
    for _ in range(count):
        programme = ProgrammeFactory(status=Programme.Status.DRAFT)
        MembershipFactory(programme=programme, user=organiser)
        workshop = WorkshopFactory(programme=programme, capacity=10)
        kept = PlaceReservationFactory(workshop=workshop)
        book(workshop, 2, perspectives=["patient"], reservation=kept)
        book(workshop, 1, status="waitlisted")
    client = sign_in(organiser)

    # session, user, roles, MFA check, programmes, my roles in them, the page of workshops
    # (count, which), the workshops, kept places
    with django_assert_num_queries(10):
        response = client.get(URL)

    assert len(headings(response, 3)) == min(count, DASHBOARD_PER_PAGE)


def test_organisers_go_to_a_workshops_organiser_page_and_reviewers_to_who_is_coming(
    sign_in, organiser, reviewer, programme
):
    workshop = WorkshopFactory(programme=programme, title="Story circle")
    organiser_page = reverse("workshops:manage_detail", args=[workshop.pk])

    for_organiser = sign_in(organiser).get(URL).content.decode()
    reviewer_client = sign_in(reviewer)
    for_reviewer = reviewer_client.get(URL).content.decode()

    assert f'href="{organiser_page}"' in for_organiser
    assert f'href="{organiser_page}"' not in for_reviewer
    registrants = reverse("workshops:registrants", args=[workshop.pk])
    assert f'href="{registrants}"' in for_reviewer
    assert reviewer_client.get(registrants).status_code == 200
