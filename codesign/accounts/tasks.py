import logging

from celery import Task, shared_task

from codesign.accounts.models import User
from codesign.accounts.services import user_send_welcome

logger = logging.getLogger(__name__)


# Retries wait at most ten minutes: well inside Redis's visibility timeout, so a waiting retry
# is never handed to a second worker.
@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(Exception,),
    max_retries=6,
    retry_backoff=True,
    retry_backoff_max=600,
)
def welcome_email_send_task(self: Task, user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        logger.info("No active user %s to welcome; nothing to send.", user_id)
        return
    user_send_welcome(user=user)
