"""Publishing, unpublishing, duplicating, rescheduling and cancelling from the organiser pages."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from codesign.core.models import AuditEntry
from participants.models import Perspective
from tests.factories import (
    AgendaItemFactory,
    PlaceReservationFactory,
    RegistrationFactory,
    WorkshopFactory,
)
from tests.workshops.organise_support import days_ahead, local
from workshops.models import Workshop, WorkshopChange


@pytest.fixture
def signed_in(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))
    return client


def url(name, workshop):
    return reverse(f"workshops:{name}", args=[workshop.pk])


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# Publish and unpublish


def test_organiser_publishes_a_draft(signed_in, organiser, programme):
    workshop = WorkshopFactory(programme=programme, status=Workshop.Status.DRAFT)

    response = signed_in.post(url("manage_publish", workshop), follow=True)

    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.PUBLISHED
    assert "is published" in response.content.decode()
    change = WorkshopChange.objects.get(workshop=workshop)
    assert change.kind == WorkshopChange.Kind.PUBLISHED
    assert change.changed_by == organiser
    assert AuditEntry.objects.filter(action="workshops.workshop.published").exists()


def test_past_workshop_cannot_be_published(signed_in, programme):
    start = timezone.now() - dt.timedelta(days=2)
    workshop = WorkshopFactory(
        programme=programme,
        status=Workshop.Status.DRAFT,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )

    response = signed_in.post(url("manage_publish", workshop), follow=True)

    assert "This workshop has already happened, so it can&#x27;t be published." in (
        response.content.decode()
    )
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.DRAFT
    assert not WorkshopChange.objects.exists()


def test_cancelled_workshop_cannot_be_published_again(signed_in, programme):
    workshop = WorkshopFactory(programme=programme, status=Workshop.Status.CANCELLED)

    response = signed_in.post(url("manage_publish", workshop), follow=True)

    assert "was cancelled, so it can&#x27;t be published again" in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.CANCELLED


def test_organiser_unpublishes_a_workshop(signed_in, programme):
    workshop = WorkshopFactory(programme=programme)

    signed_in.post(url("manage_unpublish", workshop))

    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.DRAFT
    assert WorkshopChange.objects.get().kind == WorkshopChange.Kind.UNPUBLISHED


def test_unpublishing_a_draft_is_refused_plainly(signed_in, programme):
    workshop = WorkshopFactory(programme=programme, status=Workshop.Status.DRAFT)

    response = signed_in.post(url("manage_unpublish", workshop), follow=True)

    assert "isn&#x27;t published" in response.content.decode()
    assert not WorkshopChange.objects.exists()


# Duplicate


def test_duplicate_copies_details_agenda_and_kept_places_as_a_draft(signed_in, programme):
    workshop = WorkshopFactory(programme=programme, title="Clinic journeys", capacity=24)
    PlaceReservationFactory(workshop=workshop, places=8)
    PlaceReservationFactory(workshop=workshop, perspectives=[Perspective.YOUNG_PERSON], places=4)
    AgendaItemFactory(workshop=workshop, title="Welcome", lived_experience_role="co_led")
    AgendaItemFactory(
        workshop=workshop,
        title="Mapping",
        starts_at=dt.time(10, 30),
        ends_at=dt.time(12, 0),
        lived_experience_role="",
    )
    RegistrationFactory(workshop=workshop)

    response = signed_in.post(url("manage_duplicate", workshop))

    copy = Workshop.objects.exclude(pk=workshop.pk).get()
    assert response.status_code == 302
    assert response.url == url("manage_edit", copy)
    assert copy.title == "Copy of Clinic journeys"
    assert copy.status == Workshop.Status.DRAFT
    assert copy.capacity == 24
    assert copy.venue == workshop.venue
    assert sorted((r.places, tuple(r.perspectives)) for r in copy.reservations.all()) == sorted(
        (r.places, tuple(r.perspectives)) for r in workshop.reservations.all()
    )
    assert [(i.title, i.lived_experience_role) for i in copy.agenda.all()] == [
        ("Welcome", "co_led"),
        ("Mapping", ""),
    ]
    assert not copy.registrations.exists()
    assert workshop.reservations.count() == 2


def test_a_cancelled_workshop_can_be_duplicated(signed_in, programme):
    workshop = WorkshopFactory(
        programme=programme, status=Workshop.Status.CANCELLED, cancelled_reason="Snow"
    )

    signed_in.post(url("manage_duplicate", workshop))

    copy = Workshop.objects.exclude(pk=workshop.pk).get()
    assert copy.status == Workshop.Status.DRAFT
    assert copy.cancelled_reason == ""


# Reschedule


def test_reschedule_page_shows_the_current_times(signed_in, programme):
    workshop = WorkshopFactory(programme=programme)

    page = signed_in.get(url("manage_reschedule", workshop)).content.decode()

    assert f'value="{local(workshop.starts_at)}"' in page
    assert page.count("<h1") == 1


def test_reschedule_moves_the_workshop_and_records_old_and_new_times(
    signed_in, organiser, programme
):
    workshop = WorkshopFactory(programme=programme)
    old_start, old_end = workshop.starts_at, workshop.ends_at
    RegistrationFactory(workshop=workshop)
    new_start = days_ahead(40, hour=14)

    response = signed_in.post(
        url("manage_reschedule", workshop),
        {
            "starts_at": local(new_start),
            "ends_at": local(new_start + dt.timedelta(hours=2)),
            "reason": "The room flooded.",
        },
    )

    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.starts_at == new_start
    change = WorkshopChange.objects.get()
    assert change.kind == WorkshopChange.Kind.RESCHEDULED
    assert (change.old_starts_at, change.old_ends_at) == (old_start, old_end)
    assert (change.new_starts_at, change.new_ends_at) == (
        new_start,
        new_start + dt.timedelta(hours=2),
    )
    assert change.reason == "The room flooded."
    assert change.changed_by == organiser
    # The notices for everyone affected were queued with the change (tests/workshops/
    # test_notices.py shows what they say).
    assert change.notices_sent_at is not None
    page = signed_in.get(url("manage_detail", workshop)).content.decode()
    assert "The room flooded." in page


def test_reschedule_to_the_past_is_refused(signed_in, programme):
    workshop = WorkshopFactory(programme=programme)
    original = workshop.starts_at
    past = timezone.now() - dt.timedelta(days=1)

    response = signed_in.post(
        url("manage_reschedule", workshop),
        {
            "starts_at": local(past),
            "ends_at": local(past + dt.timedelta(hours=2)),
            "reason": "Oops",
        },
    )

    assert response.status_code == 200
    assert b"Choose a start time in the future." in response.content
    workshop.refresh_from_db()
    assert workshop.starts_at == original
    assert not WorkshopChange.objects.exists()


def test_reschedule_needs_a_reason_and_an_end_after_the_start(signed_in, programme):
    workshop = WorkshopFactory(programme=programme)
    new_start = days_ahead(40)

    response = signed_in.post(
        url("manage_reschedule", workshop),
        {"starts_at": local(new_start), "ends_at": local(new_start), "reason": ""},
    )

    page = response.content.decode()
    assert "Say why it is moving." in page
    assert not WorkshopChange.objects.exists()
    response = signed_in.post(
        url("manage_reschedule", workshop),
        {"starts_at": local(new_start), "ends_at": local(new_start), "reason": "Room"},
    )
    assert b"The workshop must end after it starts." in response.content
    assert not WorkshopChange.objects.exists()


def test_cancelled_workshop_cannot_be_rescheduled(signed_in, programme):
    workshop = WorkshopFactory(programme=programme, status=Workshop.Status.CANCELLED)
    new_start = days_ahead(40)

    signed_in.post(
        url("manage_reschedule", workshop),
        {
            "starts_at": local(new_start),
            "ends_at": local(new_start + dt.timedelta(hours=1)),
            "reason": "Trying",
        },
    )

    assert not WorkshopChange.objects.exists()


# Cancel


def test_cancel_page_asks_for_a_reason_and_says_who_will_be_told(signed_in, programme):
    workshop = WorkshopFactory(programme=programme)
    RegistrationFactory.create_batch(2, workshop=workshop)

    page = signed_in.get(url("manage_cancel", workshop)).content.decode()

    assert "2 people have a confirmed place" in page
    assert "Why is it cancelled?" in page


def test_cancel_records_the_reason_and_the_change(signed_in, organiser, programme):
    workshop = WorkshopFactory(programme=programme)

    response = signed_in.post(url("manage_cancel", workshop), {"reason": "The facilitator is ill."})

    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.CANCELLED
    assert workshop.cancelled_reason == "The facilitator is ill."
    change = WorkshopChange.objects.get()
    assert change.kind == WorkshopChange.Kind.CANCELLED
    assert change.reason == "The facilitator is ill."
    assert change.old_starts_at == workshop.starts_at
    assert AuditEntry.objects.filter(action="workshops.workshop.cancelled").exists()


def test_cancel_without_a_reason_changes_nothing(signed_in, programme):
    workshop = WorkshopFactory(programme=programme)

    response = signed_in.post(url("manage_cancel", workshop), {"reason": "  "})

    assert response.status_code == 200
    assert b"Say why it is cancelled." in response.content
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.PUBLISHED
    assert not WorkshopChange.objects.exists()


def test_cancelling_twice_records_one_change(signed_in, programme):
    workshop = WorkshopFactory(programme=programme)

    signed_in.post(url("manage_cancel", workshop), {"reason": "Snow"})
    signed_in.post(url("manage_cancel", workshop), {"reason": "Snow again"})

    assert WorkshopChange.objects.count() == 1
