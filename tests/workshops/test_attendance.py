"""Attendance across a programme or cohort for organisers, and a participant's certificate of
participation."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CohortFactory, MembershipFactory, ProgrammeFactory, WorkshopFactory
from tests.workshops.registrants_support import registered
from workshops.models import Registration, Workshop

Status = Registration.Status


def days_ago(days):
    return timezone.now() - dt.timedelta(days=days)


@pytest.fixture
def cohort(programme):
    return CohortFactory(programme=programme, name="Spring cohort")


@pytest.fixture
def workshops(programme, cohort):
    first = WorkshopFactory(
        programme=programme,
        cohort=cohort,
        title="First steps",
        starts_at=days_ago(20),
        ends_at=days_ago(20) + dt.timedelta(hours=3),
    )
    second = WorkshopFactory(
        programme=programme,
        title="Second go",
        starts_at=days_ago(10),
        ends_at=days_ago(10) + dt.timedelta(hours=2),
    )
    WorkshopFactory(
        programme=programme,
        title="Called off",
        status=Workshop.Status.CANCELLED,
        starts_at=days_ago(5),
        ends_at=days_ago(5) + dt.timedelta(hours=1),
    )
    WorkshopFactory(programme=programme, title="Still to come")
    return first, second


@pytest.fixture
def signed_in(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))
    return client


def url(**params):
    from urllib.parse import urlencode

    return reverse("workshops:attendance") + (f"?{urlencode(params)}" if params else "")


def test_organiser_sees_who_attended_which_workshop(signed_in, programme, workshops):
    first, second = workshops
    ade = registered(first, "Ade", status=Status.ATTENDED, described_as="patient partner")
    Registration.objects.create(workshop=second, user=ade.user, status=Status.ATTENDED)
    registered(second, "Bea", status=Status.NO_SHOW)
    registered(second, "Cai", status=Status.WAITLISTED)

    response = signed_in.get(url(programme=programme.slug))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "First steps" in page and "Second go" in page
    assert "Called off" not in page and "Still to come" not in page
    row = page.split("Ade (patient partner)")[1].split("</tr>")[0]
    assert row.count("Attended") == 2 and "<td>2</td>" in row
    bea = page.split("Bea")[1].split("</tr>")[0]
    assert "Did not come" in bea and "<td>0</td>" in bea
    assert "Cai" not in page
    totals = page.split("People who attended")[1].split("</tr>")[0]
    assert "<td>1</td><td>1</td>" in totals


def test_a_cohort_shows_only_its_workshops(signed_in, programme, workshops, cohort):
    first, second = workshops
    registered(first, "Ade", status=Status.ATTENDED)
    registered(second, "Bea", status=Status.ATTENDED)

    page = signed_in.get(url(programme=programme.slug, cohort=cohort.pk)).content.decode()

    assert "First steps" in page and "Second go" not in page
    assert "Ade" in page and "Bea" not in page


def test_another_programmes_cohort_finds_nothing(signed_in, programme, other_programme):
    elsewhere = CohortFactory(programme=other_programme)

    response = signed_in.get(url(programme=programme.slug, cohort=elsewhere.pk))

    assert response.status_code == 404


def test_organiser_of_one_programme_goes_straight_to_it(signed_in, programme, workshops):
    page = signed_in.get(url()).content.decode()

    assert f"Who came to which workshops of {programme.title}" in page


def test_organiser_of_several_programmes_chooses_one(signed_in, organiser, programme):
    MembershipFactory(programme=ProgrammeFactory(title="Second programme"), user=organiser)

    page = signed_in.get(url()).content.decode()

    assert "Which programme?" in page and "Second programme" in page


def test_reviewer_and_other_organisers_find_nothing(
    client, reviewer, other_organiser, with_mfa, programme
):
    for person in (reviewer, other_organiser):
        client.force_login(with_mfa(person))
        assert client.get(url(programme=programme.slug)).status_code == 404
    assert client.get(url()).status_code == 200  # the other organiser's own programme


def test_reviewer_without_a_programme_to_organise_finds_nothing(client, reviewer, with_mfa):
    client.force_login(with_mfa(reviewer))

    assert client.get(url()).status_code == 404


def test_participant_is_refused(client, patient, programme):
    client.force_login(patient)

    assert client.get(url(programme=programme.slug)).status_code == 403


def test_visitor_is_asked_to_sign_in(client, programme):
    response = client.get(url(programme=programme.slug))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_site_admin_sees_any_programme(client, admin, with_mfa, programme, workshops):
    registered(workshops[0], "Ade", status=Status.ATTENDED)
    client.force_login(with_mfa(admin))

    assert "Ade" in client.get(url(programme=programme.slug)).content.decode()


def test_wrong_method_is_refused(signed_in, programme):
    assert signed_in.post(url(programme=programme.slug)).status_code == 405


@pytest.mark.parametrize("count", [5, 100])
def test_attendance_runs_the_same_number_of_queries_however_many_people(
    signed_in, programme, workshops, count, django_assert_num_queries
):
    for i in range(count):
        registration = registered(workshops[i % 2], f"Person {i}", status=Status.ATTENDED)
        Registration.objects.create(
            workshop=workshops[(i + 1) % 2], user=registration.user, status=Status.NO_SHOW
        )

    # session, user, roles, MFA, programme, cohorts, workshops, registrations
    with django_assert_num_queries(8):
        response = signed_in.get(url(programme=programme.slug))

    assert response.content.decode().count("Person ") == count


# The certificate


def certificate_url(programme):
    return reverse("workshops:certificate", args=[programme.slug])


def test_participant_downloads_a_certificate_of_the_workshops_they_attended(
    client, programme, workshops
):
    first, second = workshops
    ade = registered(first, "Ade Adeyemi", status=Status.ATTENDED)
    Registration.objects.create(workshop=second, user=ade.user, status=Status.NO_SHOW)
    client.force_login(ade.user)

    response = client.get(certificate_url(programme))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "Certificate of participation" in page
    assert "Ade Adeyemi" in page
    assert "First steps" in page and "Second go" not in page
    assert "3 hours in all." in page
    assert 'href="/static/css/print.css" media="print"' in page


def test_no_certificate_without_attending(client, programme, workshops, other_programme):
    ade = registered(workshops[0], "Ade", status=Status.NO_SHOW)
    registered(WorkshopFactory(programme=other_programme), "Ade 2", status=Status.ATTENDED)
    client.force_login(ade.user)

    assert client.get(certificate_url(programme)).status_code == 404
    assert client.get(reverse("workshops:certificate", args=["no-such"])).status_code == 404


def test_a_certificate_shows_only_the_signed_in_persons_workshops(
    client, programme, workshops, patient
):
    registered(workshops[0], "Ade", status=Status.ATTENDED)
    client.force_login(patient)

    assert client.get(certificate_url(programme)).status_code == 404


def test_certificate_asks_visitors_to_sign_in(client, programme):
    response = client.get(certificate_url(programme))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_certificate_refuses_post(client, programme, workshops):
    ade = registered(workshops[0], "Ade", status=Status.ATTENDED)
    client.force_login(ade.user)

    assert client.post(certificate_url(programme)).status_code == 405


def test_certificate_leaves_out_hours_when_a_workshop_ran_over_several_days(client, programme):
    weekend = WorkshopFactory(
        programme=programme,
        title="Weekend away",
        starts_at=days_ago(30),
        ends_at=days_ago(28),
    )
    ade = registered(weekend, "Ade", status=Status.ATTENDED)
    client.force_login(ade.user)

    page = client.get(certificate_url(programme)).content.decode()

    assert "Weekend away" in page
    assert "in all." not in page
