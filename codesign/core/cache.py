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
import time
from collections.abc import Callable
from functools import partial, wraps
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse

PUBLIC_WORKSHOPS = "public-workshops"
FEEDBACK = "feedback"


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
