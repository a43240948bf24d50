import logging

from celery import shared_task

from workshops.services import offers_expire, reminders_queue

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def offers_expire_task() -> int:
    """Periodic: offered places nobody accepted in time move on to the next person."""
    return offers_expire()


@shared_task(acks_late=True)
def reminders_queue_task() -> int:
    """Periodic: queue the reminders due now. Run twice, it adds nothing the second time."""
    return reminders_queue()
