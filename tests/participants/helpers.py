import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from participants.models import Consent, Profile

PROFILE = reverse("participants:profile")


def step_url(slug: str) -> str:
    return reverse("participants:profile_step", kwargs={"step": slug})


def page_text(response) -> str:
    """What a person reads on the page: the words without tags, spaces run together."""
    return " ".join(strip_tags(response.content.decode()).split())


def errors(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


def born_years_ago(years: int) -> dt.date:
    """A birthday that has already passed this year, so the person is exactly `years` old."""
    today = timezone.localdate()
    return dt.date(today.year - years, 1, 1)


def finish(user, **changes) -> Profile:
    """Give this person a finished profile, as if they had gone through every step."""
    profile, _ = Profile.objects.get_or_create(user=user)
    values = {
        "display_name": "Pat",
        "age_band": "25_44",
        "perspectives": ["patient"],
        "described_as": "expert by experience",
        "completed_at": timezone.now(),
    }
    values.update(changes)
    for name, value in values.items():
        setattr(profile, name, value)
    profile.save()
    Consent.objects.create(
        user=user,
        kind=Consent.Kind.PRIVACY,
        granted=True,
        privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
    )
    return profile
