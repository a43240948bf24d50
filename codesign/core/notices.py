"""Every email the platform sends goes through the outbox, exactly once.

How it works:

1. A service that changes something people must hear about calls `notice_queue` (or
   `notice_queue_many`) inside its transaction. That writes an OutboxMessage row with a unique
   key — kind, recipient, object, occasion — so the message is committed with the change (never
   lost) and a second call with the same key adds nothing (never twice).
2. After commit, `outbox_send_task` is queued for a single new row, `outbox_send_batch_task`
   for every 50 of many (one connection to the mail server per batch). Each row is sent in a
   transaction of its own: lock the row (a duplicate task finds it locked or sent), ask the
   kind's builder what to send *now* (a reminder for a workshop that moved or was cancelled is
   no longer needed and is skipped), render the template triplet, send, mark it sent, commit.
3. A failed send is recorded with its reason and retried with backoff; after the last try the
   row ends as *failed*, which organisers see on the messages page (core:messages) and can try
   again (`outbox_retry`).
4. The beat job `outbox_flush_task` re-queues rows whose task was lost (a worker killed before
   it finished, a broker restart or outage): the row is still pending, so it is sent, once.

tests/core/test_outbox*.py show each promise against a real worker and broker, including a
worker killed with kill -9 in the middle of a send. `manage.py bench_notices` measures speed.

Each app declares its kinds in its own `notices.py` with `@notice_kind(...)`; they are imported
when Django starts (CoreConfig.ready).

The one gap no outbox can close: if the mail server accepts a message and the process dies
before the row is committed, the message goes again on the next try. That window is the
length of one SMTP conversation.
"""

import datetime
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import connection, transaction
from django.db.models import Q
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
# ...and is then left alone this long, so the next sweeps don't queue it again meanwhile.
FLUSH_REQUEUE = datetime.timedelta(minutes=10)
# Rows handled per sweep; the next sweep takes the rest.
FLUSH_LIMIT = 5000
UNSUBSCRIBE_SALT = "codesign.reminders.unsubscribe"
# Erased addresses (privacy.services) end with this: a bare reserved domain (RFC 2606)
# nothing can reach, so nothing is queued for it.
UNREACHABLE = "@invalid"


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
    # What organisers see on the messages page, e.g. "Workshop reminder".
    label: str = ""


KINDS: dict[str, NoticeKind] = {}


def notice_kind(
    name: str,
    *,
    essential: bool = True,
    on_sent: Hook | None = None,
    on_failed: Hook | None = None,
    label: str = "",
) -> Callable[[Builder], Builder]:
    """Register a builder: `build(message) -> Email | None`. Return None when the message is
    no longer needed (the registration was cancelled, the workshop moved); it is then skipped.
    `label` names the kind for organisers; by default it is made from the name."""

    def register(build: Builder) -> Builder:
        known = KINDS.get(name)
        if known is not None and _where(known.build) != _where(build):
            # Two apps using one name would send each other's messages.
            raise ValueError(f"Two notice kinds are called {name!r}: rename one of them.")
        KINDS[name] = NoticeKind(
            name=name,
            build=build,
            essential=essential,
            on_sent=on_sent,
            on_failed=on_failed,
            label=label or name.replace("_", " ").capitalize(),
        )
        return build

    return register


