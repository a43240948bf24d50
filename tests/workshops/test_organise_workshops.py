"""Organisers add and change workshops: the form, its rules, and UK time across clock changes."""

import datetime as dt

import pytest
from django.urls import reverse

from codesign.core.models import AuditEntry
from participants.models import Perspective
from tests.factories import (
    AgendaItemFactory,
    CohortFactory,
    MembershipFactory,
    PlaceReservationFactory,
    ProgrammeFactory,
    RegistrationFactory,
    StageFactory,
    VenueFactory,
    WorkshopFactory,
)
from tests.workshops.organise_support import days_ahead, edit_data, local, workshop_data
from workshops.models import AgendaItem, PlaceReservation, Registration, Workshop

UTC = dt.UTC
NEW = reverse("workshops:manage_new")


@pytest.fixture
def venue(db):
    return VenueFactory(name="Riverside Community Centre")


@pytest.fixture
def signed_in(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))
    return client


def new_url(programme):
    return f"{NEW}?programme={programme.slug}"


# Adding a workshop


def test_organiser_sees_the_add_form_with_their_programmes_cohorts_only(
    signed_in, programme, other_programme
):
    CohortFactory(programme=programme, name="September 2026 cohort")
    CohortFactory(programme=other_programme, name="Someone else's cohort")

    response = signed_in.get(new_url(programme))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "September 2026 cohort" in page
    assert "Someone else&#x27;s cohort" not in page
    assert 'type="datetime-local"' in page
    assert '<legend><h2 class="h4 mb-0">When</h2></legend>' in page


def test_form_uses_the_programmes_own_words_for_people(signed_in, programme):
    programme.lived_experience_term_plural = "patient partners"
    programme.save()

    page = signed_in.get(new_url(programme)).content.decode()

    assert "Led by patient partners" in page
    assert "Costs like travel and care can be paid for patient partners." in page


def test_organiser_adds_a_draft_workshop_with_kept_places_and_agenda(
    signed_in, organiser, programme, venue
):
    data = workshop_data(
        venue=venue,
        places=[([Perspective.PATIENT, Perspective.CARER], 8), ([Perspective.YOUNG_PERSON], 4)],
        agenda=[("10:00", "10:30", "Welcome", "co_led"), ("10:30", "12:00", "Mapping", "led")],
    )

    response = signed_in.post(new_url(programme), data)

    workshop = Workshop.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("workshops:manage_detail", args=[workshop.pk])
    assert workshop.programme == programme
    assert workshop.status == Workshop.Status.DRAFT
    assert workshop.venue == venue
    assert sorted(r.places for r in workshop.reservations.all()) == [4, 8]
    assert [item.title for item in workshop.agenda.all()] == ["Welcome", "Mapping"]
    assert workshop.agenda.get(title="Mapping").lived_experience_role == "led"
    assert AuditEntry.objects.filter(
        action="workshops.workshop.created", actor=organiser, object_id=str(workshop.pk)
    ).exists()


def test_organiser_with_one_programme_goes_straight_to_the_form(signed_in, programme):
    response = signed_in.get(NEW)

    assert response.status_code == 200
    assert b"Add a workshop" in response.content
    assert b'name="title"' in response.content


def test_organiser_of_several_programmes_chooses_one_first(signed_in, organiser):
    second = ProgrammeFactory(title="Second programme")
    MembershipFactory(programme=second, user=organiser)

    page = signed_in.get(NEW).content.decode()

    assert "Which programme is it part of?" in page
    assert "Second programme" in page
    assert 'name="title"' not in page


def test_cohort_of_another_programme_is_refused(signed_in, programme, other_programme, venue):
    cohort = CohortFactory(programme=other_programme)

    response = signed_in.post(new_url(programme), workshop_data(venue=venue, cohort=cohort.pk))

    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not Workshop.objects.exists()


def test_stage_of_this_programme_is_kept(signed_in, programme, venue):
    stage = StageFactory(programme=programme, name="Gather experiences")

    signed_in.post(new_url(programme), workshop_data(venue=venue, stage=stage.pk))

    assert Workshop.objects.get().stage == stage


# Bad input: a plain message next to the field, and nothing saved


def _error_for(page: str, field_id: str, message: str) -> None:
    assert message in page
    # Each field's message is tied to it, so screen readers read it with the field.
    assert f'id="{field_id}"' in page
    assert "There is a problem. Nothing has been saved yet." in page


