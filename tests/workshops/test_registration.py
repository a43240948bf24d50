import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import PlaceReservationFactory, ProgrammeFactory, WorkshopFactory
from tests.workshops.registration_support import ready_person
from workshops.models import (
    GuardianConsent,
    Registration,
    RegistrationEvent,
    WaitlistMode,
    WaitlistPriority,
    Workshop,
)
from workshops.services import (
    guardian_consent_confirm,
    offers_expire,
    registration_accept_offer,
    registration_cancel,
    registration_create,
    registration_move,
    waitlist_position,
)

pytestmark = pytest.mark.django_db

CONFIRMED = Registration.Status.CONFIRMED
WAITLISTED = Registration.Status.WAITLISTED


@pytest.fixture
def workshop():
    return WorkshopFactory(capacity=2)


def person(n: int, perspectives=("patient",), **kwargs):
    return ready_person(f"person{n}@example.org", list(perspectives), **kwargs)


def test_a_free_place_is_confirmed_and_the_next_person_waits(workshop):
    first = registration_create(workshop=workshop, user=person(1))
    second = registration_create(workshop=workshop, user=person(2))
    third = registration_create(workshop=workshop, user=person(3))

    assert [first.status, second.status, third.status] == [CONFIRMED, CONFIRMED, WAITLISTED]
    assert waitlist_position(third) == 1
    assert RegistrationEvent.objects.filter(registration=third, kind="waitlisted").exists()


def test_places_kept_for_a_perspective_are_not_given_to_others():
    workshop = WorkshopFactory(capacity=3)
    PlaceReservationFactory(workshop=workshop, perspectives=["patient", "carer"], places=2)

    professional = registration_create(workshop=workshop, user=person(1, ["health_professional"]))
    second_professional = registration_create(
        workshop=workshop, user=person(2, ["health_professional"])
    )
    patient = registration_create(workshop=workshop, user=person(3, ["patient"]))
    carer = registration_create(workshop=workshop, user=person(4, ["carer"]))

    assert professional.status == CONFIRMED
    assert second_professional.status == WAITLISTED
    assert (patient.status, carer.status) == (CONFIRMED, CONFIRMED)


def test_kept_places_fill_first_then_the_group_can_use_general_places():
    workshop = WorkshopFactory(capacity=3)
    PlaceReservationFactory(workshop=workshop, perspectives=["patient"], places=1)

    statuses = [
        registration_create(workshop=workshop, user=person(n, ["patient"])).status for n in range(4)
    ]

    assert statuses == [CONFIRMED, CONFIRMED, CONFIRMED, WAITLISTED]


def test_a_person_and_their_companion_get_two_places_or_wait_together(workshop):
    registration_create(workshop=workshop, user=person(1))

    unit = registration_create(workshop=workshop, user=person(2), companion_name="Chris Carer")

    assert unit.status == WAITLISTED
    assert unit.places == 2


def test_cancelling_promotes_the_first_waiting_person(workshop):
    first = registration_create(workshop=workshop, user=person(1))
    registration_create(workshop=workshop, user=person(2))
    waiting = registration_create(workshop=workshop, user=person(3))
    later = registration_create(workshop=workshop, user=person(4))

    registration_cancel(registration=first, by=first.user)

    waiting.refresh_from_db()
    later.refresh_from_db()
    assert waiting.status == CONFIRMED
    assert later.status == WAITLISTED
    assert waitlist_position(later) == 1
    assert RegistrationEvent.objects.filter(
        registration=waiting, kind="promoted", notice_sent_at__isnull=True
    ).exists()


def test_a_unit_of_two_waits_while_one_place_goes_to_the_next_single_person():
    workshop = WorkshopFactory(capacity=2)
    first = registration_create(workshop=workshop, user=person(1))
    registration_create(workshop=workshop, user=person(2))
    unit = registration_create(workshop=workshop, user=person(3), companion_name="Chris")
    single = registration_create(workshop=workshop, user=person(4))

    registration_cancel(registration=first, by=first.user)

    unit.refresh_from_db()
    single.refresh_from_db()
    assert unit.status == WAITLISTED
    assert single.status == CONFIRMED


def test_in_offer_mode_the_place_is_offered_and_can_be_accepted(workshop):
    Workshop.objects.filter(pk=workshop.pk).update(waitlist_mode=WaitlistMode.OFFER, offer_hours=48)
    workshop.refresh_from_db()
    first = registration_create(workshop=workshop, user=person(1))
    registration_create(workshop=workshop, user=person(2))
    waiting = registration_create(workshop=workshop, user=person(3))

    registration_cancel(registration=first, by=first.user)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.OFFERED
    assert waiting.offer_expires_at > timezone.now() + datetime.timedelta(hours=47)

    registration_accept_offer(registration=waiting, by=waiting.user)
    waiting.refresh_from_db()
    assert waiting.status == CONFIRMED


