"""My bursaries: where each application stands, a decision only once it is released, and the
claim form once the award can be claimed. The same number of queries however many there are."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from bursaries.models import Application, Claim, ClaimItem, CostType
from bursaries.services import bursary_decide, decisions_release
from tests.bursaries.factories import ApplicationFactory, SchemeFactory
from tests.factories import WorkshopFactory


def test_pending_decision_is_not_shown_until_released(
    sign_in, carer, organiser, scheme, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(scheme=scheme, applicant=carer, amount=Decimal("80.00"))
    bursary_decide(
        application=application,
        decided_by=organiser,
        outcome="decline",
        reason="Secret reason for now",
    )
    client = sign_in(carer)

    pending = client.get(reverse("bursaries:mine")).content.decode()

    assert "Under review" in pending
    assert "Secret reason for now" not in pending
    assert "Declined" not in pending
    assert "Not this time" not in pending
    assert "Withdraw your application" in pending

    with django_capture_on_commit_callbacks(execute=True):
        decisions_release(scheme=scheme, by=organiser)
    released = client.get(reverse("bursaries:mine")).content.decode()

    assert "Secret reason for now" in released
    assert "Not this time" in released
    assert "Withdraw your application" not in released


def test_approved_award_shows_amount_reason_and_the_claim_link(sign_in, carer, organiser, scheme):
    application = ApplicationFactory(scheme=scheme, applicant=carer, amount=Decimal("80.00"))
    bursary_decide(
        application=application,
        decided_by=organiser,
        outcome="partial",
        amount=Decimal("50.00"),
        reason="Travel only",
        release=True,
    )

    text = sign_in(carer).get(reverse("bursaries:mine")).content.decode()

    assert "Approved in part: £50.00" in text
    assert "Travel only" in text
    assert reverse("bursaries:claim", args=[application.pk]) in text


def test_claim_waits_until_the_workshop_has_started(sign_in, carer, organiser, scheme):
    workshop = WorkshopFactory(programme=scheme.programme)
    application = ApplicationFactory(scheme=scheme, applicant=carer)
    application.workshops.add(workshop)
    bursary_decide(
        application=application, decided_by=organiser, outcome="full", reason="Yes", release=True
    )

    text = sign_in(carer).get(reverse("bursaries:mine")).content.decode()

    assert reverse("bursaries:claim", args=[application.pk]) not in text
    assert "You can claim what you spent from" in text


def _many(carer, count):
    workshops = [WorkshopFactory() for _ in range(2)]
    for index in range(count):
        scheme = SchemeFactory(budget=Decimal("5000"))
        application = ApplicationFactory(scheme=scheme, applicant=carer)
        application.workshops.set(workshops)
        if index % 2:
            Application.objects.filter(pk=application.pk).update(
                status=Application.Status.APPROVED,
                outcome="full",
                awarded=Decimal("100.00"),
                decided_at=timezone.now(),
                released_at=timezone.now(),
            )
            claim = Claim.objects.create(application=application)
            ClaimItem.objects.create(claim=claim, cost_type=CostType.TRAVEL, amount=Decimal("10"))


def test_my_bursaries_takes_the_same_queries_for_one_or_many(
    sign_in, carer, django_assert_num_queries
):
    client = sign_in(carer)
    _many(carer, 2)
    # session, user, applications, items, workshops, claims, claim items, receipts, team roles
    with django_assert_num_queries(9):
        small = client.get(reverse("bursaries:mine"))
    _many(carer, 11)
    with django_assert_num_queries(9):
        large = client.get(reverse("bursaries:mine"))

    assert small.status_code == large.status_code == 200
    assert large.content.decode().count('<h2 class="h4">') == 13


def test_open_schemes_list_takes_the_same_queries_for_one_or_many(
    sign_in, carer, django_assert_num_queries
):
    client = sign_in(carer)
    SchemeFactory()
    with django_assert_num_queries(6):
        client.get(reverse("bursaries:list"))
    for _ in range(10):
        SchemeFactory(closes_at=timezone.now() + datetime.timedelta(days=3))
    with django_assert_num_queries(6):
        client.get(reverse("bursaries:list"))
