"""The pair services: who can do what when, both partners decided as one within the cohort's
places, and both told once about each change."""

import pytest
from django.core import mail

from codesign.core.models import AuditEntry, OutboxMessage
from pairs import services
from pairs.models import Pair
from pairs.services import PairRefused
from programmes.models import Programme
from tests.pairs.support import (
    PARTNER_PART,
    TASK,
    cohort_of,
    decided,
    joined,
    partner_n,
    professional_n,
    sent_to,
    start,
    submitted,
    updates,
)

pytestmark = pytest.mark.django_db


def _refused(call, *args, **kwargs) -> str:
    with pytest.raises(PairRefused) as caught:
        call(*args, **kwargs)
    return " ".join(caught.value.messages)


# Starting and inviting


def test_a_professional_starts_a_pair_and_the_partner_is_emailed_a_link(
    cohort, professional, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pair = start(cohort, professional, partner_email="Pat.Partner@example.org")

    assert pair.status == Pair.Status.FORMING
    assert pair.programme == cohort.programme
    assert pair.task == TASK
    assert pair.partner is None and pair.partner_invite_count == 1
    [email] = mail.outbox
    assert email.to == ["Pat.Partner@example.org"]
    assert f"/pairs/join/{pair.partner_token}/" in email.body
    assert AuditEntry.objects.filter(action="pairs.pair.started").count() == 1


def test_only_professionals_can_start_a_pair(cohort, patient):
    message = _refused(start, cohort, patient)

    assert "started by the professional" in message
    assert not Pair.objects.exists()


def test_a_pair_cannot_start_when_the_programme_is_not_open(cohort, professional):
    cohort.programme.status = Programme.Status.RUNNING
    cohort.programme.save()

    assert "is not taking pair applications" in _refused(start, cohort, professional)


def test_a_professional_cannot_invite_themselves(cohort, professional):
    with pytest.raises(PairRefused) as caught:
        start(cohort, professional, partner_email=professional.email.upper())

    assert caught.value.message_dict == {
        "partner_email": ["Enter your partner's email address, not your own."]
    }


def test_a_professional_has_one_live_application_per_cohort_and_can_start_again_after_withdrawing(
    cohort, professional
):
    pair = start(cohort, professional)
    assert "already have a pair application" in _refused(start, cohort, professional)

    services.pair_withdraw(pair=pair, by=professional)
    again = start(cohort, professional)

    assert again.pk != pair.pk


def test_sending_the_invitation_again_keeps_the_link_and_only_the_newest_email_goes(
    cohort, professional, django_capture_on_commit_callbacks
):
    pair = start(cohort, professional)  # queued, not sent: no commit here
    token = pair.partner_token

    with django_capture_on_commit_callbacks(execute=True):
        pair = services.pair_invite_partner(pair=pair, email=pair.partner_email, by=professional)
    first = OutboxMessage.objects.get(key=f"pair-invitation:{pair.pk}:1")
    from codesign.core.notices import outbox_send

    outbox_send(message_id=first.pk)

    assert pair.partner_token == token
    assert len(mail.outbox) == 1
    first.refresh_from_db()
    assert first.status == OutboxMessage.Status.SKIPPED


def test_inviting_someone_else_makes_a_new_link_and_the_old_one_stops_working(cohort, professional):
    pair = start(cohort, professional)
    old = pair.partner_token

    pair = services.pair_invite_partner(
        pair=pair, email="someone.else@example.org", name="Sol", by=professional
    )

    assert pair.partner_token != old
    assert not Pair.objects.filter(partner_token=old).exists()
    assert (pair.partner_name, pair.partner_email) == ("Sol", "someone.else@example.org")
    assert OutboxMessage.objects.filter(kind="pair_invitation").count() == 2


def test_only_the_professional_changes_the_invitation_and_only_while_forming(
    cohort, professional, partner
):
    pair = start(cohort, professional, partner_email=partner.email)

    assert "Only the person who started" in _refused(
        services.pair_invite_partner, pair=pair, email="x@example.org", by=partner
    )
    services.pair_accept(pair=pair, partner=partner, statement=PARTNER_PART)
    assert "has already joined" in _refused(
        services.pair_invite_partner, pair=pair, email="x@example.org", by=professional
    )


# The partner joins


def test_the_partner_joins_and_both_are_told_once(cohort, professional, partner):
    pair = joined(cohort, professional, partner)

    assert pair.partner == partner
    assert pair.partner_has_accepted
    assert pair.partner_statement == PARTNER_PART
    assert updates(pair) == sorted(
        [("partner_accepted", professional.email), ("partner_accepted", partner.email)]
    )

    # Changing their part later tells nobody again.
    services.pair_accept(pair=pair, partner=partner, statement="Something else")
    pair.refresh_from_db()
    assert pair.partner_statement == "Something else"
    assert len(updates(pair)) == 2


def test_the_partner_must_say_what_they_hope_to_bring(cohort, professional, partner):
    pair = start(cohort, professional)

    with pytest.raises(PairRefused) as caught:
        services.pair_accept(pair=pair, partner=partner, statement="  ")

    assert "partner_statement" in caught.value.message_dict
    pair.refresh_from_db()
    assert pair.partner is None


def test_nobody_else_can_join_once_the_partner_has(cohort, professional, partner, outsider):
    pair = joined(cohort, professional, partner)

    assert "Someone else has already joined" in _refused(
        services.pair_accept, pair=pair, partner=outsider, statement="Me too"
    )
    assert "your partner needs to accept it" in _refused(
        services.pair_accept, pair=pair, partner=professional, statement="Me"
    )


def test_the_partner_can_say_no_and_only_the_professional_is_told(cohort, professional, partner):
    pair = start(cohort, professional, partner_email=partner.email)

    services.pair_partner_decline(pair=pair, reason="I am moving away.")
    services.pair_partner_decline(pair=pair, reason="Pressed twice.")

    pair.refresh_from_db()
    assert pair.partner_has_declined
    assert pair.partner_decline_reason == "I am moving away."
    assert updates(pair) == [("partner_declined-1", professional.email)]


def test_a_partner_who_said_no_can_still_change_their_mind(cohort, professional, partner):
    pair = start(cohort, professional, partner_email=partner.email)
    services.pair_partner_decline(pair=pair)

    pair = services.pair_accept(pair=pair, partner=partner, statement=PARTNER_PART)

    assert pair.partner_has_accepted and not pair.partner_has_declined


# Sending and withdrawing


def test_a_pair_is_sent_only_once_both_parts_are_complete(cohort, professional, partner):
    pair = start(cohort, professional, partner_email=partner.email)
    assert "needs to accept" in _refused(services.pair_submit, pair=pair, by=professional)

    services.pair_accept(pair=pair, partner=partner, statement=PARTNER_PART)
    pair = services.pair_submit(pair=pair, by=partner)

    assert pair.status == Pair.Status.SUBMITTED and pair.submitted_at
    assert "already been sent" in _refused(services.pair_submit, pair=pair, by=professional)
    assert [u for u in updates(pair) if u[0] == "submitted"] == sorted(
        [("submitted", professional.email), ("submitted", partner.email)]
    )


def test_only_the_pair_can_send_or_withdraw_it(cohort, professional, partner, outsider):
    pair = joined(cohort, professional, partner)

    assert "Only the pair" in _refused(services.pair_submit, pair=pair, by=outsider)
    assert "Only the pair" in _refused(services.pair_withdraw, pair=pair, by=outsider)
    pair.refresh_from_db()
    assert pair.status == Pair.Status.FORMING


def test_withdrawing_before_the_partner_joins_tells_the_person_invited(cohort, professional):
    pair = start(cohort, professional, partner_email="invited@example.org")

    services.pair_withdraw(pair=pair, by=professional)

    assert updates(pair) == sorted(
        [("withdrawn", professional.email), ("withdrawn", "invited@example.org")]
    )
    assert "can't be withdrawn now" in _refused(services.pair_withdraw, pair=pair, by=professional)


# Deciding, as one


def test_accepting_a_pair_accepts_both_partners_and_tells_them_both(
    cohort, professional, partner, organiser
):
    pair = decided(cohort, professional, partner, organiser, "accept")

    assert pair.status == Pair.Status.ACCEPTED
    assert pair.decided_by == organiser and pair.decided_at
    decisions = [u for u in updates(pair) if u[0].startswith("decided-accepted")]
    assert sorted(address for _, address in decisions) == sorted(
        [professional.email, partner.email]
    )
    # Both partners find the pair, in one status, from their own side.
    assert list(Pair.objects.for_member(professional)) == [pair]
    assert list(Pair.objects.for_member(partner)) == [pair]


def test_a_decision_that_fails_half_way_changes_nothing_for_either_partner(
    cohort, professional, partner, organiser, monkeypatch
):
    pair = submitted(cohort, professional, partner)
    before = len(updates(pair))

    def broken(**kwargs):
        raise RuntimeError("the audit log is down")

    monkeypatch.setattr(services, "audit_log", broken)
    with pytest.raises(RuntimeError):
        services.pair_decide(pair=pair, decided_by=organiser, decision="accept")

    pair.refresh_from_db()
    assert pair.status == Pair.Status.SUBMITTED
    assert pair.decided_at is None
    assert len(updates(pair)) == before


def test_a_full_cohort_refuses_another_accept_with_a_plain_message(programme, organiser):
    cohort = cohort_of(programme, places=1)
    decided(cohort, professional_n(1), partner_n(1), organiser, "accept")
    second = submitted(cohort, professional_n(2), partner_n(2))
    before = len(updates(second))

    message = _refused(services.pair_decide, pair=second, decided_by=organiser, decision="accept")

    assert message == (
        "Autumn 2026 pairs is full: all 1 places for pairs are taken. "
        "Put this pair on the waiting list instead."
    )
    second.refresh_from_db()
    assert second.status == Pair.Status.SUBMITTED
    assert len(updates(second)) == before


def test_a_waitlisted_pair_is_accepted_when_a_place_comes_free(programme, organiser):
    cohort = cohort_of(programme, places=1)
    first_pro = professional_n(1)
    first = decided(cohort, first_pro, partner_n(1), organiser, "accept")
    second = decided(cohort, professional_n(2), partner_n(2), organiser, "waitlist")

    services.pair_withdraw(pair=first, by=first_pro)
    second = services.pair_decide(pair=second, decided_by=organiser, decision="accept")

    assert second.status == Pair.Status.ACCEPTED
    occasions = {occasion.split("-")[1] for occasion, _ in updates(second) if "decided" in occasion}
    assert occasions == {"waitlisted", "accepted"}


def test_a_cohort_without_a_limit_takes_any_number_of_pairs(programme, organiser):
    cohort = cohort_of(programme, places=None)
    for n in range(3):
        assert decided(cohort, professional_n(n), partner_n(n), organiser, "accept").status == (
            Pair.Status.ACCEPTED
        )


@pytest.mark.parametrize(
    ("decision", "reason", "field", "message"),
    [
        ("decline", "", "reason", "Give a reason. Both partners will see it."),
        ("maybe", "", "decision", "Choose accept, waiting list or decline."),
    ],
)
def test_a_decision_needs_a_known_choice_and_a_reason_to_decline(
    cohort, professional, partner, organiser, decision, reason, field, message
):
    pair = submitted(cohort, professional, partner)

    with pytest.raises(PairRefused) as caught:
        services.pair_decide(pair=pair, decided_by=organiser, decision=decision, reason=reason)

    assert caught.value.message_dict == {field: [message]}
    pair.refresh_from_db()
    assert pair.status == Pair.Status.SUBMITTED


def test_only_submitted_or_waitlisted_pairs_are_decided(cohort, professional, partner, organiser):
    pair = joined(cohort, professional, partner)
    assert "This pair is forming" in _refused(
        services.pair_decide, pair=pair, decided_by=organiser, decision="accept"
    )
    services.pair_submit(pair=pair, by=partner)
    services.pair_decide(pair=pair, decided_by=organiser, decision="decline", reason="No room.")
    assert "This pair is declined" in _refused(
        services.pair_decide, pair=pair, decided_by=organiser, decision="accept"
    )


def test_a_waitlisted_pair_is_not_waitlisted_twice(cohort, professional, partner, organiser):
    pair = decided(cohort, professional, partner, organiser, "waitlist")

    assert "already on the waiting list" in _refused(
        services.pair_decide, pair=pair, decided_by=organiser, decision="waitlist"
    )


def test_only_the_programmes_organisers_decide(
    cohort, professional, partner, other_organiser, reviewer
):
    pair = submitted(cohort, professional, partner)

    for someone in (other_organiser, reviewer, professional):
        assert "Only the programme's organisers" in _refused(
            services.pair_decide, pair=pair, decided_by=someone, decision="accept"
        )


def test_each_partner_hears_exactly_once_about_each_change(
    cohort, professional, partner, organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pair = start(cohort, professional, partner_email=partner.email)
    with django_capture_on_commit_callbacks(execute=True):
        services.pair_accept(pair=pair, partner=partner, statement=PARTNER_PART)
    with django_capture_on_commit_callbacks(execute=True):
        services.pair_submit(pair=pair, by=professional)
    with django_capture_on_commit_callbacks(execute=True):
        services.pair_decide(pair=pair, decided_by=organiser, decision="waitlist")
    with django_capture_on_commit_callbacks(execute=True):
        services.pair_decide(pair=pair, decided_by=organiser, decision="accept", reason="Welcome!")

    for person in (professional, partner):
        subjects = sorted(
            m.subject for m in sent_to(person.email) if "invites you" not in m.subject
        )
        assert len(subjects) == 4, subjects
        assert len(set(subjects)) == 4
    assert len(sent_to(partner.email)) == 5  # and the invitation
    [accepted] = [m for m in sent_to(partner.email) if "accepted" in m.subject]
    assert "Welcome!" in accepted.body
