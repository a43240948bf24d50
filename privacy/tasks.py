from celery import shared_task

from privacy.services import retention_sweep


@shared_task(acks_late=True)
def retention_sweep_task() -> dict[str, int]:
    """Daily: erase people past the retention period, and clear old records held without an
    account. Run twice, it changes nothing the second time."""
    return retention_sweep()
