"""Setting up and changing a programme in the browser."""

import pytest
from django.urls import reverse

from codesign.core import permissions
from codesign.core.models import AuditEntry
from programmes.models import Membership, Programme, TeamRole
from tests.factories import ProgrammeFactory
from tests.programmes.helpers import page_text

CREATE = reverse("programmes:create")


def programme_data(**changes):
    data = {
        "title": "Better discharge from hospital",
        "slug": "",
        "summary": "Patients, carers and ward staff plan going home together.",
        "description": "We meet **four times**.",
        "status": "draft",
        "starts_on": "2026-09-01",
        "ends_on": "2027-03-31",
        "places": "30",
        "lived_experience_term": "patient partner",
        "lived_experience_term_plural": "patient partners",
        "professional_term": "clinician",
        "professional_term_plural": "clinicians",
    }
    data.update(changes)
    return data


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


def test_organiser_sets_up_a_programme_and_becomes_its_organiser(sign_in, organiser):
    client = sign_in(organiser)

    response = client.post(CREATE, programme_data(), follow=True)

    programme = Programme.objects.get(title="Better discharge from hospital")
    assert response.redirect_chain[-1][0] == reverse("programmes:manage", args=[programme.slug])
    assert programme.slug == "better-discharge-from-hospital"
    assert programme.status == Programme.Status.DRAFT
    assert str(programme.starts_on) == "2026-09-01"
    assert programme.places == 30
    assert programme.lived_experience_term_plural == "patient partners"
    assert Membership.objects.filter(
        programme=programme, user=organiser, role=TeamRole.ORGANISER
    ).exists()
    entry = AuditEntry.objects.get(action="programmes.programme.created")
    assert entry.actor == organiser
    assert entry.object_id == str(programme.pk)
    assert "Better discharge from hospital is set up. You are its organiser." in (
        response.content.decode()
    )


def test_site_admin_can_set_up_a_programme(sign_in, admin):
    client = sign_in(admin)

    response = client.post(CREATE, programme_data(slug="discharge"))

    assert response.status_code == 302
    programme = Programme.objects.get(slug="discharge")
    assert permissions.can_organise(admin, programme)
    assert Membership.objects.filter(programme=programme, user=admin).exists()


def test_the_new_programme_form_opens_with_the_plain_default_words(sign_in, organiser):
    page = sign_in(organiser).get(CREATE).content.decode()

    assert "<h1>Set up a programme</h1>" in page
    assert 'value="people with lived experience"' in page
    assert 'type="date"' in page


def test_a_bursary_reviewer_who_organises_nothing_cannot_set_up_a_programme(sign_in, reviewer):
    client = sign_in(reviewer)

    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, programme_data()).status_code == 403
    assert not Programme.objects.filter(title="Better discharge from hospital").exists()


def test_a_participant_cannot_set_up_a_programme(sign_in, patient):
    client = sign_in(patient)

    assert client.post(CREATE, programme_data()).status_code == 403
    assert not Programme.objects.filter(title="Better discharge from hospital").exists()


def test_a_visitor_is_asked_to_sign_in_to_set_up_a_programme(client, db):
    response = client.get(CREATE)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_new_programme_page_refuses_other_methods(sign_in, organiser):
    assert sign_in(organiser).put(CREATE).status_code == 405


def test_a_web_address_made_from_a_title_already_taken_gets_a_number(sign_in, organiser):
    ProgrammeFactory(slug="better-discharge-from-hospital")

    sign_in(organiser).post(CREATE, programme_data())

    assert Programme.objects.filter(slug="better-discharge-from-hospital-2").exists()


def test_a_title_called_new_does_not_take_the_address_of_the_new_programme_page(sign_in, organiser):
    sign_in(organiser).post(CREATE, programme_data(title="New"))

    assert Programme.objects.get(title="New").slug == "new-2"


def assert_nothing_saved(response, field, message):
    assert response.status_code == 200
    assert message in " ".join(field_errors(response, field))
    page = response.content.decode()
    assert "There is a problem" in page
    # The message sits by its field, which points to it for screen readers.
    assert f'id="id_{field}_error"' in page
    assert f'aria-describedby="id_{field}_error' in page or (
        f'aria-describedby="id_{field}_helptext id_{field}_error' in page
    )
    assert not Programme.objects.filter(title="Better discharge from hospital").exists()
    assert not AuditEntry.objects.filter(action="programmes.programme.created").exists()


def test_an_end_date_before_the_start_is_refused_next_to_the_end_date(sign_in, organiser):
    response = sign_in(organiser).post(CREATE, programme_data(ends_on="2026-08-01"))

    assert_nothing_saved(response, "ends_on", "The end date must be on or after the start date.")


@pytest.mark.parametrize("slug", ["manage", "new", "MANAGE"])
def test_a_web_address_the_site_uses_itself_is_refused(sign_in, organiser, slug):
    response = sign_in(organiser).post(CREATE, programme_data(slug=slug))

    assert_nothing_saved(response, "slug", "is used by the site itself")


def test_a_web_address_another_programme_uses_is_refused(sign_in, organiser, other_programme):
    response = sign_in(organiser).post(CREATE, programme_data(slug=other_programme.slug))

    assert_nothing_saved(response, "slug", "Another programme already uses this web address")