def test_end_before_start_is_refused_and_nothing_saved(signed_in, programme, venue):
    start = days_ahead(30)
    data = workshop_data(
        venue=venue,
        starts_at=local(start),
        ends_at=local(start - dt.timedelta(hours=1)),
        places=[([Perspective.PATIENT], 4)],
    )

    response = signed_in.post(new_url(programme), data)

    assert response.status_code == 200
    _error_for(response.content.decode(), "id_ends_at", "The workshop must end after it starts.")
    assert not Workshop.objects.exists()
    assert not PlaceReservation.objects.exists()


def test_registration_closing_after_the_start_is_refused(signed_in, programme, venue):
    start = days_ahead(30)
    data = workshop_data(
        venue=venue,
        starts_at=local(start),
        ends_at=local(start + dt.timedelta(hours=2)),
        registration_closes_at=local(start + dt.timedelta(hours=1)),
    )

    response = signed_in.post(new_url(programme), data)

    _error_for(
        response.content.decode(),
        "id_registration_closes_at",
        "Registration must close before the workshop starts.",
    )
    assert not Workshop.objects.exists()


def test_registration_opening_after_the_start_is_refused(signed_in, programme, venue):
    start = days_ahead(30)
    data = workshop_data(
        venue=venue,
        starts_at=local(start),
        ends_at=local(start + dt.timedelta(hours=2)),
        registration_opens_at=local(start + dt.timedelta(minutes=30)),
    )

    response = signed_in.post(new_url(programme), data)

    _error_for(
        response.content.decode(),
        "id_registration_opens_at",
        "Registration must open before the workshop starts.",
    )
    assert not Workshop.objects.exists()


def test_registration_times_are_kept_in_uk_time(signed_in, programme, venue):
    data = workshop_data(
        venue=venue,
        starts_at="2027-06-10T10:00",
        ends_at="2027-06-10T12:00",
        registration_opens_at="2027-05-01T09:00",
        registration_closes_at="2027-06-09T17:00",
    )

    signed_in.post(new_url(programme), data)

    workshop = Workshop.objects.get()
    assert workshop.registration_opens_at == dt.datetime(2027, 5, 1, 8, 0, tzinfo=UTC)
    assert workshop.registration_closes_at == dt.datetime(2027, 6, 9, 16, 0, tzinfo=UTC)


def test_kept_places_adding_up_to_more_than_capacity_are_refused(signed_in, programme, venue):
    data = workshop_data(
        venue=venue,
        capacity="10",
        places=[([Perspective.PATIENT], 8), ([Perspective.YOUNG_PERSON], 4)],
        agenda=[("10:00", "11:00", "Welcome", "")],
    )

    response = signed_in.post(new_url(programme), data)

    assert response.status_code == 200
    _error_for(
        response.content.decode(),
        "id_capacity",
        "The places kept for particular groups add up to 12, but the workshop has only 10 places.",
    )
    assert not Workshop.objects.exists()
    assert not PlaceReservation.objects.exists()
    assert not AgendaItem.objects.exists()


def test_in_person_workshop_without_a_venue_is_refused(signed_in, programme):
    response = signed_in.post(new_url(programme), workshop_data(venue=None))

    assert b"in-person and hybrid workshops need a venue" in response.content
    assert not Workshop.objects.exists()


def test_online_workshop_needs_a_joining_link(signed_in, programme):
    response = signed_in.post(new_url(programme), workshop_data(format=Workshop.Format.ONLINE))

    assert b"online and hybrid workshops need one" in response.content
    assert not Workshop.objects.exists()


def test_kept_places_line_without_a_perspective_is_refused(signed_in, programme, venue):
    data = workshop_data(venue=venue)
    data["places-0-places"] = "4"

    response = signed_in.post(new_url(programme), data)

    assert b"Choose who these places are kept for." in response.content
    assert not Workshop.objects.exists()


def test_agenda_part_ending_before_it_starts_is_refused(signed_in, programme, venue):
    data = workshop_data(venue=venue, agenda=[("11:00", "10:00", "Welcome", "")])

    response = signed_in.post(new_url(programme), data)

    assert b"This part must end after it starts." in response.content
    assert not Workshop.objects.exists()


def test_missing_required_fields_get_plain_messages(signed_in, programme, venue):
    data = workshop_data(venue=venue, title="", safeguarding_lead_name="", capacity="0")

    page = signed_in.post(new_url(programme), data).content.decode()

    assert "Give the workshop a title." in page
    assert "Name the safeguarding lead." in page
    assert "A workshop needs at least 1 place." in page
    assert 'href="#id_title"' in page
    assert not Workshop.objects.exists()


# UK time, right across the clocks going back (25 October 2026 at 2am)


