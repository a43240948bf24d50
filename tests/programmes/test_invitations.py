"""Inviting people: lists are read and checked before anything is sent, each invitation goes
once with its own link, and the link can be accepted, declined, resent, withdrawn or run out."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from codesign.core.models import AuditEntry, OutboxMessage
from codesign.core.notices import outbox_send
from participants.models import Perspective
from programmes import services
from programmes.models import Invitation, InvitationBatch, Programme
from tests.accounts.failing_backend import FailOnceBackend
from tests.factories import RegistrationFactory, UserFactory, WorkshopFactory
from tests.programmes.invitation_support import (
    CSV_WITH_ONE_BAD_ROW,
    InvitationFactory,
    contactable,
    csv_upload,
    good_emails,
    invitable_workshop,
    prepare,
    problems,
)
from workshops.models import Registration, Workshop
from workshops.templatetags.workshop_words import moment_words, when_words

CSV = InvitationBatch.Source.CSV
LIST = InvitationBatch.Source.LIST


@pytest.fixture
def workshop(programme):
    return invitable_workshop(programme)


def send(batch, organiser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.invitation_batch_confirm(batch=batch, confirmed_by=organiser)


def link_in(message) -> str:
    found = re.search(r"https?://[^\s\"'<>]+/programmes/invitations/[^\s\"'<>/?]+/", message.body)
    assert found, message.body
    return found.group(0)


# Reading and checking the list


def test_csv_rows_are_checked_and_each_bad_row_says_why(programme, workshop, organiser):
    RegistrationFactory(workshop=workshop, user=UserFactory(email="Coming@Example.org"))
    InvitationFactory(programme=programme, workshop=workshop, email="asked@example.org")
    upload = csv_upload(
        "email,name\n"
        "ana@example.org,Ana\n"
        "not-an-email,Bo\n"
        "ANA@example.org,Ana again\n"
        "coming@example.org,Cal\n"
        "asked@example.org,Dee\n"
        ",Nobody\n"
    )

    batch = prepare(programme, workshop, organiser, source=CSV, csv_file=upload)

    assert good_emails(batch) == ["ana@example.org"]
    assert problems(batch) == [
        ("not-an-email", "This is not an email address"),
        ("ANA@example.org", "This address is in the list twice"),
        ("coming@example.org", "Already registered for this workshop"),
        ("asked@example.org", "Already invited and not answered yet"),
        ("", "This row has no email address"),
    ]
    assert [row["line"] for row in batch.rows] == [2, 3, 4, 5, 6, 7]
    assert batch.rows[0] == {
        "email": "ana@example.org",
        "name": "Ana",
        "user_id": None,
        "problem": "",
        "line": 2,
    }
    assert Invitation.objects.count() == 1  # only the one made above: nothing sent
    assert OutboxMessage.objects.count() == 0


def test_csv_from_excel_with_a_byte_order_mark_and_semicolons_is_read(
    programme, workshop, organiser
):
    upload = csv_upload(
        "\ufeffName;E-mail\r\nAna Patel;ana@example.org\r\n;;\r\nBen;ben@example.org"
    )

    batch = prepare(programme, workshop, organiser, source=CSV, csv_file=upload)

    assert [(row["email"], row["name"]) for row in batch.rows] == [
        ("ana@example.org", "Ana Patel"),
        ("ben@example.org", "Ben"),
    ]


def test_csv_with_tabs_and_first_and_last_names_is_read(programme, workshop, organiser):
    upload = csv_upload("First name\tSurname\tEmail address\nAna\tPatel\tana@example.org\n")

    batch = prepare(programme, workshop, organiser, source=CSV, csv_file=upload)

    assert [(row["email"], row["name"]) for row in batch.rows] == [("ana@example.org", "Ana Patel")]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("name,phone\nAna,0123\n", 'one must be called "email"'),
        ("email,name\n", "no people in it"),
        ("", "This file is empty"),
        ("email\nana@example.org\n".encode("utf-16"), "Save it as CSV UTF-8"),
        ("email,name\nana@example.org,Zoë\n".encode("latin-1"), "Save it as CSV UTF-8"),
    ],
    ids=["no-email-column", "header-only", "empty", "utf-16", "latin-1-text"],
)
def test_a_csv_that_cannot_be_read_is_refused_kindly_and_nothing_is_saved(
    programme, workshop, organiser, content, says
):
    before = AuditEntry.objects.count()

    with pytest.raises(ValidationError) as refused:
        prepare(programme, workshop, organiser, source=CSV, csv_file=csv_upload(content))

    assert says in " ".join(refused.value.messages)
    assert InvitationBatch.objects.count() == 0
    assert AuditEntry.objects.count() == before


def test_a_csv_over_one_megabyte_is_refused(programme, workshop, organiser):
    content = "email\n" + "someone.with.a.long.address@example.org\n" * 30_000

    with pytest.raises(ValidationError, match="bigger than 1 MB"):
        prepare(programme, workshop, organiser, source=CSV, csv_file=csv_upload(content))
    assert InvitationBatch.objects.count() == 0


def test_a_csv_over_ten_thousand_people_is_refused(programme, workshop, organiser):
    content = "email\n" + "".join(f"p{n}@ex.org\n" for n in range(10_001))

    with pytest.raises(ValidationError, match="more than 10,000 people"):
        prepare(programme, workshop, organiser, source=CSV, csv_file=csv_upload(content))
    assert InvitationBatch.objects.count() == 0


def test_a_pasted_list_takes_lines_commas_semicolons_and_names(programme, workshop, organiser):
    text = (
        'ana@example.org, Ben Okafor <ben@example.org>\n\n"Cy" <cy@example.org>; dee@example.org\n'
    )

    batch = prepare(programme, workshop, organiser, emails_text=text)

    assert [(row["email"], row["name"]) for row in batch.rows] == [
        ("ana@example.org", ""),
        ("ben@example.org", "Ben Okafor"),
        ("cy@example.org", "Cy"),
        ("dee@example.org", ""),
    ]


def test_one_address_cannot_hold_a_list(programme, workshop, organiser):
    with pytest.raises(ValidationError, match="just one email address"):
        prepare(
            programme,
            workshop,
            organiser,
            source=InvitationBatch.Source.ONE,
            emails_text="a@example.org, b@example.org",
        )


def test_participants_are_chosen_by_perspective_and_their_consent_to_be_contacted(
    programme, workshop, organiser
):
    yes_patient = contactable("pat@example.org", [Perspective.PATIENT])
    yes_carer = contactable("cara@example.org", [Perspective.CARER, Perspective.MANAGER])
    contactable("said.no@example.org", [Perspective.PATIENT], contact=False)
    contactable("nurse@example.org", [Perspective.HEALTH_PROFESSIONAL])
    contactable("gone@example.org", [Perspective.PATIENT], is_active=False)
    registered = contactable("booked@example.org", [Perspective.PATIENT])
    RegistrationFactory(workshop=workshop, user=registered)
    changed_mind = contactable("changed@example.org", [Perspective.PATIENT])
    changed_mind.consents.create(kind="contact", granted=False)

    batch = prepare(
        programme,
        workshop,
        organiser,
        source=InvitationBatch.Source.PARTICIPANTS,
        perspectives=[Perspective.PATIENT, Perspective.CARER],
    )

    assert [(row["email"], row["user_id"], row["problem"]) for row in batch.rows] == [
        ("cara@example.org", yes_carer.pk, ""),
        ("pat@example.org", yes_patient.pk, ""),
    ]


def test_nobody_matching_the_perspectives_is_a_clear_refusal(programme, workshop, organiser):
    with pytest.raises(ValidationError, match="Nobody in these groups"):
        prepare(
            programme,
            workshop,
            organiser,
            source=InvitationBatch.Source.PARTICIPANTS,
            perspectives=[Perspective.YOUNG_PERSON],
        )


def test_people_cannot_be_invited_to_a_draft_programme_or_a_workshop_that_is_not_open(
    programme, organiser, other_programme
):
    draft = WorkshopFactory(programme=programme, status=Workshop.Status.DRAFT)
    started = WorkshopFactory(programme=programme, starts_at=timezone.now() - dt.timedelta(hours=1))
    elsewhere = WorkshopFactory(programme=other_programme)
    for workshop in (draft, started, elsewhere):
        with pytest.raises(ValidationError):
            prepare(programme, workshop, organiser, emails_text="a@example.org")
    programme.status = Programme.Status.DRAFT
    programme.save()
    with pytest.raises(ValidationError, match="draft"):
        prepare(programme, None, organiser, emails_text="a@example.org")
    assert InvitationBatch.objects.count() == 0


def test_a_workshop_invitation_stops_working_when_registration_closes(programme, organiser):
    closes = timezone.now() + dt.timedelta(days=3)
    workshop = invitable_workshop(programme, registration_closes_at=closes)

    batch = prepare(
        programme,
        workshop,
        organiser,
        emails_text="a@example.org",
        expires_at=timezone.now() + dt.timedelta(days=30),
    )

    assert batch.expires_at == closes


# Sending


def test_confirming_sends_one_invitation_to_each_good_row(
    programme, workshop, organiser, django_capture_on_commit_callbacks
):
    batch = prepare(
        programme, workshop, organiser, source=CSV, csv_file=csv_upload(CSV_WITH_ONE_BAD_ROW)
    )

    sent = send(batch, organiser, django_capture_on_commit_callbacks)

    assert sorted(i.email for i in sent) == [
        "ana@example.org",
        "ben@example.org",
        "dee@example.org",
        "eli@example.org",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.email for i in sent)
    keys = set(OutboxMessage.objects.values_list("key", flat=True))
    assert keys == {f"invitation:{i.pk}:1" for i in sent}
    for invitation in Invitation.objects.all():
        assert invitation.status == Invitation.Status.SENT
        assert invitation.sent_at is not None
        assert invitation.invited_by == organiser
        assert invitation.message == "We would love to hear from you."
        assert len(invitation.token) >= 40
    assert len({i.token for i in sent}) == 4
    batch.refresh_from_db()
    assert batch.sent_at is not None
    assert AuditEntry.objects.filter(action="programmes.invitations.sent").count() == 1


def test_confirming_twice_sends_each_invitation_once(
    programme, workshop, organiser, django_capture_on_commit_callbacks
):
    batch = prepare(programme, workshop, organiser, emails_text="a@example.org, b@example.org")
    send(batch, organiser, django_capture_on_commit_callbacks)

    with pytest.raises(ValidationError, match="already been sent"):
        send(batch, organiser, django_capture_on_commit_callbacks)

    assert Invitation.objects.count() == 2
    assert OutboxMessage.objects.count() == 2
    assert len(mail.outbox) == 2


def test_someone_who_registered_while_the_list_waited_is_not_invited(
    programme, workshop, organiser, django_capture_on_commit_callbacks
):
    batch = prepare(programme, workshop, organiser, emails_text="a@example.org, b@example.org")
    RegistrationFactory(workshop=workshop, user=UserFactory(email="b@example.org"))

    sent = send(batch, organiser, django_capture_on_commit_callbacks)

    assert [i.email for i in sent] == ["a@example.org"]
    batch.refresh_from_db()
    assert problems(batch) == [("b@example.org", "Already registered for this workshop")]


def test_ten_thousand_invitations_are_queued_with_a_bounded_number_of_queries(
    programme, workshop, organiser
):
    text = "\n".join(f"person{n}@example.org" for n in range(10_000))
    batch = prepare(programme, workshop, organiser, emails_text=text)

    with CaptureQueriesContext(connection) as queries:
        sent = services.invitation_batch_confirm(batch=batch, confirmed_by=organiser)

    assert len(sent) == 10_000
    assert Invitation.objects.count() == 10_000
    assert OutboxMessage.objects.filter(kind="invitation").count() == 10_000
    # Inserts and look-ups go a thousand at a time: about 40 queries, never one per person.
    assert len(queries) <= 50, len(queries)


def test_a_failed_send_shows_on_the_invitation_with_the_reason(
    programme, workshop, organiser, settings
):
    batch = prepare(programme, workshop, organiser, emails_text="a@example.org")
    services.invitation_batch_confirm(batch=batch, confirmed_by=organiser)
    settings.MAILERS = {"default": {"BACKEND": "tests.accounts.failing_backend.FailOnceBackend"}}
    FailOnceBackend.failed = False
    message = OutboxMessage.objects.get()

    assert outbox_send(message_id=message.pk, final=True) == OutboxMessage.Status.FAILED

    invitation = Invitation.objects.get()
    assert invitation.status == Invitation.Status.FAILED
    assert "The mail server did not answer" in invitation.last_error
    assert invitation.state_label == "Failed to send"


# What the email says


def test_the_invitation_email_says_what_when_where_what_is_paid_and_who_to_ask(
    partner_words, organiser, django_capture_on_commit_callbacks
):
    workshop = invitable_workshop(
        partner_words, description="We map the first clinic appointment together."
    )
    organiser.profile.display_name = "Olu"
    organiser.profile.save()
    batch = prepare(
        partner_words,
        workshop,
        organiser,
        emails_text="Ana Patel <ana@example.org>",
        message="Your story about the letter made us think. Please come!",
    )
    [invitation] = send(batch, organiser, django_capture_on_commit_callbacks)

    [email] = mail.outbox
    html = email.alternatives[0][0]
    url = link_in(email)
    assert email.subject == f"You are invited: {workshop.title}"
    for body in (email.body, html):
        assert "Hello Ana Patel" in body
        assert "Olu from Diabetes care together" in body
        assert "Your story about the letter made us think. Please come!" in body
        assert workshop.title in body
        assert when_words(workshop.starts_at, workshop.ends_at) in body
        assert workshop.venue.name in body
        assert "We map the first clinic appointment together." in body
        assert "£25 voucher for your time" in body
        assert "Bursaries are available" in body.replace("bursaries are", "Bursaries are")
        assert "patient partners" in body
        assert "Alex Access" in body and "access@example.org" in body
        assert f"{url}?answer=accept" in body
        assert f"{url}?answer=decline" in body
        assert moment_words(invitation.expires_at) in body
    assert invitation.token in url
    assert "&#x27;" not in email.body and "&amp;" not in email.body


def test_a_programme_invitation_tells_about_the_programme_and_its_next_workshops(
    programme, organiser, django_capture_on_commit_callbacks
):
    first = invitable_workshop(programme, title="Mapping the clinic visit")
    WorkshopFactory(programme=programme, title="A draft nobody sees", status="draft")
    batch = prepare(programme, None, organiser, emails_text="ana@example.org")
    send(batch, organiser, django_capture_on_commit_callbacks)

    [email] = mail.outbox
    assert email.subject == f"You are invited to {programme.title}"
    for body in (email.body, email.alternatives[0][0]):
        assert programme.summary in body
        assert "Mapping the clinic visit" in body
        assert when_words(first.starts_at, first.ends_at) in body
        assert "A draft nobody sees" not in body
        assert organiser.email in body  # who to ask for support


def test_invitations_go_only_to_the_invited_address_never_to_a_named_carer(
    programme, workshop, organiser, django_capture_on_commit_callbacks
):
    person = contactable("pat@example.org", [Perspective.PATIENT])
    person.profile.copies_to_email = "daughter@example.org"
    person.profile.save()
    batch = prepare(
        programme,
        workshop,
        organiser,
        source=InvitationBatch.Source.PARTICIPANTS,
        perspectives=[Perspective.PATIENT],
    )

    send(batch, organiser, django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [["pat@example.org"]]
    assert Invitation.objects.get().user == person


# Resend, withdraw, remind


def test_resending_sends_a_second_email_with_a_new_key_and_the_same_link(
    programme, workshop, organiser, django_capture_on_commit_callbacks
):
    batch = prepare(programme, workshop, organiser, emails_text="a@example.org")
    [invitation] = send(batch, organiser, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(invitation=invitation, by=organiser)

    assert len(mail.outbox) == 2
    assert link_in(mail.outbox[0]) == link_in(mail.outbox[1])
    assert set(OutboxMessage.objects.values_list("key", flat=True)) == {
        f"invitation:{invitation.pk}:1",
        f"invitation:{invitation.pk}:2",
    }
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT
    assert invitation.send_count == 2


def test_resending_an_expired_invitation_makes_its_link_work_again(programme, organiser):
    invitation = InvitationFactory(
        programme=programme, expires_at=timezone.now() - dt.timedelta(days=1)
    )
    assert invitation.state_label == "Expired"

    services.invitation_resend(invitation=invitation, by=organiser)

    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + dt.timedelta(days=13)
    assert not invitation.is_expired


def test_an_email_queued_before_a_resend_is_not_sent_as_well(programme, organiser):
    batch = prepare(programme, None, organiser, emails_text="a@example.org")
    [invitation] = services.invitation_batch_confirm(batch=batch, confirmed_by=organiser)
    services.invitation_resend(invitation=invitation, by=organiser)
    first, second = OutboxMessage.objects.order_by("pk")

    assert outbox_send(message_id=first.pk) == OutboxMessage.Status.SKIPPED
    assert outbox_send(message_id=second.pk) == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 1


def test_withdrawing_stops_an_unsent_email_and_the_link(programme, workshop, organiser, client):
    batch = prepare(programme, workshop, organiser, emails_text="a@example.org")
    [invitation] = services.invitation_batch_confirm(batch=batch, confirmed_by=organiser)

    services.invitation_withdraw(invitation=invitation, by=organiser)

    message = OutboxMessage.objects.get()
    assert outbox_send(message_id=message.pk) == OutboxMessage.Status.SKIPPED
    assert mail.outbox == []
    invitation.refresh_from_db()
    assert invitation.state_label == "Withdrawn"
    with pytest.raises(ValidationError, match="withdrawn"):
        services.invitation_accept(invitation=invitation, user=UserFactory())
    with pytest.raises(ValidationError, match="withdrawn"):
        services.invitation_resend(invitation=invitation, by=organiser)
    assert AuditEntry.objects.filter(action="programmes.invitation.withdrawn").count() == 1


@pytest.mark.parametrize("status", ["accepted", "declined", "withdrawn"])
def test_answered_invitations_cannot_be_resent_or_withdrawn(programme, organiser, status):
    invitation = InvitationFactory(programme=programme, status=status)

    for action in (services.invitation_resend, services.invitation_withdraw):
        with pytest.raises(ValidationError):
            action(invitation=invitation, by=organiser)

    invitation.refresh_from_db()
    assert invitation.status == status
    assert OutboxMessage.objects.count() == 0


def test_remind_all_emails_everyone_sent_who_has_not_answered_once(
    programme, workshop, organiser, django_capture_on_commit_callbacks
):
    waiting = [
        InvitationFactory(programme=programme, workshop=workshop, email="a@example.org"),
        InvitationFactory(programme=programme, email="b@example.org"),
    ]
    InvitationFactory(programme=programme, status="accepted", email="yes@example.org")
    InvitationFactory(programme=programme, status="declined", email="no@example.org")
    InvitationFactory(programme=programme, status="queued", email="queued@example.org")
    InvitationFactory(programme=programme, status="withdrawn", email="withdrawn@example.org")
    InvitationFactory(
        programme=programme,
        email="expired@example.org",
        expires_at=timezone.now() - dt.timedelta(minutes=1),
    )
    InvitationFactory(programme=programme, email="just.sent@example.org", sent_at=timezone.now())
    InvitationFactory(email="other.programme@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        assert services.invitations_remind(programme=programme, by=organiser) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invitations_remind(programme=programme, by=organiser) == 0

    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert all(m.subject.startswith("Reminder: you are invited to") for m in mail.outbox)
    assert set(OutboxMessage.objects.values_list("key", flat=True)) == {
        f"invitation_reminder:{i.pk}:2" for i in waiting
    }
    for invitation in waiting:
        invitation.refresh_from_db()
        assert invitation.reminded_at is not None
        assert invitation.status == Invitation.Status.SENT


def test_remind_for_one_workshop_leaves_the_others_alone(programme, workshop, organiser):
    InvitationFactory(programme=programme, workshop=workshop, email="a@example.org")
    InvitationFactory(programme=programme, email="b@example.org")

    assert services.invitations_remind(programme=programme, workshop=workshop, by=organiser) == 1
    assert list(OutboxMessage.objects.values_list("to", flat=True)) == ["a@example.org"]


def test_people_who_turned_reminders_off_are_not_reminded(programme, organiser):
    person = contactable("quiet@example.org", [Perspective.PATIENT])
    person.profile.reminders = False
    person.profile.save()
    InvitationFactory(programme=programme, email=person.email, user=person)

    services.invitations_remind(programme=programme, by=organiser)

    assert OutboxMessage.objects.count() == 0


# Answering


def test_accepting_records_who_and_when_and_twice_changes_nothing(programme, workshop, patient):
    invitation = InvitationFactory(programme=programme, workshop=workshop)

    services.invitation_accept(invitation=invitation, user=patient)
    services.invitation_accept(invitation=invitation, user=patient)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.user == patient
    assert invitation.responded_at is not None
    assert AuditEntry.objects.filter(action="programmes.invitation.accepted").count() == 1
    assert not Registration.objects.exists()  # they register themselves next


def test_an_expired_invitation_cannot_be_answered_and_nothing_changes(programme, patient):
    invitation = InvitationFactory(
        programme=programme, expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    with pytest.raises(ValidationError, match="expired"):
        services.invitation_accept(invitation=invitation, user=patient)
    with pytest.raises(ValidationError, match="expired"):
        services.invitation_decline(invitation=invitation)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT
    assert invitation.user is None


def test_declining_keeps_the_reason_and_a_change_of_mind_is_welcome(programme, patient):
    invitation = InvitationFactory(programme=programme)

    services.invitation_decline(invitation=invitation, reason="  I work on Tuesdays. ")
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert invitation.decline_reason == "I work on Tuesdays."
    assert invitation.state_label == "Declined"

    services.invitation_accept(invitation=invitation, user=patient)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.decline_reason == ""
    with pytest.raises(ValidationError, match="already accepted"):
        services.invitation_decline(invitation=invitation)


def test_a_cancelled_workshops_invitation_cannot_be_accepted(programme, workshop, patient):
    invitation = InvitationFactory(programme=programme, workshop=workshop)
    workshop.status = Workshop.Status.CANCELLED
    workshop.save()

    with pytest.raises(ValidationError, match="cancelled"):
        services.invitation_accept(invitation=invitation, user=patient)


def test_an_answered_invitations_email_is_not_sent_after_all(programme, organiser, patient):
    batch = prepare(programme, None, organiser, emails_text="a@example.org")
    [invitation] = services.invitation_batch_confirm(batch=batch, confirmed_by=organiser)
    services.invitation_accept(invitation=invitation, user=patient)

    assert outbox_send(message_id=OutboxMessage.objects.get().pk) == OutboxMessage.Status.SKIPPED
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED


def test_counts_per_state_take_one_query(programme, django_assert_num_queries):
    InvitationFactory(programme=programme, status="queued")
    InvitationFactory(programme=programme)
    InvitationFactory(programme=programme, status="failed")
    InvitationFactory(programme=programme, expires_at=timezone.now() - dt.timedelta(days=1))
    InvitationFactory(programme=programme, status="accepted")
    InvitationFactory(programme=programme, status="declined")
    InvitationFactory(programme=programme, status="withdrawn")

    with django_assert_num_queries(1):
        counts = services.invitation_counts(Invitation.objects.filter(programme=programme))

    assert counts == {
        "queued": 1,
        "sent": 1,
        "failed": 1,
        "expired": 1,
        "accepted": 1,
        "declined": 1,
        "withdrawn": 1,
        "remindable": 1,
        "total": 7,
    }
