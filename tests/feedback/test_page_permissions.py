"""Every feedback page, for every role. Organiser pages: the programme's organisers and site
admins get in, other programmes' organisers and bursary reviewers find nothing (404),
participants are refused (403), visitors are asked to sign in. The answering pages: the
person's own link or their own place, and nobody else's."""

import datetime as dt

import pytest
from django.urls import reverse

from feedback.models import FeedbackForm, Question, Response
from feedback.services import question_add
from tests.feedback.support import answers, ended_workshop, form_of, link, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(programme):
    return ended_workshop(programme=programme, ended=-dt.timedelta(days=7))


@pytest.fixture
def question(workshop):
    return question_add(form=form_of(workshop), kind="text", text="Anything else?", added_by=None)


def _url(name, workshop, question):
    target = (
        question
        if name.startswith("feedback:question_") and name != ("feedback:question_new")
        else workshop
    )
    return reverse(name, args=[target.pk])


# (URL name, a method it accepts, a method it refuses)
ORGANISER_PAGES = [
    ("feedback:manage_form", "get", "post"),
    ("feedback:manage_settings", "post", "get"),
    ("feedback:preview", "get", "post"),
    ("feedback:question_new", "get", "delete"),
    ("feedback:question_edit", "get", "put"),
    ("feedback:question_remove", "post", "get"),
]


@pytest.mark.parametrize(("name", "method", "_wrong"), ORGANISER_PAGES)
def test_visitor_is_asked_to_sign_in(client, workshop, question, name, method, _wrong):
    response = getattr(client, method)(_url(name, workshop, question))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "method", "_wrong"), ORGANISER_PAGES)
def test_participant_is_refused(client, patient, workshop, question, name, method, _wrong):
    client.force_login(patient)

    assert getattr(client, method)(_url(name, workshop, question)).status_code == 403


@pytest.mark.parametrize(("name", "method", "_wrong"), ORGANISER_PAGES)
def test_other_programmes_organiser_finds_nothing(
    client, other_organiser, with_mfa, workshop, question, name, method, _wrong
):
    client.force_login(with_mfa(other_organiser))

    assert getattr(client, method)(_url(name, workshop, question)).status_code == 404
    assert Question.objects.filter(pk=question.pk, text="Anything else?").exists()


@pytest.mark.parametrize(("name", "method", "_wrong"), ORGANISER_PAGES)
def test_bursary_reviewer_of_the_programme_cannot_set_up_feedback(
    client, reviewer, with_mfa, workshop, question, name, method, _wrong
):
    client.force_login(with_mfa(reviewer))

    assert getattr(client, method)(_url(name, workshop, question)).status_code == 404


@pytest.mark.parametrize(("name", "_method", "wrong"), ORGANISER_PAGES)
def test_organiser_pages_refuse_the_wrong_method(
    client, organiser, with_mfa, workshop, question, name, _method, wrong
):
    client.force_login(with_mfa(organiser))

    assert getattr(client, wrong)(_url(name, workshop, question)).status_code == 405


@pytest.mark.parametrize(
    "name", ["feedback:manage_form", "feedback:preview", "feedback:question_new"]
)
def test_organiser_and_site_admin_open_the_pages(
    client, organiser, admin, with_mfa, workshop, question, name
):
    for person in (organiser, admin):
        client.force_login(with_mfa(person))
        assert client.get(_url(name, workshop, question)).status_code == 200


def test_organiser_without_an_authenticator_app_is_asked_to_set_one_up(client, organiser, workshop):
    client.force_login(organiser)

    response = client.get(reverse("feedback:manage_form", args=[workshop.pk]))

    assert response.status_code == 302
    assert "mfa" in response.url or "two-factor" in response.url or "totp" in response.url


def test_a_missing_workshop_or_question_is_not_found(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))

    assert client.get(reverse("feedback:manage_form", args=[999999])).status_code == 404
    assert client.get(reverse("feedback:question_edit", args=[999999])).status_code == 404


# Answering


@pytest.fixture
def ended(programme):
    return ended_workshop(programme=programme)


def test_the_signed_in_page_opens_for_my_own_place(client, ended, young_person):
    place(ended, young_person)
    client.force_login(young_person)

    response = client.get(reverse("feedback:respond", args=[ended.pk]))

    assert response.status_code == 200
    assert "How was" in response.content.decode()


def test_the_signed_in_page_asks_visitors_to_sign_in(client, ended):
    for name in ("feedback:respond", "feedback:respond_thanks"):
        response = client.get(reverse(name, args=[ended.pk]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_someone_who_was_not_registered_finds_no_form(client, ended, patient, young_person):
    place(ended, young_person)
    client.force_login(patient)

    url = reverse("feedback:respond", args=[ended.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, answers(form_of(ended))).status_code == 404
    assert client.get(reverse("feedback:respond_thanks", args=[ended.pk])).status_code == 404
    assert not Response.objects.exists()


def test_an_organiser_with_no_place_finds_no_form_to_answer(client, ended, organiser, with_mfa):
    client.force_login(with_mfa(organiser))

    assert client.get(reverse("feedback:respond", args=[ended.pk])).status_code == 404


def test_answering_pages_refuse_the_wrong_method(client, ended, young_person):
    registration = place(ended, young_person)
    token_link = link(registration)
    token = token_link.rstrip("/").rsplit("/", 1)[-1]

    assert client.put(token_link).status_code == 405
    assert client.post(reverse("feedback:give_thanks", args=[token])).status_code == 405
    client.force_login(young_person)
    assert client.delete(reverse("feedback:respond", args=[ended.pk])).status_code == 405
    assert client.post(reverse("feedback:respond_thanks", args=[ended.pk])).status_code == 405


def test_someone_elses_link_works_only_for_their_place(client, ended, young_person, patient):
    """The link is the key: whoever is signed in, it answers for the person it was sent to."""
    registration = place(ended, young_person)
    client.force_login(patient)

    client.post(link(registration), answers(form_of(ended)))

    assert Response.objects.get().user == young_person
    assert not FeedbackForm.objects.get().receipts.filter(user=patient).exists()