def _where(build: Builder) -> tuple[str, str]:
    return (getattr(build, "__module__", ""), getattr(build, "__qualname__", ""))


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
    """Record many messages with a fixed number of queries per thousand, and send them after
    commit. Returns the rows added (without the ones queued before)."""
    rows: dict[str, OutboxMessage] = {}
    now = timezone.now()
    for notice in notices:
        if notice.kind not in KINDS:
            raise ValueError(f"No notice kind called {notice.kind!r}.")
        if not KINDS[notice.kind].essential and not _wants_reminders(notice.user):
            continue
        if notice.to.lower().endswith(UNREACHABLE):
            continue
        common = {
            "kind": notice.kind,
            "user": notice.user,
            "programme": notice.programme,
            "workshop": notice.workshop,
            "next_attempt_at": now,
        }
        rows.setdefault(
            notice.key,
            OutboxMessage(key=notice.key, to=notice.to, params=dict(notice.params), **common),
        )
        copy_to = _copies_to(notice.user) if notice.copies else ""
        if copy_to and copy_to.lower() != notice.to.lower():
            rows.setdefault(
                f"{notice.key}:copy",
                OutboxMessage(
                    key=f"{notice.key}:copy",
                    to=copy_to,
                    params=dict(notice.params),
                    is_copy=True,
                    **common,
                ),
            )
    if not rows:
        return []
    added: list[OutboxMessage] = []
    keys = list(rows)
    for start in range(0, len(keys), QUEUE_CHUNK):
        chunk = keys[start : start + QUEUE_CHUNK]
        existing = set(OutboxMessage.objects.filter(key__in=chunk).values_list("key", flat=True))
        new = [rows[key] for key in chunk if key not in existing]
        if not new:
            continue
        # A second transaction adding the same key at the same moment loses quietly here.
        OutboxMessage.objects.bulk_create(new, ignore_conflicts=True)
        ids = dict(
            OutboxMessage.objects.filter(key__in=[row.key for row in new]).values_list("key", "pk")
        )
        for row in new:
            if row.key in ids:
                row.pk = ids[row.key]
                added.append(row)
    if added:
        ids_to_send = [row.pk for row in added]
        transaction.on_commit(lambda: outbox_enqueue(ids_to_send))
    return added


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


# Keys looked up per query when queueing, within every database's limit on parameters.
QUEUE_CHUNK = 1000
# Batches keep the broker's work small when thousands go at once (invitations).
ENQUEUE_BATCH = 50


# The Celery queue outbox tasks go to, when not the default: manage.py bench_notices sends to
# a queue of its own so that only its own worker takes them.
_QUEUE: ContextVar[str | None] = ContextVar("outbox_queue", default=None)


@contextmanager
def outbox_queue(name: str) -> Iterator[None]:
    """Send the outbox tasks queued inside this block (after commit) to the queue `name`."""
    token = _QUEUE.set(name)
    try:
        yield
    finally:
        _QUEUE.reset(token)


def outbox_enqueue(message_ids: list[int]) -> None:
    """Hand the rows to Celery. Runs after commit: if the broker is down the rows are safe in
    the database and the sweep (outbox_flush) queues them later, so the request still succeeds."""
    from codesign.core.tasks import outbox_send_batch_task, outbox_send_task

    queue = _QUEUE.get()
    options = {"queue": queue} if queue else {}
    try:
        if len(message_ids) == 1:
            outbox_send_task.apply_async((message_ids[0],), **options)
            return
        for start in range(0, len(message_ids), ENQUEUE_BATCH):
            outbox_send_batch_task.apply_async(
                (message_ids[start : start + ENQUEUE_BATCH],), **options
            )
    except Exception:
        if outbox_send_task.app.conf.task_always_eager:
            raise
        logger.exception("Could not queue %s outbox messages; the sweep will.", len(message_ids))


def kind_words(kind: str) -> str:
    """The kind of a message in words, for organisers."""
    known = KINDS.get(kind)
    return known.label if known else (kind.replace("_", " ").capitalize() or "Message")


# Why a send failed, in words an organiser can act on. Matched against the start of
# `last_error`, which is "<ExceptionName>: <detail>".
FAILURE_WORDS: list[tuple[tuple[str, ...], str]] = [
    (
        ("SMTPRecipientsRefused", "AnymailRecipientsRefused", "SMTPDataError: (550"),
        "The mail server would not take this address. Check it is right.",
    ),
    (
        ("SMTPAuthenticationError", "SMTPSenderRefused", "AnymailImproperlyInstalled"),
        "The mail server refused to send for us. Ask the site admin to check the email settings.",
    ),
    (
        ("TemplateDoesNotExist", "TemplateSyntaxError", "LookupError: Unknown kind"),
        "The message could not be written. Ask the site admin to look at it.",
    ),
    (
        (
            "ConnectionRefusedError",
            "ConnectionResetError",
            "ConnectionError",
            "TimeoutError",
            "SMTPServerDisconnected",
            "SMTPConnectError",
            "OSError",
            "gaierror",
            "timeout",
            "NotAccepted",
            "AnymailAPIError",
            "AnymailRequestsAPIError",
        ),
        "The mail server did not answer.",
    ),
]
_TECHNICAL = re.compile(r"^[A-Za-z_][\w.]*: ")


