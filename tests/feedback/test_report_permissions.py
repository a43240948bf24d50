"""The reports and "you said, we did" pages, for every role: the programme's organisers and site
admins get in; other programmes' organisers and the programme's bursary reviewers find nothing
(404); participants are refused (403); visitors are asked to sign in; a wrong method is 405."""

import datetime as dt

import pytest
from django.urls import reverse

from feedback.models import FeedbackAction
from feedback.services import action_create
from tests.feedback.report_support import answered, reported_workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(programme):
    workshop = reported_workshop(programme)
    answered(workshop, ["patient"], 5)
    return workshop


@pytest.fixture
def action(programme):
    return action_create(
        programme=programme,
        heard="The room was too noisy.",
        changed="We booked a quieter room.",
        changed_on=dt.date.today(),
        created_by=None,
    )


def _url(name, workshop, action):
    slug = workshop.programme.slug
    if name.startswith("feedback:workshop_"):
        return reverse(name, args=[workshop.pk])
    if name in ("feedback:action_edit", "feedback:action_publish", "feedback:action_remove"):
        return reverse(name, args=[slug, action.pk])
    return reverse(name, args=[slug])


# (URL name, a method it accepts, a method it refuses)
PAGES = [
    ("feedback:workshop_report", "get", "post"),
    ("feedback:workshop_report_csv", "get", "post"),
    ("feedback:programme_report", "get", "post"),
    ("feedback:programme_report_csv", "get", "delete"),
    ("feedback:actions", "get", "post"),
    ("feedback:action_new", "get", "delete"),
    ("feedback:action_edit", "get", "put"),
    ("feedback:action_publish", "post", "get"),
    ("feedback:action_remove", "post", "get"),
]
READ_PAGES = [name for name, method, _ in PAGES if method == "get"]


@pytest.mark.parametrize(("name", "method", "_wrong"), PAGES)
def test_visitor_is_asked_to_sign_in(client, workshop, action, name, method, _wrong):
    response = getattr(client, method)(_url(name, workshop, action))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "method", "_wrong"), PAGES)
def test_participant_is_refused(client, young_person, workshop, action, name, method, _wrong):
    client.force_login(young_person)

    assert getattr(client, method)(_url(name, workshop, action)).status_code == 403


@pytest.mark.parametrize(("name", "method", "_wrong"), PAGES)
def test_other_programmes_organiser_finds_nothing(
    client, other_organiser, with_mfa, workshop, action, name, method, _wrong
):
    client.force_login(with_mfa(other_organiser))

    assert getattr(client, method)(_url(name, workshop, action)).status_code == 404
    assert FeedbackAction.objects.filter(pk=action.pk, published_at=None).exists()


@pytest.mark.parametrize(("name", "method", "_wrong"), PAGES)
def test_bursary_reviewer_of_the_programme_finds_nothing(
    client, reviewer, with_mfa, workshop, action, name, method, _wrong
):
    client.force_login(with_mfa(reviewer))

    assert getattr(client, method)(_url(name, workshop, action)).status_code == 404


@pytest.mark.parametrize(("name", "_method", "wrong"), PAGES)
def test_the_wrong_method_is_refused(
    client, organiser, with_mfa, workshop, action, name, _method, wrong
):
    client.force_login(with_mfa(organiser))

    assert getattr(client, wrong)(_url(name, workshop, action)).status_code == 405
    assert FeedbackAction.objects.filter(pk=action.pk, published_at=None).exists()


@pytest.mark.parametrize("name", READ_PAGES)
def test_organiser_and_site_admin_open_the_pages(
    client, organiser, admin, with_mfa, workshop, action, name
):
    for person in (organiser, admin):
        client.force_login(with_mfa(person))
        assert client.get(_url(name, workshop, action)).status_code == 200


def test_an_organiser_without_an_authenticator_app_is_asked_to_set_one_up(
    client, organiser, workshop
):
    client.force_login(organiser)

    response = client.get(reverse("feedback:programme_report", args=[workshop.programme.slug]))

    assert response.status_code == 302
    assert "totp" in response.url or "mfa" in response.url


def test_another_programmes_action_is_not_found_through_this_programme(
    client, organiser, other_programme, with_mfa, programme
):
    theirs = action_create(
        programme=other_programme,
        heard="Heard elsewhere.",
        changed="Changed elsewhere.",
        changed_on=dt.date.today(),
        created_by=None,
    )
    client.force_login(with_mfa(organiser))

    for name in ("feedback:action_edit", "feedback:action_publish", "feedback:action_remove"):
        method = client.get if name == "feedback:action_edit" else client.post
        assert method(reverse(name, args=[programme.slug, theirs.pk])).status_code == 404
    assert FeedbackAction.objects.filter(pk=theirs.pk, published_at=None).exists()


def test_missing_things_are_not_found(client, organiser, with_mfa, programme):
    client.force_login(with_mfa(organiser))

    assert client.get(reverse("feedback:workshop_report", args=[999999])).status_code == 404
    assert client.get(reverse("feedback:programme_report", args=["nope"])).status_code == 404
    assert (
        client.get(reverse("feedback:action_edit", args=[programme.slug, 999999])).status_code
        == 404
    )
