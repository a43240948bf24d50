"""Every email the platform sends goes through the outbox, exactly once.

How it works:

1. A service that changes something people must hear about calls `notice_queue` (or
   `notice_queue_many`) inside its transaction. That writes an OutboxMessage row with a unique
   key — kind, recipient, object, occasion — so the message is committed with the change (never
   lost) and a second call with the same key adds nothing (never twice).
2. After commit, `outbox_send_task` is queued for each new row. The task locks the row, asks
   the kind's builder what to send *now* (a reminder for a workshop that moved or was cancelled
   is no longer needed and is skipped), renders the template triplet, sends, and marks it sent
   in the same transaction.
3. A failed send is recorded with its reason and retried with backoff; after the last try the
   row ends as *failed*, which organisers see on their messages page.
4. The beat job `outbox_flush_task` re-queues rows whose task was lost (a worker killed before
   it finished, a broker restart): the row is still pending, so it is sent, once.

Each app declares its kinds in its own `notices.py` with `@notice_kind(...)`; they are imported
when Django starts (CoreConfig.ready).

The one gap no outbox can close: if the mail server accepts a message and the process dies
before the row is committed, the message goes again on the next try. That window is the
length of one SMTP conversation.
"""

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from codesign.core.emails import email_render
from codesign.core.models import OutboxMessage

logger = logging.getLogger(__name__)

# Tries before a message ends as failed, and the waits between them.
MAX_ATTEMPTS = 6
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 600
# A pending row nobody has tried for this long is queued again by the sweep.
FLUSH_GRACE = datetime.timedelta(minutes=5)
UNSUBSCRIBE_SALT = "codesign.reminders.unsubscribe"


@dataclass
class Email:
    """What a kind's builder says to send: a template triplet in templates/emails/ and its
    context. Attachments are (filename, content, mimetype)."""

    template: str
    context: dict[str, Any]
    attachments: list[tuple[str, str | bytes, str]] = field(default_factory=list)


Builder = Callable[[OutboxMessage], Email | None]
Hook = Callable[[OutboxMessage], None]


@dataclass(frozen=True)
class NoticeKind:
    name: str
    build: Builder
    # Essential messages (confirmations, changes, cancellations, consent requests) reach people
    # who switched reminders off; the others respect that choice.
    essential: bool
    on_sent: Hook | None = None
    on_failed: Hook | None = None


KINDS: dict[str, NoticeKind] = {}


def notice_kind(
    name: str,
    *,
    essential: bool = True,
    on_sent: Hook | None = None,
    on_failed: Hook | None = None,
) -> Callable[[Builder], Builder]:
    """Register a builder: `build(message) -> Email | None`. Return None when the message is
    no longer needed (the registration was cancelled, the workshop moved); it is then skipped."""

    def register(build: Builder) -> Builder:
        KINDS[name] = NoticeKind(
            name=name, build=build, essential=essential, on_sent=on_sent, on_failed=on_failed
        )
        return build

    return register


@dataclass
class Notice:
    """One message to queue. `key` names what it is about and when, e.g.
    `reminder:{registration}:{starts_at}:{offset}`; it must be unique for that occasion."""

    kind: str
    key: str
    to: str
    user: Any = None
    programme: Any = None
    workshop: Any = None
    params: dict[str, Any] = field(default_factory=dict)
    # Send a copy to the carer or family member the user named.
    copies: bool = True


def notice_queue(
    *,
    kind: str,
    key: str,
    to: str,
    user: Any = None,
    programme: Any = None,
    workshop: Any = None,
    params: dict[str, Any] | None = None,
    copies: bool = True,
) -> list[OutboxMessage]:
    """Record one message (and a copy for the person's named carer) in the current
    transaction and send it after commit. Returns the rows added: none if it was queued before."""
    return notice_queue_many(
        [
            Notice(
                kind=kind,
                key=key,
                to=to,
                user=user,
                programme=programme,
                workshop=workshop,
                params=params or {},
                copies=copies,
            )
        ]
    )