def test_time_after_the_clocks_go_back_is_stored_as_gmt(signed_in, programme, venue):
    data = workshop_data(venue=venue, starts_at="2026-10-26T10:00", ends_at="2026-10-26T12:00")

    signed_in.post(new_url(programme), data)

    workshop = Workshop.objects.get()
    assert workshop.starts_at == dt.datetime(2026, 10, 26, 10, 0, tzinfo=UTC)


def test_time_before_the_clocks_go_back_is_stored_as_bst(signed_in, programme, venue):
    data = workshop_data(venue=venue, starts_at="2026-10-24T10:00", ends_at="2026-10-24T12:00")

    signed_in.post(new_url(programme), data)

    assert Workshop.objects.get().starts_at == dt.datetime(2026, 10, 24, 9, 0, tzinfo=UTC)


def test_workshop_across_the_clock_change_lasts_its_real_length(signed_in, programme, venue):
    data = workshop_data(venue=venue, starts_at="2026-10-25T00:30", ends_at="2026-10-25T03:00")

    signed_in.post(new_url(programme), data)

    workshop = Workshop.objects.get()
    # 00:30 BST to 03:00 GMT: the hour from 1am to 2am happens twice.
    assert workshop.ends_at - workshop.starts_at == dt.timedelta(hours=3, minutes=30)


def test_a_time_that_happens_twice_gets_a_plain_message(signed_in, programme, venue):
    data = workshop_data(venue=venue, starts_at="2026-10-25T01:30", ends_at="2026-10-25T04:00")

    response = signed_in.post(new_url(programme), data)

    assert b"The clocks change at this time" in response.content
    assert not Workshop.objects.exists()


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (dt.datetime(2026, 10, 24, 9, 0, tzinfo=UTC), "2026-10-24T10:00"),
        (dt.datetime(2026, 10, 26, 10, 0, tzinfo=UTC), "2026-10-26T10:00"),
    ],
)
def test_edit_form_shows_uk_times(signed_in, programme, stored, shown):
    workshop = WorkshopFactory(
        programme=programme,
        status=Workshop.Status.DRAFT,
        starts_at=stored,
        ends_at=stored + dt.timedelta(hours=2),
    )

    page = signed_in.get(reverse("workshops:manage_edit", args=[workshop.pk])).content.decode()

    assert f'value="{shown}"' in page


# Changing a workshop


def test_organiser_changes_details_kept_places_and_agenda(signed_in, organiser, programme):
    workshop = WorkshopFactory(programme=programme, status=Workshop.Status.DRAFT)
    kept = PlaceReservationFactory(workshop=workshop, places=8)
    dropped = PlaceReservationFactory(workshop=workshop, places=2)
    item = AgendaItemFactory(workshop=workshop)
    data = edit_data(workshop, title="Mapping, part two", capacity="24")
    data["places-0-places"] = "10"
    data["places-1-DELETE"] = "on"
    data["places-2-perspectives"] = [Perspective.YOUNG_PERSON]
    data["places-2-places"] = "4"
    data["agenda-0-title"] = "Hello and welcome"

    response = signed_in.post(reverse("workshops:manage_edit", args=[workshop.pk]), data)

    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.title == "Mapping, part two"
    assert workshop.capacity == 24
    kept.refresh_from_db()
    assert kept.places == 10
    assert not PlaceReservation.objects.filter(pk=dropped.pk).exists()
    assert workshop.reservations.count() == 2
    item.refresh_from_db()
    assert item.title == "Hello and welcome"
    assert AuditEntry.objects.filter(action="workshops.workshop.updated").exists()


def test_places_cannot_go_below_confirmed_registrations(signed_in, programme):
    workshop = WorkshopFactory(programme=programme, capacity=20)
    RegistrationFactory.create_batch(12, workshop=workshop)
    RegistrationFactory(workshop=workshop, status=Registration.Status.WAITLISTED)

    response = signed_in.post(
        reverse("workshops:manage_edit", args=[workshop.pk]),
        edit_data(workshop, capacity="10", title="Changed title"),
    )

    assert response.status_code == 200
    _error_for(
        response.content.decode(),
        "id_capacity",
        "12 people already have a confirmed place, so places can&#x27;t be fewer than 12.",
    )
    workshop.refresh_from_db()
    assert workshop.capacity == 20
    assert workshop.title != "Changed title"


def test_places_can_go_down_to_the_confirmed_count(signed_in, programme):
    workshop = WorkshopFactory(programme=programme, capacity=20)
    RegistrationFactory.create_batch(12, workshop=workshop)

    signed_in.post(
        reverse("workshops:manage_edit", args=[workshop.pk]), edit_data(workshop, capacity="12")
    )

    workshop.refresh_from_db()
    assert workshop.capacity == 12


