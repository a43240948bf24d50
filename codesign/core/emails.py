"""Every email we send is a template triplet in templates/emails/ rendered by one helper."""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from codesign.core.models import OutboxMessage


def email_render(*, template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    context = {"site_url": settings.SITE_URL, "site_name": settings.SITE_NAME, **context}
    subject = render_to_string(f"emails/{template}-subject.txt", context)
    subject = " ".join(subject.split())
    text = render_to_string(f"emails/{template}-body.txt", context)
    html = render_to_string(f"emails/{template}-body.html", context)
    return subject, text, html


def email_send(*, template: str, to: str, context: dict[str, Any]) -> None:
    subject, text, html = email_render(template=template, context=context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


def email_send_once(*, key: str, template: str, to: str, context: dict[str, Any]) -> bool:
    """Send an email unless the one with this key has gone already. Returns whether it sent.

    The outbox row is locked while sending, so a duplicate task waits and then finds it sent.
    If sending fails the error is recorded and raised, so the calling task can retry.
    """
    with transaction.atomic():
        message, _ = OutboxMessage.objects.select_for_update().get_or_create(
            key=key, defaults={"template": template, "to": to}
        )
        if message.status == OutboxMessage.Status.SENT:
            return False
        message.attempts += 1
        try:
            email_send(template=template, to=to, context=context)
        except Exception as error:
            failure: Exception | None = error
            message.status = OutboxMessage.Status.FAILED
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
        else:
            failure = None
            message.status = OutboxMessage.Status.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
        message.save(update_fields=["status", "attempts", "sent_at", "last_error"])
    if failure is not None:
        raise failure
    return True