def notice_queue_many(notices: Iterable[Notice]) -> list[OutboxMessage]:
    """Record many messages with a fixed number of queries, and send them after commit."""
    rows: list[OutboxMessage] = []
    now = timezone.now()
    for notice in notices:
        if notice.kind not in KINDS:
            raise ValueError(f"No notice kind called {notice.kind!r}.")
        if not KINDS[notice.kind].essential and not _wants_reminders(notice.user):
            continue
        common = {
            "kind": notice.kind,
            "user": notice.user,
            "programme": notice.programme,
            "workshop": notice.workshop,
            "next_attempt_at": now,
        }
        rows.append(
            OutboxMessage(key=notice.key, to=notice.to, params=dict(notice.params), **common)
        )
        copy_to = _copies_to(notice.user) if notice.copies else ""
        if copy_to and copy_to.lower() != notice.to.lower():
            rows.append(
                OutboxMessage(
                    key=f"{notice.key}:copy",
                    to=copy_to,
                    params=dict(notice.params),
                    is_copy=True,
                    **common,
                )
            )
    if not rows:
        return []
    keys = [row.key for row in rows]
    existing = set(OutboxMessage.objects.filter(key__in=keys).values_list("key", flat=True))
    new = [row for row in rows if row.key not in existing]
    OutboxMessage.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    added = list(
        OutboxMessage.objects.filter(
            key__in=[row.key for row in new], status=OutboxMessage.Status.PENDING
        ).values_list("pk", flat=True)
    )
    if added:
        transaction.on_commit(lambda: outbox_enqueue(added))
    return list(OutboxMessage.objects.filter(pk__in=added)) if len(added) <= 50 else new


def _wants_reminders(user: Any) -> bool:
    profile = _profile(user)
    return profile is None or bool(profile.reminders)


def _copies_to(user: Any) -> str:
    profile = _profile(user)
    return (profile.copies_to_email or "").strip() if profile is not None else ""


def _profile(user: Any) -> Any:
    if user is None:
        return None
    try:
        return user.profile
    except Exception:  # noqa: BLE001 - no profile yet: nothing chosen
        return None


# Batches keep the broker's work small when thousands go at once (invitations).
ENQUEUE_BATCH = 50


def outbox_enqueue(message_ids: list[int]) -> None:
    from codesign.core.tasks import outbox_send_batch_task, outbox_send_task

    if len(message_ids) == 1:
        outbox_send_task.delay(message_ids[0])
        return
    for start in range(0, len(message_ids), ENQUEUE_BATCH):
        outbox_send_batch_task.delay(message_ids[start : start + ENQUEUE_BATCH])


class SendFailed(Exception):
    """The email could not be handed to the mail server this time; try again later."""


def retry_delay(attempts: int) -> int:
    """Seconds to wait before the next try: 30, 60, 120 … up to ten minutes."""
    return int(min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS))


def outbox_send(*, message_id: int, final: bool = False) -> str:
    """Send one outbox message unless it went already. Returns the row's status afterwards.

    The row is locked while sending: a duplicate task skips it (or finds it sent), and a worker
    killed mid-send rolls the transaction back, leaving it pending for the next try. A failure
    is recorded and raised as SendFailed so the task can try again later; after MAX_ATTEMPTS
    tries (or with `final`) the row ends as failed instead, and nothing is raised.
    """
    skip_locked = connection.features.has_select_for_update_skip_locked
    failure: Exception | None = None
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=skip_locked)
            .select_related("user", "programme", "workshop")
            .filter(pk=message_id)
            .first()
        )
        if message is None:
            return "busy"
        if message.status != OutboxMessage.Status.PENDING:
            return message.status
        kind = KINDS.get(message.kind)
        if kind is None:
            return _finish(message, OutboxMessage.Status.FAILED, f"Unknown kind {message.kind!r}.")
        if not kind.essential and not _wants_reminders(message.user):
            return _finish(message, OutboxMessage.Status.SKIPPED, "They turned reminders off.")
        message.attempts += 1
        try:
            with transaction.atomic():
                email = kind.build(message)
                if email is not None:
                    _deliver(message, email, essential=kind.essential)
        except Exception as error:
            failure = error
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if final or message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
                if kind.on_failed:
                    kind.on_failed(message)
            else:
                message.next_attempt_at = timezone.now() + datetime.timedelta(
                    seconds=retry_delay(message.attempts)
                )
        else:
            if email is None:
                message.attempts -= 1
                return _finish(message, OutboxMessage.Status.SKIPPED, "No longer needed.")
            message.status = OutboxMessage.Status.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
            if kind.on_sent:
                kind.on_sent(message)
        message.save()
    if failure is not None:
        logger.warning("Sending outbox message %s failed: %s", message_id, failure)
        if message.status == OutboxMessage.Status.PENDING:
            raise SendFailed(message.last_error) from failure
    return message.status


