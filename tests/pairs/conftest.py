"""Fixtures for the pair tests: a cohort of the test programme, and a partner."""

import pytest

from participants.models import Perspective
from tests.pairs.support import cohort_of
from tests.workshops.registration_support import ready_person


@pytest.fixture
def cohort(programme):
    return cohort_of(programme, places=2)


@pytest.fixture
def partner(db):
    """A patient partner with an account: the fixture `patient` under another name."""
    user = ready_person("pat.partner@example.org", [Perspective.PATIENT])
    user.profile.display_name = "Pat"
    user.profile.save()
    return user


@pytest.fixture
def outsider(db):
    """A participant who is in no pair."""
    return ready_person("outsider@example.org", [Perspective.CARER])


@pytest.fixture
def sign_in(client, with_mfa):
    """Sign someone in, with an authenticator app set up as staff need; None stays signed out."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(with_mfa(user))
        return client

    return sign_in


@pytest.fixture
def person(request):
    """The persona named by a test's `who` parameter, or None for a visitor."""

    def person(name):
        return None if name == "visitor" else request.getfixturevalue(name)

    return person
