"""Organisers add, change and remove a programme's cohorts."""

from django.urls import reverse

from codesign.core.models import AuditEntry
from programmes.models import Cohort
from tests.factories import CohortFactory, WorkshopFactory


def cohort_data(**changes):
    data = {
        "name": "September 2026 cohort",
        "starts_on": "2026-09-01",
        "ends_on": "2026-12-15",
        "places": "15",
    }
    data.update(changes)
    return data


def test_organiser_adds_a_cohort(sign_in, organiser, programme):
    response = sign_in(organiser).post(
        reverse("programmes:cohort_create", args=[programme.slug]), cohort_data()
    )

    assert response.url == reverse("programmes:manage", args=[programme.slug])
    cohort = Cohort.objects.get()
    assert cohort.programme == programme
    assert cohort.name == "September 2026 cohort"
    assert cohort.places == 15
    assert AuditEntry.objects.filter(action="programmes.cohort.created", actor=organiser).exists()


def test_a_cohort_ending_before_it_starts_is_refused_next_to_the_end_date(
    sign_in, organiser, programme
):
    response = sign_in(organiser).post(
        reverse("programmes:cohort_create", args=[programme.slug]),
        cohort_data(ends_on="2026-08-01"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "ends_on": ["The end date must be on or after the start date."]
    }
    assert 'id="id_ends_on_error"' in response.content.decode()
    assert not Cohort.objects.exists()


def test_two_cohorts_of_one_programme_cannot_share_a_name(sign_in, organiser, programme):
    CohortFactory(programme=programme, name="September 2026 cohort")

    response = sign_in(organiser).post(
        reverse("programmes:cohort_create", args=[programme.slug]),
        cohort_data(name="september 2026 COHORT"),
    )

    assert "already has a cohort with this name" in response.context["form"].errors["name"][0]
    assert Cohort.objects.count() == 1


def test_another_programme_may_use_the_same_cohort_name(sign_in, organiser, programme):
    CohortFactory(name="September 2026 cohort")

    sign_in(organiser).post(
        reverse("programmes:cohort_create", args=[programme.slug]), cohort_data()
    )

    assert Cohort.objects.filter(programme=programme).count() == 1


def test_organiser_changes_a_cohort(sign_in, organiser, programme):
    cohort = CohortFactory(programme=programme, name="Autumn cohort")

    response = sign_in(organiser).post(
        reverse("programmes:cohort_edit", args=[programme.slug, cohort.pk]), cohort_data()
    )

    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.name == "September 2026 cohort"
    entry = AuditEntry.objects.get(action="programmes.cohort.updated")
    assert entry.data == {
        "cohort": "September 2026 cohort",
        "fields": ["name", "starts_on", "ends_on", "places"],
    }


def test_a_bad_change_to_a_cohort_changes_nothing(sign_in, organiser, programme):
    cohort = CohortFactory(programme=programme, name="Autumn cohort")

    response = sign_in(organiser).post(
        reverse("programmes:cohort_edit", args=[programme.slug, cohort.pk]),
        cohort_data(ends_on="2020-01-01"),
    )

    assert response.status_code == 200
    assert "<h1>Change Autumn cohort</h1>" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.name == "Autumn cohort"
    assert cohort.starts_on is None


def test_removing_a_cohort_keeps_its_workshops(sign_in, organiser, programme):
    cohort = CohortFactory(programme=programme)
    workshop = WorkshopFactory(programme=programme, cohort=cohort)

    response = sign_in(organiser).post(
        reverse("programmes:cohort_delete", args=[programme.slug, cohort.pk]), follow=True
    )

    assert "Its workshops are still there." in response.content.decode()
    assert not Cohort.objects.exists()
    workshop.refresh_from_db()
    assert workshop.cohort is None
    assert AuditEntry.objects.filter(action="programmes.cohort.deleted").exists()


def test_a_cohort_with_pair_applications_is_kept_with_a_plain_message(
    sign_in, organiser, programme
):
    from tests.pairs.support import professional_n, start

    programme.status = "open"
    programme.save()
    cohort = CohortFactory(programme=programme)
    start(cohort, professional_n(1))

    response = sign_in(organiser).post(
        reverse("programmes:cohort_delete", args=[programme.slug, cohort.pk]), follow=True
    )

    assert "has pair applications, so it can&#x27;t be removed" in response.content.decode()
    assert Cohort.objects.filter(pk=cohort.pk).exists()
    assert not AuditEntry.objects.filter(action="programmes.cohort.deleted").exists()
