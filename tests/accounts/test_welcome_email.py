import os
import re
import time

import pytest
from allauth.account.models import EmailAddress
from celery.signals import task_postrun
from django.conf import settings
from django.core import mail
from django.urls import reverse

from codesign.accounts.services import user_send_welcome
from codesign.accounts.tasks import welcome_email_send_task
from codesign.core.models import OutboxMessage
from tests.accounts.failing_backend import FailOnceBackend
from tests.factories import PASSWORD, UserFactory


def _wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("Gave up waiting for the worker.")
        time.sleep(0.05)


def _sign_up_and_verify(client, email: str) -> None:
    response = client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    confirmation = next(m for m in mail.outbox if email in m.to)
    link = re.search(r"https?://\S+/accounts/confirm-email/(\S+)/", confirmation.body)
    assert link, confirmation.body
    response = client.post(reverse("account_confirm_email", args=[link.group(1)]))
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_welcome_email_goes_out_through_a_real_worker_after_verified_sign_up(client, celery_worker):
    if os.environ.get("CI"):
        assert settings.CELERY_BROKER_URL.startswith("redis://"), "CI must use real Redis"

    _sign_up_and_verify(client, "new.person@example.org")

    # The outbox row is committed just after the email leaves: wait for the row.
    _wait_for(lambda: OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).exists())
    welcome = [m for m in mail.outbox if "Welcome" in m.subject]
    assert len(welcome) == 1
    assert welcome[0].to == ["new.person@example.org"]
    assert "Your account is ready" in welcome[0].body
    assert welcome[0].alternatives[0].mimetype == "text/html"
    outbox = OutboxMessage.objects.get(to="new.person@example.org")
    assert outbox.status == OutboxMessage.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_welcome_task_sent_twice_to_the_worker_sends_one_email(celery_worker):
    user = UserFactory(email="twice@example.org")
    finished = []

    def count(sender=None, **kwargs):
        if sender.name == welcome_email_send_task.name:
            finished.append(kwargs["state"])

    task_postrun.connect(count)
    try:
        welcome_email_send_task.delay(user.pk)
        welcome_email_send_task.delay(user.pk)
        _wait_for(lambda: len(finished) == 2)
    finally:
        task_postrun.disconnect(count)

    assert finished == ["SUCCESS", "SUCCESS"]
    # The second task found the first one's outbox row and sent nothing.
    assert OutboxMessage.objects.get().attempts == 1
    assert [m.to for m in mail.outbox] == [["twice@example.org"]]


def test_no_welcome_email_before_the_address_is_verified(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "unverified@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    assert [m.subject for m in mail.outbox if "Welcome" in m.subject] == []
    assert not EmailAddress.objects.get(email="unverified@example.org").verified


def test_welcome_task_for_a_deleted_account_sends_nothing(db):
    welcome_email_send_task.apply(args=[999_999])

    assert mail.outbox == []


def test_a_failed_send_is_recorded_and_the_next_try_sends_it(db, settings):
    user = UserFactory(email="flaky@example.org")
    FailOnceBackend.failed = False
    settings.MAILERS = {"default": {"BACKEND": "tests.accounts.failing_backend.FailOnceBackend"}}

    with pytest.raises(ConnectionRefusedError):
        user_send_welcome(user=user)
    message = OutboxMessage.objects.get(to="flaky@example.org")
    assert message.status == OutboxMessage.Status.FAILED
    assert "did not answer" in message.last_error
    assert mail.outbox == []

    assert user_send_welcome(user=user) is True
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 2
    assert len(mail.outbox) == 1


def test_welcome_task_retries_with_backoff_when_sending_fails():
    assert welcome_email_send_task.autoretry_for == (Exception,)
    assert welcome_email_send_task.retry_backoff is True
    assert welcome_email_send_task.acks_late is True
