"""The world the permission matrix runs in, the roles in it, and how a response is read.

Two programmes. Programme A has everything a URL can point at: workshops (coming, finished,
draft), registrations, a young person waiting for their guardian, a collaborative pair with a
learning log, a bursary scheme with an awarded application (assigned to one reviewer, conflicted
for another), a claim with a receipt, a feedback form, "you said, we did", invitations and a
failed outbox message. Programme B has its own organiser and a workshop, so "another
programme's organiser" is a real person with real pages of their own.

All names, addresses and stories here are made up.
"""

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from bursaries.models import Application, Assignment, Claim, ClaimItem, Conflict, Receipt
from codesign.core.models import OutboxMessage
from codesign.core.notices import unsubscribe_url
from feedback.services import action_create, feedback_form_for, feedback_token
from pairs import services as pair_services
from participants.models import Perspective
from privacy.models import DataRequest
from programmes.models import InvitationBatch, Membership, TeamRole
from tests.bursaries.factories import PDF, ApplicationFactory, CriterionFactory, SchemeFactory
from tests.factories import (
    MembershipFactory,
    ProfileFactory,
    ProgrammeFactory,
    RegistrationFactory,
    StageFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.pairs.support import cohort_of, decided
from tests.programmes.invitation_support import InvitationFactory
from tests.workshops.registration_support import ready_person
from workshops import services as workshop_services
from workshops.models import CalendarFeed, GuardianConsent, Material, Registration, Workshop
from workshops.registrants import table_plan_build

ANONYMOUS = "anonymous"
PARTICIPANT = "participant"
YOUNG_PERSON = "young_person"
GUARDIAN = "guardian"
ORGANISER_A = "organiser_a"
ORGANISER_B = "organiser_b"
REVIEWER_A = "reviewer_a"
CONFLICTED_REVIEWER_A = "conflicted_reviewer_a"
FINANCE_A = "finance_a"
SITE_ADMIN = "site_admin"

ROLES = (
    ANONYMOUS,
    PARTICIPANT,
    YOUNG_PERSON,
    GUARDIAN,
    ORGANISER_A,
    ORGANISER_B,
    REVIEWER_A,
    CONFLICTED_REVIEWER_A,
    FINANCE_A,
    SITE_ADMIN,
)
# Nobody signs these two in: the guardian has no account, only the link in their email.
SIGNED_OUT = (ANONYMOUS, GUARDIAN)
# Team members and site admins: they pass `staff_page`, then each page checks the programme.
STAFF = (ORGANISER_A, ORGANISER_B, REVIEWER_A, CONFLICTED_REVIEWER_A, FINANCE_A, SITE_ADMIN)

# What a response means for the person who asked.
OK = "ok"  # the page (200), a form sent back with its errors (400), or the page's own redirect
LOGIN = "login"  # sent to sign in (or, from an emailed link, to sign up)
FORBIDDEN = "403"
NOT_FOUND = "404"
MFA = "mfa"  # sent to set up an authenticator app; nobody here should ever see it

NAMES = {"participant": "Ada Matrixapplicant", "young": "Yara Matrixyoung"}

_SIGN_IN_PAGES = ("account_login", "account_signup", "admin:login")


def outcome(response: Any) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        path = response.url.split("?", 1)[0]
        if path in {reverse(name) for name in _SIGN_IN_PAGES}:
            return LOGIN
        if path == reverse("mfa_activate_totp"):
            return MFA
        return OK
    if response.status_code in (200, 400):
        return OK
    return str(response.status_code)


def describe(response: Any) -> str:
    where = f" to {response.url}" if response.status_code in (301, 302, 303, 307, 308) else ""
    return f"{response.status_code}{where}"


@dataclass(frozen=True)
class People:
    participant: Any
    young_person: Any
    organiser_a: Any
    organiser_b: Any
    reviewer_a: Any
    conflicted_reviewer_a: Any
    finance_a: Any
    site_admin: Any


def _staff(email: str, programme: Any, role: str) -> Any:
    """A team member with an authenticator app, as the deployed site requires of staff."""
    user = UserFactory(email=email)
    ProfileFactory(user=user, perspectives=[Perspective.MANAGER], display_name=email.split("@")[0])
    if programme is not None:
        MembershipFactory(programme=programme, user=user, role=role)
    _give_authenticator(user)
    return user


def _give_authenticator(user: Any) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import generate_totp_secret
    from allauth.mfa.utils import encrypt

    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(generate_totp_secret())}
    )


