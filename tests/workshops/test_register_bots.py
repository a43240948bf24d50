"""Bots on the workshop registration form: the spam trap, and a limit on how often one person
can send the form."""

import re

import pytest
from django.urls import reverse

from codesign.core.honeypot import HONEYPOT_MESSAGE
from tests.factories import WorkshopFactory
from tests.workshops.registration_support import ready_person
from workshops.models import Registration
from workshops.views.register import REGISTER_TRIES, TOO_MANY_TRIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return ready_person("ready.carer@example.org", ["carer"])


@pytest.fixture
def workshop():
    return WorkshopFactory()


def register(client, workshop, **data):
    return client.post(reverse("workshops:register", args=[workshop.pk]), data, follow=True)


def test_the_registration_form_has_a_trap_people_cannot_see_or_reach(client, person, workshop):
    client.force_login(person)

    page = client.get(workshop.get_absolute_url()).content.decode()

    form = re.search(r'<form method="post" action="[^"]*/register/".*?</form>', page, re.S)
    assert form, page
    trap = re.search(r'<div class="hp-field" aria-hidden="true">(.*?)</div>', form.group(0), re.S)
    assert trap, form.group(0)
    assert "Leave this box empty" in trap.group(1)
    box = re.search(r"<input[^>]*>", trap.group(1)).group(0)
    assert 'name="website"' in box
    assert 'tabindex="-1"' in box
    assert 'autocomplete="off"' in box
    assert "style=" not in trap.group(0)


def test_a_filled_in_trap_registers_nobody_and_says_only_that_something_went_wrong(
    client, person, workshop
):
    client.force_login(person)

    response = register(client, workshop, website="https://cheap-pills.example")

    assert response.status_code == 200
    page = response.content.decode()
    assert HONEYPOT_MESSAGE in page
    assert "cheap-pills" not in page
    assert "Register for this workshop" in page
    assert not Registration.objects.exists()


def test_a_filled_in_trap_registers_nobody_whatever_else_the_form_holds(client, person, workshop):
    client.force_login(person)

    register(client, workshop, website="x", companion_name="x" * 101)

    assert not Registration.objects.exists()


def test_an_empty_trap_lets_people_register(client, person, workshop):
    client.force_login(person)

    response = register(client, workshop, website="", companion_name="Bob Brown")

    assert "You have a place." in response.content.decode()
    registration = Registration.objects.get(user=person, workshop=workshop)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.companion_name == "Bob Brown"


def test_too_many_tries_in_a_short_time_are_refused(client, person, workshop):
    client.force_login(person)
    register(client, workshop)
    for _ in range(REGISTER_TRIES - 1):
        # Sending the form again is refused ("already registered") but still counts.
        response = register(client, workshop)
        assert TOO_MANY_TRIES not in response.content.decode()

    another = WorkshopFactory()
    response = register(client, another)

    page = response.content.decode()
    assert TOO_MANY_TRIES in page
    assert response.redirect_chain[-1][0] == another.get_absolute_url()
    assert not Registration.objects.filter(workshop=another).exists()


def test_tries_with_a_filled_in_trap_count_too(client, person, workshop):
    client.force_login(person)
    for _ in range(REGISTER_TRIES):
        register(client, workshop, website="https://cheap-pills.example")

    response = register(client, workshop)

    assert TOO_MANY_TRIES in response.content.decode()
    assert not Registration.objects.exists()


def test_the_limit_is_for_each_person(client, person, workshop):
    client.force_login(person)
    for _ in range(REGISTER_TRIES + 1):
        register(client, workshop, website="https://cheap-pills.example")

    someone_else = ready_person("someone.else@example.org", ["patient"])
    client.force_login(someone_else)
    response = register(client, workshop)

    assert "You have a place." in response.content.decode()
    assert Registration.objects.get(user=someone_else).status == Registration.Status.CONFIRMED
