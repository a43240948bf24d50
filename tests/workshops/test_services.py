"""The organising services on their own: each refuses what it must, saves all or nothing, and
records the change and the audit entry."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from codesign.core.models import AuditEntry
from participants.models import Perspective
from tests.factories import (
    AgendaItemFactory,
    PlaceReservationFactory,
    RegistrationFactory,
    VenueFactory,
    WorkshopFactory,
)
from tests.workshops.organise_support import PDF, days_ahead
from workshops import services
from workshops.models import AgendaItem, Material, PlaceReservation, Venue, Workshop, WorkshopChange
from workshops.services import AgendaLine, ReservationLine


@pytest.fixture
def venue(db):
    return VenueFactory()


def data(venue, **overrides):
    start = days_ahead(20)
    values = {
        "title": "Clinic journeys",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=3),
        "format": Workshop.Format.IN_PERSON,
        "venue": venue,
        "capacity": 20,
        "safeguarding_lead_name": "Sam Safe",
        "safeguarding_lead_contact": "safe@example.org",
        "access_contact_name": "Alex Access",
        "access_contact_details": "access@example.org",
    }
    values.update(overrides)
    return values


def messages(error: ValidationError) -> list[str]:
    return error.value.messages


# Create and update


def test_workshop_create_saves_a_draft_with_its_lines(organiser, programme, venue):
    workshop = services.workshop_create(
        programme=programme,
        data=data(venue),
        reservations=[ReservationLine(perspectives=[Perspective.PATIENT], places=8)],
        agenda=[AgendaLine(starts_at=dt.time(10), ends_at=dt.time(11), title="Welcome")],
        created_by=organiser,
    )

    assert workshop.status == Workshop.Status.DRAFT
    assert workshop.reservations.get().places == 8
    assert workshop.agenda.get().title == "Welcome"
    entry = AuditEntry.objects.get(action="workshops.workshop.created")
    assert entry.actor == organiser


def test_workshop_create_saves_nothing_when_kept_places_exceed_capacity(
    organiser, programme, venue
):
    with pytest.raises(ValidationError) as error:
        services.workshop_create(
            programme=programme,
            data=data(venue, capacity=6),
            reservations=[
                ReservationLine(perspectives=[Perspective.PATIENT], places=4),
                ReservationLine(perspectives=[Perspective.YOUNG_PERSON], places=4),
            ],
            agenda=[AgendaLine(starts_at=dt.time(10), ends_at=dt.time(11), title="Welcome")],
            created_by=organiser,
        )

    assert "capacity" in error.value.message_dict
    assert not Workshop.objects.exists()
    assert not PlaceReservation.objects.exists()
    assert not AgendaItem.objects.exists()
    assert not AuditEntry.objects.exists()


def test_workshop_create_refuses_a_bad_agenda_line_and_saves_nothing(organiser, programme, venue):
    with pytest.raises(ValidationError):
        services.workshop_create(
            programme=programme,
            data=data(venue),
            agenda=[AgendaLine(starts_at=dt.time(11), ends_at=dt.time(10), title="Backwards")],
            created_by=organiser,
        )

    assert not Workshop.objects.exists()


def test_workshop_update_rechecks_confirmed_places_itself(organiser, programme):
    workshop = WorkshopFactory(programme=programme, capacity=10)
    RegistrationFactory.create_batch(5, workshop=workshop)

    with pytest.raises(ValidationError) as error:
        services.workshop_update(
            workshop=workshop, data={"capacity": 4, "title": "New"}, updated_by=organiser
        )

    assert error.value.message_dict["capacity"] == [
        "5 people already have a confirmed place, so places can't be fewer than 5."
    ]
    workshop.refresh_from_db()
    assert (workshop.capacity, workshop.title) != (4, "New")


def test_one_confirmed_place_reads_in_the_singular(organiser, programme):
    workshop = WorkshopFactory(programme=programme, capacity=10)
    RegistrationFactory(workshop=workshop)

    with pytest.raises(ValidationError) as error:
        services.workshop_update(workshop=workshop, data={"capacity": 0}, updated_by=organiser)

    assert "1 person already has a confirmed place" in " ".join(messages(error))


def test_workshop_update_refuses_to_move_a_published_workshop(organiser, programme):
    workshop = WorkshopFactory(programme=programme)
    later = workshop.starts_at + dt.timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        services.workshop_update(
            workshop=workshop,
            data={"starts_at": later, "ends_at": later + dt.timedelta(hours=1)},
            updated_by=organiser,
        )

    assert "Reschedule" in error.value.message_dict["starts_at"][0]


def test_workshop_update_edits_deletes_and_adds_lines(organiser, programme):
    workshop = WorkshopFactory(programme=programme, status=Workshop.Status.DRAFT)
    keep = PlaceReservationFactory(workshop=workshop, places=4)
    drop = PlaceReservationFactory(workshop=workshop, places=4)
    item = AgendaItemFactory(workshop=workshop)

    services.workshop_update(
        workshop=workshop,
        data={},
        reservations=[
            ReservationLine(id=keep.pk, perspectives=[Perspective.CARER], places=6),
            ReservationLine(id=drop.pk, perspectives=[], places=0, delete=True),
            ReservationLine(perspectives=[Perspective.YOUNG_PERSON], places=2),
        ],
        agenda=[
            AgendaLine(
                id=item.pk,
                starts_at=item.starts_at,
                ends_at=item.ends_at,
                title=item.title,
                delete=True,
            )
        ],
        updated_by=organiser,
    )

    keep.refresh_from_db()
    assert keep.perspectives == [Perspective.CARER] and keep.places == 6
    assert not PlaceReservation.objects.filter(pk=drop.pk).exists()
    assert workshop.reservations.count() == 2
    assert not workshop.agenda.exists()


def test_lines_of_another_workshop_cannot_be_changed_through_this_one(organiser, programme):
    workshop = WorkshopFactory(programme=programme)
    elsewhere = PlaceReservationFactory(places=3)

    with pytest.raises(ValidationError):
        services.workshop_update(
            workshop=workshop,
            data={},
            reservations=[ReservationLine(id=elsewhere.pk, perspectives=[], places=0, delete=True)],
            updated_by=organiser,
        )

    assert PlaceReservation.objects.filter(pk=elsewhere.pk).exists()


# Publish, unpublish, duplicate


def test_publish_records_the_change(organiser, programme):
    workshop = WorkshopFactory(programme=programme, status=Workshop.Status.DRAFT)

    services.workshop_publish(workshop=workshop, published_by=organiser)

    workshop.refresh_from_db()
    assert workshop.is_published
    assert workshop.changes.get().kind == WorkshopChange.Kind.PUBLISHED


@pytest.mark.parametrize(
    ("status", "days", "message"),
    [
        (Workshop.Status.PUBLISHED, 5, "This workshop is already published."),
        (Workshop.Status.CANCELLED, 5, "This workshop was cancelled, so it can't be published"),
        (
            Workshop.Status.DRAFT,
            -5,
            "This workshop has already happened, so it can't be published.",
        ),
    ],
)
def test_publish_refuses_illegal_moves(organiser, programme, status, days, message):
    start = timezone.now() + dt.timedelta(days=days)
    workshop = WorkshopFactory(
        programme=programme, status=status, starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )

    with pytest.raises(ValidationError) as error:
        services.workshop_publish(workshop=workshop, published_by=organiser)

    assert message in " ".join(messages(error))
    assert not WorkshopChange.objects.exists()


def test_unpublish_records_the_change_and_keeps_registrations(organiser, programme):
    workshop = WorkshopFactory(programme=programme)
    RegistrationFactory(workshop=workshop)

    services.workshop_unpublish(workshop=workshop, unpublished_by=organiser)

    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.DRAFT
    assert workshop.registrations.count() == 1
    assert workshop.changes.get().kind == WorkshopChange.Kind.UNPUBLISHED
    assert AuditEntry.objects.filter(action="workshops.workshop.unpublished").exists()


def test_duplicate_keeps_titles_within_the_length_limit(organiser, programme):
    workshop = WorkshopFactory(programme=programme, title="x" * 200)

    copy = services.workshop_duplicate(workshop=workshop, duplicated_by=organiser)

    assert len(copy.title) == 200
    assert copy.title.startswith("Copy of ")
    entry = AuditEntry.objects.get(action="workshops.workshop.duplicated")
    assert entry.data == {"copied_from": workshop.pk}


# Reschedule and cancel


def test_reschedule_records_old_and_new_times(organiser, programme):
    workshop = WorkshopFactory(programme=programme)
    old = (workshop.starts_at, workshop.ends_at)
    new_start = days_ahead(50)

    change = services.workshop_reschedule(
        workshop=workshop,
        starts_at=new_start,
        ends_at=new_start + dt.timedelta(hours=2),
        reason="Room double-booked",
        rescheduled_by=organiser,
    )

    assert (change.old_starts_at, change.old_ends_at) == old
    assert change.new_starts_at == new_start
    workshop.refresh_from_db()
    assert workshop.starts_at == new_start
    assert AuditEntry.objects.get(action="workshops.workshop.rescheduled").data["reason"] == (
        "Room double-booked"
    )


def test_reschedule_before_registration_closes_is_refused(organiser, programme):
    start = days_ahead(30)
    workshop = WorkshopFactory(
        programme=programme,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        registration_closes_at=start - dt.timedelta(days=1),
    )
    earlier = start - dt.timedelta(days=5)

    with pytest.raises(ValidationError) as error:
        services.workshop_reschedule(
            workshop=workshop,
            starts_at=earlier,
            ends_at=earlier + dt.timedelta(hours=2),
            reason="Sooner",
            rescheduled_by=organiser,
        )

    assert "Registration closes after this new start time" in " ".join(messages(error))
    assert not WorkshopChange.objects.exists()


def test_reschedule_to_the_same_times_is_refused(organiser, programme):
    workshop = WorkshopFactory(programme=programme)

    with pytest.raises(ValidationError):
        services.workshop_reschedule(
            workshop=workshop,
            starts_at=workshop.starts_at,
            ends_at=workshop.ends_at,
            reason="No change",
            rescheduled_by=organiser,
        )

    assert not WorkshopChange.objects.exists()


def test_cancel_refuses_a_past_workshop(organiser, programme):
    start = timezone.now() - dt.timedelta(days=3)
    workshop = WorkshopFactory(
        programme=programme, starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )

    with pytest.raises(ValidationError) as error:
        services.workshop_cancel(workshop=workshop, reason="Late", cancelled_by=organiser)

    assert "already happened" in " ".join(messages(error))
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.PUBLISHED


# Materials and venues


def test_material_add_removes_the_file_if_the_save_fails(
    organiser, programme, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    workshop = WorkshopFactory(programme=programme)

    def broken_audit(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "audit_log", broken_audit)
    with pytest.raises(RuntimeError):
        services.material_add(
            workshop=workshop,
            title="Slides",
            kind=Material.Kind.SLIDES,
            upload=SimpleUploadedFile("slides.pdf", PDF),
            uploaded_by=organiser,
        )

    assert not Material.objects.exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


def test_empty_file_is_refused(organiser, programme, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    workshop = WorkshopFactory(programme=programme)

    with pytest.raises(ValidationError) as error:
        services.material_add(
            workshop=workshop,
            title="Nothing",
            kind=Material.Kind.OTHER,
            upload=SimpleUploadedFile("empty.pdf", b""),
            uploaded_by=organiser,
        )

    assert "empty" in " ".join(messages(error))


def test_venue_create_and_update_are_audited(organiser):
    venue = services.venue_create(
        data={"name": "Hall", "address": "1 Street", "step_free": True}, created_by=organiser
    )
    services.venue_update(venue=venue, data={"hearing_loop": True}, updated_by=organiser)

    venue.refresh_from_db()
    assert venue.step_free and venue.hearing_loop
    update = AuditEntry.objects.get(action="workshops.venue.updated")
    assert update.data == {"fields": ["hearing_loop"]}
    assert AuditEntry.objects.filter(action="workshops.venue.created").exists()


def test_venue_without_an_address_is_refused(organiser):
    with pytest.raises(ValidationError):
        services.venue_create(data={"name": "Hall", "address": ""}, created_by=organiser)

    assert not Venue.objects.exists()
