"""Fixtures for the listed-pages guard."""

import pytest


@pytest.fixture
def sign_in(client, with_mfa):
    """Sign someone in as a browser would; staff get the authenticator app they need."""
    from allauth.mfa.models import Authenticator

    def sign_in(user):
        if not Authenticator.objects.filter(user=user).exists():
            with_mfa(user)
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://codesign.example.org"
