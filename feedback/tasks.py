from celery import shared_task

from feedback.services import feedback_requests_queue


@shared_task(acks_late=True)
def feedback_requests_queue_task() -> int:
    """Periodic: ask for feedback after workshops, and follow up once. Run twice, it adds
    nothing the second time."""
    return feedback_requests_queue()
