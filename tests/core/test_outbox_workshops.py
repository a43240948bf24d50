"""The periodic scans and a reschedule never send a message twice (workshops' own kinds,
through the outbox in codesign/core/notices.py)."""

import datetime

import pytest
from django.core import mail

from codesign.core.cache import is_bump
from codesign.core.models import OutboxMessage
from codesign.core.notices import outbox_send
from tests.factories import ProfileFactory, RegistrationFactory, UserFactory, WorkshopFactory
from workshops.services import reminders_queue, workshop_change_notify, workshop_reschedule


@pytest.fixture
def booked(programme):
    """A workshop next week with one person coming, who asked for copies to go to their carer."""
    workshop = WorkshopFactory(programme=programme, reminder_offsets=[24])
    person = UserFactory(email="coming@example.org")
    ProfileFactory(
        user=person,
        display_name="Robin",
        copies_to_name="Ash",
        copies_to_email="ash.carer@example.org",
    )
    registration = RegistrationFactory(workshop=workshop, user=person)
    return workshop, registration


def _day_before(workshop) -> datetime.datetime:
    """An hour into the window in which the one-day reminder is due."""
    return workshop.starts_at - datetime.timedelta(hours=23)


def _sent_to() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_the_reminder_scan_run_twice_queues_each_reminder_once(
    booked, django_capture_on_commit_callbacks
):
    workshop, registration = booked
    now = _day_before(workshop)

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue(now=now) == 2  # the person and their carer's copy
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert reminders_queue(now=now) == 0
        assert reminders_queue(now=now + datetime.timedelta(minutes=5)) == 0

    assert callbacks == []
    assert OutboxMessage.objects.filter(kind="reminder").count() == 2
    assert _sent_to() == ["ash.carer@example.org", "coming@example.org"]


def test_a_reschedule_tells_each_person_once_and_moves_their_reminder(
    booked, organiser, django_capture_on_commit_callbacks
):
    workshop, registration = booked
    old_starts_at = workshop.starts_at
    # The one-day reminder for the old time is queued but its task has not run yet.
    assert reminders_queue(now=_day_before(workshop)) == 2
    old_reminder = OutboxMessage.objects.get(kind="reminder", is_copy=False)

    new_starts_at = old_starts_at + datetime.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        change = workshop_reschedule(
            workshop=workshop,
            starts_at=new_starts_at,
            ends_at=new_starts_at + datetime.timedelta(hours=3),
            reason="The hall is being repaired.",
            rescheduled_by=organiser,
        )
    assert _sent_to() == ["ash.carer@example.org", "coming@example.org"]
    assert all("New date or time" in message.subject for message in mail.outbox), [
        message.subject for message in mail.outbox
    ]
    mail.outbox.clear()

    # Telling people about the same change again adds nothing.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workshop_change_notify(change=change)
    # Only the cached public pages' version bump waits for the commit (codesign/core/cache.py).
    assert [callback for callback in callbacks if not is_bump(callback)] == []
    assert OutboxMessage.objects.filter(kind="workshop_change").count() == 2

    # The reminder for the old time is no longer right, so it is not sent.
    assert outbox_send(message_id=old_reminder.pk) == OutboxMessage.Status.SKIPPED
    assert mail.outbox == []

    # The reminder for the new time goes once, however often the scan runs.
    workshop.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue(now=_day_before(workshop)) == 2
        assert reminders_queue(now=_day_before(workshop)) == 0
    assert _sent_to() == ["ash.carer@example.org", "coming@example.org"]
    new_reminder = OutboxMessage.objects.get(kind="reminder", is_copy=False, status="sent")
    assert new_reminder.params["starts_at"] == new_starts_at.isoformat()
    assert outbox_send(message_id=new_reminder.pk) == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 2


def test_no_reminder_for_someone_who_turned_reminders_off_but_the_change_notice_goes(
    booked, organiser, django_capture_on_commit_callbacks
):
    workshop, registration = booked
    registration.user.profile.reminders = False
    registration.user.profile.save()

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue(now=_day_before(workshop)) == 0
        workshop_reschedule(
            workshop=workshop,
            starts_at=workshop.starts_at + datetime.timedelta(days=1),
            ends_at=workshop.ends_at + datetime.timedelta(days=1),
            reason="The speaker is ill.",
            rescheduled_by=organiser,
        )

    assert not OutboxMessage.objects.filter(kind="reminder").exists()
    assert _sent_to() == ["ash.carer@example.org", "coming@example.org"]
