"""Pages use a fixed number of queries whatever the data size; My workshops offers feedback
while a form is open."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from feedback.services import question_add
from tests.feedback.support import answers, ended_workshop, form_of, link, place, text
from tests.workshops.registration_support import ready_person
from workshops.models import Registration

pytestmark = pytest.mark.django_db


def _crowd(workshop, count: int, start: int = 0) -> None:
    """People who had a place and answered."""
    from django.test import Client

    other = Client()
    form = form_of(workshop)
    for n in range(start, start + count):
        registration = place(workshop, ready_person(f"crowd{n}@example.org", ["patient"]))
        assert other.post(link(registration), answers(form)).status_code == 302


def test_the_form_page_runs_a_fixed_number_of_queries(
    client, programme, young_person, django_assert_num_queries
):
    workshop = ended_workshop(programme=programme)
    registration = place(workshop, young_person)
    url = link(registration)
    form = form_of(workshop)
    client.post(url, answers(form))

    def load() -> None:
        with django_assert_num_queries(5):
            assert client.get(url).status_code == 200

    load()
    with time_machine.travel(workshop.ends_at - dt.timedelta(days=1)):
        for n in range(4):
            question_add(
                form=form, kind="multiple", text=f"Extra {n}", choices=["A", "B"], added_by=None
            )
    _crowd(workshop, 12)
    load()


def test_the_organisers_form_page_runs_a_fixed_number_of_queries(
    client, programme, organiser, with_mfa, django_assert_num_queries
):
    workshop = ended_workshop(programme=programme)
    form_of(workshop)
    client.force_login(with_mfa(organiser))
    url = reverse("feedback:manage_form", args=[workshop.pk])

    def load() -> str:
        with django_assert_num_queries(9):
            response = client.get(url)
        assert response.status_code == 200
        return text(response)

    load()
    with time_machine.travel(workshop.ends_at - dt.timedelta(days=1)):
        for n in range(6):
            question_add(form=form_of(workshop), kind="text", text=f"Extra {n}", added_by=None)
    _crowd(workshop, 15)
    page = load()
    assert "15 of 15 people with a place have answered." in page


def test_my_workshops_offers_feedback_while_the_form_is_open(client, programme, young_person):
    open_one = ended_workshop(programme=programme, title="Just finished")
    closed_one = ended_workshop(programme=programme, title="Long ago", ended=dt.timedelta(days=30))
    missed = ended_workshop(programme=programme, title="Missed it")
    place(open_one, young_person)
    place(closed_one, young_person)
    place(missed, young_person, Registration.Status.NO_SHOW)
    client.force_login(young_person)

    page = text(client.get(reverse("workshops:mine")))

    assert page.count("Give feedback") == 1
    assert f'href="{reverse("feedback:respond", args=[open_one.pk])}"' in page
    assert "Give feedback on Just finished" in page.replace("</a>", "").replace(
        '<span class="visually-hidden">', ""
    ).replace("</span>", "")


def test_my_workshops_thanks_people_who_answered_and_lets_them_change_it(
    client, programme, young_person
):
    workshop = ended_workshop(programme=programme)
    registration = place(workshop, young_person)
    client.post(link(registration), answers(form_of(workshop)))
    client.force_login(young_person)

    page = text(client.get(reverse("workshops:mine")))

    assert "Give feedback" not in page
    assert "Thank you for your feedback." in page
    assert "Change your feedback" in page


def test_my_workshops_keeps_its_query_count_with_feedback_links(
    client, programme, django_assert_num_queries
):
    person = ready_person("many@example.org", ["carer"])
    client.force_login(person)

    def load() -> str:
        # The session, the user, the roles, the registrations with their feedback state, and
        # the calendar address.
        with django_assert_num_queries(5):
            response = client.get(reverse("workshops:mine"))
        assert response.status_code == 200
        return text(response)

    place(ended_workshop(programme=programme), person)
    load()
    for n in range(10):
        workshop = ended_workshop(programme=programme, ended=dt.timedelta(hours=n + 2))
        place(workshop, person)
        if n % 2:
            form_of(workshop)
    assert load().count("Give feedback") == 11
