"""People ready to register: a finished profile and the current privacy notice accepted."""

import datetime

from django.conf import settings
from django.utils import timezone

from participants.models import Consent
from tests.factories import ProfileFactory, UserFactory


def ready_person(email: str, perspectives: list[str], *, age: int | None = None, **profile):
    user = UserFactory(email=email)
    born = None
    if age is not None:
        today = timezone.localdate()
        born = today.replace(year=today.year - age, day=1) - datetime.timedelta(days=1)
    profile.setdefault("discipline", "Nursing")
    profile.setdefault("organisation", "Example Health Trust")
    profile.setdefault("job_role", "Specialist nurse")
    ProfileFactory(
        user=user,
        display_name=email.split("@")[0].title(),
        perspectives=perspectives,
        described_as=perspectives[0] if perspectives else "",
        date_of_birth=born or datetime.date(1980, 1, 1),
        completed_at=timezone.now(),
        **profile,
    )
    Consent.objects.create(
        user=user,
        kind=Consent.Kind.PRIVACY,
        granted=True,
        privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
    )
    return user
