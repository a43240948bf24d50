"""The audit trail: who changed, viewed or downloaded sensitive data, and when.

Three kinds of record, all shown to site admins on one page (core:audit):

- `audit_log()`: a sensitive change or decision, written by the service that makes it.
- `audit_access()`: someone on a programme team saw or downloaded other people's personal data
  (support needs, bursary applications and claims). One row per page view; nothing when people
  look at their own.
- `TrackedHistory`: django-simple-history for the records whose every change matters: support
  needs (participants.Profile), equality monitoring answers (participants.EqualityMonitoring)
  and bursary decisions (bursaries.Application). A history row says who changed which fields.
  It keeps values only where the trail needs them (decisions); it never copies health or
  equality answers, so deleting the answers leaves no copy of them behind.
"""

import copy
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from types import SimpleNamespace
from typing import Any

from django.db import connection, models
from django.http import HttpRequest
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from codesign.core.models import AuditEntry


def audit_log(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record a sensitive change. `action` is a dotted code such as `programmes.team.added`."""
    record = {
        "action": action,
        "object_type": target._meta.label_lower if target is not None else "",
        "object_id": str(target.pk) if target is not None else "",
        "object_repr": str(target)[:200] if target is not None else "",
        "data": data or {},
    }
    captured = _captured.get()
    if captured is not None:
        captured.append(copy.deepcopy(record))
    return AuditEntry.objects.create(actor=actor if getattr(actor, "pk", None) else None, **record)


# What a page wrote to the trail while it was made, so that serving the same page again from
# the cache (codesign/core/cache.py, `personal_page`) records the same again.
_captured: ContextVar[list[dict[str, Any]] | None] = ContextVar("audit_captured", default=None)


@contextmanager
def capture() -> Iterator[list[dict[str, Any]]]:
    records: list[dict[str, Any]] = []
    token = _captured.set(records)
    try:
        yield records
    finally:
        _captured.reset(token)


_REPLAYED = ("created_at", "actor", "action", "object_type", "object_id", "object_repr", "data")


def replay(actor: Any, records: Sequence[dict[str, Any]]) -> None:
    """Record again, as made now by `actor`, what `capture` kept.

    One plain INSERT per record, each value prepared by its own field as the ORM would: this
    runs on every view of a kept page of people's data, and the ORM's save() was most of such
    a view's time. Nothing listens for AuditEntry's save signals.
    """
    if not records:
        return
    fields = [AuditEntry._meta.get_field(name) for name in _REPLAYED]
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    now = timezone.now()
    with connection.cursor() as cursor:
        for record in records:
            values = {**record, "created_at": now, "actor": getattr(actor, "pk", None)}
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608 - names from the model
                [
                    field.get_db_prep_save(values[field.name], connection=connection)
                    for field in fields
                ],
            )


# Access records. The action says what kind of data was seen; `data["page"]` says where.

ACCESS_PREFIX = "viewed."
VIEWED_SUPPORT_NEEDS = "viewed.support_needs"
VIEWED_EQUALITY = "viewed.equality"
VIEWED_BURSARY_APPLICATION = "viewed.bursary_application"
VIEWED_BURSARY_APPLICATIONS = "viewed.bursary_applications"
VIEWED_BURSARY_CLAIMS = "viewed.bursary_claims"
VIEWED_BURSARY_RECEIPT = "viewed.bursary_receipt"
VIEWED_DATA_REQUEST = "viewed.data_request"
ACCESS_ACTIONS = frozenset(
    {
        VIEWED_SUPPORT_NEEDS,
        VIEWED_EQUALITY,
        VIEWED_BURSARY_APPLICATION,
        VIEWED_BURSARY_APPLICATIONS,
        VIEWED_BURSARY_CLAIMS,
        VIEWED_BURSARY_RECEIPT,
        VIEWED_DATA_REQUEST,
    }
)
# Downloads are recorded by the services that build them (one entry each, with a row count).
EXPORT_SUFFIX = ".exported"


def audit_access(
    request: HttpRequest,
    action: str,
    *,
    target: models.Model | None = None,
    subject: Any = None,
    page: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry | None:
    """Record that the signed-in person saw other people's personal data: one insert.

    `subject` is the person the data is about, where there is one (a user or a user id):
    people looking at their own data are not recorded. `page` says where it was seen
    ("registrants", "check-in", ...), for the audit page's wording.
    """
    if action not in ACCESS_ACTIONS:
        raise ValueError(f"Unknown access action {action!r}.")
    user = request.user
    if not user.is_authenticated:
        return None
    subject_id = getattr(subject, "pk", subject)
    if subject_id is not None and subject_id == user.pk:
        return None
    details = dict(data or {})
    if page:
        details["page"] = page
    return audit_log(actor=user, action=action, target=target, data=details)


# Change history


def _blank(field: models.Field, value: Any) -> bool:
    return value == field.get_default() or value in (None, "", [], {})


@contextmanager
def history_actor(user: Any) -> Iterator[None]:
    """Record changes to tracked records saved inside this block as made by `user`.

    For Celery tasks and management commands: in a request, HistoryRequestMiddleware already
    names the signed-in person. Restores whatever was there before on the way out."""
    context = HistoricalRecords.context
    missing = object()
    previous = getattr(context, "request", missing)
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if previous is missing:
            del context.request
        else:
            context.request = previous


class TrackedHistory(HistoricalRecords):
    """django-simple-history, recording only what an audit trail needs.

    - `watch`: the fields whose change is worth a history row. A save that changes none of them
      (a draft's wording, a profile's phone number) writes no row.
    - `keep`: the fields whose values the history table holds (the primary key always). Others
      are left out, so the history holds no copy of them; the row still names them in
      `changed_fields`.

    Each row names the watched fields that changed in `changed_fields`, so the audit page can
    say what changed without reading the row before it. Who changed it comes from
    HistoryRequestMiddleware, or, outside a request, from `history_actor()` or
    `instance._history_user`. Queryset `update()` and `bulk_create()` bypass it, as they bypass save().
    """

    def __init__(self, *, watch: Sequence[str], keep: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.watch = tuple(watch)
        self.keep = tuple(keep)
        self._watched: list[tuple[str, str, models.Field]] = []

    def finalize(self, sender: type[models.Model], **kwargs: Any) -> None:
        mine = sender is self.cls
        if mine:
            self._watched = [
                (name, sender._meta.get_field(name).attname, sender._meta.get_field(name))
                for name in self.watch
            ]
            self.excluded_fields = [
                field.name
                for field in sender._meta.fields
                if not field.primary_key and field.name not in self.keep
            ]
        super().finalize(sender, **kwargs)
        if mine:
            models.signals.post_init.connect(self._remember, sender=sender, weak=False)
            history_model = getattr(sender, self.manager_name).model
            pre_create_historical_record.connect(
                self._name_changes, sender=history_model, weak=False
            )

    def get_extra_fields(self, model: type[models.Model], fields: Any) -> dict[str, Any]:
        extra = super().get_extra_fields(model, fields)
        extra["changed_fields"] = models.JSONField(default=list, blank=True)
        return extra

    def _values(self, instance: models.Model) -> dict[str, Any]:
        # Only what is loaded: reading a deferred field here would cost a query per object.
        loaded = instance.__dict__
        return {
            name: copy.deepcopy(loaded[attname])
            for name, attname, _field in self._watched
            if attname in loaded
        }

    def _remember(self, sender: Any, instance: models.Model, **kwargs: Any) -> None:
        instance._tracked_before = self._values(instance)  # type: ignore[attr-defined]

    def _changes(self, instance: models.Model, created: bool, update_fields: Any) -> list[str]:
        now = self._values(instance)
        if created:
            return [
                name for name, _attname, field in self._watched if not _blank(field, now.get(name))
            ]
        before = getattr(instance, "_tracked_before", {})
        saved = set(update_fields) if update_fields is not None else None
        return [
            name
            for name, attname, _field in self._watched
            if (saved is None or name in saved or attname in saved)
            and name in now
            and (name not in before or before[name] != now[name])
        ]

    def post_save(
        self, instance: models.Model, created: bool, using: Any = None, **kwargs: Any
    ) -> None:
        if kwargs.get("raw") or hasattr(instance, "skip_history_when_saving"):
            return
        changed = self._changes(instance, created, kwargs.get("update_fields"))
        if changed:
            instance._tracked_changes = changed  # type: ignore[attr-defined]
            super().post_save(instance, created, using=using, **kwargs)
        # The next save of this same object is compared with what it holds now.
        self._remember(type(instance), instance)

    def post_delete(self, instance: models.Model, using: Any = None, **kwargs: Any) -> None:
        instance._tracked_changes = []  # type: ignore[attr-defined]
        super().post_delete(instance, using=using, **kwargs)

    @staticmethod
    def _name_changes(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
        history_instance.changed_fields = list(getattr(instance, "_tracked_changes", []))
