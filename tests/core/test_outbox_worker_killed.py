"""A worker killed (kill -9) in the middle of sending neither loses the message nor sends it
twice: a real `celery -A codesign worker` process, the real broker, the real database."""

import datetime
import os

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from codesign.accounts.services import user_welcome
from codesign.core.models import OutboxMessage
from codesign.core.notices import FLUSH_GRACE, outbox_flush, outbox_send
from codesign.core.tasks import outbox_send_task
from tests.core.mail_backends import sent_emails
from tests.core.worker_process import kill, wait_for, worker_process
from tests.factories import UserFactory


def _lockable(message: OutboxMessage) -> bool:
    if not connection.features.has_select_for_update_skip_locked:
        return True
    with transaction.atomic():
        return (
            OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=message.pk).exists()
        )


@pytest.mark.slow_subprocess
def test_a_worker_killed_mid_send_neither_loses_nor_repeats_the_message(
    shared_database_url, celery_app, tmp_path
):
    if os.environ.get("CI"):
        assert settings.CELERY_BROKER_URL.startswith("redis://"), "CI must use real Redis"
        assert connection.vendor == "postgresql", "CI must use real PostgreSQL"
    mail = tmp_path / "mail"
    first_log, second_log = tmp_path / "killed-worker.log", tmp_path / "worker.log"
    user = UserFactory(email="killed.mid.send@example.org")

    with worker_process(
        database_url=shared_database_url, mail_folder=mail, log=first_log, block=True
    ) as doomed:
        # No transaction here: the row is committed and its task handed to the broker at once.
        assert user_welcome(user=user) is True
        message = OutboxMessage.objects.get(to="killed.mid.send@example.org")
        wait_for(lambda: list(mail.glob("sending-*.txt")), log=first_log)
        if connection.features.has_select_for_update_skip_locked:
            # Mid-send the row is locked: a duplicate task arriving now leaves it alone.
            assert outbox_send(message_id=message.pk) == "busy"
        kill(doomed)

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 0
    assert sent_emails(mail) == []
    # The database let go of the row when the process died.
    wait_for(lambda: _lockable(message), timeout=30)

    # The beat sweep, once the row has waited past the grace period, queues it again.
    later = timezone.now() + FLUSH_GRACE + datetime.timedelta(seconds=1)
    assert outbox_flush(now=later) == 1
    with worker_process(database_url=shared_database_url, mail_folder=mail, log=second_log):
        wait_for(
            lambda: OutboxMessage.objects.filter(
                pk=message.pk, status=OutboxMessage.Status.SENT
            ).exists(),
            log=second_log,
        )
        # The killed worker's own task, if the broker hands it out again, changes nothing.
        late = outbox_send_task.apply_async((message.pk,))
        wait_for(lambda: f"{late.id}] succeeded" in second_log.read_text(), log=second_log)

    emails = sent_emails(mail)
    assert len(emails) == 1
    assert "To: killed.mid.send@example.org" in emails[0]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 1
