"""The decision-maker (the programme's organisers, or a site admin) decides with a reason,
holds decisions as pending or tells the applicant now, and releases pending decisions together.
No decision takes a scheme past its budget; a refused one changes nothing."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from bursaries.models import Application
from bursaries.services import bursary_decide
from codesign.core.models import AuditEntry, OutboxMessage
from tests.bursaries.factories import ApplicationFactory


def decide(client, application, **data):
    post = {"outcome": "full", "reason": "Meets the criteria", "release": "hold", **data}
    return client.post(reverse("bursaries:decide", args=[application.pk]), post)


def test_decision_held_as_pending_tells_nobody_until_released(
    sign_in, organiser, carer, scheme, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(scheme=scheme, applicant=carer, amount=Decimal("120"))
    other = ApplicationFactory(scheme=scheme, amount=Decimal("50"))
    client = sign_in(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        decide(client, application)
        decide(client, other, outcome="decline", reason="Already funded elsewhere")

    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.awarded == Decimal("120.00")
    assert application.decision_pending
    assert not OutboxMessage.objects.exists()
    page = client.get(reverse("bursaries:queue", args=[scheme.programme.slug])).content.decode()
    assert "Decided, not yet told (pending): £120.00 (2 pending decisions)" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("bursaries:release", args=[scheme.pk]))

    assert response.status_code == 302
    assert Application.objects.filter(released_at__isnull=True).count() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([carer.email, other.applicant.email])
    approved = next(m for m in mail.outbox if m.to == [carer.email])
    assert "Your bursary is approved" in approved.subject
    assert "Meets the criteria" in approved.body
    assert "/bursaries/mine/" in approved.body
    assert AuditEntry.objects.filter(action="bursaries.decision.released").count() == 2


def test_decide_and_tell_now_sends_the_decision_straight_away(
    sign_in, organiser, carer, scheme, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(scheme=scheme, applicant=carer)

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(
            sign_in(organiser),
            application,
            outcome="partial",
            amount="60",
            reason="Travel only",
            release="now",
        )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.awarded == Decimal("60.00")
    assert application.released_at
    assert [m.to for m in mail.outbox] == [[carer.email]]


def test_over_budget_decision_is_refused_with_the_plain_message_and_changes_nothing(
    sign_in, organiser, scheme
):
    scheme.budget = Decimal("250.00")
    scheme.max_award = Decimal("200.00")
    scheme.save()
    bursary_decide(
        application=ApplicationFactory(scheme=scheme, amount=Decimal("200")),
        decided_by=organiser,
        outcome="full",
        reason="Yes",
    )
    second = ApplicationFactory(scheme=scheme, amount=Decimal("100"))
    entries = AuditEntry.objects.count()

    response = decide(sign_in(organiser), second)

    assert response.status_code == 400
    assert "past the budget: £50.00 is left, and this award is £100.00" in response.content.decode()
    second.refresh_from_db()
    assert second.status == Application.Status.SUBMITTED
    assert second.outcome == ""
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": ""}, "Give a reason"),
        ({"outcome": ""}, "Choose a decision"),
        ({"outcome": "partial", "amount": ""}, "Say how much to award in part"),
        ({"outcome": "partial", "amount": "500"}, "A partial award is more than £0 and less than"),
    ],
    ids=["no-reason", "no-outcome", "partial-without-amount", "partial-above-request"],
)
def test_bad_decision_is_refused_and_nothing_changes(sign_in, organiser, scheme, data, message):
    application = ApplicationFactory(scheme=scheme)

    response = decide(sign_in(organiser), application, **data)

    assert response.status_code == 400
    assert message in response.content.decode()
    application.refresh_from_db()
    assert application.outcome == ""


def test_told_decision_cannot_change_but_the_waiting_list_can_be_decided_again(
    sign_in, organiser, scheme, django_capture_on_commit_callbacks
):
    approved = ApplicationFactory(scheme=scheme)
    waiting = ApplicationFactory(scheme=scheme)
    client = sign_in(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, approved, release="now")
        decide(client, waiting, outcome="waitlist", reason="If money is left", release="now")

        refused = decide(client, approved, outcome="decline", reason="Changed my mind")
        again = decide(client, waiting, outcome="full", reason="Money came back", release="now")

    assert refused.status_code == 400
    assert again.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Application.Status.APPROVED
    # One message for each decision the applicant was told.
    assert len([m for m in mail.outbox if m.to == [waiting.applicant.email]]) == 2


def test_site_admin_can_decide(sign_in, admin, scheme):
    application = ApplicationFactory(scheme=scheme)

    response = decide(sign_in(admin), application)

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.outcome == "full"


def test_decisions_are_recorded_with_who_and_when_and_shown_to_staff(
    sign_in, organiser, reviewer, scheme
):
    application = ApplicationFactory(scheme=scheme)
    decide(sign_in(organiser), application, reason="Meets the criteria")

    entry = AuditEntry.objects.get(action="bursaries.application.approved")
    assert entry.actor == organiser
    assert entry.data["reason"] == "Meets the criteria"
    page = sign_in(reviewer).get(reverse("bursaries:application", args=[application.pk]))
    assert "Decided: approved by organiser@example.org" in page.content.decode()
