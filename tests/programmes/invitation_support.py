"""Data for the invitations' tests: invitations, CSV uploads and people who may be contacted."""

import datetime as dt
import secrets

import factory
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from participants.models import Consent
from programmes import services
from programmes.models import Invitation, InvitationBatch
from tests.factories import ProfileFactory, ProgrammeFactory, UserFactory, WorkshopFactory

CSV_WITH_ONE_BAD_ROW = (
    "email,name\n"
    "ana@example.org,Ana Patel\n"
    "ben@example.org,Ben Okafor\n"
    "not-an-email,Cy Jones\n"
    "dee@example.org,Dee Smith\n"
    "eli@example.org,Eli Brown\n"
)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    programme = factory.SubFactory(ProgrammeFactory)
    workshop = None
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    status = Invitation.Status.SENT
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))
    send_count = 1
    sent_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2))


def csv_upload(text: str | bytes, name: str = "people.csv") -> SimpleUploadedFile:
    content = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, content, content_type="text/csv")


def contactable(email: str, perspectives: list[str], *, contact: bool = True, **user):
    """Someone on the platform who answered the question about being contacted."""
    person = UserFactory(email=email, **user)
    ProfileFactory(user=person, perspectives=perspectives, display_name=email.split("@")[0])
    Consent.objects.create(user=person, kind=Consent.Kind.CONTACT, granted=contact)
    Consent.objects.create(
        user=person,
        kind=Consent.Kind.PRIVACY,
        granted=True,
        privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
    )
    return person


def invitable_workshop(programme, **kwargs):
    kwargs.setdefault("title", "Redesigning the clinic letter")
    kwargs.setdefault("payment_details", "Travel paid and a £25 voucher for your time.")
    kwargs.setdefault("bursaries_available", True)
    return WorkshopFactory(programme=programme, **kwargs)


def prepare(programme, workshop, organiser, **kwargs) -> InvitationBatch:
    kwargs.setdefault("source", InvitationBatch.Source.LIST)
    kwargs.setdefault("message", "We would love to hear from you.")
    kwargs.setdefault("expires_at", timezone.now() + dt.timedelta(days=14))
    return services.invitation_batch_prepare(
        programme=programme, workshop=workshop, created_by=organiser, **kwargs
    )


def problems(batch: InvitationBatch) -> list[tuple[str, str]]:
    return [(row["email"], row["problem"]) for row in batch.rows if row["problem"]]


def good_emails(batch: InvitationBatch) -> list[str]:
    return [row["email"] for row in batch.rows if not row["problem"]]
