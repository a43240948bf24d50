"""Sign-in backends that read the signed-in person from the cache.

Every signed-in request loads its person (one query) and, on nearly every page, their team
roles (another: codesign/core/permissions.py). Both are kept in the cache together, under the
same version as the pages kept for people (codesign/core/cache.py, SIGNED_IN_PAGES), so any
change anywhere (a password, a deactivation, an erasure, a team role; any POST) makes the
next request read them afresh, and nothing is kept longer than KEPT_SECONDS. Only when the
cache is shared (SIGNED_IN_CACHE, on with Redis): a per-process cache would not hear of
a change made in another process.

The usual checks still run on what is read: an inactive account gets no user, and Django
compares the session's password hash with the person's, so a changed password signs out.
"""

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import DEFAULT_DB_ALIAS

from codesign.core.cache import SIGNED_IN_PAGES, keep_current, read_current

KEPT_SECONDS = 60
# On a user read afresh: where to keep it, and under which version (see keep_roles).
_KEPT = "_codesign_kept"


def _shared_cache() -> bool:
    return settings.SIGNED_IN_CACHE


def _key(user_id: Any) -> str:
    return f"signed-in-person:{user_id}"


def _store(user: Any, current: int, roles: Any) -> None:
    fields = [f.attname for f in user._meta.concrete_fields]
    values = tuple(getattr(user, name) for name in fields)
    keep_current(_key(user.pk), current, (fields, values, roles), KEPT_SECONDS)


def keep_roles(user: Any, roles: frozenset[tuple[int, str]]) -> None:
    """Add the team roles just read to the kept person (called by permissions.team_roles)."""
    kept = getattr(user, _KEPT, None)
    if kept is not None:
        _store(user, kept, roles)
        delattr(user, _KEPT)


class KeptUserMixin:
    def get_user(self, user_id: Any) -> Any:
        if not _shared_cache():
            return super().get_user(user_id)  # type: ignore[misc]
        from codesign.core.permissions import ROLES_ATTRIBUTE

        current, kept = read_current(SIGNED_IN_PAGES, _key(user_id))
        if kept is not None:
            fields, values, roles = kept
            user = get_user_model().from_db(DEFAULT_DB_ALIAS, fields, values)
            if roles is not None:
                setattr(user, ROLES_ATTRIBUTE, roles)
            else:
                setattr(user, _KEPT, current)
            return user if self.user_can_authenticate(user) else None  # type: ignore[attr-defined]
        user = super().get_user(user_id)  # type: ignore[misc]
        if user is not None:
            _store(user, current, None)
            setattr(user, _KEPT, current)
        return user


class ModelBackend(KeptUserMixin, DjangoModelBackend):
    pass


class AuthenticationBackend(KeptUserMixin, AllauthBackend):
    pass
