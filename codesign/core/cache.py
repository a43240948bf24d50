"""Versioned caching: what is cached is kept under a key that holds a version number, and any
change to the data it was made from bumps the version, so the next visitor gets it made afresh
at once. Old entries are never read again and expire by themselves.

    watch("public-workshops", Workshop, Registration, ...)   # in an AppConfig.ready()
    key = f"thing:{version('public-workshops')}:..."

`watch` bumps a scope's version whenever one of its models is saved or deleted (Django's
signals, which also fire for rows deleted in cascade). Writes that bypass them (a queryset's
update(), bulk_create) must call `bump(scope)` themselves, or be covered by the entry's time
limit. A version starts from the clock rather than from 1, so a version lost from the cache
(Redis restarted, a key evicted) never brings back entries made under an earlier number.
"""

import hashlib
import re
import time
from collections.abc import Callable
from functools import partial, wraps
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

PUBLIC_WORKSHOPS = "public-workshops"
FEEDBACK = "feedback"
# Every page kept for one signed-in person (`personal_page`): any change anywhere bumps it.
SIGNED_IN_PAGES = "signed-in-pages"


def _version_key(scope: str) -> str:
    return f"version:{scope}"


def version(scope: str) -> int:
    """The scope's current version: part of the key of anything made from its data."""
    key = _version_key(scope)
    value = cache.get(key)
    if value is None:
        fresh = time.time_ns()
        if cache.add(key, fresh, timeout=None):
            return fresh
        value = cache.get(key)
    return int(value) if value is not None else time.time_ns()  # no cache at all


def read_current(scope: str, key: str) -> tuple[int, Any]:
    """The scope's current version, and what `keep_current` kept under `key` if it was kept
    under that version (None otherwise): both in one round trip."""
    scope_key = _version_key(scope)
    found = cache.get_many([scope_key, key])
    current = found.get(scope_key)
    if current is None:
        current = version(scope)
    kept = found.get(key)
    return current, kept[1] if kept is not None and kept[0] == current else None


def keep_current(key: str, current: int, value: Any, timeout: int) -> None:
    """Keep `value` as made under version `current` of its scope (see `read_current`)."""
    cache.set(key, (current, value), timeout)


def _bump_now(scope: str) -> None:
    key = _version_key(scope)
    try:
        cache.incr(key)
    except ValueError:  # not in the cache (yet, or any more): start afresh
        cache.add(key, time.time_ns(), timeout=None)


def bump(scope: str) -> None:
    """Make everything cached under the scope's current version stale. At once, and again when
    the transaction commits: a visitor who read the data before the commit may have cached it
    under the version bumped first."""
    _bump_now(scope)
    transaction.on_commit(partial(_bump_now, scope))


def is_bump(callback: Any) -> bool:
    """Whether an on-commit callback is one of `bump`'s, for tests that check nothing else
    waits for the commit."""
    return isinstance(callback, partial) and callback.func is _bump_now


def watch(scope: str, *models: type[Model]) -> None:
    """Bump `scope` whenever one of `models` is saved or deleted."""

    def changed(sender: type[Model], **kwargs: Any) -> None:
        if kwargs.get("raw"):  # loading fixtures
            return
        bump(scope)

    for model in models:
        uid = f"codesign.core.cache:{scope}:{model._meta.label}"
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":save")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":delete")


def _same_for_every_visitor(request: HttpRequest) -> bool:
    """Only signed-out visitors with no message waiting see a page that another visitor could
    have seen: a signed-in person's page is theirs (their place, their name in the menu)."""
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and not len(messages.get_messages(request))
    )


def _shareable(request: HttpRequest, response: HttpResponse) -> bool:
    """Nothing in the response that belongs to one visitor: no cookie set, no CSRF token."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and b"csrfmiddlewaretoken" not in response.content
    )


def anonymous_page(scope: str, timeout: int) -> Callable[..., Any]:
    """Keep the page signed-out visitors see, by its full address, until `scope` changes or
    `timeout` seconds pass (for what changes with time alone: a workshop starting). Signed-in
    people always get the page made for them."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _same_for_every_visitor(request):
                return view(request, *args, **kwargs)
            address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
            key = f"page:{scope}:{version(scope)}:{view.__module__}.{view.__name__}:{address}"
            kept = cache.get(key)
            if kept is not None:
                content, content_type = kept
                return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)
            if _shareable(request, response):
                cache.set(key, (response.content, response["Content-Type"]), timeout)
            return response

        return wrapper

    return decorator


# Pages kept for one signed-in person


# Our apps, whose every saved or deleted row may show on a kept page.
WATCHED_APPS = (
    "accounts",
    "core",
    "programmes",
    "workshops",
    "participants",
    "pairs",
    "bursaries",
    "feedback",
    "privacy",
)
# Rows no kept page shows, written all the time: watching them would empty the cache for
# nothing (an access record is written by every view of the registrants list).
UNWATCHED = ("core.AuditEntry", "core.OutboxMessage")


def watch_everything(scope: str) -> None:
    """Bump `scope` whenever any row of our apps is saved or deleted (CoreConfig.ready)."""
    watch(
        scope,
        *(
            model
            for model in apps.get_models()
            if model._meta.app_label in WATCHED_APPS and model._meta.label not in UNWATCHED
        ),
    )


def bump_after_change(request: HttpRequest) -> None:
    """After any request that may change something (not GET, HEAD or OPTIONS): covers the
    writes that bypass signals (a queryset's update(), bulk_create)."""
    if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
        _bump_now(SIGNED_IN_PAGES)


# A form's CSRF token is the visitor's own (masked anew for every page): kept pages hold this
# instead, and each visitor gets theirs put back.
_CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_CSRF_KEPT = rb"\g<1>__codesign_csrf__\g<2>"
_CSRF_MARK = b"__codesign_csrf__"
PERSONAL_PAGE_SECONDS = 60


def personal_page(timeout: int = PERSONAL_PAGE_SECONDS) -> Callable[..., Any]:
    """Keep the page made for this signed-in person, by its full address, until anything
    changes anywhere (SIGNED_IN_PAGES), or for `timeout` seconds at most (for what changes
    with time alone: a workshop ending). Under the permission checks: the view's decorators
    above this one run every time. Access records the view wrote (codesign/core/audit.py)
    are written again each time the kept page is shown.

    Not kept: a page with a message waiting (shown once), htmx's partial pages, anything but
    a plain 200 answer; nothing at all unless SIGNED_IN_CACHE is on (with Redis).
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            from codesign.core import audit

            if (
                not settings.SIGNED_IN_CACHE
                or request.method != "GET"
                or not request.user.is_authenticated
                or request.headers.get("HX-Request")
                or len(messages.get_messages(request))
            ):
                return view(request, *args, **kwargs)
            address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
            key = f"personal:{request.user.pk}:{view.__module__}.{view.__name__}:{address}"
            current, kept = read_current(SIGNED_IN_PAGES, key)
            if kept is not None:
                content, content_type, records = kept
                audit.replay(request.user, records)
                token = get_token(request).encode()
                return HttpResponse(content.replace(_CSRF_MARK, token), content_type=content_type)
            with audit.capture() as records:
                response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and not response.has_header("Content-Disposition")
            ):
                content = _CSRF_FIELD.sub(_CSRF_KEPT, response.content)
                keep_current(key, current, (content, response["Content-Type"], records), timeout)
            return response

        return wrapper

    return decorator