def _finish(message: OutboxMessage, status: str, reason: str) -> str:
    message.status = status
    message.last_error = reason
    message.save(update_fields=["status", "last_error", "attempts"])
    return status


def _deliver(message: OutboxMessage, email: Email, *, essential: bool) -> None:
    context = {
        "site_url": settings.SITE_URL,
        "site_name": settings.SITE_NAME,
        "message": message,
        "is_copy": message.is_copy,
        "copy_for": display_name(message.user) if message.is_copy else "",
        **email.context,
    }
    unsubscribe = ""
    if message.user_id and not message.is_copy:
        unsubscribe = unsubscribe_url(message.user)
        context["unsubscribe_url"] = unsubscribe
    subject, text, html = email_render(template=email.template, context=context)
    headers = {}
    if unsubscribe and not essential:
        # RFC 8058: mail apps show their own "unsubscribe" button that posts to this address.
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    outgoing = EmailMultiAlternatives(subject=subject, body=text, to=[message.to], headers=headers)
    outgoing.attach_alternative(html, "text/html")
    for filename, content, mimetype in email.attachments:
        outgoing.attach(filename, content, mimetype)
    outgoing.send()
    message.template = email.template
    message.subject = subject[:300]


def display_name(user: Any) -> str:
    profile = _profile(user)
    if profile is not None and profile.display_name:
        return str(profile.display_name)
    return str(getattr(user, "email", "") or "someone")


def unsubscribe_url(user: Any) -> str:
    """A link that turns reminders off for this person without signing in."""
    token = signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL + reverse("participants:unsubscribe", kwargs={"token": token})


def unsubscribe_user_id(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def outbox_flush(*, now: datetime.datetime | None = None) -> int:
    """Queue again the pending messages whose task was lost; end those out of tries as failed.
    Safe to run any number of times: sending checks the row first."""
    now = now or timezone.now()
    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
    exhausted = pending.filter(attempts__gte=MAX_ATTEMPTS)
    for message in exhausted.select_related("user", "programme", "workshop"):
        kind = KINDS.get(message.kind)
        message.status = OutboxMessage.Status.FAILED
        message.save(update_fields=["status"])
        if kind and kind.on_failed:
            kind.on_failed(message)
    due = list(
        pending.filter(attempts__lt=MAX_ATTEMPTS, next_attempt_at__lte=now - FLUSH_GRACE)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:5000]
    )
    if due:
        # Not picked again for a while, so a long queue is not doubled on every sweep.
        OutboxMessage.objects.filter(pk__in=due).update(
            next_attempt_at=now + datetime.timedelta(minutes=10)
        )
        transaction.on_commit(lambda: outbox_enqueue(due))
    return len(due)


def outbox_retry(*, message: OutboxMessage) -> None:
    """An organiser asks for a failed message to be tried again."""
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status != OutboxMessage.Status.FAILED:
            return
        locked.status = OutboxMessage.Status.PENDING
        locked.attempts = 0
        locked.next_attempt_at = timezone.now()
        locked.save(update_fields=["status", "attempts", "next_attempt_at"])
        pk = locked.pk
        transaction.on_commit(lambda: outbox_enqueue([pk]))