def failure_words(last_error: str) -> str:
    """The reason a message was not sent, in plain words. Reasons we wrote ourselves (a skipped
    message's "They turned reminders off.") are already plain and are kept."""
    if not last_error:
        return ""
    for starts, words in FAILURE_WORDS:
        if last_error.startswith(starts):
            return words
    if _TECHNICAL.match(last_error):
        return "Something went wrong while sending it."
    return last_error


class SendFailed(Exception):
    """The email could not be handed to the mail server this time; try again later."""


def retry_delay(attempts: int) -> int:
    """Seconds to wait before the next try: 30, 60, 120 … up to ten minutes."""
    return int(min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS))


def outbox_send(*, message_id: int, final: bool = False, mailer: "Mailer | None" = None) -> str:
    """Send one outbox message unless it went already. Returns the row's status afterwards
    ("busy" when another worker holds it right now).

    The row is locked while sending: a duplicate task skips it (or finds it sent), and a worker
    killed mid-send rolls the transaction back, leaving it pending for the next try. A failure
    is recorded and raised as SendFailed so the task can try again later; after MAX_ATTEMPTS
    tries (or with `final`) the row ends as failed instead, and nothing is raised.
    A `mailer` keeps one connection to the mail server for many messages.
    """
    skip_locked = connection.features.has_select_for_update_skip_locked
    failure: Exception | None = None
    with transaction.atomic():
        message = (
            # Only this row is locked (`of`), whatever a later change joins to the query.
            OutboxMessage.objects.select_for_update(skip_locked=skip_locked, of=("self",))
            .filter(pk=message_id)
            .order_by()
            .first()
        )
        if message is None:
            return "busy"
        if message.status != OutboxMessage.Status.PENDING:
            return message.status
        kind = KINDS.get(message.kind) or _unknown_kind(message.kind)
        if message.user_id and (message.is_copy or not kind.essential):
            # The person's profile says whether they want this, and names them in a copy.
            message.user = (
                get_user_model()
                .objects.select_related("profile")
                .filter(pk=message.user_id)
                .first()
            )
        if not kind.essential and not _wants_reminders(message.user):
            return _finish(message, OutboxMessage.Status.SKIPPED, "They turned reminders off.")
        message.attempts += 1
        try:
            with transaction.atomic():
                email = kind.build(message)
                if email is not None:
                    _deliver(message, email, essential=kind.essential, mailer=mailer or Mailer())
        except Exception as error:
            failure = error
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if final or message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
                message.next_attempt_at = None
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
        message.save(
            update_fields=[
                "status",
                "attempts",
                "last_error",
                "next_attempt_at",
                "sent_at",
                "template",
                "subject",
            ]
        )
        if message.status == OutboxMessage.Status.SENT:
            _run_hook(kind.on_sent, message)
        elif message.status == OutboxMessage.Status.FAILED:
            _run_hook(kind.on_failed, message)
    if failure is not None:
        logger.warning("Sending outbox message %s failed: %s", message_id, failure)
        if message.status == OutboxMessage.Status.PENDING:
            raise SendFailed(message.last_error) from failure
    return message.status


def _unknown_kind(name: str) -> NoticeKind:
    """A kind this process does not know, e.g. an older worker still running during a deploy:
    sending fails and is tried again later, by then most likely by a newer worker."""

    def build(message: OutboxMessage) -> Email | None:
        raise LookupError(f"Unknown kind {name!r}.")

    return NoticeKind(name=name, build=build, essential=True, label=name)


def _run_hook(hook: Hook | None, message: OutboxMessage) -> None:
    """Run an on_sent/on_failed hook in a savepoint. A hook that breaks must not undo the row's
    new status: for a sent message that would mean sending it again."""
    if hook is None:
        return
    try:
        with transaction.atomic():
            hook(message)
    except Exception:
        logger.exception("The %s hook for outbox message %s failed", message.kind, message.pk)


def _finish(message: OutboxMessage, status: str, reason: str) -> str:
    message.status = status
    message.last_error = reason
    message.next_attempt_at = None
    message.save(update_fields=["status", "last_error", "attempts", "next_attempt_at"])
    if status == OutboxMessage.Status.FAILED:
        kind = KINDS.get(message.kind)
        _run_hook(kind.on_failed if kind else None, message)
    return status


class NotAccepted(Exception):
    """The mail backend returned without sending."""