def test_an_offer_not_taken_in_time_moves_on_to_the_next_person(workshop):
    Workshop.objects.filter(pk=workshop.pk).update(waitlist_mode=WaitlistMode.OFFER)
    workshop.refresh_from_db()
    first = registration_create(workshop=workshop, user=person(1))
    registration_create(workshop=workshop, user=person(2))
    slow = registration_create(workshop=workshop, user=person(3))
    next_up = registration_create(workshop=workshop, user=person(4))
    registration_cancel(registration=first, by=first.user)

    later = timezone.now() + datetime.timedelta(hours=49)
    assert offers_expire(now=later) == 1
    assert offers_expire(now=later) == 0

    slow.refresh_from_db()
    next_up.refresh_from_db()
    assert slow.status == WAITLISTED
    assert next_up.status == Registration.Status.OFFERED
    with pytest.raises(ValidationError):
        registration_accept_offer(registration=slow, by=slow.user)


def test_under_target_groups_go_first_when_the_workshop_asks_for_it():
    workshop = WorkshopFactory(capacity=2, waitlist_priority=WaitlistPriority.UNDER_TARGET)
    PlaceReservationFactory(workshop=workshop, perspectives=["young_person"], places=1)
    registration_create(workshop=workshop, user=person(1, ["patient"]))
    registration_create(workshop=workshop, user=person(2, ["patient"]))
    assert Registration.objects.filter(status=CONFIRMED).count() == 1
    waiting_adult = registration_create(workshop=workshop, user=person(3, ["patient"]))
    young = registration_create(workshop=workshop, user=person(4, ["young_person"], age=20))

    assert young.status == CONFIRMED
    assert waiting_adult.status == WAITLISTED


def test_an_organiser_can_move_someone_up_the_waiting_list_with_a_reason(workshop, organiser):
    registration_create(workshop=workshop, user=person(1))
    registration_create(workshop=workshop, user=person(2))
    first_waiting = registration_create(workshop=workshop, user=person(3))
    second_waiting = registration_create(workshop=workshop, user=person(4))

    with pytest.raises(ValidationError, match="Say why"):
        registration_move(registration=second_waiting, by=organiser, priority=-1, reason=" ")
    registration_move(
        registration=second_waiting, by=organiser, priority=-1, reason="Needs this session"
    )

    assert waitlist_position(second_waiting) == 1
    assert waitlist_position(first_waiting) == 2
    event = RegistrationEvent.objects.get(kind="moved")
    assert (event.by, event.reason) == (organiser, "Needs this session")


def test_under_18s_hold_a_place_until_their_guardian_says_yes(
    workshop, django_capture_on_commit_callbacks
):
    young = person(
        1,
        ["young_person"],
        age=15,
        guardian_name="Pat Parent",
        guardian_email="pat.parent@example.org",
    )
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_create(workshop=workshop, user=young)

    assert registration.status == Registration.Status.AWAITING_GUARDIAN
    # The guardian gets the link; the young person hears their place is waiting for it.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "pat.parent@example.org",
        young.email,
    ]
    (email,) = [m for m in mail.outbox if m.to == ["pat.parent@example.org"]]
    consent = GuardianConsent.objects.get(registration=registration)
    assert consent.token in email.body

    guardian_consent_confirm(token=consent.token)
    guardian_consent_confirm(token=consent.token)

    registration.refresh_from_db()
    assert registration.status == CONFIRMED
    assert (
        RegistrationEvent.objects.filter(registration=registration, kind="confirmed").count() == 1
    )


def test_a_wrong_guardian_link_is_refused():
    with pytest.raises(ValidationError, match="does not work"):
        guardian_consent_confirm(token="not-a-token")


def test_registering_twice_is_refused_and_changes_nothing(workshop):
    user = person(1)
    registration_create(workshop=workshop, user=user)

    with pytest.raises(ValidationError, match="already registered"):
        registration_create(workshop=workshop, user=user)
    assert Registration.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": Workshop.Status.DRAFT}, "not open"),
        ({"status": Workshop.Status.CANCELLED}, "cancelled"),
        ({"registration_closes_at": timezone.now() - datetime.timedelta(hours=1)}, "closed"),
    ],
)
def test_registration_is_refused_for_closed_unpublished_or_cancelled_workshops(
    workshop, change, message
):
    Workshop.objects.filter(pk=workshop.pk).update(**change)
    workshop.refresh_from_db()

    with pytest.raises(ValidationError, match=message):
        registration_create(workshop=workshop, user=person(1))
    assert not Registration.objects.exists()


def test_registration_is_refused_for_a_draft_programme():
    workshop = WorkshopFactory(programme=ProgrammeFactory(status="draft"))

    with pytest.raises(ValidationError, match="not open"):
        registration_create(workshop=workshop, user=person(1))


def test_registration_with_an_unfinished_profile_says_what_to_do(workshop, patient):
    with pytest.raises(ValidationError):
        registration_create(workshop=workshop, user=patient)
    assert not Registration.objects.exists()


def test_someone_who_cancelled_can_register_again(workshop):
    user = person(1)
    registration = registration_create(workshop=workshop, user=user)
    registration_cancel(registration=registration, by=user)

    again = registration_create(workshop=workshop, user=user)

    assert again.pk == registration.pk
    assert again.status == CONFIRMED