def _ended_workshop(programme: Any, **fields: Any) -> Workshop:
    ends_at = (timezone.now() - dt.timedelta(hours=1)).replace(microsecond=0)
    return WorkshopFactory(
        programme=programme, starts_at=ends_at - dt.timedelta(hours=3), ends_at=ends_at, **fields
    )


def _material(workshop: Workshop, title: str) -> Material:
    material = Material(
        workshop=workshop,
        title=title,
        kind=Material.Kind.SLIDES,
        content_type="application/pdf",
        size=len(PDF),
    )
    material.file.save(f"{title.lower().replace(' ', '-')}.pdf", ContentFile(PDF), save=True)
    return material


def build_world() -> SimpleNamespace:
    """Everything each URL of the site needs, made once for the whole matrix."""
    a = ProgrammeFactory(title="Matrix clinic letters", slug="matrix-clinic-letters")
    b = ProgrammeFactory(title="Matrix student wellbeing", slug="matrix-student-wellbeing")

    organiser_a = _staff("organiser.a@example.org", a, TeamRole.ORGANISER)
    organiser_b = _staff("organiser.b@example.org", b, TeamRole.ORGANISER)
    reviewer_a = _staff("reviewer.a@example.org", a, TeamRole.REVIEWER)
    conflicted = _staff("conflicted.a@example.org", a, TeamRole.REVIEWER)
    finance_a = _staff("finance.a@example.org", a, TeamRole.FINANCE)
    site_admin = _staff("site.admin@example.org", None, "")
    site_admin.is_superuser = site_admin.is_staff = True
    site_admin.save(update_fields=["is_superuser", "is_staff"])

    participant = ready_person("participant@example.org", [Perspective.HEALTH_PROFESSIONAL])
    partner = ready_person("partner@example.org", [Perspective.PATIENT])
    young_person = ready_person(
        "young.person@example.org",
        [Perspective.YOUNG_PERSON],
        age=15,
        guardian_name="Gina Guardian",
        guardian_email="gina.guardian@example.org",
    )
    # Names no page prints unless it shows these two people's details.
    for person, name in ((participant, NAMES["participant"]), (young_person, NAMES["young"])):
        person.profile.display_name = name
        person.profile.save(update_fields=["display_name"])

    # Workshops: one coming up, one just ended, one draft; one in programme B.
    cohort = cohort_of(a, places=5, name="Matrix cohort")
    stage = StageFactory(programme=a, name="Discover")
    coming = WorkshopFactory(programme=a, title="Matrix coming workshop", cohort=cohort)
    ended = _ended_workshop(a, title="Matrix ended workshop", cohort=cohort)
    draft = WorkshopFactory(programme=a, title="Matrix draft workshop", status="draft")
    b_workshop = WorkshopFactory(programme=b, title="Matrix programme B workshop")

    registration = RegistrationFactory(
        workshop=coming, user=participant, perspectives=[Perspective.HEALTH_PROFESSIONAL]
    )
    RegistrationFactory(
        workshop=ended,
        user=participant,
        status=Registration.Status.ATTENDED,
        perspectives=[Perspective.HEALTH_PROFESSIONAL],
    )
    b_registration = RegistrationFactory(workshop=b_workshop, user=partner)
    young_registration = workshop_services.registration_create(workshop=coming, user=young_person)
    assert young_registration.status == Registration.Status.AWAITING_GUARDIAN
    guardian_consent = GuardianConsent.objects.get(registration=young_registration)
    table_plan_build(workshop=coming, tables=1, rounds=1, by=organiser_a)
    public_material = _material(coming, "Matrix slides")
    draft_material = _material(draft, "Matrix draft notes")
    b_material = _material(b_workshop, "Matrix B handout")
    feed = CalendarFeed.objects.create(user=participant, token=secrets.token_urlsafe(32))

    # A collaborative pair (the participant is its professional), accepted, with a log entry.
    pair = decided(cohort, participant, partner, organiser_a, "accept")
    entry = pair_services.log_entry_add(
        pair=pair,
        author=participant,
        entry_date=timezone.localdate(),
        tried="We tried a shorter letter.",
        learned="Shorter letters get read.",
        sharing="team",
    )

    # Programme B's own pair, with an entry only its partners may read.
    b_pair = decided(
        cohort_of(b, places=5, name="Matrix B cohort"),
        ready_person("professional.b@example.org", [Perspective.HEALTH_PROFESSIONAL]),
        ready_person("partner.b@example.org", [Perspective.CARER]),
        organiser_b,
        "accept",
    )
    b_entry = pair_services.log_entry_add(
        pair=b_pair,
        author=b_pair.professional,
        entry_date=timezone.localdate(),
        tried="We tried a drop-in.",
        learned="Drop-ins suit students.",
        sharing="pair",
    )

    # Bursaries: the participant's award, assigned to one reviewer, conflicted for the other.
    scheme = SchemeFactory(programme=a, name="Matrix travel bursary")
    CriterionFactory(scheme=scheme, name="Helps them take part", weight=1, position=0)
    application = ApplicationFactory(
        scheme=scheme,
        applicant=participant,
        status=Application.Status.APPROVED,
        outcome="full",
        awarded=Decimal("100.00"),
        decided_at=timezone.now(),
        released_at=timezone.now(),
    )
    Assignment.objects.create(application=application, reviewer=reviewer_a, assigned_by=organiser_a)
    Conflict.objects.create(application=application, reviewer=conflicted, reason="My neighbour")
    claim = Claim.objects.create(application=application)
    ClaimItem.objects.create(claim=claim, cost_type="travel", amount=Decimal("20.00"))
    receipt = Receipt(
        claim=claim, original_name="ticket.pdf", content_type="application/pdf", size=len(PDF)
    )
    receipt.file.save("ticket.pdf", ContentFile(PDF), save=True)

    # Feedback on the ended workshop, and one "you said, we did".
    feedback_form = feedback_form_for(workshop=ended)
    question = feedback_form.questions.order_by("pk").first()
    action = action_create(
        programme=a,
        heard="The room was too noisy.",
        changed="We booked a quieter room.",
        changed_on=timezone.localdate(),
        created_by=organiser_a,
    )

    # Invitations, and an email the outbox could not send.
    invitation = InvitationFactory(programme=a, workshop=coming, email="invitee@example.org")
    batch = InvitationBatch.objects.create(
        programme=a,
        workshop=coming,
        source=InvitationBatch.Source.LIST,
        expires_at=timezone.now() + dt.timedelta(days=14),
        rows=[{"email": "new.person@example.org", "name": "", "user_id": None, "problem": ""}],
        created_by=organiser_a,
    )
    failed_message = OutboxMessage.objects.create(
        key="matrix:failed",
        kind="registration",
        to="bounced@example.org",
        programme=a,
        workshop=coming,
        status=OutboxMessage.Status.FAILED,
        attempts=5,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )

    # A data request that reached programme A's team by phone, for an address with no account.
    data_request = DataRequest.objects.create(
        kind=DataRequest.Kind.ACCESS,
        email="no.account@example.org",
        programme=a,
        identity_check="Phoned them back on the number we hold.",
        recorded_by=organiser_a,
    )

    return SimpleNamespace(
        people=People(
            participant=participant,
            young_person=young_person,
            organiser_a=organiser_a,
            organiser_b=organiser_b,
            reviewer_a=reviewer_a,
            conflicted_reviewer_a=conflicted,
            finance_a=finance_a,
            site_admin=site_admin,
        ),
        a=a,
        b=b,
        cohort=cohort,
        stage=stage,
        membership=Membership.objects.get(programme=a, user=finance_a),
        coming=coming,
        ended=ended,
        draft=draft,
        venue=coming.venue,
        registration=registration,
        guardian_token=guardian_consent.token,
        public_material=public_material,
        draft_material=draft_material,
        b_workshop=b_workshop,
        b_registration=b_registration,
        b_material=b_material,
        b_entry=b_entry,
        feed_token=feed.token,
        unsubscribe_token=unsubscribe_url(participant).rstrip("/").rsplit("/", 1)[-1],
        feedback_token=feedback_token(Registration.objects.get(workshop=ended, user=participant)),
        pair=pair,
        entry=entry,
        scheme=scheme,
        application=application,
        claim=claim,
        receipt=receipt,
        question=question,
        action=action,
        invitation=invitation,
        invitation_token=invitation.token,
        partner_token=pair.partner_token,
        batch=batch,
        failed_message=failed_message,
        data_request=data_request,
    )


def session_keys(world: SimpleNamespace) -> dict[str, str]:
    """A signed-in session for each role with an account, made once: each test only sets the
    cookie, and whatever a request changes is rolled back with the test."""
    from django.test import Client

    keys = {}
    for role in ROLES:
        user = getattr(world.people, role, None)
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        keys[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys
