"""Fixtures for the profile pages' tests."""

import pytest


@pytest.fixture
def sign_in(client):
    """Sign someone in. Participants' pages are not staff pages, so no authenticator app."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
