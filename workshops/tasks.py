import logging

from celery import shared_task

from workshops.models import GuardianConsent
from workshops.services import guardian_consent_send, offers_expire

logger = logging.getLogger(__name__)

RETRY = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (Exception,),
    "max_retries": 6,
    "retry_backoff": True,
    "retry_backoff_max": 600,
}


@shared_task(**RETRY)
def guardian_consent_send_task(self, consent_id: int) -> None:  # type: ignore[no-untyped-def]
    consent = (
        GuardianConsent.objects.select_related(
            "registration__workshop__programme", "registration__user__profile"
        )
        .filter(pk=consent_id)
        .first()
    )
    if consent is None:
        logger.info("Guardian consent %s is gone; nothing to send.", consent_id)
        return
    guardian_consent_send(consent=consent)


@shared_task(acks_late=True)
def offers_expire_task() -> int:
    """Periodic: offered places nobody accepted in time move on to the next person."""
    return offers_expire()
