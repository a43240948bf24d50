"""No decision can take a scheme past its budget, even when reviewers decide at the same moment."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from bursaries.models import Application
from bursaries.services import BursaryRefused, bursary_decide, scheme_committed
from tests.bursaries.factories import ApplicationFactory, SchemeFactory
from tests.factories import UserFactory


def test_an_award_that_would_pass_the_budget_is_refused_and_changes_nothing(db):
    scheme = SchemeFactory(budget=Decimal("250.00"), max_award=Decimal("200.00"))
    decider = UserFactory()
    first = ApplicationFactory(scheme=scheme, amount=Decimal("200.00"))
    second = ApplicationFactory(scheme=scheme, amount=Decimal("100.00"))
    bursary_decide(application=first, decided_by=decider, outcome="full", reason="Meets criteria")

    with pytest.raises(BursaryRefused, match="past the budget: £50.00 is left"):
        bursary_decide(
            application=second, decided_by=decider, outcome="full", reason="Meets criteria"
        )

    second.refresh_from_db()
    assert second.status == Application.Status.SUBMITTED
    assert second.outcome == ""
    assert scheme_committed(scheme) == Decimal("200.00")


def test_a_partial_award_fits_what_is_left(db):
    scheme = SchemeFactory(budget=Decimal("250.00"), max_award=Decimal("200.00"))
    decider = UserFactory()
    bursary_decide(
        application=ApplicationFactory(scheme=scheme, amount=Decimal("200.00")),
        decided_by=decider,
        outcome="full",
        reason="Meets criteria",
    )
    second = ApplicationFactory(scheme=scheme, amount=Decimal("100.00"))

    bursary_decide(
        application=second,
        decided_by=decider,
        outcome="partial",
        amount=Decimal("50.00"),
        reason="Travel only, the budget is nearly spent",
    )

    second.refresh_from_db()
    assert second.status == Application.Status.APPROVED
    assert second.awarded == Decimal("50.00")
    assert scheme_committed(scheme) == Decimal("250.00")


def test_a_decision_needs_a_reason(db):
    application = ApplicationFactory()

    with pytest.raises(BursaryRefused, match="Give a reason"):
        bursary_decide(
            application=application, decided_by=UserFactory(), outcome="decline", reason=" "
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locking needs PostgreSQL (CI runs it)"
)
def test_twenty_decisions_at_the_same_moment_never_pass_the_budget():
    scheme = SchemeFactory(budget=Decimal("1000.00"), max_award=Decimal("300.00"))
    deciders = [UserFactory() for _ in range(20)]
    applications = [ApplicationFactory(scheme=scheme, amount=Decimal("150.00")) for _ in range(20)]
    start = threading.Barrier(len(applications))
    refused: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def decide(application, decider) -> None:
        try:
            start.wait()
            bursary_decide(
                application=application,
                decided_by=decider,
                outcome="full",
                reason="Meets the criteria",
            )
        except BursaryRefused:
            with lock:
                refused.append(application.pk)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=pair)
        for pair in zip(applications, deciders, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    approved = Application.objects.filter(scheme=scheme, status=Application.Status.APPROVED)
    # £1,000 holds six awards of £150 (£900); the other fourteen were refused.
    assert approved.count() == 6
    assert len(refused) == 14
    assert scheme_committed(scheme) == Decimal("900.00")
