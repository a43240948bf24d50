"""Helpers for the programme pages' tests."""

import pytest

from programmes.models import Membership, TeamRole


@pytest.fixture
def sign_in(client, with_mfa):
    """Sign someone in, with an authenticator app set up as staff need; None stays signed out."""

    def sign_in(user):
        if user is not None:
            client.force_login(with_mfa(user))
        return client

    return sign_in


@pytest.fixture
def person(request):
    """The persona named by the test's `who` parameter, or None for a visitor."""

    def person(name):
        return None if name == "visitor" else request.getfixturevalue(name)

    return person


@pytest.fixture
def partner_words(programme):
    """The test programme with its own words for people."""
    programme.lived_experience_term = "patient partner"
    programme.lived_experience_term_plural = "patient partners"
    programme.professional_term = "clinician"
    programme.professional_term_plural = "clinicians"
    programme.save()
    return programme


def organiser_membership(programme, user):
    return Membership.objects.get(programme=programme, user=user, role=TeamRole.ORGANISER)
