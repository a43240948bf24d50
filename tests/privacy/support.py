"""A participant with records in every place the platform keeps personal data, each holding
a marker string, so a test can look for the markers anywhere in the database after erasure."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.base import ContentFile
from django.utils import timezone

from bursaries.models import (
    Application,
    ApplicationItem,
    Claim,
    ClaimItem,
    Conflict,
    CostType,
    Receipt,
    Review,
)
from codesign.core.audit import audit_log
from codesign.core.models import OutboxMessage
from feedback.models import Answer, FeedbackReceipt, Question, Response
from feedback.services import feedback_form_for
from pairs.models import LogEntry, Pair
from participants.models import Consent, EqualityMonitoring, Perspective
from programmes.models import Invitation, InvitationBatch
from tests.bursaries.factories import PDF, SchemeFactory
from tests.factories import (
    CohortFactory,
    ProfileFactory,
    RegistrationFactory,
    UserFactory,
    WorkshopFactory,
)
from workshops.models import CalendarFeed, GuardianConsent, Registration, RegistrationEvent

EMAIL = "rosa.quillfeather@example.org"
NAME = "Rosa Quillfeather"
# Words only this person gave us: none may be left anywhere after erasure.
MARKERS = {
    "email": EMAIL,
    "name": NAME,
    "phone": "07700 900461",
    "pronouns": "xe/xem-marker",
    "support": "A chair with arms, marker-support",
    "food": "No sesame, marker-food",
    "companion": "Cosmo Brindlewick",
    "copies_name": "Perpetua Brindlewick",
    "copies_email": "perpetua.brindlewick@example.org",
    "guardian_name": "Gideon Quillfeather",
    "guardian_email": "gideon.quillfeather@example.org",
    "invitation_name": "Rosie Q",
    "invitation_decline": "I am busy then, marker-decline",
    "feedback": "The tea was cold, marker-feedback",
    "task": "Redesign the marker-task letter",
    "organisation": "Marker Trust for Tests",
    "log": "We tried marker-log things",
    "statement": "The bus fare stops me, marker-statement",
    "review": "Lives far away, marker-review",
    "claim_note": "Lost one ticket, marker-claim",
    "receipt_name": "rosa-quillfeather-taxi.pdf",
    "event_reason": "Needs step-free, marker-event",
}


@dataclass
class Person:
    user: Any
    past_workshop: Any
    future_workshop: Any
    programme: Any
    objects: dict[str, Any] = field(default_factory=dict)


def person_with_everything(
    *, programme: Any = None, email: str = EMAIL, two_step: bool = True
) -> Person:
    """A patient with a record of every kind. The programme and workshops are created unless
    given."""
    now = timezone.now()
    # Other people's addresses and keys must not contain this person's address.
    tag = email.split("@")[0]
    user = UserFactory(email=email)
    if two_step:
        Authenticator.objects.create(
            user=user, type=Authenticator.Type.TOTP, data={"secret": "not-a-real-secret"}
        )
    ProfileFactory(
        user=user,
        display_name=NAME,
        pronouns=MARKERS["pronouns"],
        perspectives=[Perspective.PATIENT.value, Perspective.CARER.value],
        described_as="patient partner",
        phone=MARKERS["phone"],
        support_needs=["step_free"],
        support_other=MARKERS["support"],
        dietary_needs=MARKERS["food"],
        copies_to_name=MARKERS["copies_name"],
        copies_to_email=MARKERS["copies_email"],
        guardian_name=MARKERS["guardian_name"],
        guardian_email=MARKERS["guardian_email"],
        date_of_birth=dt.date(2009, 3, 4),
        completed_at=now,
    )
    Consent.objects.create(
        user=user,
        kind=Consent.Kind.PRIVACY,
        granted=True,
        privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
    )
    EqualityMonitoring.objects.create(user=user, ethnicity="mixed", disability="yes")
    CalendarFeed.objects.create(user=user, token=f"calendar-{tag}")

    programme = programme or WorkshopFactory().programme
    past = WorkshopFactory(
        programme=programme,
        title="Clinic letters, looking back",
        starts_at=now - dt.timedelta(days=10, hours=3),
        ends_at=now - dt.timedelta(days=10),
    )
    future = WorkshopFactory(programme=programme, title="Clinic letters, next steps")
    attended = RegistrationFactory(
        workshop=past,
        user=user,
        status=Registration.Status.ATTENDED,
        companion_name=MARKERS["companion"],
        checked_in_at=past.starts_at,
        perspectives=[Perspective.PATIENT.value],
    )
    RegistrationEvent.objects.create(
        registration=attended, kind=RegistrationEvent.Kind.MOVED, reason=MARKERS["event_reason"]
    )
    coming = RegistrationFactory(workshop=future, user=user, status=Registration.Status.CONFIRMED)
    GuardianConsent.objects.create(
        registration=attended,
        guardian_name=MARKERS["guardian_name"],
        guardian_email=MARKERS["guardian_email"],
        token=f"guardian-{tag}",
        confirmed_at=now - dt.timedelta(days=11),
    )
    audit_log(actor=user, action="workshops.registration.created", target=attended)
    audit_log(actor=user, action="workshops.registration.created", target=coming)

    invitation = Invitation.objects.create(
        programme=programme,
        workshop=past,
        email=email,
        name=MARKERS["invitation_name"],
        user=user,
        token=f"invitation-{tag}",
        status=Invitation.Status.ACCEPTED,
        expires_at=now + dt.timedelta(days=3),
        decline_reason=MARKERS["invitation_decline"],
    )
    InvitationBatch.objects.create(
        programme=programme,
        source=InvitationBatch.Source.LIST,
        expires_at=now + dt.timedelta(days=3),
        rows=[
            {"email": email, "name": MARKERS["invitation_name"], "user_id": user.pk},
            {"email": "someone.else@example.org", "name": "Someone Else", "user_id": None},
        ],
    )
    audit_log(
        actor=None,
        action="programmes.invitation.resent",
        target=invitation,
        data={"invitation": invitation.pk, "email": email},
    )

    form = feedback_form_for(workshop=past)
    response = Response.objects.create(
        form=form, user=user, perspectives=[Perspective.PATIENT.value], quote_consent=True
    )
    text_question = form.questions.filter(kind=Question.Kind.TEXT).first()
    scale_question = form.questions.filter(kind=Question.Kind.SCALE).first()
    Answer.objects.create(response=response, question=text_question, text=MARKERS["feedback"])
    Answer.objects.create(response=response, question=scale_question, value=4)
    FeedbackReceipt.objects.create(form=form, user=user)

    partner = UserFactory(email=f"{tag}.partner@example.org")
    ProfileFactory(user=partner, display_name="Partner Person")
    cohort = CohortFactory(programme=programme)
    pair = Pair.objects.create(
        programme=programme,
        cohort=cohort,
        professional=partner,
        partner=user,
        partner_name=NAME,
        partner_email=email,
        partner_token=f"pair-{tag}",
        partner_accepted_at=now,
        status=Pair.Status.ACCEPTED,
        task="A task",
        organisation="Example Health Trust",
        organisation_support="Time",
        how_we_work="Weekly",
        partner_statement=MARKERS["task"],
        partner_support_needs=MARKERS["support"],
    )
    LogEntry.objects.create(
        pair=pair,
        author=user,
        entry_date=dt.date.today(),
        tried=MARKERS["log"],
        learned="Plenty",
    )
    LogEntry.objects.create(
        pair=pair, author=partner, entry_date=dt.date.today(), tried="Partner's words", learned="X"
    )

    scheme = SchemeFactory(programme=programme, workshop=past)
    application = Application.objects.create(
        scheme=scheme,
        applicant=user,
        statement=MARKERS["statement"],
        status=Application.Status.APPROVED,
        outcome=Application.Outcome.FULL,
        awarded=Decimal("40.00"),
        decision_reason=f"Approved for {NAME}",
        submitted_at=now - dt.timedelta(days=20),
        decided_at=now - dt.timedelta(days=15),
        released_at=now - dt.timedelta(days=15),
    )
    ApplicationItem.objects.create(
        application=application, cost_type=CostType.TRAVEL, amount=Decimal("40.00")
    )
    reviewer = UserFactory(email=f"{tag}.reviewer@example.org")
    Review.objects.create(
        application=application,
        reviewer=reviewer,
        recommendation=Review.Recommendation.FULL,
        comments=MARKERS["review"],
    )
    Conflict.objects.create(application=application, reviewer=partner, reason=f"Knows {NAME}")
    paid = Claim.objects.create(
        application=application,
        status=Claim.Status.PAID,
        note=MARKERS["claim_note"],
        paid_at=now,
        payment_reference="BACS-1234",
    )
    ClaimItem.objects.create(
        claim=paid, cost_type=CostType.TRAVEL, amount=Decimal("30.00"), details="Bus"
    )
    kept_receipt = Receipt(
        claim=paid, original_name=MARKERS["receipt_name"], content_type="application/pdf", size=1
    )
    kept_receipt.file.save("receipt.pdf", ContentFile(PDF), save=False)
    kept_receipt.save()
    unpaid = Claim.objects.create(application=application, status=Claim.Status.SUBMITTED)
    dropped_receipt = Receipt(
        claim=unpaid, original_name=MARKERS["receipt_name"], content_type="application/pdf", size=1
    )
    dropped_receipt.file.save("receipt.pdf", ContentFile(PDF), save=False)
    dropped_receipt.save()
    audit_log(
        actor=reviewer,
        action="bursaries.application.approved",
        target=application,
        data={"reason": f"Approved for {NAME}"},
    )

    for key, kind, to, is_copy in (
        ("welcome", "welcome", email, False),
        ("reminder", "reminder", email, False),
        ("reminder:copy", "reminder", MARKERS["copies_email"], True),
    ):
        OutboxMessage.objects.create(
            key=f"{key}:{tag}",
            kind=kind,
            to=to,
            user=user,
            programme=programme if kind == "reminder" else None,
            subject=f"Hello {NAME}",
            is_copy=is_copy,
            status=OutboxMessage.Status.SENT,
            sent_at=now,
        )
    pending = OutboxMessage.objects.create(
        key=f"pending:{tag}", kind="welcome", to=email, user=user, subject=""
    )

    # Someone else named this person to get copies of their messages.
    ProfileFactory(
        user=UserFactory(email=f"{tag}.friend@example.org"),
        copies_to_name=NAME,
        copies_to_email=email,
    )
    return Person(
        user=user,
        past_workshop=past,
        future_workshop=future,
        programme=programme,
        objects={
            "attended": attended,
            "coming": coming,
            "invitation": invitation,
            "response": response,
            "pair": pair,
            "partner": partner,
            "application": application,
            "paid_claim": paid,
            "unpaid_claim": unpaid,
            "kept_receipt": kept_receipt,
            "dropped_receipt": dropped_receipt,
            "pending_message": pending,
            "reviewer": reviewer,
        },
    )


def database_text() -> str:
    """Every row of every table, as text, for looking for what should be gone."""
    parts = []
    for model in apps.get_models(include_auto_created=True):
        parts.append(serializers.serialize("json", model._base_manager.all()))
    return "\n".join(parts).lower()


def markers_left(markers: dict[str, str] = MARKERS) -> dict[str, str]:
    text = database_text()
    return {key: value for key, value in markers.items() if value.lower() in text}
