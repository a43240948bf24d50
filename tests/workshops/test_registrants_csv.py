"""The registrants list as a CSV download: need-to-know columns, safe to open in a
spreadsheet, and recorded in the audit log."""

import csv
import io

import pytest
from django.urls import reverse

from codesign.core.models import AuditEntry
from participants.models import SupportNeed
from tests.factories import WorkshopFactory
from tests.workshops.registrants_support import PATIENT, PROFESSIONAL, registered
from workshops.models import Registration
from workshops.registrants import CSV_HEADER, FORMULA_STARTS, safe_cell

Status = Registration.Status


@pytest.fixture
def workshop(programme):
    return WorkshopFactory(programme=programme, title="Mapping the clinic visit")


def url(workshop):
    return reverse("workshops:registrants_csv", args=[workshop.pk])


def rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def signed_in(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))
    return client


def test_organiser_downloads_the_list_as_an_attachment(signed_in, workshop, organiser):
    registered(
        workshop,
        "Ade",
        [PATIENT],
        described_as="expert by experience",
        support_needs=[SupportNeed.STEP_FREE],
        dietary_needs="Vegetarian",
        companion_name="Bola",
    )
    registered(workshop, "Cai", [PROFESSIONAL], status=Status.WAITLISTED)
    registered(workshop, "Dee", status=Status.CANCELLED)

    response = signed_in.get(url(workshop))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="registrants-')
    assert response["Cache-Control"] == "private, no-store"
    table = rows(response)
    assert table[0] == CSV_HEADER
    assert table[1] == [
        "Ade",
        "expert by experience",
        "Patient",
        "Bola",
        "Step-free access",
        "Vegetarian",
        "Confirmed",
        "",
    ]
    assert table[2][0] == "Cai" and table[2][-1] == "1"
    assert len(table) == 3  # cancelled people are not listed
    entry = AuditEntry.objects.get(action="workshops.registrants.exported")
    assert entry.actor == organiser
    assert entry.object_id == str(workshop.pk)
    assert entry.data == {"rows": 2}


def test_no_email_age_or_guardian_in_the_download(signed_in, workshop):
    registered(workshop, "Ade", guardian_name="Gil", guardian_email="gil@example.org")

    text = signed_in.get(url(workshop)).content.decode("utf-8-sig")

    assert "@example.org" not in text
    assert "Gil" not in text


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://evil")', "+1+2", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"]
)
def test_cells_that_a_spreadsheet_would_run_are_made_text(signed_in, workshop, value):
    registered(
        workshop,
        value,
        described_as=value,
        support_other=value,
        dietary_needs=value,
        companion_name=value,
    )

    table = rows(signed_in.get(url(workshop)))

    row = table[1]
    # Name, own words, companion, what to arrange.
    for index in (0, 1, 3, 4):
        assert row[index] == "'" + value
    for cell in row:
        assert not cell.startswith(FORMULA_STARTS)


def test_safe_cell_leaves_ordinary_text_alone():
    assert safe_cell("Ade") == "Ade"
    assert safe_cell("a=b") == "a=b"
    assert safe_cell("") == ""
    assert safe_cell(None) == ""
    assert safe_cell(3) == "3"
    assert safe_cell("=1+1") == "'=1+1"


def test_reviewer_cannot_download(client, reviewer, with_mfa, workshop):
    client.force_login(with_mfa(reviewer))

    assert client.get(url(workshop)).status_code == 404
    assert not AuditEntry.objects.filter(action="workshops.registrants.exported").exists()


def test_other_programmes_organiser_finds_nothing(client, other_organiser, with_mfa, workshop):
    client.force_login(with_mfa(other_organiser))

    assert client.get(url(workshop)).status_code == 404


def test_participant_is_refused(client, patient, workshop):
    client.force_login(patient)

    assert client.get(url(workshop)).status_code == 403


def test_visitor_is_asked_to_sign_in(client, workshop):
    response = client.get(url(workshop))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_wrong_method_is_refused(signed_in, workshop):
    assert signed_in.post(url(workshop)).status_code == 405


def test_site_admin_downloads(client, admin, with_mfa, workshop):
    registered(workshop, "Ade")
    client.force_login(with_mfa(admin))

    assert rows(client.get(url(workshop)))[1][0] == "Ade"


@pytest.mark.parametrize("count", [5, 100])
def test_download_runs_the_same_number_of_queries_however_many_people(
    signed_in, workshop, count, django_assert_num_queries
):
    for i in range(count):
        registered(workshop, f"Person {i}", status=[Status.CONFIRMED, Status.WAITLISTED][i % 2])

    # session, user, roles, MFA, workshop, reservations, registrations, audit entry
    with django_assert_num_queries(8):
        response = signed_in.get(url(workshop))

    assert len(rows(response)) == count + 1
