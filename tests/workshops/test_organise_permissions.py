"""Every organiser page, for every role: only the programme's organisers and site admins get in.
Reviewers and other programmes' organisers are told nothing exists (404), participants are
refused (403), visitors are asked to sign in, and nobody outside changes anything."""

import pytest
from django.urls import reverse

from tests.factories import WorkshopFactory
from tests.workshops.organise_support import edit_data
from workshops.models import Material, Workshop, WorkshopChange

# (URL name, methods it accepts, a method it refuses)
PAGES = [
    ("workshops:manage_detail", "get", "post"),
    ("workshops:manage_edit", "get", "put"),
    ("workshops:manage_reschedule", "get", "delete"),
    ("workshops:manage_cancel", "get", "put"),
    ("workshops:manage_publish", "post", "get"),
    ("workshops:manage_unpublish", "post", "get"),
    ("workshops:manage_duplicate", "post", "get"),
    ("workshops:material_upload", "post", "get"),
]


@pytest.fixture
def workshop(programme):
    return WorkshopFactory(programme=programme, status=Workshop.Status.DRAFT, title="Original")


def _request(client, method, url):
    return getattr(client, method)(url)


@pytest.mark.parametrize(("name", "method", "_wrong"), PAGES)
def test_visitor_is_asked_to_sign_in(client, workshop, name, method, _wrong):
    response = _request(client, method, reverse(name, args=[workshop.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "method", "_wrong"), PAGES)
def test_participant_is_refused(client, patient, workshop, name, method, _wrong):
    client.force_login(patient)

    assert _request(client, method, reverse(name, args=[workshop.pk])).status_code == 403


@pytest.mark.parametrize(("name", "method", "_wrong"), PAGES)
def test_other_programmes_organiser_finds_nothing(
    client, other_organiser, with_mfa, workshop, name, method, _wrong
):
    client.force_login(with_mfa(other_organiser))

    assert _request(client, method, reverse(name, args=[workshop.pk])).status_code == 404


@pytest.mark.parametrize(("name", "method", "_wrong"), PAGES)
def test_bursary_reviewer_of_the_programme_cannot_organise_it(
    client, reviewer, with_mfa, workshop, name, method, _wrong
):
    client.force_login(with_mfa(reviewer))

    assert _request(client, method, reverse(name, args=[workshop.pk])).status_code == 404


@pytest.mark.parametrize(("name", "_method", "wrong"), PAGES)
def test_wrong_method_is_refused(client, organiser, with_mfa, workshop, name, _method, wrong):
    client.force_login(with_mfa(organiser))

    assert _request(client, wrong, reverse(name, args=[workshop.pk])).status_code == 405


@pytest.mark.parametrize(
    "name",
    [
        "workshops:manage_detail",
        "workshops:manage_edit",
        "workshops:manage_reschedule",
        "workshops:manage_cancel",
    ],
)
def test_site_admin_opens_every_organiser_page(client, admin, with_mfa, workshop, name):
    client.force_login(with_mfa(admin))

    assert client.get(reverse(name, args=[workshop.pk])).status_code == 200


def test_organiser_without_two_step_sign_in_is_sent_to_set_it_up(client, organiser, workshop):
    client.force_login(organiser)

    response = client.get(reverse("workshops:manage_detail", args=[workshop.pk]))

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_outsiders_posting_change_nothing(
    client, other_organiser, reviewer, patient, with_mfa, workshop
):
    with_mfa(other_organiser)
    with_mfa(reviewer)
    for person in (other_organiser, reviewer, patient):
        client.force_login(person)
        client.post(
            reverse("workshops:manage_edit", args=[workshop.pk]),
            edit_data(workshop, title="Taken over"),
        )
        client.post(reverse("workshops:manage_publish", args=[workshop.pk]))
        client.post(reverse("workshops:manage_duplicate", args=[workshop.pk]))
        client.post(
            reverse("workshops:manage_cancel", args=[workshop.pk]), {"reason": "Because I can"}
        )

    workshop.refresh_from_db()
    assert workshop.title == "Original"
    assert workshop.status == Workshop.Status.DRAFT
    assert Workshop.objects.count() == 1
    assert not WorkshopChange.objects.exists()
    assert not Material.objects.exists()


def test_add_workshop_page_for_another_programme_is_not_found(
    client, organiser, with_mfa, other_programme
):
    client.force_login(with_mfa(organiser))

    url = reverse("workshops:manage_new") + f"?programme={other_programme.slug}"

    assert client.get(url).status_code == 404


def test_reviewer_cannot_add_a_workshop(client, reviewer, with_mfa, programme):
    client.force_login(with_mfa(reviewer))

    assert client.get(reverse("workshops:manage_new")).status_code == 403
    url = reverse("workshops:manage_new") + f"?programme={programme.slug}"
    assert client.get(url).status_code == 404


def test_participant_and_visitor_cannot_add_a_workshop(client, patient, programme):
    url = reverse("workshops:manage_new") + f"?programme={programme.slug}"
    assert client.get(url).status_code == 302
    client.force_login(patient)
    assert client.get(url).status_code == 403


def test_add_workshop_page_refuses_a_put(client, organiser, with_mfa, programme):
    client.force_login(with_mfa(organiser))

    assert client.put(reverse("workshops:manage_new")).status_code == 405


def test_site_admin_adds_a_workshop_to_any_programme(client, admin, with_mfa, other_programme):
    client.force_login(with_mfa(admin))

    url = reverse("workshops:manage_new") + f"?programme={other_programme.slug}"

    assert client.get(url).status_code == 200
