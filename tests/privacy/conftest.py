import pytest

from tests.privacy.support import person_with_everything


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rosa(programme):
    """A participant with a record of every kind in `programme`."""
    return person_with_everything(programme=programme)


@pytest.fixture
def staff_client(client, with_mfa):
    """Sign a team member or site admin in, with their authenticator app set up."""

    from allauth.mfa.models import Authenticator

    def sign_in(user):
        if user is not None:
            if not Authenticator.objects.filter(user=user).exists():
                with_mfa(user)
            client.force_login(user)
        return client

    return sign_in
