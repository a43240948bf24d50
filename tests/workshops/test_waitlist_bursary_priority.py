"""Organisers may put people awarded a bursary first on a workshop's waiting list."""

from django.utils import timezone

from bursaries.models import Application
from tests.bursaries.factories import ApplicationFactory, SchemeFactory
from tests.factories import WorkshopFactory
from tests.workshops.registration_support import ready_person
from workshops.models import Registration, WaitlistPriority
from workshops.services import registration_cancel, registration_create, waitlist_positions

CONFIRMED, WAITLISTED = Registration.Status.CONFIRMED, Registration.Status.WAITLISTED


def _award(user, *, scheme, released=True) -> Application:
    now = timezone.now()
    return ApplicationFactory(
        scheme=scheme,
        applicant=user,
        status=Application.Status.APPROVED,
        outcome=Application.Outcome.FULL,
        awarded=100,
        decided_at=now,
        released_at=now if released else None,
    )


def _full_workshop(priority: str):
    workshop = WorkshopFactory(capacity=1, waitlist_priority=priority)
    first = registration_create(
        workshop=workshop, user=ready_person("first@example.org", ["patient"])
    )
    early = registration_create(
        workshop=workshop, user=ready_person("early@example.org", ["carer"])
    )
    late_user = ready_person("late@example.org", ["carer"])
    late = registration_create(workshop=workshop, user=late_user)
    assert first.status == CONFIRMED and early.status == late.status == WAITLISTED
    return workshop, first, early, late


def test_a_bursary_holder_goes_first_when_the_workshop_asks_for_it(db):
    workshop, first, early, late = _full_workshop(WaitlistPriority.BURSARY)
    _award(late.user, scheme=SchemeFactory(programme=workshop.programme))

    assert waitlist_positions([early, late]) == {late.pk: 1, early.pk: 2}
    registration_cancel(registration=first, by=first.user)

    late.refresh_from_db()
    early.refresh_from_db()
    assert late.status == CONFIRMED
    assert early.status == WAITLISTED


def test_an_award_for_this_workshop_counts_and_one_for_another_workshop_does_not(db):
    workshop, first, early, late = _full_workshop(WaitlistPriority.BURSARY)
    other = WorkshopFactory(programme=workshop.programme)
    _award(early.user, scheme=SchemeFactory(programme=workshop.programme, workshop=other))
    _award(late.user, scheme=SchemeFactory(programme=workshop.programme, workshop=workshop))

    assert waitlist_positions([early, late]) == {late.pk: 1, early.pk: 2}


def test_a_decision_not_yet_told_to_the_applicant_does_not_count(db):
    workshop, first, early, late = _full_workshop(WaitlistPriority.BURSARY)
    _award(late.user, scheme=SchemeFactory(programme=workshop.programme), released=False)

    assert waitlist_positions([early, late]) == {early.pk: 1, late.pk: 2}


def test_first_come_first_served_ignores_bursaries(db):
    workshop, first, early, late = _full_workshop(WaitlistPriority.ARRIVAL)
    _award(late.user, scheme=SchemeFactory(programme=workshop.programme))

    registration_cancel(registration=first, by=first.user)

    early.refresh_from_db()
    assert early.status == CONFIRMED