def test_a_web_address_with_spaces_is_refused(sign_in, organiser):
    response = sign_in(organiser).post(CREATE, programme_data(slug="two words"))

    assert_nothing_saved(response, "slug", "Use only letters, numbers and hyphens, with no spaces.")


def test_a_programme_needs_a_title(sign_in, organiser):
    response = sign_in(organiser).post(CREATE, programme_data(title=""))

    assert field_errors(response, "title") == ["This field is required."]
    assert Programme.objects.count() == 1


def test_a_title_with_nothing_to_make_an_address_from_asks_for_one(sign_in, organiser):
    response = sign_in(organiser).post(CREATE, programme_data(title="!!!"))

    assert "We could not make a web address" in field_errors(response, "slug")[0]
    assert not Programme.objects.filter(title="!!!").exists()


# Changing a programme


def edit_url(programme):
    return reverse("programmes:edit", args=[programme.slug])


def current_data(programme, **changes):
    data = programme_data(
        title=programme.title,
        slug=programme.slug,
        summary=programme.summary,
        description=programme.description,
        status=programme.status,
        starts_on="",
        ends_on="",
        places="",
        lived_experience_term=programme.lived_experience_term,
        lived_experience_term_plural=programme.lived_experience_term_plural,
        professional_term=programme.professional_term,
        professional_term_plural=programme.professional_term_plural,
    )
    data.update(changes)
    return data


def test_organiser_changes_their_programme_and_the_change_is_audited(sign_in, organiser, programme):
    client = sign_in(organiser)

    response = client.post(
        edit_url(programme), current_data(programme, status="running", places="40")
    )

    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.status == Programme.Status.RUNNING
    assert programme.places == 40
    entry = AuditEntry.objects.get(action="programmes.programme.updated")
    assert entry.actor == organiser
    assert entry.data == {"fields": ["status", "places"]}


def test_the_edit_form_shows_the_programme_as_it_is(sign_in, organiser, programme):
    programme.starts_on = "2026-09-01"
    programme.save()

    page = sign_in(organiser).get(edit_url(programme)).content.decode()

    assert "<h1>Change Diabetes care together</h1>" in page
    assert 'value="2026-09-01"' in page
    assert 'value="diabetes-care-together"' in page


def test_saving_without_changes_records_nothing(sign_in, organiser, programme):
    response = sign_in(organiser).post(edit_url(programme), current_data(programme))

    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="programmes.programme.updated").exists()


def test_changing_the_web_address_takes_the_organiser_to_the_new_one(sign_in, organiser, programme):
    response = sign_in(organiser).post(
        edit_url(programme), current_data(programme, slug="diabetes-together")
    )

    assert response.url == reverse("programmes:manage", args=["diabetes-together"])
    assert Programme.objects.filter(slug="diabetes-together").exists()


def test_clearing_the_web_address_makes_one_from_the_title(sign_in, organiser, programme):
    sign_in(organiser).post(edit_url(programme), current_data(programme, slug=""))

    programme.refresh_from_db()
    assert programme.slug == "diabetes-care-together"


def test_an_end_date_before_the_start_changes_nothing(sign_in, organiser, programme):
    response = sign_in(organiser).post(
        edit_url(programme),
        current_data(programme, title="Renamed", starts_on="2026-09-01", ends_on="2026-01-01"),
    )

    assert field_errors(response, "ends_on") == ["The end date must be on or after the start date."]
    programme.refresh_from_db()
    assert programme.title == "Diabetes care together"
    assert programme.starts_on is None
    assert not AuditEntry.objects.filter(action="programmes.programme.updated").exists()
    # The page still names the programme as it is saved, not as it was typed.
    assert "<h1>Change Diabetes care together</h1>" in response.content.decode()


def test_taking_another_programmes_address_changes_nothing(
    sign_in, organiser, programme, other_programme
):
    response = sign_in(organiser).post(
        edit_url(programme), current_data(programme, slug=other_programme.slug)
    )

    assert "Another programme already uses this web address" in field_errors(response, "slug")[0]
    programme.refresh_from_db()
    assert programme.slug == "diabetes-care-together"


def test_taking_a_reserved_address_changes_nothing(sign_in, organiser, programme):
    response = sign_in(organiser).post(edit_url(programme), current_data(programme, slug="new"))

    assert field_errors(response, "slug")
    programme.refresh_from_db()
    assert programme.slug == "diabetes-care-together"


def test_new_words_for_people_show_on_the_programme_pages(sign_in, organiser, programme):
    client = sign_in(organiser)

    client.post(
        edit_url(programme),
        current_data(
            programme,
            lived_experience_term="expert by experience",
            lived_experience_term_plural="experts by experience",
            professional_term="staff member",
            professional_term_plural="staff",
        ),
    )

    manage = page_text(client.get(reverse("programmes:manage", args=[programme.slug])))
    assert "experts by experience (one is an expert by experience)" in manage
    assert "staff (one is a staff member)" in manage
    public = page_text(client.get(programme.get_absolute_url()))
    assert "experts by experience and staff design services together" in public
