"""Opening a page with lazy loads made to raise, and checking it runs the same queries at a
small and a large size.

Django 6.1's fetch modes decide what happens when code reads a foreign key, a one-to-one (either
way) or a deferred field that its query did not load. The default, FETCH_ONE, quietly runs one
more query, which is how a list grows one query per row. `lazy_loads_raise` makes every queryset
made while it is open use FETCH_RAISE instead, so the first such read fails the test and names
the field; add select_related, prefetch_related or only() to the view's query to fix it.

It covers the whole request, framework code included: the session, the signed-in user and the
programme roles in the menu load without lazy reads today, and should keep doing so.

Reverse foreign keys and many-to-many managers (`workshop.registrations.all()` without a
prefetch) always run a query and fetch modes cannot block them; the query count catches those
instead, because it grows with the data.
"""

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import query
from django.db.models.fetch_modes import FetchRaise
from django.test import Client
from django.test.utils import CaptureQueriesContext

# Rows of whatever the page lists (workshops, places, answers, applications, events). The large
# size crosses the lists' pages (20 workshops, 25 applications a page).
SMALL, LARGE = 2, 30
# No listed page may need more than this, whatever the size.
MOST_QUERIES = 15


class _RecordingRaise(FetchRaise):
    """FETCH_RAISE that also writes down what it blocked. Templates swallow exceptions in some
    places (`{% if a.b == c %}` reads as false), so the list is checked after the request."""

    def __init__(self, blocked: list[str]) -> None:
        self.blocked = blocked

    def fetch(self, fetcher: Any, instance: Any) -> None:
        self.blocked.append(f"{type(instance).__qualname__}.{fetcher.field.name}")
        super().fetch(fetcher, instance)

    def __reduce__(self) -> Any:
        # Model instances carry their mode when a page caches them (pickled), and come back
        # with whatever mode is on when they are read.
        return (_current_mode, ())


def _current_mode() -> Any:
    return query.DEFAULT_FETCH_MODE


@contextlib.contextmanager
def lazy_loads_raise() -> Iterator[list[str]]:
    """While open, reading a field that was not loaded raises FieldFetchBlocked. Gives the list
    of fields blocked so far."""
    blocked: list[str] = []
    saved = query.DEFAULT_FETCH_MODE
    # QuerySet.__init__ reads the module's default each time, so this reaches every queryset
    # made from here on, and Django hands the mode on to the related objects they load.
    query.DEFAULT_FETCH_MODE = _RecordingRaise(blocked)
    try:
        yield blocked
    finally:
        query.DEFAULT_FETCH_MODE = saved


@dataclass
class Visit:
    url: str
    status: int
    queries: list[str]

    @property
    def count(self) -> int:
        return len(self.queries)


def open_page(client: Client, url: str) -> Visit:
    """GET the page with lazy loads raising; fails if any was blocked, even if swallowed."""
    with lazy_loads_raise() as blocked, CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert not blocked, f"{url} read fields its queries did not load: {', '.join(blocked)}"
    return Visit(url, response.status_code, [q["sql"] for q in captured.captured_queries])


def same_queries_at_each_size(client: Client, page: Callable[[int], str]) -> int:
    """`page(size)` adds that many of the things a page lists and gives the page's address.

    Opens the page twice at the small size, then twice at the large one, and checks that the
    first visits ask the same number of queries, the second visits too (they differ on a page
    that caches its work), all no more than MOST_QUERIES. Before that, one untimed visit warms
    what Django keeps per process (content types). Returns the first visits' count.
    """
    open_page(client, page(SMALL))
    first, second = [], []
    for size in (SMALL, LARGE):
        url = page(size)
        first.append(open_page(client, url))
        second.append(open_page(client, url))
    for small, large in (first, second):
        assert small.status == large.status == 200, (small.url, small.status, large.status)
        assert small.count == large.count, _difference(small, large)
        assert large.count <= MOST_QUERIES, "\n".join(large.queries)
    return first[1].count


def _difference(small: Visit, large: Visit) -> str:
    lines = [f"{small.count} queries at {SMALL}, {large.count} at {LARGE}."]
    lines += [f"  small: {sql}" for sql in small.queries]
    lines += [f"  large: {sql}" for sql in large.queries]
    return "\n".join(lines)
