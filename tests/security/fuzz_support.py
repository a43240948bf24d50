"""Bad input for the property-based tests (hypothesis): text nobody would type, values of the
wrong kind, missing and repeated fields, and the checks every answer must pass.

Examples run one after another against one test's data. Each runs inside a savepoint that is
rolled back (`one_example`), with a fresh cache (so rate limits don't build up) and an empty
outbox, so one example never sees what another saved.
"""

import contextlib
import copy
import os
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.apps import apps
from django.core import mail
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Modest, so the whole set runs in about a minute and a half on SQLite; FUZZ_SCALE=5 (say)
# runs five times as many examples of each, for a deeper look now and then. A failure is
# shrunk and kept in hypothesis's database like any other.
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))


def examples(count: int) -> settings:
    return settings(
        max_examples=max(1, round(count * SCALE)),
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


FUZZ = examples(20)

ONE_MEGABYTE = 1024 * 1024


class _Huge(str):
    """A megabyte of text that doesn't fill a failure report."""

    def __repr__(self) -> str:
        return "'x' * 1 MB"


HUGE = _Huge("x" * ONE_MEGABYTE)

# Things people and programs really send, that forms often forget.
AWKWARD = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x00" * 20,
    "\r\n",
    "\t",
    "\u200b",
    "\u202eevil",
    "\ufeff",
    "🙂" * 30,
    "é" * 300,
    "٣",
    "²",
    "½",
    "-1",
    "0",
    "00",
    "9" * 40,
    "-" + "9" * 40,
    "1e309",
    "1e-309",
    "NaN",
    "-Infinity",
    "1_000",
    "0x1F",
    "3.14159265358979323846264338327950288",
    "99999999999999999999.99",
    "2026-02-30",
    "2026-13-01",
    "0001-01-01",
    "9999-12-31",
    "2026-03-29T01:30",
    "2026-10-25T01:30",
    "2026-06-01T25:61",
    "99999-01-01T10:00",
    "10:00",
    "24:00",
    "true",
    "on",
    "null",
    "[]",
    "{}",
    '{"a": [1, 2]}',
    '=HYPERLINK("http://x")',
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "' OR 1=1 --",
    "%00",
    "%s%s%n",
    "{0}{1}",
    "../../../etc/passwd",
    "https://example.org/" + "a" * 3000,
    "sam@example.org",
    "sam@example.org\x00",
    "Sam <sam@example.org>",
    "a" * 255 + "@example.org",
    "@",
    "a@b",
]

text = st.one_of(
    st.text(max_size=120),
    st.text(st.characters(categories=["Cc", "Cs", "Zl", "Zp", "Cf", "Co"]), max_size=20),
    st.sampled_from(AWKWARD),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=True).map(str),
    st.just("y" * 5000),
)
# A megabyte in every box is tried once per form and page, on its own (it is slow to check).


def as_delivered(value: str) -> str:
    """What Django makes of a value sent over HTTP: bytes that are not UTF-8 (lone surrogates
    encoded as they are) become the replacement character."""
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _names(form: forms.BaseForm, name: str) -> list[str]:
    """The keys a browser sends for a field: a date of birth's three boxes, and so on."""
    key = form.add_prefix(name)
    widget = form.fields[name].widget
    if isinstance(widget, forms.MultiWidget):
        return [f"{key}{suffix}" for suffix in widget.widgets_names]
    return [key]


def _good_values(field: forms.Field) -> list[str]:
    """Answers that pass the field itself, so examples also get as far as the form's own
    checks and the services."""
    found: list[str] = []
    choices = getattr(field, "choices", None)
    if choices is not None:
        try:
            listed = list(choices)
        except Exception:  # noqa: BLE001 - a queryset this form can't list yet
            listed = []
        for value, label in listed[:8]:
            if isinstance(label, list | tuple):
                found += [str(v) for v, _ in label[:4]]
            else:
                found.append(str(getattr(value, "value", value)))
    if isinstance(field, forms.DateTimeField):
        found += ["2027-03-14T10:00", "2027-03-14T13:00", "2020-01-01T10:00"]
    elif isinstance(field, forms.DateField):
        found += ["2027-03-14", "2020-01-01"]
    elif isinstance(field, forms.TimeField):
        found += ["10:00", "11:30"]
    elif isinstance(field, forms.EmailField):
        found += ["sam@example.org", "patient@example.org"]
    elif isinstance(field, forms.URLField):
        found += ["https://example.org/meet"]
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        found += ["12.50", "0", "100000"]
    elif isinstance(field, forms.IntegerField):
        found += ["1", "5", "14", "0"]
    elif isinstance(field, forms.BooleanField):
        found += ["on", ""]
    elif isinstance(field, forms.CharField):
        found += ["Plain words.", "Sam"]
    return found or ["x"]


# A formset's counts: small numbers and nonsense. A huge count (Django then builds its upper
# limit of a thousand lines, slow to check) is tried once per formset, on its own.
MANAGEMENT = forms.IntegerField()
MANAGEMENT_VALUES = ["0", "1", "2", "3", "-1", "", "x", "\x00", "1.5", "٣"]


def fields_of(form: Any) -> list[tuple[str, forms.Field]]:
    """(key sent, field) for every box of a form, or of a formset's management form and its
    first lines."""
    if isinstance(form, forms.BaseFormSet):
        found = [
            (form.management_form.add_prefix(name), MANAGEMENT)
            for name in form.management_form.fields
        ]
        empty = form.empty_form
        for index in range(3):
            for name, field in empty.fields.items():
                for key in _names(empty, name):
                    found.append((key.replace("__prefix__", str(index)), field))
        return found
    return [(key, field) for name, field in form.fields.items() for key in _names(form, name)]