def test_cutting_places_below_kept_places_changes_nothing(signed_in, programme):
    workshop = WorkshopFactory(programme=programme, capacity=20)
    PlaceReservationFactory(workshop=workshop, places=8)
    PlaceReservationFactory(workshop=workshop, places=8)

    response = signed_in.post(
        reverse("workshops:manage_edit", args=[workshop.pk]), edit_data(workshop, capacity="12")
    )

    assert b"add up to 16, but the workshop has only 12 places" in response.content
    workshop.refresh_from_db()
    assert workshop.capacity == 20


def test_published_workshop_times_are_changed_only_by_rescheduling(signed_in, programme):
    workshop = WorkshopFactory(programme=programme)
    original = workshop.starts_at

    page = signed_in.get(reverse("workshops:manage_edit", args=[workshop.pk])).content.decode()
    data = edit_data(workshop, starts_at=local(original + dt.timedelta(days=1)))
    signed_in.post(reverse("workshops:manage_edit", args=[workshop.pk]), data)

    assert "Reschedule it" in page
    workshop.refresh_from_db()
    assert workshop.starts_at == original


def test_draft_workshop_times_can_be_changed_on_the_form(signed_in, programme):
    workshop = WorkshopFactory(programme=programme, status=Workshop.Status.DRAFT)
    later = workshop.starts_at + dt.timedelta(days=1)

    signed_in.post(
        reverse("workshops:manage_edit", args=[workshop.pk]),
        edit_data(workshop, starts_at=local(later), ends_at=local(later + dt.timedelta(hours=2))),
    )

    workshop.refresh_from_db()
    assert workshop.starts_at == later


def test_cancelled_workshop_cannot_be_changed(signed_in, programme):
    workshop = WorkshopFactory(programme=programme, status=Workshop.Status.CANCELLED)

    response = signed_in.post(
        reverse("workshops:manage_edit", args=[workshop.pk]), edit_data(workshop, title="New")
    )

    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.title != "New"


# The organiser's page for one workshop


def test_organiser_page_shows_details_fill_agenda_and_kept_places(signed_in, programme):
    programme.lived_experience_term_plural = "experts by experience"
    programme.save()
    workshop = WorkshopFactory(programme=programme, capacity=20, title="Clinic journeys")
    PlaceReservationFactory(
        workshop=workshop, perspectives=[Perspective.YOUNG_PERSON.value], places=4
    )
    AgendaItemFactory(workshop=workshop, title="Welcome", lived_experience_role="led")
    RegistrationFactory.create_batch(3, workshop=workshop)

    response = signed_in.get(reverse("workshops:manage_detail", args=[workshop.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert "Clinic journeys" in page
    assert "3 of 20 places taken" in page
    assert "Young people" in page
    assert "Led by experts by experience" in page
    assert "Status: Published" in page
    assert "<caption>Agenda, UK time</caption>" in page


@pytest.mark.parametrize("count", [1, 15])
def test_organiser_page_runs_a_fixed_number_of_queries(
    signed_in, programme, count, django_assert_num_queries
):
    workshop = WorkshopFactory(programme=programme)
    for _ in range(count):
        PlaceReservationFactory(workshop=workshop, places=1)
        AgendaItemFactory(workshop=workshop)
        RegistrationFactory(workshop=workshop)
    workshop.changes.create(kind="published")
    signed_in.get(reverse("workshops:manage_detail", args=[workshop.pk]))

    # session, user, roles, MFA, workshop, reservations, agenda, materials, changes
    with django_assert_num_queries(9):
        signed_in.get(reverse("workshops:manage_detail", args=[workshop.pk]))


def test_organisers_choose_how_the_waiting_list_works(signed_in, programme, venue):
    data = workshop_data(
        venue=venue, waitlist_mode="offer", offer_hours="24", waitlist_priority="under_target"
    )

    response = signed_in.post(new_url(programme), data)

    assert response.status_code == 302
    workshop = Workshop.objects.get(title=data["title"])
    assert (workshop.waitlist_mode, workshop.offer_hours, workshop.waitlist_priority) == (
        "offer",
        24,
        "under_target",
    )


def test_a_workshop_added_without_waiting_list_choices_keeps_the_defaults(
    signed_in, programme, venue
):
    data = workshop_data(venue=venue)

    signed_in.post(new_url(programme), data)

    workshop = Workshop.objects.get(title=data["title"])
    assert (workshop.waitlist_mode, workshop.offer_hours, workshop.waitlist_priority) == (
        "confirm",
        48,
        "arrival",
    )
