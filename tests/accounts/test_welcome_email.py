import os
import re
import time

import pytest
from allauth.account.models import EmailAddress
from celery.signals import task_postrun
from django.conf import settings
from django.core import mail
from django.urls import reverse

from codesign.accounts.services import user_welcome
from codesign.core.models import OutboxMessage
from codesign.core.notices import SendFailed, outbox_send
from codesign.core.tasks import outbox_send_task
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
    user_welcome(user=user)  # autocommit: the row is queued and its task sent at once
    message = OutboxMessage.objects.get(to="twice@example.org")
    finished = []

    def count(sender=None, **kwargs):
        if sender.name == outbox_send_task.name:
            finished.append(kwargs["state"])

    task_postrun.connect(count)
    try:
        outbox_send_task.delay(message.pk)
        outbox_send_task.delay(message.pk)
        _wait_for(lambda: len(finished) == 3)
    finally:
        task_postrun.disconnect(count)

    assert finished == ["SUCCESS", "SUCCESS", "SUCCESS"]
    # The later tasks found the row sent (or busy) and sent nothing.
    message.refresh_from_db()
    assert message.attempts == 1
    assert message.status == OutboxMessage.Status.SENT
    assert [m.to for m in mail.outbox] == [["twice@example.org"]]


def test_asking_twice_queues_one_welcome(db, django_capture_on_commit_callbacks):
    user = UserFactory(email="again@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert user_welcome(user=user) is True
    with django_capture_on_commit_callbacks(execute=True):
        assert user_welcome(user=user) is False

    assert OutboxMessage.objects.filter(kind="welcome").count() == 1
    assert len(mail.outbox) == 1


def test_no_welcome_email_before_the_address_is_verified(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "unverified@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    assert [m.subject for m in mail.outbox if "Welcome" in m.subject] == []
    assert not EmailAddress.objects.get(email="unverified@example.org").verified


def test_welcome_for_a_deleted_account_is_skipped(db):
    user = UserFactory(email="gone@example.org")
    user_welcome(user=user)
    message = OutboxMessage.objects.get(to="gone@example.org")
    user.delete()

    assert outbox_send(message_id=message.pk) == OutboxMessage.Status.SKIPPED
    assert mail.outbox == []


def test_a_failed_send_is_recorded_and_the_next_try_sends_it(db, settings):
    user = UserFactory(email="flaky@example.org")
    user_welcome(user=user)
    message = OutboxMessage.objects.get(to="flaky@example.org")
    FailOnceBackend.failed = False
    settings.MAILERS = {"default": {"BACKEND": "tests.accounts.failing_backend.FailOnceBackend"}}

    with pytest.raises(SendFailed):
        outbox_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert "did not answer" in message.last_error
    assert message.next_attempt_at > message.created_at
    assert mail.outbox == []

    assert outbox_send(message_id=message.pk) == OutboxMessage.Status.SENT
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 2
    assert message.last_error == ""
    assert len(mail.outbox) == 1
