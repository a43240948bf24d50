"""Signed-out visitors' workshop list and workshop pages are kept in the cache until anything
they show changes (codesign/core/cache.py). Signed-in people always get their own page, and a
page with a message or a form token for one visitor is never kept."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import add_message, constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.urls import reverse

from codesign.core import cache as versioned
from tests.factories import RegistrationFactory, WorkshopFactory


@pytest.fixture
def workshop(programme):
    return WorkshopFactory(programme=programme, title="Map the first appointment", capacity=10)


def detail(workshop):
    return reverse("workshops:detail", args=[workshop.pk])


def test_a_second_visitor_gets_the_kept_page_without_asking_the_database(
    client, workshop, django_assert_num_queries
):
    first = client.get(reverse("workshops:list"))

    with django_assert_num_queries(0):
        second = client.get(reverse("workshops:list"))

    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert "Map the first appointment" in second.content.decode()


def test_a_change_to_the_workshop_shows_at_once(client, workshop):
    client.get(reverse("workshops:list"))
    client.get(detail(workshop))

    workshop.title = "Map the second appointment"
    workshop.save()

    assert "Map the second appointment" in client.get(reverse("workshops:list")).content.decode()
    assert "Map the second appointment" in client.get(detail(workshop)).content.decode()


def test_someone_registering_shows_at_once_in_the_places_left(client, workshop):
    assert "10 places left" in client.get(detail(workshop)).content.decode()

    RegistrationFactory(workshop=workshop)

    assert "9 places left" in client.get(detail(workshop)).content.decode()
    assert "9 places left" in client.get(reverse("workshops:list")).content.decode()


def test_a_workshop_taken_down_goes_at_once(client, workshop):
    address = detail(workshop)
    client.get(address)
    client.get(reverse("workshops:list"))

    workshop.delete()

    assert "Map the first appointment" not in client.get(reverse("workshops:list")).content.decode()
    assert client.get(address).status_code == 404


def test_signed_in_people_never_get_the_page_kept_for_signed_out_visitors(
    client, workshop, patient
):
    signed_out = client.get(detail(workshop)).content.decode()
    client.force_login(patient)

    signed_in = client.get(detail(workshop)).content.decode()

    assert "Signed in as" not in signed_out and "To register, " in signed_out
    assert f"Signed in as <strong>{patient.email}</strong>" in signed_in
    assert "Register for this workshop" in signed_in


def test_a_signed_in_persons_page_is_never_kept_for_signed_out_visitors(client, workshop, patient):
    client.force_login(patient)
    client.get(reverse("workshops:list"))
    client.logout()

    page = client.get(reverse("workshops:list")).content.decode()

    assert patient.email not in page
    assert "Sign in" in page


def _anonymous_request(path="/workshops/"):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_a_visitor_with_a_message_waiting_neither_gets_nor_leaves_a_kept_page(db):
    made = []

    @versioned.anonymous_page("test-scope", 60)
    def view(request):
        made.append(1)
        return HttpResponse(f"page {len(made)}")

    with_message = _anonymous_request()
    add_message(with_message, constants.SUCCESS, "You have signed out.")
    assert view(with_message).content == b"page 1"
    assert view(_anonymous_request()).content == b"page 2"
    assert view(_anonymous_request()).content == b"page 2"
    assert view(with_message).content == b"page 3"


def test_a_page_with_a_form_token_or_a_cookie_is_never_kept(db):
    made = []

    @versioned.anonymous_page("test-scope", 60)
    def with_token(request):
        made.append(1)
        return HttpResponse(f"<input name='csrfmiddlewaretoken' value='{get_token(request)}'>")

    with_token(_anonymous_request())
    with_token(_anonymous_request())
    assert len(made) == 2

    @versioned.anonymous_page("test-scope", 60)
    def with_cookie(request):
        made.append(1)
        response = HttpResponse("hello")
        response.set_cookie("seen", "yes")
        return response

    with_cookie(_anonymous_request())
    with_cookie(_anonymous_request())
    assert len(made) == 4


def test_a_bumped_version_is_new_and_a_lost_one_starts_afresh(db):
    from django.core.cache import cache

    first = versioned.version("test-scope")
    versioned.bump("test-scope")
    assert versioned.version("test-scope") > first
    cache.delete("version:test-scope")
    assert versioned.version("test-scope") not in (first, first + 1)
