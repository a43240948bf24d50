"""Shared fixtures: named personas, and the settings every test starts from."""

import copy
import os
import uuid

import pytest

from participants.models import Perspective
from programmes.models import TeamRole
from tests.factories import MembershipFactory, ProfileFactory, ProgrammeFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM use.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _plain_settings(settings):
    """Tests see the product as deployed: MFA for staff on, whatever the shell says. Each test
    gets a cache of its own (a fresh key prefix on Redis), so rate limits never leak between
    tests or parallel test processes."""
    settings.STAFF_MFA_REQUIRED = True
    caches = copy.deepcopy(settings.CACHES)
    fresh = uuid.uuid4().hex
    caches["default"]["KEY_PREFIX"] = f"test-{fresh}"
    caches["default"].setdefault("LOCATION", fresh)
    if caches["default"]["BACKEND"].endswith("LocMemCache"):
        caches["default"]["LOCATION"] = fresh
    settings.CACHES = caches
    # Sessions in the database only, as without Redis, so a page's query count is the same
    # with Redis (CI) or without (cached_db saves the session's query: tests/core/test_settings.py).
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    # Likewise signed-in pages and people made afresh every time, unless a test says
    # otherwise (tests/core/test_personal_pages.py, tests/accounts/test_kept_people.py).
    settings.SIGNED_IN_CACHE = False


@pytest.fixture
def programme(db):
    return ProgrammeFactory(title="Diabetes care together", slug="diabetes-care-together")


@pytest.fixture
def other_programme(db):
    return ProgrammeFactory(title="Better mental health for students", slug="student-mental-health")


def _person(email: str, perspectives: list[str], **kwargs):
    user = UserFactory(email=email, **kwargs)
    ProfileFactory(user=user, perspectives=perspectives)
    return user


@pytest.fixture
def organiser(programme):
    user = _person("organiser@example.org", [Perspective.MANAGER])
    MembershipFactory(programme=programme, user=user, role=TeamRole.ORGANISER)
    return user


@pytest.fixture
def other_organiser(other_programme):
    user = _person("other.organiser@example.org", [Perspective.MANAGER])
    MembershipFactory(programme=other_programme, user=user, role=TeamRole.ORGANISER)
    return user


@pytest.fixture
def reviewer(programme):
    user = _person("reviewer@example.org", [Perspective.RESEARCHER])
    MembershipFactory(programme=programme, user=user, role=TeamRole.REVIEWER)
    return user


@pytest.fixture
def patient(db):
    return _person("patient@example.org", [Perspective.PATIENT])


@pytest.fixture
def carer(db):
    return _person("carer@example.org", [Perspective.CARER])


@pytest.fixture
def young_person(db):
    return _person("young@example.org", [Perspective.YOUNG_PERSON])


@pytest.fixture
def professional(db):
    return _person("professional@example.org", [Perspective.HEALTH_PROFESSIONAL])


@pytest.fixture
def admin(db):
    return _person("admin@example.org", [], is_superuser=True, is_staff=True)


@pytest.fixture
def with_mfa():
    """Give a user a TOTP authenticator, as if they had set one up."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import generate_totp_secret
    from allauth.mfa.utils import encrypt

    def give(user):
        Authenticator.objects.create(
            user=user,
            type=Authenticator.Type.TOTP,
            data={"secret": encrypt(generate_totp_secret())},
        )
        return user

    return give


@pytest.fixture
def celery_app():
    """Our own Celery app, sending through the configured broker (Redis in CI) to a real
    worker started by celery's `celery_worker` fixture, instead of running tasks in-process."""
    from codesign.celery import app

    app.conf.task_always_eager = False
    with app.connection_for_write() as connection:
        # Drop messages a crashed earlier run may have left in this process's queue.
        connection.default_channel.queue_purge(app.conf.task_default_queue)
    yield app
    app.conf.task_always_eager = True


@pytest.fixture
def celery_worker_parameters():
    return {"perform_ping_check": False, "shutdown_timeout": 20}