class Mailer:
    """A connection to the mail server (or service) for one or many messages. Opened on the
    first message; `reset` after a failure so the next message starts afresh."""

    def __init__(self) -> None:
        self.backend: Any = None

    def send(self, message: EmailMultiAlternatives) -> None:
        if self.backend is None:
            self.backend = mailers.default
            try:
                self.backend.open()
            except Exception:  # noqa: BLE001 - send_messages tries again and says why
                logger.warning("Could not connect to the mail server; trying per message.")
        if not self.backend.send_messages([message]):
            raise NotAccepted("The mail server did not take it.")

    def reset(self) -> None:
        backend, self.backend = self.backend, None
        if backend is not None:
            try:
                backend.close()
            except Exception:  # noqa: BLE001 - it is being dropped anyway
                logger.warning("Closing the mail connection failed.", exc_info=True)


def outbox_send_batch(*, message_ids: list[int]) -> tuple[int, list[int]]:
    """Send many messages through one connection to the mail server, each in its own
    transaction (so each is sent at most once, as outbox_send). Returns how many were sent,
    and the ids that failed and should be tried again later."""
    sent, failed = 0, []
    mailer = Mailer()
    try:
        for message_id in message_ids:
            try:
                if outbox_send(message_id=message_id, mailer=mailer) == OutboxMessage.Status.SENT:
                    sent += 1
            except SendFailed:
                failed.append(message_id)
                mailer.reset()
    finally:
        mailer.reset()
    return sent, failed


def _deliver(message: OutboxMessage, email: Email, *, essential: bool, mailer: Mailer) -> None:
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
        unsubscribe = _unsubscribe_url(message.user_id)
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
    mailer.send(outgoing)
    message.template = email.template
    message.subject = subject[:300]


def display_name(user: Any) -> str:
    profile = _profile(user)
    if profile is not None and profile.display_name:
        return str(profile.display_name)
    return str(getattr(user, "email", "") or "someone")


def unsubscribe_url(user: Any) -> str:
    """A link that turns reminders off for this person without signing in."""
    return _unsubscribe_url(user.pk)


def _unsubscribe_url(user_id: int) -> str:
    token = signing.dumps(user_id, salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL + reverse("participants:unsubscribe", kwargs={"token": token})


def unsubscribe_user_id(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def outbox_flush(*, now: datetime.datetime | None = None) -> int:
    """Queue again the pending messages whose task was lost; end those out of tries as failed.
    Safe to run any number of times: a row queued again is not picked for FLUSH_REQUEUE, and
    sending checks the row first. Returns how many were queued again."""
    now = now or timezone.now()
    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
    exhausted = list(
        pending.filter(attempts__gte=MAX_ATTEMPTS).select_related("user", "programme", "workshop")[
            :FLUSH_LIMIT
        ]
    )
    for message in exhausted:
        with transaction.atomic():
            ended = OutboxMessage.objects.filter(
                pk=message.pk, status=OutboxMessage.Status.PENDING
            ).update(status=OutboxMessage.Status.FAILED, next_attempt_at=None)
            if ended:
                message.status = OutboxMessage.Status.FAILED
                kind = KINDS.get(message.kind)
                _run_hook(kind.on_failed if kind else None, message)
    stale = now - FLUSH_GRACE
    with transaction.atomic():
        due = list(
            pending.filter(attempts__lt=MAX_ATTEMPTS)
            .filter(
                Q(next_attempt_at__lte=stale)
                | Q(next_attempt_at__isnull=True, created_at__lte=stale)
            )
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:FLUSH_LIMIT]
        )
        if due:
            # Not picked again for a while, so a long queue is not doubled on every sweep.
            OutboxMessage.objects.filter(pk__in=due).update(next_attempt_at=now + FLUSH_REQUEUE)
            transaction.on_commit(lambda: outbox_enqueue(due))
    return len(due)


def outbox_retry(*, message: OutboxMessage) -> bool:
    """An organiser asks for a failed message to be tried again. The last reason is kept until
    it goes. Returns False if it was not failed (someone else already tried again)."""
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().filter(pk=message.pk).order_by().first()
        if locked is None or locked.status != OutboxMessage.Status.FAILED:
            return False
        locked.status = OutboxMessage.Status.PENDING
        locked.attempts = 0
        locked.next_attempt_at = timezone.now()
        locked.save(update_fields=["status", "attempts", "next_attempt_at"])
        pk = locked.pk
        transaction.on_commit(lambda: outbox_enqueue([pk]))
    message.refresh_from_db()
    return True
