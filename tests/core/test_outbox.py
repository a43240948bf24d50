"""Every message goes exactly once and none is lost (codesign/core/notices.py).

The tests marked with `celery_worker` send through the real broker (Redis in CI) to a real
worker; the others run tasks in-process. A worker killed mid-send is in
test_outbox_worker_killed.py, with a worker in a process of its own."""

import datetime
import os
import time
from pathlib import Path

import pytest
from celery.signals import task_postrun
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from codesign.core import notices
from codesign.core.models import OutboxMessage
from codesign.core.notices import (
    FLUSH_GRACE,
    MAX_ATTEMPTS,
    Email,
    Notice,
    SendFailed,
    failure_words,
    notice_kind,
    notice_queue,
    notice_queue_many,
    outbox_enqueue,
    outbox_flush,
    outbox_queue,
    outbox_retry,
    outbox_send,
    outbox_send_batch,
    retry_delay,
)
from codesign.core.tasks import outbox_send_batch_task, outbox_send_task
from participants.models import Profile
from tests.core.mail_backends import CountingBackend, RefusingBackend
from tests.factories import ProfileFactory, UserFactory

TEMPLATES_DIR = Path(__file__).parent / "templates"
TASKS = {outbox_send_task.name, outbox_send_batch_task.name}

# What the hooks saw, and how a builder behaves, for the kinds below.
HOOKS: dict[str, list[int]] = {"sent": [], "failed": []}


def _note(message: OutboxMessage) -> Email | None:
    if message.params.get("no_longer_needed"):
        return None
    return Email(
        template="outbox_test",
        context={
            "subject": message.params.get("subject", "A note"),
            "text": message.params.get("text", "Hello."),
        },
    )


def _record_sent(message: OutboxMessage) -> None:
    HOOKS["sent"].append(message.pk)


def _record_failed(message: OutboxMessage) -> None:
    HOOKS["failed"].append(message.pk)


def _break(message: OutboxMessage) -> None:
    raise RuntimeError("The hook broke.")


notice_kind("outbox_test_note", on_sent=_record_sent, on_failed=_record_failed)(_note)
notice_kind("outbox_test_reminder", essential=False)(_note)
notice_kind("outbox_test_hook_breaks", on_sent=_break, on_failed=_break)(_note)


# What the pairs and bursaries apps need: their own kinds, queued in their services.
@notice_kind("sample_bursary_decision")
def sample_bursary_decision(message: OutboxMessage) -> Email | None:
    outcome = message.params["outcome"]
    return Email(
        template="outbox_test",
        context={
            "subject": "Your bursary application",
            "text": f"Your bursary application was {outcome}.",
        },
    )


@notice_kind("sample_pair_invitation")
def sample_pair_invitation(message: OutboxMessage) -> Email | None:
    return Email(
        template="outbox_test",
        context={
            "subject": f"{message.params['inviter']} invites you to come with them",
            "text": "Say yes or no with the link in this email.",
        },
    )


@pytest.fixture(autouse=True)
def _test_templates(settings):
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEMPLATES_DIR]
    settings.TEMPLATES = templates
    HOOKS["sent"].clear()
    HOOKS["failed"].clear()
    RefusingBackend.refusals = 0