@st.composite
def form_data(draw: Any, form: Any, base: dict[str, Any] | None = None) -> dict:
    """Data for every field of `form`: each field kept as in `base`, left out, given a good
    value, awkward text, or several values at once; plus a field the form doesn't have."""
    data: dict[str, Any] = dict(base or {})
    for key, field in fields_of(form):
        if field is MANAGEMENT:
            data[key] = draw(st.sampled_from(MANAGEMENT_VALUES))
            continue
        how = draw(st.sampled_from(["keep", "missing", "good", "good", "text", "text", "list"]))
        if how == "keep" and key in data:
            continue
        if how == "missing":
            data.pop(key, None)
        elif how == "good":
            data[key] = draw(st.sampled_from(_good_values(field)))
        elif how == "list":
            good = st.sampled_from(_good_values(field))
            data[key] = draw(st.lists(st.one_of(text, good), max_size=4))
        else:
            data[key] = draw(text)
    if draw(st.booleans()):
        data[draw(st.sampled_from(["unknown", "id", "pk", "csrfmiddlewaretoken"]))] = draw(text)
    return data


def huge_data(form: Any, base: dict[str, Any] | None = None) -> dict:
    """A megabyte in every box."""
    data: dict[str, Any] = dict(base or {})
    for key, _ in fields_of(form):
        data[key] = HUGE
    return data


def multivalue(data: dict[str, Any]) -> MultiValueDict:
    """`data` as a submitted form's QueryDict would hold it."""
    return MultiValueDict(
        {
            key: [as_delivered(str(v)) for v in (value if isinstance(value, list) else [value])]
            for key, value in data.items()
        }
    )


def urlencoded(data: dict[str, Any]) -> bytes:
    """A form body as a browser sends it, surrogates and all (sent as the bytes Python would
    write for them, which are not valid UTF-8)."""
    pairs = []
    for key, value in data.items():
        for one in value if isinstance(value, list) else [value]:
            pairs.append((key.encode(), str(one).encode("utf-8", "surrogatepass")))
    return urlencode(pairs).encode()


# What must hold of every answer


# Left over from a message whose values were never filled in.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def assert_plain_errors(form: Any) -> None:
    """Errors are sentences for people: text, not empty, with no leftover placeholders and
    nothing from inside the program."""
    messages = []
    if isinstance(form, forms.BaseFormSet):
        messages += list(form.non_form_errors())
        for inner in form.forms:
            for errors in inner.errors.values():
                messages += list(errors)
    else:
        for errors in form.errors.values():
            messages += list(errors)
    for message in messages:
        shown = message[:200]
        assert isinstance(message, str), repr(message)[:200]
        assert message.strip(), "an empty error message"
        assert not PLACEHOLDER.search(message), shown
        assert "Traceback" not in message and "Error(" not in message, shown


def our_models() -> list[Any]:
    labels = {
        "accounts",
        "core",
        "programmes",
        "workshops",
        "participants",
        "pairs",
        "bursaries",
        "feedback",
        "privacy",
        "account",
        "mfa",
    }
    return [m for m in apps.get_models() if m._meta.app_label in labels]


def snapshot() -> dict[str, list[tuple]]:
    """Every row of our tables, but what merely records a visit (sign-in times, the audit
    trail's "viewed" entries)."""
    from codesign.core.models import AuditEntry

    found = {}
    for model in our_models():
        queryset = model._default_manager.all()
        if model is AuditEntry:
            queryset = queryset.exclude(action__startswith="viewed.")
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if f.name not in {"last_login", "last_used_at", "last_seen_at"}
        ]
        found[model._meta.label] = sorted(queryset.values_list(*names), key=lambda row: str(row[0]))
    return found


def changed_tables(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after.get(label)]


def writes() -> int:
    """How many rows this connection has written so far (rolled-back ones too): a cheap first
    look, so the full snapshot is compared only when something was written at all. Sessions
    must be kept in cookies for it to mean anything (see the `quiet_sessions` fixture)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
                "FROM pg_stat_xact_user_tables"
            )
        else:
            cursor.execute("SELECT total_changes()")
        return int(cursor.fetchone()[0])


@contextlib.contextmanager
def kept_for_the_module(django_db_blocker: Any) -> Iterator[None]:
    """For a module-scoped fixture: what it makes is kept until the module's last test, then
    rolled back. Each test still runs inside its own savepoint (the `db` fixture), and each
    example inside one more (`one_example`)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def give_authenticator(user: Any) -> Any:
    """As the `with_mfa` fixture does, for module-scoped fixtures."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import generate_totp_secret
    from allauth.mfa.utils import encrypt

    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(generate_totp_secret())}
    )
    return user


def _clear_cache() -> None:
    """Empty this test's cache: on Redis only the keys under its own prefix
    (tests/conftest.py), never the whole database that parallel test processes share."""
    default = caches["default"]
    if isinstance(default, RedisCache):
        client = default._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{default.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        default.clear()


@contextlib.contextmanager
def one_example(client: Any = None) -> Iterator[None]:
    """Run one example and undo everything it did to the database, cache, outbox and the
    client's cookies."""
    cookies = copy.deepcopy(client.cookies) if client is not None else None
    _clear_cache()
    mail.outbox = []
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        if client is not None:
            client.cookies = cookies
        _clear_cache()


def queued_errors(response: Any) -> list[str]:
    """Error messages the view queued for the next page ("Sorry, …")."""
    from django.contrib.messages import constants

    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return [str(m) for m in queued if m.level >= constants.ERROR]
