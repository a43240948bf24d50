"""Organisers accepting pairs at the same moment, each on their own database connection.

Runs on PostgreSQL (CI): a plain test transaction would hide locking bugs, so these tests commit
for real. SQLite serialises every write anyway, so they are skipped there.
"""

import threading

import pytest
from django.db import connection, connections

from codesign.core.models import OutboxMessage
from pairs import services
from pairs.models import Pair
from pairs.services import PairRefused
from participants.models import Perspective
from programmes.models import TeamRole
from tests.factories import MembershipFactory, ProgrammeFactory
from tests.pairs.support import cohort_of, partner_n, professional_n, submitted
from tests.workshops.registration_support import ready_person

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locking needs PostgreSQL (CI runs it)"
    ),
]


def _all_at_once(calls) -> tuple[list[Pair], list[str]]:
    """Run every call together; returns the pairs decided and the refusals."""
    start = threading.Barrier(len(calls))
    done: list[Pair] = []
    refused: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(call) -> None:
        try:
            start.wait()
            result = call()
            with lock:
                done.append(result)
        except PairRefused as error:
            with lock:
                refused.append(" ".join(error.messages))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return done, refused


def _organisers(programme, count: int) -> list:
    people = []
    for n in range(count):
        user = ready_person(f"organiser{n}@example.org", [Perspective.MANAGER])
        MembershipFactory(programme=programme, user=user, role=TeamRole.ORGANISER)
        people.append(user)
    return people


def test_ten_pairs_accepted_at_once_into_three_places_end_with_exactly_three():
    programme = ProgrammeFactory()
    cohort = cohort_of(programme, places=3)
    pairs = [submitted(cohort, professional_n(n), partner_n(n)) for n in range(10)]
    organisers = _organisers(programme, 10)

    done, refused = _all_at_once(
        [
            lambda pair=pair, who=who: services.pair_decide(
                pair=pair, decided_by=who, decision="accept"
            )
            for pair, who in zip(pairs, organisers, strict=True)
        ]
    )

    assert len(done) == 3
    assert len(refused) == 7
    assert all("is full: all 3 places for pairs are taken" in message for message in refused)
    statuses = list(Pair.objects.filter(cohort=cohort).values_list("status", flat=True))
    assert statuses.count(Pair.Status.ACCEPTED) == 3
    assert statuses.count(Pair.Status.SUBMITTED) == 7
    # Both partners of each accepted pair, and nobody else, were told.
    told = OutboxMessage.objects.filter(
        kind="pair_update", params__occasion__startswith="decided-accepted"
    )
    accepted = Pair.objects.filter(cohort=cohort, status=Pair.Status.ACCEPTED)
    assert sorted(told.values_list("to", flat=True)) == sorted(
        [p.professional.email for p in accepted] + [p.partner.email for p in accepted]
    )


def test_two_organisers_deciding_one_pair_at_once_decide_it_once_for_both_partners():
    programme = ProgrammeFactory()
    cohort = cohort_of(programme, places=5)
    pair = submitted(cohort, professional_n(1), partner_n(1))
    first, second = _organisers(programme, 2)

    done, refused = _all_at_once(
        [
            lambda: services.pair_decide(pair=pair, decided_by=first, decision="accept"),
            lambda: services.pair_decide(
                pair=pair, decided_by=second, decision="decline", reason="Too late."
            ),
        ]
    )

    assert len(done) == 1 and len(refused) == 1
    pair.refresh_from_db()
    assert pair.status == done[0].status
    assert "so it can't be decided now" in refused[0]
    told = OutboxMessage.objects.filter(kind="pair_update", params__occasion__startswith="decided")
    assert told.count() == 2
    assert {m.to for m in told} == {pair.professional.email, pair.partner.email}


def test_a_partner_joining_while_the_professional_withdraws_ends_one_way_only():
    programme = ProgrammeFactory()
    cohort = cohort_of(programme, places=5)
    professional, partner = professional_n(1), partner_n(1)
    from tests.pairs.support import start

    pair = start(cohort, professional, partner_email=partner.email)

    done, refused = _all_at_once(
        [
            lambda: services.pair_accept(pair=pair, partner=partner, statement="I can help."),
            lambda: services.pair_withdraw(pair=pair, by=professional),
        ]
    )

    pair.refresh_from_db()
    assert pair.status == Pair.Status.WITHDRAWN
    if refused:  # the withdrawal came first, so joining was refused
        assert pair.partner is None
    else:  # joined, then withdrawn: both were told it was withdrawn
        assert pair.partner == partner
        told = OutboxMessage.objects.filter(kind="pair_update", params__occasion="withdrawn")
        assert {m.to for m in told} == {professional.email, partner.email}
