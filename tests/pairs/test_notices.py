"""What the pair emails say, and to whom."""

import pytest
from django.core import mail

from codesign.core.models import OutboxMessage
from codesign.core.notices import outbox_send
from pairs import services
from tests.pairs.support import PARTNER_PART, TASK, decided, sent_to, start, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def worded(programme):
    programme.lived_experience_term = "patient partner"
    programme.professional_term = "clinician"
    programme.save()
    return programme


def test_the_invitation_explains_the_pair_the_programme_the_cohort_and_the_task(
    worded, cohort, professional, django_capture_on_commit_callbacks
):
    professional.profile.copies_to_email = "family@example.org"
    professional.profile.save()
    with django_capture_on_commit_callbacks(execute=True):
        pair = start(cohort, professional, partner_name="Pat")

    [email] = mail.outbox
    name = professional.profile.display_name
    assert email.subject == f"{name} invites you to apply to {worded.title} as a pair"
    [html] = [body for body, kind in email.alternatives if kind == "text/html"]
    for body in (email.body, html):
        assert "Hello Pat," in body
        assert "What is a collaborative pair?".upper() in body.upper()
        assert "a clinician and a patient partner who take part in the programme together" in body
        assert worded.title in body and cohort.name in body
        assert TASK in body
        assert "Two hours a week away from clinic" in body
        assert f"/pairs/join/{pair.partner_token}/" in body
    # Nobody else: the person's carer gets copies of their own messages, not their partner's.
    assert email.to == ["pat.partner@example.org"]


def test_updates_go_to_both_partners_with_a_link_to_the_pair_and_copies_to_a_named_carer(
    cohort, professional, partner, organiser, django_capture_on_commit_callbacks
):
    partner.profile.copies_to_email = "carer.of.pat@example.org"
    partner.profile.save()
    pair = submitted(cohort, professional, partner)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.pair_decide(
            pair=pair, decided_by=organiser, decision="decline", reason="The cohort is full."
        )

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [professional.email, partner.email, "carer.of.pat@example.org"]
    )
    for email in mail.outbox:
        assert "The decision on your pair application" in email.subject
        assert "Why: The cohort is full." in email.body
        assert f"/pairs/{pair.pk}/" in email.body
    [copy] = sent_to("carer.of.pat@example.org")
    assert copy.subject.startswith("Copy: ")


def test_the_professional_hears_their_partner_joined_and_the_partner_hears_they_did(
    cohort, professional, partner, django_capture_on_commit_callbacks
):
    pair = start(cohort, professional, partner_email=partner.email)

    with django_capture_on_commit_callbacks(execute=True):
        services.pair_accept(pair=pair, partner=partner, statement=PARTNER_PART)

    [to_professional] = sent_to(professional.email)
    [to_partner] = sent_to(partner.email)
    name = professional.profile.display_name
    assert to_professional.subject.startswith("Pat has joined your pair application")
    assert to_partner.subject.startswith(f"You have joined {name}'s pair application")


def test_a_decision_changed_before_its_email_went_is_not_sent(
    programme, cohort, professional, partner, organiser
):
    pair = decided(cohort, professional, partner, organiser, "waitlist")
    services.pair_decide(pair=pair, decided_by=organiser, decision="accept")
    waitlisted = OutboxMessage.objects.filter(
        kind="pair_update", params__occasion__startswith="decided-waitlisted"
    )
    accepted = OutboxMessage.objects.filter(
        kind="pair_update", params__occasion__startswith="decided-accepted"
    )

    assert [outbox_send(message_id=m.pk) for m in waitlisted] == ["skipped", "skipped"]
    assert [outbox_send(message_id=m.pk) for m in accepted] == ["sent", "sent"]
    assert all("Your pair is accepted" in m.subject for m in mail.outbox)


def test_an_invitation_is_not_sent_once_the_pair_has_moved_on(cohort, professional):
    pair = start(cohort, professional)
    services.pair_withdraw(pair=pair, by=professional)
    [invitation] = OutboxMessage.objects.filter(kind="pair_invitation")

    assert outbox_send(message_id=invitation.pk) == "skipped"


def test_the_person_invited_hears_when_the_application_is_withdrawn(
    cohort, professional, django_capture_on_commit_callbacks
):
    pair = start(cohort, professional, partner_email="invited@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.pair_withdraw(pair=pair, by=professional)

    [email] = sent_to("invited@example.org")
    assert "has been withdrawn" in email.subject
    assert "the invitation we sent you no longer works" in email.body
