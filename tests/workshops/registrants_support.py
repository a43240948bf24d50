"""Helpers for the tests of the pages about who is coming: people with profiles and places."""

import datetime as dt
from typing import Any

from participants.models import Perspective
from tests.factories import ProfileFactory, RegistrationFactory, UserFactory
from workshops.models import Registration, Workshop

PATIENT = Perspective.PATIENT.value
CARER = Perspective.CARER.value
PROFESSIONAL = Perspective.HEALTH_PROFESSIONAL.value
YOUNG = Perspective.YOUNG_PERSON.value


def registered(
    workshop: Workshop,
    name: str,
    perspectives: list[str] | None = None,
    *,
    status: str = Registration.Status.CONFIRMED,
    companion_name: str = "",
    email: str | None = None,
    **profile: Any,
) -> Registration:
    """Someone with a profile and a registration for the workshop."""
    perspectives = perspectives if perspectives is not None else [PATIENT]
    user = UserFactory(email=email or f"{name.lower().replace(' ', '.')}@example.org")
    ProfileFactory(user=user, display_name=name, perspectives=perspectives, **profile)
    return RegistrationFactory(
        workshop=workshop,
        user=user,
        status=status,
        perspectives=perspectives,
        companion_name=companion_name,
    )


def sixteen_years_ago() -> dt.date:
    return dt.date.today() - dt.timedelta(days=16 * 365 + 60)
