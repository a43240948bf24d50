"""Many people pressing Register at the same moment, each on their own database connection.

Runs on PostgreSQL (CI): a plain test transaction would hide locking bugs, so these tests commit
for real. SQLite serialises every write anyway, so they are skipped there.
"""

import threading

import pytest
from django.db import connection, connections, transaction

from tests.factories import PlaceReservationFactory, WorkshopFactory
from tests.workshops.registration_support import ready_person
from workshops.models import Registration
from workshops.services import registration_create

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locking needs PostgreSQL (CI runs it)"
    ),
]


def _register_all_at_once(workshop, users) -> dict[int, int]:
    """Start every registration together; returns the order each one finished in."""
    start = threading.Barrier(len(users))
    finished: dict[int, int] = {}
    lock = threading.Lock()
    errors: list[BaseException] = []

    def register(user) -> None:
        try:
            start.wait()
            made = []

            def record() -> None:
                with lock:
                    finished[made[0].pk] = len(finished)

            # Recorded the moment the registration commits (so in the order the workshop lock
            # was granted), before the confirmation email that also runs on commit.
            with transaction.atomic():
                transaction.on_commit(record)
                made.append(registration_create(workshop=workshop, user=user))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return finished


def test_forty_people_registering_at_once_for_ten_places_end_with_exactly_ten_confirmed():
    workshop = WorkshopFactory(capacity=10)
    users = [ready_person(f"rush{n}@example.org", ["patient"]) for n in range(40)]

    finished = _register_all_at_once(workshop, users)

    registrations = list(Registration.objects.filter(workshop=workshop))
    confirmed = [r for r in registrations if r.status == Registration.Status.CONFIRMED]
    waiting = [r for r in registrations if r.status == Registration.Status.WAITLISTED]
    assert len(confirmed) == 10
    assert len(waiting) == 30
    # Places went in the order the locks were granted: the first ten to finish have them.
    assert {r.pk for r in confirmed} == {pk for pk, order in finished.items() if order < 10}
    # And the waiting list keeps arrival order.
    queue = sorted(waiting, key=lambda r: (r.queued_at, r.pk))
    assert [finished[r.pk] for r in queue] == sorted(finished[r.pk] for r in waiting)


def test_kept_places_hold_under_a_rush_from_every_group():
    workshop = WorkshopFactory(capacity=10)
    PlaceReservationFactory(workshop=workshop, perspectives=["patient", "carer"], places=4)
    PlaceReservationFactory(workshop=workshop, perspectives=["young_person"], places=2)
    users = (
        [ready_person(f"pro{n}@example.org", ["health_professional"]) for n in range(20)]
        + [ready_person(f"pat{n}@example.org", ["patient"]) for n in range(12)]
        + [ready_person(f"yp{n}@example.org", ["young_person"], age=20) for n in range(10)]
    )

    _register_all_at_once(workshop, users)

    confirmed = Registration.objects.filter(workshop=workshop, status=Registration.Status.CONFIRMED)
    assert confirmed.count() == 10
    by_group = {
        "pro": confirmed.filter(user__email__startswith="pro").count(),
        "pat": confirmed.filter(user__email__startswith="pat").count(),
        "yp": confirmed.filter(user__email__startswith="yp").count(),
    }
    assert by_group["pat"] >= 4
    assert by_group["yp"] >= 2
    assert by_group["pro"] <= 4
