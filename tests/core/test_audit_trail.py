"""The audit trail records who changed support needs, equality answers and bursary decisions
(change history), and who on a programme team saw or downloaded other people's details
(access records): one entry per page view, none when people look at their own."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import RequestFactory
from django.urls import reverse

from bursaries.models import Application, Claim, Receipt
from bursaries.services import bursary_decide
from codesign.core import audit
from codesign.core.models import AuditEntry
from participants.models import EqualityMonitoring, Profile
from programmes.models import TeamRole
from tests.bursaries.factories import ApplicationFactory, SchemeFactory, png_bytes
from tests.factories import MembershipFactory, RegistrationFactory, WorkshopFactory
from tests.pairs.support import decided

pytestmark = pytest.mark.django_db

SUPPORT_STEP = reverse("participants:profile_step", kwargs={"step": "support"})
EQUALITY = reverse("participants:equality")
ANSWERS = {
    "age_band": "45_64",
    "ethnicity": "black",
    "disability": "yes",
    "sex": "female",
    "gender_same_as_sex_at_birth": "prefer_not",
}


@pytest.fixture
def signed_in(client, with_mfa):
    """Sign someone in as a browser would: staff with their authenticator app."""
    from allauth.mfa.models import Authenticator

    def sign_in(user):
        if not Authenticator.objects.filter(user=user).exists():
            with_mfa(user)
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def scheme(programme):
    return SchemeFactory(programme=programme, name="Travel and care bursary")


@pytest.fixture
def workshop(programme, carer):
    workshop = WorkshopFactory(programme=programme, title="Clinic letters")
    carer.profile.support_needs = ["step_free"]
    carer.profile.save()
    RegistrationFactory(workshop=workshop, user=carer)
    return workshop


def views_recorded() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action__startswith=audit.ACCESS_PREFIX))


# Change history: support needs


def test_a_participant_changing_their_support_needs_is_recorded_as_done_by_them(client, patient):
    client.force_login(patient)

    response = client.post(
        SUPPORT_STEP,
        {"support_needs": ["step_free", "bsl"], "dietary_needs": "Halal", "reminders": "yes"},
    )

    assert response.status_code == 302
    row = Profile.history.get()
    assert row.history_user == patient
    assert row.user == patient
    assert row.history_type == "~"
    assert sorted(row.changed_fields) == ["dietary_needs", "support_needs"]


def test_the_history_names_what_changed_but_keeps_no_copy_of_anyones_needs(patient):
    kept = {field.name for field in Profile.history.model._meta.fields}

    assert "user" in kept
    assert not kept & {"support_needs", "support_other", "dietary_needs", "phone", "pronouns"}


def test_a_profile_change_that_leaves_support_needs_alone_writes_no_history(patient):
    profile = patient.profile
    profile.display_name = "Pat"
    profile.phone = "07700 900123"
    profile.save()

    assert not Profile.history.exists()


def test_a_change_made_outside_a_request_names_whoever_the_code_says(patient, admin):
    profile = Profile.objects.get(user=patient)
    profile.support_needs = ["quiet_space"]
    profile._history_user = admin
    profile.save()

    profile.large_print = True
    del profile._history_user
    profile.save()

    latest, first = Profile.history.order_by("-history_id")
    assert (first.history_user, first.changed_fields) == (admin, ["support_needs"])
    assert (latest.history_user, latest.changed_fields) == (None, ["large_print"])


def test_a_save_of_only_some_fields_records_only_those(patient):
    profile = Profile.objects.get(user=patient)
    profile.support_needs = ["bsl"]
    profile.easy_read = True
    profile.save(update_fields=["easy_read"])

    assert Profile.history.get().changed_fields == ["easy_read"]


# Change history: equality answers


def test_equality_answers_are_recorded_as_which_questions_changed_never_the_answers(
    client, patient
):
    client.force_login(patient)

    client.post(EQUALITY, ANSWERS)
    client.post(EQUALITY, {**ANSWERS, "ethnicity": "mixed"})
    client.post(reverse("participants:equality_delete"))

    deleted, changed, given = EqualityMonitoring.history.order_by("-history_id")
    # The service makes an empty row first: that alone is not worth a history row.
    assert [row.history_type for row in (given, changed, deleted)] == ["~", "~", "-"]
    assert all(row.history_user == patient and row.user == patient for row in (given, changed))
    assert deleted.history_user == patient
    assert sorted(given.changed_fields) == sorted(ANSWERS)
    assert changed.changed_fields == ["ethnicity"]
    kept = {field.name for field in EqualityMonitoring.history.model._meta.fields}
    assert not kept & set(ANSWERS)
    assert not EqualityMonitoring.objects.exists()


# Change history: bursary decisions


def test_a_bursary_decision_and_its_release_are_recorded_with_the_decider_and_the_values(
    signed_in, organiser, carer, scheme
):
    application = ApplicationFactory(scheme=scheme, applicant=carer, amount=Decimal("100"))
    client = signed_in(organiser)

    client.post(
        reverse("bursaries:decide", args=[application.pk]),
        {"outcome": "partial", "amount": "40", "reason": "Half the fare", "release": "hold"},
    )
    client.post(reverse("bursaries:release", args=[scheme.pk]))

    released, decided_row = Application.history.filter(history_type="~").order_by("-history_id")
    assert decided_row.history_user == organiser
    assert (decided_row.status, decided_row.outcome) == ("approved", "partial")
    assert decided_row.awarded == Decimal("40.00")
    assert decided_row.decision_reason == "Half the fare"
    assert decided_row.released_at is None
    assert set(decided_row.changed_fields) == {
        "status",
        "outcome",
        "awarded",
        "decision_reason",
        "decided_by",
    }
    assert released.history_user == organiser
    assert released.changed_fields == ["released_at"]
    assert released.released_at is not None


def test_editing_a_draft_writes_no_bursary_history(carer, scheme):
    application = ApplicationFactory(scheme=scheme, applicant=carer, status="draft")
    application.statement = "The bus would let me come."
    application.save()

    assert not Application.history.exists()


def test_a_decision_made_outside_a_request_is_recorded_with_the_actor_named(
    organiser, carer, scheme
):
    application = ApplicationFactory(scheme=scheme, applicant=carer)

    with audit.history_actor(organiser):
        bursary_decide(
            application=application, decided_by=organiser, outcome="decline", reason="Full"
        )
    bursary_decide(application=application, decided_by=organiser, outcome="waitlist", reason="W")

    later, first = Application.history.filter(history_type="~").order_by("-history_id")
    assert (first.history_user, first.outcome) == (organiser, "decline")
    assert (later.history_user, later.outcome) == (None, "waitlist")


# Access records


def test_the_registrants_list_records_one_view_of_support_needs_by_the_organiser(
    signed_in, organiser, workshop
):
    response = signed_in(organiser).get(reverse("workshops:registrants", args=[workshop.pk]))

    assert response.status_code == 200
    (entry,) = views_recorded()
    assert entry.actor == organiser
    assert entry.action == audit.VIEWED_SUPPORT_NEEDS
    assert (entry.object_type, entry.object_id) == ("workshops.workshop", str(workshop.pk))
    assert entry.object_repr == "Clinic letters"
    assert entry.data == {"page": "registrants"}


def test_a_reviewer_reading_the_registrants_list_is_recorded_too(signed_in, reviewer, workshop):
    signed_in(reviewer).get(reverse("workshops:registrants", args=[workshop.pk]))

    assert [(e.actor, e.action) for e in views_recorded()] == [
        (reviewer, audit.VIEWED_SUPPORT_NEEDS)
    ]


def test_the_check_in_list_records_one_view_of_support_needs(signed_in, organiser, workshop):
    signed_in(organiser).get(reverse("workshops:checkin", args=[workshop.pk]))

    (entry,) = views_recorded()
    assert (entry.actor, entry.data) == (organiser, {"page": "check-in"})


def test_someone_refused_a_page_is_not_recorded_as_having_seen_it(
    signed_in, other_organiser, workshop
):
    response = signed_in(other_organiser).get(reverse("workshops:registrants", args=[workshop.pk]))

    assert response.status_code == 404
    assert views_recorded() == []


def test_the_registrants_download_is_recorded_once_as_a_download(signed_in, organiser, workshop):
    signed_in(organiser).get(reverse("workshops:registrants_csv", args=[workshop.pk]))

    assert [(e.actor, e.action) for e in AuditEntry.objects.all()] == [
        (organiser, "workshops.registrants.exported")
    ]


def test_the_bursary_application_page_records_one_view(signed_in, organiser, carer, scheme):
    application = ApplicationFactory(scheme=scheme, applicant=carer)
    client = signed_in(organiser)

    page = client.get(reverse("bursaries:application", args=[application.pk])).content.decode()

    (entry,) = views_recorded()
    assert (entry.actor, entry.action) == (organiser, audit.VIEWED_BURSARY_APPLICATION)
    assert (entry.object_type, entry.object_id) == ("bursaries.application", str(application.pk))
    # The application's own history says what was done to it; who looked is on the audit page.
    client.get(reverse("bursaries:application", args=[application.pk]))
    assert audit.VIEWED_BURSARY_APPLICATION not in page
    assert len(views_recorded()) == 2


def test_the_bursary_queue_and_claims_pages_record_one_view_each(
    signed_in, organiser, scheme, programme
):
    client = signed_in(organiser)

    client.get(reverse("bursaries:queue", args=[programme.slug]))
    client.get(reverse("bursaries:claims", args=[programme.slug]))

    assert [(e.action, e.object_repr) for e in reversed(views_recorded())] == [
        (audit.VIEWED_BURSARY_APPLICATIONS, programme.title),
        (audit.VIEWED_BURSARY_CLAIMS, programme.title),
    ]


def test_the_finance_download_is_recorded_once(signed_in, organiser, scheme):
    signed_in(organiser).get(reverse("bursaries:export", args=[scheme.pk]))

    assert [e.action for e in AuditEntry.objects.all()] == ["bursaries.scheme.exported"]


@pytest.fixture
def stored_receipt(settings, tmp_path, carer, organiser, scheme):
    settings.MEDIA_ROOT = tmp_path / "media"
    application = bursary_decide(
        application=ApplicationFactory(scheme=scheme, applicant=carer, amount=Decimal("80")),
        decided_by=organiser,
        outcome="full",
        reason="Yes",
        release=True,
    )
    claim = Claim.objects.create(application=application)
    receipt = Receipt(
        claim=claim, original_name="ticket.png", content_type="image/png", size=len(png_bytes())
    )
    receipt.file.save("receipt.png", ContentFile(png_bytes()))
    return receipt


def test_a_receipt_downloaded_by_the_team_is_recorded(signed_in, organiser, stored_receipt):
    response = signed_in(organiser).get(reverse("bursaries:receipt", args=[stored_receipt.pk]))

    assert response.status_code == 200
    (entry,) = views_recorded()
    assert (entry.actor, entry.action) == (organiser, audit.VIEWED_BURSARY_RECEIPT)
    assert entry.object_type == "bursaries.claim"


def test_a_participant_downloading_their_own_receipt_is_not_recorded(client, carer, stored_receipt):
    client.force_login(carer)

    response = client.get(reverse("bursaries:receipt", args=[stored_receipt.pk]))

    assert response.status_code == 200
    assert views_recorded() == []


def test_the_pair_review_page_records_one_view_of_the_partners_support_needs(
    signed_in, organiser, programme
):
    from tests.pairs.support import cohort_of, partner_n, professional_n

    pair = decided(cohort_of(programme), professional_n(1), partner_n(1), organiser, "accept")

    signed_in(organiser).get(reverse("pairs:review_pair", args=[programme.slug, pair.pk]))

    (entry,) = views_recorded()
    assert (entry.actor, entry.data, entry.object_type) == (
        organiser,
        {"page": "pair"},
        "pairs.pair",
    )


def test_participants_looking_at_their_own_details_are_not_recorded(client, carer, scheme):
    ApplicationFactory(scheme=scheme, applicant=carer)
    client.force_login(carer)

    for name in (
        "participants:profile",
        "bursaries:mine",
        "workshops:mine",
        "participants:equality",
    ):
        assert client.get(reverse(name)).status_code == 200

    assert views_recorded() == []


def test_audit_access_skips_the_person_the_data_is_about(carer, organiser):
    request = RequestFactory().get("/")
    request.user = carer

    assert audit.audit_access(request, audit.VIEWED_BURSARY_APPLICATION, subject=carer) is None
    assert audit.audit_access(request, audit.VIEWED_BURSARY_APPLICATION, subject=carer.pk) is None
    request.user = organiser
    assert audit.audit_access(request, audit.VIEWED_BURSARY_APPLICATION, subject=carer)
    assert len(views_recorded()) == 1


def test_audit_access_refuses_an_action_it_does_not_know(organiser):
    request = RequestFactory().get("/")
    request.user = organiser

    with pytest.raises(ValueError, match="Unknown access action"):
        audit.audit_access(request, "viewed.everything")


def test_a_programme_finance_officer_viewing_claims_is_recorded(signed_in, programme, carer):
    MembershipFactory(programme=programme, user=carer, role=TeamRole.FINANCE)

    signed_in(carer).get(reverse("bursaries:claims", args=[programme.slug]))

    assert [(e.actor, e.action) for e in views_recorded()] == [(carer, audit.VIEWED_BURSARY_CLAIMS)]
