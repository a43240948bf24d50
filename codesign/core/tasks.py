from celery import Task, shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from codesign.core.models import OutboxMessage
from codesign.core.notices import (
    SendFailed,
    outbox_flush,
    outbox_send,
    outbox_send_batch,
    retry_delay,
)


@shared_task(acks_late=True)
def sessions_clear_expired_task() -> int:
    """Remove expired sign-in sessions so old session data is not kept."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


# Retries wait at most ten minutes: well inside Redis's visibility timeout, so a waiting retry
# is never handed to a second worker. The count of tries lives on the outbox row, not in the
# task, so a redelivered or duplicated task can't grant extra tries.
@shared_task(bind=True, acks_late=True, max_retries=None)
def outbox_send_task(self: Task, message_id: int) -> str:
    try:
        return outbox_send(message_id=message_id)
    except SendFailed as error:
        if self.request.is_eager:
            # Tests and one-off calls: the row stays pending and the sweep tries it again.
            return OutboxMessage.Status.PENDING
        attempts = (
            OutboxMessage.objects.filter(pk=message_id).values_list("attempts", flat=True).first()
        )
        raise self.retry(countdown=retry_delay(attempts or 1), exc=error) from error


@shared_task(acks_late=True)
def outbox_send_batch_task(message_ids: list[int]) -> int:
    """Send a batch through one mail connection; a message that fails goes on to its own task
    to be tried again later."""
    sent, failed = outbox_send_batch(message_ids=message_ids)
    if failed and not outbox_send_batch_task.request.is_eager:
        tries = dict(OutboxMessage.objects.filter(pk__in=failed).values_list("pk", "attempts"))
        for message_id in failed:
            outbox_send_task.apply_async(
                (message_id,), countdown=retry_delay(tries.get(message_id) or 1)
            )
    return sent


@shared_task(acks_late=True)
def outbox_flush_task() -> int:
    """Periodic: send what a lost task left pending; end what is out of tries as failed."""
    return outbox_flush()
