"""How a person appears to organisers: the name they chose and the words they chose.

In templates: `{% load participant_words %}{{ registration.user|described_as }}` gives
"Pat Patient (expert by experience)". Select the profile with the user
(`select_related("user__profile")`) so a list of people costs no extra queries.
"""

from typing import Any

from django import template
from django.core.exceptions import ObjectDoesNotExist

register = template.Library()


def described_name(user: Any) -> str:
    """The person's chosen name, with their chosen words in brackets; their email address when
    they have not given a name."""
    if user is None:
        return ""
    try:
        profile = user.profile
    except ObjectDoesNotExist:
        profile = None
    name = (profile.display_name if profile else "") or user.email
    words = profile.described_as if profile else ""
    return f"{name} ({words})" if words else name


@register.filter(name="described_as")
def described_as(user: Any) -> str:
    return described_name(user)
