"""Fixtures for the bursary pages: a scheme with weighted criteria, a finance officer, and
people signed in as a browser would be (staff with their authenticator app)."""

import pytest

from programmes.models import TeamRole
from tests.bursaries.factories import CriterionFactory, SchemeFactory
from tests.factories import MembershipFactory, ProfileFactory, UserFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sign_in(client, with_mfa):
    """Sign someone in (staff with an authenticator app); None stays signed out."""

    from allauth.mfa.models import Authenticator

    def sign_in(user):
        if user is not None:
            if not Authenticator.objects.filter(user=user).exists():
                with_mfa(user)
            client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def finance(programme):
    user = ProfileFactory(user=UserFactory(email="finance@example.org"), perspectives=[]).user
    MembershipFactory(programme=programme, user=user, role=TeamRole.FINANCE)
    return user


@pytest.fixture
def scheme(programme):
    scheme = SchemeFactory(programme=programme, name="Travel and care bursary")
    CriterionFactory(scheme=scheme, name="Helps them take part", weight=2, position=0)
    CriterionFactory(scheme=scheme, name="Costs are clear", weight=1, position=1)
    return scheme


@pytest.fixture
def person(request):
    """The persona named by a test's `who` parameter, or None for a visitor."""

    def person(name):
        return None if name == "visitor" else request.getfixturevalue(name)

    return person
