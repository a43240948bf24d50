"""A participant erases their data (privacy:erase): their personal data goes, the numbers
others rely on and the records the law needs stay."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from bursaries.models import Application, Claim, Receipt
from codesign.core.models import AuditEntry, OutboxMessage
from feedback.models import Answer, FeedbackReceipt, Response
from pairs.models import LogEntry, Pair
from participants.models import Consent, EqualityMonitoring, Profile
from privacy import services
from privacy.models import DataRequest
from programmes.models import Invitation, InvitationBatch, TeamRole
from tests.factories import PASSWORD, MembershipFactory, RegistrationFactory
from tests.feedback.support import text
from tests.privacy.support import EMAIL, MARKERS, NAME, markers_left
from workshops.models import CalendarFeed, GuardianConsent, Registration

ERASE = reverse("privacy:erase")
ERASED = reverse("privacy:erased")


def _erase(client, password=PASSWORD, understood=True):
    data = {"password": password}
    if understood:
        data["understood"] = "on"
    return client.post(ERASE, data)


@pytest.fixture
def erased(client, rosa, django_capture_on_commit_callbacks):
    """Rosa erases her data through the page."""
    client.force_login(rosa.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = _erase(client)
    assert response.status_code == 302
    assert response["Location"] == ERASED
    rosa.user.refresh_from_db()
    return rosa


def test_the_erasure_page_says_what_goes_what_stays_and_why(client, rosa):
    client.force_login(rosa.user)

    page = text(client.get(ERASE))

    assert page.count("<h1") == 1
    assert "What we delete" in page
    assert "What we keep without your name" in page
    assert "What we must keep, and why" in page
    assert "Tax law says we must keep records of money we pay for 6 years" in page
    assert "24 months after the last programme you took part in closes" in page
    assert 'name="password"' in page
    assert reverse("privacy:download") in page


def test_nothing_is_erased_without_the_password(client, rosa):
    client.force_login(rosa.user)

    response = _erase(client, password="not-my-password")

    page = text(response)
    assert response.status_code == 200
    assert "That is not your password" in page
    assert "There is a problem" in page
    rosa.user.refresh_from_db()
    assert rosa.user.email == EMAIL and rosa.user.is_active
    assert Profile.objects.filter(user=rosa.user).exists()


def test_nothing_is_erased_without_the_tick(client, rosa):
    client.force_login(rosa.user)

    page = text(_erase(client, understood=False))

    assert "Tick the box to say you understand." in page
    rosa.user.refresh_from_db()
    assert rosa.user.is_active


def test_too_many_wrong_passwords_are_refused_for_a_while(client, patient):
    client.force_login(patient)

    for _ in range(10):
        _erase(client, password="wrong-password")
    page = text(_erase(client))

    assert "Too many tries" in page
    patient.refresh_from_db()
    assert patient.is_active


def test_erasing_signs_the_person_out_and_shows_a_kind_page(client, erased):
    page = text(client.get(ERASED))

    assert "Your data has been erased" in page
    assert "You have been signed out" in page
    assert "Signed in as" not in page
    assert client.get(reverse("privacy:mine")).status_code == 302


def test_the_erased_person_cannot_sign_in_again(client, erased):
    assert not client.login(email=EMAIL, password=PASSWORD)
    assert not client.login(email=erased.user.email, password=PASSWORD)
    assert not erased.user.has_usable_password()
    assert not erased.user.is_active


def test_other_signed_in_browsers_are_signed_out_too(
    client, rosa, django_capture_on_commit_callbacks
):
    from django.test import Client

    other = Client()
    other.force_login(rosa.user)
    assert other.get(reverse("privacy:mine")).status_code == 200
    client.force_login(rosa.user)

    with django_capture_on_commit_callbacks(execute=True):
        _erase(client)

    response = other.get(reverse("privacy:mine"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_no_trace_of_what_they_told_us_is_left_anywhere_in_the_database(erased):
    assert markers_left() == {}


def test_the_account_is_kept_under_a_code_and_closed(erased):
    user = erased.user
    assert user.email == f"erased-{user.pk}@invalid"
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not Profile.objects.filter(user=user).exists()
    assert not EqualityMonitoring.objects.filter(user=user).exists()
    assert not CalendarFeed.objects.filter(user=user).exists()
    assert services.is_erased(user)


def test_past_places_stay_so_attendance_numbers_stay_right(erased):
    attended = Registration.objects.get(pk=erased.objects["attended"].pk)
    assert attended.user_id == erased.user.pk
    assert attended.status == Registration.Status.ATTENDED
    assert attended.perspectives == ["patient"]
    # Their companion still took a place: the count of places stays at 2.
    assert attended.companion_name == "Companion"
    assert attended.places == 2
    assert erased.past_workshop.places_taken() == 2


def test_places_still_to_come_go_to_the_next_person_waiting(
    client, rosa, carer, django_capture_on_commit_callbacks
):
    workshop = rosa.future_workshop
    workshop.capacity = 1
    workshop.save()
    waiting = RegistrationFactory(
        workshop=workshop, user=carer, status=Registration.Status.WAITLISTED
    )
    client.force_login(rosa.user)

    with django_capture_on_commit_callbacks(execute=True):
        _erase(client)

    coming = Registration.objects.get(pk=rosa.objects["coming"].pk)
    assert coming.status == Registration.Status.CANCELLED
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    # The cancelled place's email to the erased person was stopped, not sent.
    assert not [m for m in mail.outbox if EMAIL in m.to]


def test_feedback_counts_stay_but_are_no_longer_linked_to_them(erased):
    response = Response.objects.get(pk=erased.objects["response"].pk)
    assert response.user_id is None
    assert response.quote_consent is False
    assert response.created_at.hour == 0 and response.created_at.minute == 0
    answers = list(Answer.objects.filter(response=response))
    assert len(answers) == 2
    assert {a.value for a in answers} == {4, None}
    assert all(a.text == "" for a in answers)
    assert FeedbackReceipt.objects.filter(user=erased.user).count() == 1


def test_a_pair_still_going_is_withdrawn_and_the_other_member_told(erased):
    pair = Pair.objects.get(pk=erased.objects["pair"].pk)
    assert pair.status == Pair.Status.WITHDRAWN
    assert pair.partner_id == erased.user.pk
    assert pair.partner_email == services.ERASED_ADDRESS
    assert pair.partner_statement == pair.partner_name == ""
    assert pair.partner_token != f"pair-{EMAIL.split('@')[0]}"
    told = OutboxMessage.objects.filter(kind="pair_update", user=erased.objects["partner"])
    assert [m.params["occasion"] for m in told] == ["withdrawn"]
    # Only their own learning log entries go; their partner's stay.
    assert list(LogEntry.objects.filter(pair=pair).values_list("tried", flat=True)) == [
        "Partner's words"
    ]


def test_bursary_records_the_law_needs_are_kept_under_the_code(erased):
    application = Application.objects.get(pk=erased.objects["application"].pk)
    assert application.applicant_id == erased.user.pk
    assert application.awarded == 40
    assert application.status == Application.Status.APPROVED
    assert application.statement == application.decision_reason == ""
    assert list(application.items.values_list("amount", flat=True)) == [40]
    paid = Claim.objects.get(pk=erased.objects["paid_claim"].pk)
    assert paid.payment_reference == "BACS-1234"
    assert list(paid.items.values_list("details", flat=True)) == ["Bus"]
    kept = Receipt.objects.get(pk=erased.objects["kept_receipt"].pk)
    assert kept.original_name == "receipt"
    assert kept.file.storage.exists(kept.file.name)
    # A receipt for a claim never approved is not a record of money paid: it goes.
    assert not Receipt.objects.filter(pk=erased.objects["dropped_receipt"].pk).exists()
    assert not erased.objects["dropped_receipt"].file.storage.exists(
        erased.objects["dropped_receipt"].file.name
    )


def test_an_application_not_yet_decided_is_withdrawn_so_the_money_goes_back(
    client, patient, programme, django_capture_on_commit_callbacks
):
    from tests.bursaries.factories import ApplicationFactory, SchemeFactory

    application = ApplicationFactory(scheme=SchemeFactory(programme=programme), applicant=patient)
    client.force_login(patient)

    with django_capture_on_commit_callbacks(execute=True):
        _erase(client)

    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN


def test_invitations_guardian_consents_and_emails_lose_the_address(erased):
    invitation = Invitation.objects.get(pk=erased.objects["invitation"].pk)
    assert invitation.email == services.ERASED_ADDRESS
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.name == invitation.decline_reason == ""
    batch = InvitationBatch.objects.get(programme=erased.programme)
    assert [row["email"] for row in batch.rows] == [
        services.ERASED_ADDRESS,
        "someone.else@example.org",
    ]
    consent = GuardianConsent.objects.get(registration=erased.objects["attended"])
    assert consent.guardian_email == services.ERASED_ADDRESS
    assert consent.confirmed_at is not None
    pending = OutboxMessage.objects.get(pk=erased.objects["pending_message"].pk)
    assert pending.status == OutboxMessage.Status.SKIPPED
    assert not OutboxMessage.objects.filter(to__in=[EMAIL, MARKERS["copies_email"]]).exists()
    # Consent answers stay under the code, with their dates.
    assert Consent.objects.filter(user=erased.user).count() == 1


def test_the_change_history_of_erased_records_goes(
    client, rosa, django_capture_on_commit_callbacks
):
    if not hasattr(Profile, "history"):
        pytest.skip("Profiles keep no change history in this build.")
    profile = Profile.objects.get(user=rosa.user)
    profile.support_other = "Changed once"
    profile.save()
    assert Profile.history.filter(id=profile.pk).exists()
    client.force_login(rosa.user)

    with django_capture_on_commit_callbacks(execute=True):
        _erase(client)

    assert not Profile.history.filter(id=profile.pk).exists()
    assert not EqualityMonitoring.history.filter(user_id=rosa.user.pk).exists()
    if hasattr(Application, "history"):
        history = Application.history.filter(id=rosa.objects["application"].pk)
        assert history.exists()
        assert set(history.values_list("decision_reason", flat=True)) == {""}


def test_the_erasure_is_recorded_without_personal_data_and_the_audit_trail_scrubbed(erased):
    entry = AuditEntry.objects.get(action="privacy.person.erased")
    assert entry.actor_id == erased.user.pk
    assert entry.data["user"] == erased.user.pk
    assert entry.data["reason"] == "request"
    request = DataRequest.objects.get(user=erased.user)
    assert request.kind == DataRequest.Kind.ERASURE
    assert request.source == DataRequest.Source.SELF
    assert request.is_done and request.email == ""
    about_invitation = AuditEntry.objects.get(action="programmes.invitation.resent")
    assert (
        about_invitation.object_repr == f"programmes.invitation {erased.objects['invitation'].pk}"
    )
    assert about_invitation.data["email"] == services.ERASED_ADDRESS
    decision = AuditEntry.objects.get(action="bursaries.application.approved")
    assert decision.data["reason"] == ""
    for entry in AuditEntry.objects.all():
        assert NAME not in entry.object_repr + str(entry.data)
        assert EMAIL not in entry.object_repr + str(entry.data)


def test_erasing_twice_changes_nothing_more(erased):
    before = AuditEntry.objects.count()

    assert services.person_erase(user=erased.user, by=None, reason="retention") == {}

    assert AuditEntry.objects.count() == before


def test_someone_with_a_team_role_is_asked_to_hand_it_over_first(client, organiser):
    client.force_login(organiser)

    page = text(client.get(ERASE))
    response = _erase(client)

    assert "Ask a site admin to take away your team role first" in page
    assert 'name="password"' not in page
    assert response.status_code == 200
    organiser.refresh_from_db()
    assert organiser.is_active and organiser.email == "organiser@example.org"


def test_a_site_admin_cannot_erase_themselves(client, admin):
    client.force_login(admin)

    _erase(client)

    admin.refresh_from_db()
    assert admin.is_active


def test_erasing_one_person_leaves_everyone_else_alone(
    client, rosa, carer, django_capture_on_commit_callbacks
):
    MembershipFactory(programme=rosa.programme, role=TeamRole.ORGANISER)
    others = set(
        get_user_model().objects.exclude(pk=rosa.user.pk).values_list("pk", "email", "is_active")
    )
    client.force_login(rosa.user)

    with django_capture_on_commit_callbacks(execute=True):
        _erase(client)

    assert (
        set(
            get_user_model()
            .objects.exclude(pk=rosa.user.pk)
            .values_list("pk", "email", "is_active")
        )
        == others
    )
    assert Profile.objects.filter(user=carer).exists()


def test_the_erased_page_sends_signed_in_people_to_their_data(client, patient):
    client.force_login(patient)

    response = client.get(ERASED)

    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:mine")


def test_erasure_only_takes_get_and_post(client, patient):
    client.force_login(patient)

    assert client.put(ERASE).status_code == 405


def test_the_retention_months_come_from_the_setting(client, patient, settings):
    settings.RETENTION_MONTHS = 36
    client.force_login(patient)

    assert "36 months after the last programme" in text(client.get(ERASE))


def test_no_email_is_queued_to_an_erased_account_afterwards(
    rosa, django_capture_on_commit_callbacks
):
    from feedback.services import feedback_requests_queue
    from tests.feedback.support import ended_workshop

    just_ended = ended_workshop(programme=rosa.programme)
    RegistrationFactory(workshop=just_ended, user=rosa.user, status=Registration.Status.ATTENDED)
    with django_capture_on_commit_callbacks(execute=True):
        services.person_erase(user=rosa.user, by=rosa.user, reason="request")

    # The workshop they came to has just ended: everyone else there is asked for feedback.
    feedback_requests_queue()

    assert not OutboxMessage.objects.filter(user=rosa.user, kind="feedback_request").exists()
