"""Venues are shared: any programme's organiser, or a site admin, may add and change them."""

import pytest
from django.urls import reverse

from codesign.core.models import AuditEntry
from tests.factories import VenueFactory, WorkshopFactory
from workshops.models import Venue

LIST = reverse("workshops:venue_list")
NEW = reverse("workshops:venue_new")

VENUE = {
    "name": "Riverside Community Centre",
    "address": "2 River Lane, Exampletown",
    "postcode": "EX2 2BB",
    "step_free": "on",
    "quiet_room": "on",
    "parking": "3 blue-badge spaces by the door.",
    "public_transport": "Bus 12 stops outside.",
    "access_notes": "",
}


@pytest.fixture
def venue(db):
    return VenueFactory(name="Old Hall", hearing_loop=True)


def test_organiser_sees_every_venue_with_its_access_information(client, organiser, with_mfa, venue):
    WorkshopFactory(venue=venue)
    client.force_login(with_mfa(organiser))

    response = client.get(LIST)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Old Hall" in page
    assert "hearing loop" in page
    assert "<caption>All venues</caption>" in page


@pytest.mark.parametrize("count", [2, 25])
def test_venue_list_runs_a_fixed_number_of_queries(
    client, organiser, with_mfa, count, django_assert_num_queries
):
    VenueFactory.create_batch(count)
    client.force_login(with_mfa(organiser))

    # session, user, roles, MFA, venues
    with django_assert_num_queries(5):
        client.get(LIST)


def test_organiser_adds_a_venue(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))

    response = client.post(NEW, VENUE)

    assert response.status_code == 302
    venue = Venue.objects.get()
    assert venue.step_free and venue.quiet_room and not venue.hearing_loop
    assert venue.created_by == organiser
    assert AuditEntry.objects.filter(action="workshops.venue.created").exists()


def test_adding_a_venue_from_the_workshop_form_goes_back_with_it_chosen(
    client, organiser, with_mfa, programme
):
    client.force_login(with_mfa(organiser))
    back = reverse("workshops:manage_new") + f"?programme={programme.slug}"

    response = client.post(NEW, {**VENUE, "next": back})

    venue = Venue.objects.get()
    assert response.url == f"{back}&venue={venue.pk}"
    page = client.get(response.url).content.decode()
    assert f'<option value="{venue.pk}" selected>' in page


def test_venue_page_ignores_a_next_address_on_another_site(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))

    response = client.post(NEW, {**VENUE, "next": "https://evil.example.com/"})

    assert response.url == LIST


def test_venue_without_a_name_or_address_is_refused(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))

    response = client.post(NEW, {**VENUE, "name": "", "address": ""})

    assert response.status_code == 200
    assert b"Give the venue a name." in response.content
    assert b"Enter the venue&#x27;s address." in response.content
    assert not Venue.objects.exists()


def test_organiser_of_another_programme_may_change_a_shared_venue(
    client, other_organiser, with_mfa, venue
):
    client.force_login(with_mfa(other_organiser))

    response = client.post(reverse("workshops:venue_edit", args=[venue.pk]), VENUE)

    assert response.status_code == 302
    venue.refresh_from_db()
    assert venue.name == "Riverside Community Centre"
    assert AuditEntry.objects.filter(action="workshops.venue.updated").exists()


def test_site_admin_may_add_venues(client, admin, with_mfa):
    client.force_login(with_mfa(admin))

    assert client.get(NEW).status_code == 200
    client.post(NEW, VENUE)
    assert Venue.objects.count() == 1


@pytest.mark.parametrize("name", ["list", "new", "edit"])
def test_reviewer_and_participant_cannot_use_venue_pages(
    client, reviewer, patient, with_mfa, venue, name
):
    target = {"list": LIST, "new": NEW, "edit": reverse("workshops:venue_edit", args=[venue.pk])}
    with_mfa(reviewer)
    for person in (reviewer, patient):
        client.force_login(person)
        assert client.get(target[name]).status_code == 403
        if name != "list":
            client.post(target[name], VENUE)
    venue.refresh_from_db()
    assert venue.name == "Old Hall"
    assert Venue.objects.count() == 1


@pytest.mark.parametrize("name", ["list", "new", "edit"])
def test_visitor_is_asked_to_sign_in_for_venue_pages(client, venue, name):
    target = {"list": LIST, "new": NEW, "edit": reverse("workshops:venue_edit", args=[venue.pk])}

    response = client.get(target[name])

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_venue_pages_refuse_the_wrong_method(client, organiser, with_mfa, venue):
    client.force_login(with_mfa(organiser))

    assert client.post(LIST).status_code == 405
    assert client.put(NEW).status_code == 405
    assert client.delete(reverse("workshops:venue_edit", args=[venue.pk])).status_code == 405


def test_changing_a_venue_that_does_not_exist_is_not_found(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))

    assert client.get(reverse("workshops:venue_edit", args=[999])).status_code == 404