@pytest.fixture
def refusing_mail_server(settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.core.mail_backends.RefusingBackend"}}
    return RefusingBackend


def _person(email: str, **profile) -> object:
    user = UserFactory(email=email)
    ProfileFactory(user=user, **profile)
    return user


def _queue_note(user, key: str = "note:1", **params) -> list[OutboxMessage]:
    return notice_queue(kind="outbox_test_note", key=key, to=user.email, user=user, params=params)


# With a real broker and a real worker.


def _must_be_real_broker() -> None:
    if os.environ.get("CI"):
        assert settings.CELERY_BROKER_URL.startswith("redis://"), "CI must use real Redis"


class _Finished:
    """Counts the outbox tasks the worker finished, with their states."""

    def __init__(self) -> None:
        self.states: list[str] = []

    def __enter__(self) -> "_Finished":
        task_postrun.connect(self._count)
        return self

    def __exit__(self, *exc: object) -> None:
        task_postrun.disconnect(self._count)

    def _count(self, sender=None, **kwargs) -> None:
        if sender is not None and sender.name in TASKS:
            self.states.append(kwargs["state"])

    def wait(self, count: int, timeout: float = 60.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(self.states) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"The worker finished {self.states}, not {count} tasks.")
            time.sleep(0.05)
        return self.states


@pytest.mark.django_db(transaction=True)
def test_a_send_task_that_arrives_three_times_sends_one_email(celery_worker):
    _must_be_real_broker()
    user = _person("twice@example.org")

    with _Finished() as finished:
        (message,) = _queue_note(user)  # no transaction: its task goes to the broker at once
        outbox_send_task.delay(message.pk)
        outbox_send_task.delay(message.pk)
        assert finished.wait(3) == ["SUCCESS"] * 3

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 1
    assert [m.to for m in mail.outbox] == [["twice@example.org"]]
    assert HOOKS["sent"] == [message.pk]


@pytest.mark.django_db(transaction=True)
def test_overlapping_batches_send_each_message_once(celery_worker):
    _must_be_real_broker()
    people = [_person(f"batch{n}@example.org") for n in range(3)]

    with _Finished() as finished:
        rows = notice_queue_many(
            Notice(kind="outbox_test_note", key=f"batch:{n}", to=person.email, user=person)
            for n, person in enumerate(people)
        )
        first, second, third = (row.pk for row in rows)
        outbox_send_batch_task.delay([first, second])
        outbox_send_batch_task.delay([second, third, first])
        outbox_send_task.delay(third)
        assert finished.wait(4) == ["SUCCESS"] * 4

    assert sorted(m.to[0] for m in mail.outbox) == [p.email for p in people]
    assert set(
        OutboxMessage.objects.filter(key__startswith="batch:").values_list("status", "attempts")
    ) == {(OutboxMessage.Status.SENT, 1)}


@pytest.mark.django_db(transaction=True)
def test_bursary_decision_and_pair_invitation_kinds_send_once_with_a_carer_copy(celery_worker):
    _must_be_real_broker()
    applicant = _person(
        "applicant@example.org",
        display_name="Pat",
        copies_to_name="Sam",
        copies_to_email="sam.carer@example.org",
    )

    def decide_and_invite() -> list[OutboxMessage]:
        with transaction.atomic():
            return notice_queue(
                kind="sample_bursary_decision",
                key="bursary-decision:7",
                to=applicant.email,
                user=applicant,
                params={"outcome": "approved"},
            ) + notice_queue(
                kind="sample_pair_invitation",
                key="pair-invitation:3",
                to="partner@example.org",
                params={"inviter": "Pat"},
                # An invitation to someone without an account is never copied to the carer.
                copies=False,
            )

    with _Finished() as finished:
        assert len(decide_and_invite()) == 3
        # One task for the decision and its copy, one for the invitation.
        assert finished.wait(2) == ["SUCCESS"] * 2
        # The service runs again (a double click, a retried request): nothing new is queued.
        assert decide_and_invite() == []

    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 3
    by_address = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 3
    assert by_address["applicant@example.org"].subject == "Your bursary application"
    assert "was approved" in by_address["applicant@example.org"].body
    copy = by_address["sam.carer@example.org"]
    assert "Pat asked us to send you a copy" in copy.body
    assert "was approved" in copy.body
    assert by_address["partner@example.org"].subject == "Pat invites you to come with them"
    assert OutboxMessage.objects.get(to="sam.carer@example.org").is_copy


# In-process: the same code, run by the test.


def test_queueing_the_same_message_twice_adds_one_row(db, django_capture_on_commit_callbacks):
    user = _person("once@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert len(_queue_note(user)) == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert _queue_note(user) == []

    assert callbacks == []
    assert OutboxMessage.objects.count() == 1
    assert len(mail.outbox) == 1


def test_thousands_of_messages_are_queued_with_a_few_queries_each_once(
    db, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    notices_ = [
        Notice(kind="outbox_test_note", key=f"many:{n}", to=f"p{n}@example.org")
        for n in range(2500)
    ]
    with django_assert_max_num_queries(12), django_capture_on_commit_callbacks() as callbacks:
        added = notice_queue_many([*notices_, notices_[0]])

    assert len(added) == 2500
    assert all(row.pk for row in added)
    assert len(callbacks) == 1
    assert OutboxMessage.objects.count() == 2500
    with django_capture_on_commit_callbacks() as callbacks:
        assert notice_queue_many(notices_) == []
    assert callbacks == []


def test_a_message_queued_in_a_transaction_that_rolls_back_is_never_sent(
    db, django_capture_on_commit_callbacks
):
    user = _person("rolled.back@example.org")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            _queue_note(user)
            raise RuntimeError("The service failed after queueing.")

    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_the_send_task_is_queued_only_when_the_transaction_commits(monkeypatch):
    queued: list[list[int]] = []
    monkeypatch.setattr(notices, "outbox_enqueue", queued.append)
    user = _person("on.commit@example.org")

    with transaction.atomic():
        (message,) = _queue_note(user)
        assert queued == []
    assert queued == [[message.pk]]

    with pytest.raises(RuntimeError), transaction.atomic():
        _queue_note(user, key="note:2")
        raise RuntimeError("Rolled back.")
    assert queued == [[message.pk]]
    assert not OutboxMessage.objects.filter(key="note:2").exists()


def test_a_failed_send_waits_longer_each_time_and_ends_as_failed_with_its_reason(
    db, refusing_mail_server, django_capture_on_commit_callbacks
):
    user = _person("unlucky@example.org")
    (message,) = _queue_note(user)
    refusing_mail_server.refusals = MAX_ATTEMPTS
    waits = []

    for attempt in range(1, MAX_ATTEMPTS):
        before = timezone.now()
        with pytest.raises(SendFailed, match="did not answer"):
            outbox_send(message_id=message.pk)
        message.refresh_from_db()
        assert message.status == OutboxMessage.Status.PENDING
        assert message.attempts == attempt
        waits.append(round((message.next_attempt_at - before).total_seconds()))
    assert waits == [30, 60, 120, 240, 480]
    assert [retry_delay(n) for n in range(1, 8)] == [30, 60, 120, 240, 480, 600, 600]

    # The last try: no exception, the row ends as failed and keeps the reason.
    assert outbox_send(message_id=message.pk) == OutboxMessage.Status.FAILED
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == MAX_ATTEMPTS
    assert message.last_error == "ConnectionRefusedError: The mail server did not answer."
    assert HOOKS["failed"] == [message.pk]
    assert mail.outbox == []
    # A late task for it changes nothing.
    assert outbox_send(message_id=message.pk) == OutboxMessage.Status.FAILED

    # An organiser tries again and the mail server answers this time.
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_retry(message=message) is True
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 1
    assert message.last_error == ""
    assert [m.to for m in mail.outbox] == [["unlucky@example.org"]]
    assert outbox_retry(message=message) is False


def test_the_send_task_asks_celery_to_retry_after_the_backoff(
    db, refusing_mail_server, monkeypatch
):
    user = _person("retry@example.org")
    (message,) = _queue_note(user)
    refusing_mail_server.refusals = 2
    retries: list[int] = []

    class Retry(Exception):
        pass

    def retry(*, countdown: int, exc: Exception) -> Exception:
        retries.append(countdown)
        return Retry()

    monkeypatch.setattr(outbox_send_task, "retry", retry)
    outbox_send_task.push_request(id="test", is_eager=False)
    try:
        for _ in range(2):
            with pytest.raises(Retry):
                outbox_send_task.run(message.pk)
        assert outbox_send_task.run(message.pk) == OutboxMessage.Status.SENT
    finally:
        outbox_send_task.pop_request()

    assert retries == [30, 60]
    assert len(mail.outbox) == 1


def test_a_batch_hands_a_failed_message_to_its_own_retrying_task(
    db, refusing_mail_server, monkeypatch
):
    first, second = _person("first@example.org"), _person("second@example.org")
    rows = _queue_note(first, key="b:1") + _queue_note(second, key="b:2")
    refusing_mail_server.refusals = 1
    later: list[tuple[tuple[int], int]] = []
    monkeypatch.setattr(
        outbox_send_task, "apply_async", lambda args, countdown: later.append((args, countdown))
    )

    outbox_send_batch_task.push_request(id="test", is_eager=False)
    try:
        assert outbox_send_batch_task.run([row.pk for row in rows]) == 1
    finally:
        outbox_send_batch_task.pop_request()

    assert later == [((rows[0].pk,), 30)]
    assert [m.to for m in mail.outbox] == [["second@example.org"]]


def test_a_hook_that_breaks_after_sending_does_not_send_again(db):
    user = _person("hooked@example.org")
    (message,) = notice_queue(
        kind="outbox_test_hook_breaks", key="hook:1", to=user.email, user=user
    )

    assert outbox_send(message_id=message.pk) == OutboxMessage.Status.SENT
    assert outbox_send(message_id=message.pk) == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT


def test_a_message_no_longer_needed_is_skipped(db):
    user = _person("skipped@example.org")
    (message,) = _queue_note(user, no_longer_needed=True)

    assert outbox_send(message_id=message.pk) == OutboxMessage.Status.SKIPPED
    message.refresh_from_db()
    assert message.attempts == 0
    assert message.last_error == "No longer needed."
    assert mail.outbox == []


def test_a_message_of_a_kind_this_worker_does_not_know_is_tried_again_later(db):
    # An older worker still running during a deploy, say.
    message = OutboxMessage.objects.create(key="x:1", kind="carrier_pigeon", to="a@example.org")

    with pytest.raises(SendFailed):
        outbox_send(message_id=message.pk)
    assert outbox_send(message_id=message.pk, final=True) == OutboxMessage.Status.FAILED
    message.refresh_from_db()
    assert message.last_error == "LookupError: Unknown kind 'carrier_pigeon'."
    assert message.attempts == 2
    assert failure_words(message.last_error).startswith("The message could not be written.")


def test_two_kinds_with_one_name_are_refused():
    with pytest.raises(ValueError, match="Two notice kinds"):
        notice_kind("outbox_test_note")(lambda message: None)


def test_reminders_are_not_sent_to_people_who_turned_them_off_but_essentials_are(
    db, django_capture_on_commit_callbacks
):
    quiet = _person("quiet@example.org", reminders=False, copies_to_email="carer@example.org")
    keen = _person("keen@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        for person in (quiet, keen):
            notice_queue(
                kind="outbox_test_reminder", key=f"r:{person.pk}", to=person.email, user=person
            )
            _queue_note(person, key=f"n:{person.pk}")

    assert sorted(m.to[0] for m in mail.outbox) == [
        "carer@example.org",
        "keen@example.org",
        "keen@example.org",
        "quiet@example.org",
    ]
    # Nothing was even queued for the quiet person's reminder, nor its copy.
    assert not OutboxMessage.objects.filter(key__startswith=f"r:{quiet.pk}").exists()


def test_a_reminder_queued_before_someone_turned_reminders_off_is_skipped(db):
    person = _person("changed.mind@example.org")
    (reminder,) = notice_queue(kind="outbox_test_reminder", key="r:1", to=person.email, user=person)
    Profile.objects.filter(user=person).update(reminders=False)

    assert outbox_send(message_id=reminder.pk) == OutboxMessage.Status.SKIPPED
    reminder.refresh_from_db()
    assert reminder.last_error == "They turned reminders off."
    assert mail.outbox == []


def test_the_sweep_sends_what_a_lost_task_left_and_a_second_sweep_queues_nothing(
    db, django_capture_on_commit_callbacks
):
    user = _person("lost@example.org")
    (lost,) = _queue_note(user)  # its task never ran: no commit callbacks executed
    (fresh,) = _queue_note(user, key="note:fresh")
    OutboxMessage.objects.filter(pk=fresh.pk).update(next_attempt_at=timezone.now() + FLUSH_GRACE)
    later = timezone.now() + FLUSH_GRACE + datetime.timedelta(seconds=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_flush(now=later) == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert outbox_flush(now=later) == 0
        assert outbox_flush(now=later + datetime.timedelta(minutes=1)) == 0

    assert callbacks == []
    lost.refresh_from_db()
    assert lost.status == OutboxMessage.Status.SENT
    assert [m.to for m in mail.outbox] == [["lost@example.org"]]
    assert OutboxMessage.objects.get(pk=fresh.pk).status == OutboxMessage.Status.PENDING


def test_the_sweep_ends_a_message_out_of_tries_as_failed_and_finds_rows_without_a_time(
    db, django_capture_on_commit_callbacks
):
    user = _person("sweep@example.org")
    (tired,) = _queue_note(user, key="note:tired")
    OutboxMessage.objects.filter(pk=tired.pk).update(
        attempts=MAX_ATTEMPTS, last_error="SMTPServerDisconnected: gone"
    )
    untimed = OutboxMessage.objects.create(
        key="note:untimed", kind="outbox_test_note", to=user.email, user=user
    )
    OutboxMessage.objects.filter(pk=untimed.pk).update(created_at=timezone.now() - FLUSH_GRACE * 2)

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_flush() == 1

    tired.refresh_from_db()
    assert tired.status == OutboxMessage.Status.FAILED
    assert tired.last_error == "SMTPServerDisconnected: gone"
    assert HOOKS["failed"] == [tired.pk]
    assert OutboxMessage.objects.get(pk=untimed.pk).status == OutboxMessage.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_is_down_does_not_fail_the_request(monkeypatch, caplog):
    def down(*args, **kwargs):
        raise ConnectionRefusedError("Redis is down.")

    monkeypatch.setattr(outbox_send_task, "apply_async", down)
    user = _person("broker.down@example.org")
    conf = outbox_send_task.app.conf
    conf.task_always_eager = False
    try:
        with transaction.atomic():
            (message,) = _queue_note(user)
    finally:
        conf.task_always_eager = True

    assert "the sweep will" in caplog.text
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING


def test_enqueue_sends_many_messages_in_batches_to_the_queue_asked_for(db, monkeypatch):
    batches: list[tuple[list[int], dict]] = []
    monkeypatch.setattr(
        outbox_send_batch_task,
        "apply_async",
        lambda args, **options: batches.append((*args, options)),
    )

    outbox_enqueue(list(range(1, 121)))
    with outbox_queue("elsewhere"):
        outbox_enqueue([1, 2])

    assert [(len(ids), options) for ids, options in batches] == [
        (50, {}),
        (50, {}),
        (20, {}),
        (2, {"queue": "elsewhere"}),
    ]


def test_a_batch_sends_through_one_connection_and_opens_a_new_one_after_a_failure(db, settings):

    settings.MAILERS = {"default": {"BACKEND": "tests.core.mail_backends.CountingBackend"}}
    CountingBackend.opened = 0
    CountingBackend.refuse = {"p2@example.org"}
    rows = notice_queue_many(
        Notice(kind="outbox_test_note", key=f"conn:{n}", to=f"p{n}@example.org") for n in range(5)
    )
    try:
        sent, failed = outbox_send_batch(message_ids=[row.pk for row in rows])
    finally:
        CountingBackend.refuse = set()

    assert (sent, failed) == (4, [rows[2].pk])
    assert CountingBackend.opened == 2
    assert len(mail.outbox) == 4
