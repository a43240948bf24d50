import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, ProgrammeFactory

URL = reverse("programmes:dashboard")


def test_organiser_with_mfa_sees_their_programmes_and_role(
    client, organiser, with_mfa, other_programme
):
    client.force_login(with_mfa(organiser))

    response = client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Diabetes care together" in page
    assert "Your role: organiser." in page
    assert "Better mental health for students" not in page


def test_reviewer_sees_the_programmes_they_review_for(client, reviewer, with_mfa):
    client.force_login(with_mfa(reviewer))

    page = client.get(URL).content.decode()

    assert "Diabetes care together" in page
    assert "Your role: bursary reviewer." in page


def test_site_admin_sees_every_programme(client, admin, with_mfa, programme, other_programme):
    client.force_login(with_mfa(admin))

    page = client.get(URL).content.decode()

    assert "Diabetes care together" in page
    assert "Better mental health for students" in page


def test_staff_without_two_step_sign_in_are_sent_to_set_it_up(client, organiser):
    client.force_login(organiser)

    response = client.get(URL, follow=True)

    assert response.redirect_chain[0][0] == reverse("mfa_activate_totp")
    assert b"authenticator app" in response.content


def test_staff_can_reach_their_pages_without_mfa_when_the_setting_is_off(
    client, organiser, settings
):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(organiser)

    assert client.get(URL).status_code == 200


def test_site_admin_without_mfa_cannot_open_django_admin(client, admin):
    client.force_login(admin)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_django_admin_sign_in_goes_through_the_site_sign_in_page(client, db):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_participant_is_refused_the_staff_page(client, patient):
    client.force_login(patient)

    assert client.get(URL).status_code == 403


def test_visitor_is_asked_to_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_dashboard_refuses_a_post(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))

    assert client.post(URL).status_code == 405


@pytest.mark.parametrize("count", [1, 30])
def test_dashboard_runs_a_fixed_number_of_queries(
    client, organiser, with_mfa, count, django_assert_num_queries
):
    for _ in range(count - 1):
        MembershipFactory(programme=ProgrammeFactory(), user=organiser)
    client.force_login(with_mfa(organiser))

    # session, user, roles, MFA check, programmes, memberships, workshops (none, so no places)
    with django_assert_num_queries(7):
        response = client.get(URL)
    assert response.status_code == 200


def test_draft_programme_page_is_hidden_from_people_outside_its_team(client, patient, organiser):
    draft = ProgrammeFactory(status="draft", slug="draft-one", title="A draft")
    MembershipFactory(programme=draft, user=organiser)
    url = reverse("programmes:detail", args=["draft-one"])

    assert client.get(url).status_code == 404
    client.force_login(patient)
    assert client.get(url).status_code == 404
    client.force_login(organiser)
    assert client.get(url).status_code == 200


def test_open_programme_page_is_public(client, programme):
    response = client.get(reverse("programmes:detail", args=[programme.slug]))

    assert response.status_code == 200
    assert b"Diabetes care together" in response.content
