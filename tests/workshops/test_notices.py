"""What people are told when they register, wait, get a place, cancel, or a workshop moves or
is cancelled: every message carries the essentials, in the programme's own words, once."""

import datetime as dt
import os
import time

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from codesign.core.models import OutboxMessage
from codesign.core.notices import outbox_send
from tests.workshops.notice_support import (
    JOINING_URL,
    assert_readable_html,
    calendar_events,
    emails_to,
    html_of,
    in_person_workshop,
    online_workshop,
    uk_day,
    when_text,
)
from tests.workshops.registration_support import ready_person
from workshops.models import Registration, RegistrationEvent, WaitlistMode
from workshops.services import (
    offers_expire,
    registration_cancel,
    registration_create,
    workshop_cancel,
    workshop_change_notify,
    workshop_reschedule,
)
from workshops.templatetags.workshop_words import UK_TIME

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run a service and send what it queued, as happens after its transaction commits."""

    def send(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return send


def person(name: str, perspectives=("patient",), **profile):
    return ready_person(f"{name}@example.org", list(perspectives), **profile)


# Registering


def test_registering_sends_a_confirmation_with_the_workshop_in_a_calendar_file(send):
    workshop = in_person_workshop()
    pat = person("pat")

    send(registration_create, workshop=workshop, user=pat)

    [email] = emails_to("pat@example.org")
    assert email.subject == "Your place is confirmed: Mapping the first clinic visit"
    [event] = calendar_events(email)
    assert str(event["summary"]) == "Mapping the first clinic visit"
    assert event.decoded("dtstart") == workshop.starts_at
    assert event.decoded("dtend") == workshop.ends_at
    assert str(event["dtstart"].params["TZID"]) == "Europe/London"
    assert "Riverside Community Hall" in str(event["location"])


def test_a_confirmation_carries_the_essentials_in_text_and_html(send):
    workshop = in_person_workshop()
    send(registration_create, workshop=workshop, user=person("pat"))

    [email] = emails_to("pat@example.org")
    html = html_of(email)
    for body in (email.body, html):
        assert "Hello Pat," in body
        assert "Mapping the first clinic visit" in body
        assert when_text(workshop.starts_at) in body
        assert "Riverside Community Hall, 12 Mill Lane, Exampletown, EX1 2AB" in body
        assert "step-free access, hearing loop, quiet room" in body
        assert "The lift is at the back of the hall." in body
        assert "Bus 12 stops outside." in body
        assert "3 blue-badge spaces by the front door." in body
        assert "Alex Access" in body and "access@example.org" in body
        # The programme's own words, never the default labels.
        assert "patient partners and clinicians design services together" in body
        assert "people with lived experience" not in body
    assert_readable_html(html)
    assert '<a href="mailto:access@example.org">access@example.org</a>' in html
    assert f"{settings.SITE_URL}/workshops/mine/" in email.body


def test_a_date_reads_as_people_say_it_in_uk_time(send):
    # A winter date: UK time is GMT, so 10am UK time is 10:00 UTC; in summer it would be 09:00.
    starts = dt.datetime(timezone.localdate().year + 1, 12, 5, 10, 0, tzinfo=UK_TIME)
    workshop = in_person_workshop(starts_at=starts)

    send(registration_create, workshop=workshop, user=person("pat"))

    [email] = emails_to("pat@example.org")
    assert f"{starts:%A} {starts.day} December {starts.year}, 10am to 1pm (UK time)" in email.body


def test_text_messages_keep_apostrophes_and_ampersands_as_typed(send):
    workshop = in_person_workshop(title="Carers' & families' day")

    send(registration_create, workshop=workshop, user=person("pat"))

    [email] = emails_to("pat@example.org")
    assert email.subject == "Your place is confirmed: Carers' & families' day"
    assert "Your place at Carers' & families' day is confirmed." in email.body
    assert "&amp;" not in email.body and "&#x27;" not in email.body
    assert "Carers&#x27; &amp; families&#x27; day" in html_of(email)


def test_a_confirmed_place_at_an_online_workshop_gets_the_joining_link(send):
    workshop = online_workshop()

    send(registration_create, workshop=workshop, user=person("pat"))

    [email] = emails_to("pat@example.org")
    assert f"How to join online: {JOINING_URL}" in email.body
    assert f'<a href="{JOINING_URL}" style="color: #1d70b8;">join Online catch-up online</a>' in (
        html_of(email)
    )
    assert "Where: online" in email.body


def test_people_waiting_do_not_get_the_joining_link(send):
    workshop = online_workshop(capacity=1)
    send(registration_create, workshop=workshop, user=person("pat"))

    send(registration_create, workshop=workshop, user=person("sam"))

    [email] = emails_to("sam@example.org")
    assert JOINING_URL not in email.body and JOINING_URL not in html_of(email)
    assert "we send the link once the place is confirmed" in email.body


def test_the_waiting_list_email_gives_each_person_their_place_in_the_queue(send):
    workshop = in_person_workshop(capacity=1)
    send(registration_create, workshop=workshop, user=person("pat"))

    send(registration_create, workshop=workshop, user=person("sam"))
    send(registration_create, workshop=workshop, user=person("kim"))

    [sam] = emails_to("sam@example.org")
    [kim] = emails_to("kim@example.org")
    assert sam.subject == "You are on the waiting list for Mapping the first clinic visit"
    assert "You are number 1." in sam.body and "You are number 1." in html_of(sam).replace(
        "<strong>", ""
    ).replace("</strong>", "")
    assert "You are number 2." in kim.body
    assert "it is yours straight away" in kim.body
    assert sam.attachments == []
    assert when_text(workshop.starts_at) in sam.body


def test_when_someone_cancels_the_next_person_is_told_they_have_a_place(send):
    workshop = in_person_workshop(capacity=1)
    pat = send(registration_create, workshop=workshop, user=person("pat"))
    send(registration_create, workshop=workshop, user=person("sam"))
    mail.outbox.clear()

    send(registration_cancel, registration=pat, by=pat.user)

    [promoted] = emails_to("sam@example.org")
    assert promoted.subject == "Good news: you have a place at Mapping the first clinic visit"
    assert "you were next on the waiting list" in promoted.body
    assert "You don't need to do anything." in promoted.body
    [event] = calendar_events(promoted)
    assert event.decoded("dtstart") == workshop.starts_at
    [cancelled] = emails_to("pat@example.org")
    assert cancelled.subject == "You have cancelled your place at Mapping the first clinic visit"
    assert "Thank you for telling us" in cancelled.body
    assert cancelled.attachments == []


def test_leaving_the_waiting_list_is_confirmed_in_those_words(send):
    workshop = in_person_workshop(capacity=1)
    send(registration_create, workshop=workshop, user=person("pat"))
    sam = send(registration_create, workshop=workshop, user=person("sam"))
    mail.outbox.clear()

    send(registration_cancel, registration=sam, by=sam.user)

    [email] = emails_to("sam@example.org")
    assert email.subject == "You have left the waiting list for Mapping the first clinic visit"
    assert emails_to("pat@example.org") == []


def test_an_organiser_cancelling_a_place_says_so_and_gives_their_reason(
    django_capture_on_commit_callbacks, organiser
):
    workshop = in_person_workshop()
    with django_capture_on_commit_callbacks(execute=True):
        pat = registration_create(workshop=workshop, user=person("pat"))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks() as callbacks:
        registration_cancel(registration=pat, by=organiser)
    RegistrationEvent.objects.filter(registration=pat, kind="cancelled").update(
        reason="We had two bookings for you."
    )
    for callback in callbacks:
        callback()

    [email] = emails_to("pat@example.org")
    assert email.subject == (
        "The organisers have cancelled your booking for Mapping the first clinic visit"
    )
    for body in (email.body, html_of(email)):
        assert "The organisers of Mapping the first clinic visit have cancelled your place" in (
            body.replace("<strong>", "").replace("</strong>", "")
        )
        assert "They said: We had two bookings for you." in body
        assert "Alex Access" in body


def test_an_offered_place_gives_the_deadline_in_uk_time_and_where_to_accept_it(send):
    workshop = in_person_workshop(capacity=1, waitlist_mode=WaitlistMode.OFFER, offer_hours=48)
    pat = send(registration_create, workshop=workshop, user=person("pat"))
    sam = send(registration_create, workshop=workshop, user=person("sam"))
    mail.outbox.clear()

    send(registration_cancel, registration=pat, by=pat.user)

    sam.refresh_from_db()
    assert sam.status == Registration.Status.OFFERED
    deadline = sam.offer_expires_at.astimezone(UK_TIME)
    hour = deadline.hour % 12 or 12
    clock = f"{hour}{'am' if deadline.hour < 12 else 'pm'}"
    if deadline.minute:
        clock = f"{hour}:{deadline.minute:02d}{'am' if deadline.hour < 12 else 'pm'}"
    words = f"{deadline:%A} {deadline.day} {deadline:%B} {deadline.year} at {clock}"
    [email] = emails_to("sam@example.org")
    assert email.subject.startswith("A place is free for you at Mapping the first clinic visit")
    assert f"Accept it by {words} (UK time)." in email.body
    assert f"{settings.SITE_URL}/workshops/mine/" in email.body
    html = html_of(email)
    assert f"Accept it by {words} (UK time)." in html
    assert f'<a href="{settings.SITE_URL}/workshops/mine/"' in html
    assert "Accept your place on My workshops</a>" in html
    assert email.attachments == []


def test_an_offer_that_ran_out_tells_the_person_they_are_still_waiting(send):
    workshop = in_person_workshop(capacity=1, waitlist_mode=WaitlistMode.OFFER, offer_hours=1)
    pat = send(registration_create, workshop=workshop, user=person("pat"))
    send(registration_create, workshop=workshop, user=person("sam"))
    send(registration_create, workshop=workshop, user=person("kim"))
    send(registration_cancel, registration=pat, by=pat.user)
    mail.outbox.clear()

    send(offers_expire, now=timezone.now() + dt.timedelta(hours=2))

    [expired] = emails_to("sam@example.org")
    assert expired.subject == (
        "The time to accept your place at Mapping the first clinic visit has run out"
    )
    assert "You are still on the waiting list: you are number 1." in expired.body
    [offered] = emails_to("kim@example.org")
    assert offered.subject.startswith("A place is free for you")


def test_an_under_18_hears_that_we_asked_their_guardian_and_the_guardian_gets_the_details(send):
    workshop = in_person_workshop()
    young = person(
        "young",
        ["young_person"],
        age=15,
        guardian_name="Par Parent",
        guardian_email="par@example.org",
    )

    send(registration_create, workshop=workshop, user=young)

    [email] = emails_to("young@example.org")
    assert email.subject == (
        "We have asked your parent or guardian about Mapping the first clinic visit"
    )
    assert "we have emailed Par Parent to ask if they agree" in email.body
    [consent] = emails_to("par@example.org")
    assert consent.subject == "Please say yes or no: Young wants to join a workshop"
    for body in (consent.body, html_of(consent)):
        assert "Hello Par Parent," in body
        assert when_text(workshop.starts_at) in body
        assert "Riverside Community Hall" in body
        assert "patient partners and clinicians" in body
        assert "Sam Safe" in body
        # The young person's own reminder switch is not the guardian's to use.
        assert "/reminders/off/" not in body
    assert_readable_html(html_of(consent))


# Workshop changes


def _everyone_affected(send, workshop):
    """A confirmed place, a waiting person, an offered place, a place awaiting a guardian,
    and someone who cancelled before the change."""
    workshop.waitlist_mode = WaitlistMode.OFFER
    workshop.capacity = 3
    workshop.save()
    confirmed = send(registration_create, workshop=workshop, user=person("pat"))
    leaving = send(registration_create, workshop=workshop, user=person("lee"))
    send(
        registration_create,
        workshop=workshop,
        user=person(
            "young",
            ["young_person"],
            age=15,
            guardian_name="Par Parent",
            guardian_email="par@example.org",
        ),
    )
    offered = send(registration_create, workshop=workshop, user=person("olu"))
    waiting = send(registration_create, workshop=workshop, user=person("sam"))
    send(registration_cancel, registration=leaving, by=leaving.user)
    gone = send(registration_create, workshop=workshop, user=person("gus"))
    send(registration_cancel, registration=gone, by=gone.user)
    statuses = {r.user.email: r.status for r in Registration.objects.filter(workshop=workshop)}
    assert statuses == {
        "pat@example.org": "confirmed",
        "lee@example.org": "cancelled",
        "young@example.org": "awaiting_guardian",
        "olu@example.org": "offered",
        "sam@example.org": "waitlisted",
        "gus@example.org": "cancelled",
    }
    assert confirmed.pk and offered.pk and waiting.pk
    mail.outbox.clear()


AFFECTED = ["pat@example.org", "young@example.org", "olu@example.org", "sam@example.org"]


def test_a_cancelled_workshop_reaches_everyone_affected_once_even_if_told_twice(send, organiser):
    workshop = in_person_workshop()
    _everyone_affected(send, workshop)

    change = send(
        workshop_cancel, workshop=workshop, reason="The room flooded.", cancelled_by=organiser
    )
    send(workshop_change_notify, change=change)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(AFFECTED)
    for address in AFFECTED:
        [email] = emails_to(address)
        assert email.subject == (
            f"Cancelled: Mapping the first clinic visit on {when_text(workshop.starts_at)}"
        ).removesuffix(" (UK time)")
        for body in (email.body, html_of(email)):
            assert "The room flooded." in body
            assert when_text(workshop.starts_at) in body
            assert "Alex Access" in body
        assert email.attachments == []
    assert "You are no longer on the waiting list" in emails_to("sam@example.org")[0].body
    assert OutboxMessage.objects.filter(kind="workshop_change").count() == len(AFFECTED)


def test_a_rescheduled_workshop_tells_everyone_affected_the_old_and_new_times_once(send, organiser):
    workshop = in_person_workshop()
    _everyone_affected(send, workshop)
    old_start = workshop.starts_at
    new_start = uk_day(40)

    change = send(
        workshop_reschedule,
        workshop=workshop,
        starts_at=new_start,
        ends_at=new_start + dt.timedelta(hours=3),
        reason="The hall is being painted.",
        rescheduled_by=organiser,
    )
    send(workshop_change_notify, change=change)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(AFFECTED)
    for address in AFFECTED:
        [email] = emails_to(address)
        assert email.subject.startswith("New date or time: Mapping the first clinic visit")
        for body in (email.body, html_of(email)):
            assert f"It was:</strong> {when_text(old_start)}" in body or (
                f"It was: {when_text(old_start)}" in body
            )
            assert when_text(new_start) in body
            assert "The hall is being painted." in body
    # People with a place get a calendar file that moves the event they already have.
    [event] = calendar_events(emails_to("pat@example.org")[0])
    assert event.decoded("dtstart") == new_start
    assert int(event["sequence"]) >= 1
    for waiting in ("young@example.org", "olu@example.org", "sam@example.org"):
        assert emails_to(waiting)[0].attachments == []
    assert "You are on the waiting list: you are number 1." in emails_to("sam@example.org")[0].body
    assert "Accept it by" in emails_to("olu@example.org")[0].body
    assert "until your parent or guardian says yes" in emails_to("young@example.org")[0].body


def test_only_confirmed_places_get_the_joining_link_in_a_change_notice(send, organiser):
    workshop = online_workshop(capacity=1)
    send(registration_create, workshop=workshop, user=person("pat"))
    send(registration_create, workshop=workshop, user=person("sam"))
    mail.outbox.clear()
    new_start = uk_day(41)

    send(
        workshop_reschedule,
        workshop=workshop,
        starts_at=new_start,
        ends_at=new_start + dt.timedelta(hours=3),
        reason="Clash with a clinic.",
        rescheduled_by=organiser,
    )

    assert JOINING_URL in emails_to("pat@example.org")[0].body
    assert JOINING_URL not in emails_to("sam@example.org")[0].body


def test_a_notice_overtaken_by_a_later_change_is_not_sent(
    django_capture_on_commit_callbacks, send, organiser
):
    workshop = in_person_workshop()
    send(registration_create, workshop=workshop, user=person("pat"))
    mail.outbox.clear()
    first_move = uk_day(35)

    # Neither notice has gone yet (say the worker was down) when it moves again.
    workshop_reschedule(
        workshop=workshop,
        starts_at=first_move,
        ends_at=first_move + dt.timedelta(hours=3),
        reason="Room double-booked.",
        rescheduled_by=organiser,
    )
    workshop_cancel(workshop=workshop, reason="The funding ended.", cancelled_by=organiser)
    pending = OutboxMessage.objects.filter(kind="workshop_change").order_by("pk")
    statuses = [outbox_send(message_id=message.pk) for message in pending]

    assert statuses == ["skipped", "sent"]
    [email] = emails_to("pat@example.org")
    assert "The funding ended." in email.body


# Who gets what


def test_people_who_turned_reminders_off_still_get_bookings_and_changes(send, organiser):
    workshop = in_person_workshop()
    pat = person("pat", reminders=False)
    new_start = uk_day(33)

    send(registration_create, workshop=workshop, user=pat)
    send(
        workshop_reschedule,
        workshop=workshop,
        starts_at=new_start,
        ends_at=new_start + dt.timedelta(hours=3),
        reason="Bigger room.",
        rescheduled_by=organiser,
    )
    send(workshop_cancel, workshop=workshop, reason="Too few people.", cancelled_by=organiser)

    subjects = [m.subject for m in emails_to("pat@example.org")]
    assert subjects[0].startswith("Your place is confirmed")
    assert subjects[1].startswith("New date or time")
    assert subjects[2].startswith("Cancelled:")
    assert len(subjects) == 3


def test_booking_messages_say_how_to_turn_reminders_off_and_that_they_still_come(send):
    send(registration_create, workshop=in_person_workshop(), user=person("pat"))

    [email] = emails_to("pat@example.org")
    assert "Don't want reminders? Turn them off: http" in email.body
    assert "/reminders/off/" in email.body
    assert "We will still send you messages about your bookings, like this one." in email.body
    assert "Turn off reminders</a>" in html_of(email)
    # Mail apps' own unsubscribe button is only for messages people can turn off.
    assert "List-Unsubscribe" not in email.extra_headers


def test_a_confirmation_for_a_place_given_up_before_it_went_is_not_sent(
    django_capture_on_commit_callbacks,
):
    workshop = in_person_workshop()
    pat = registration_create(workshop=workshop, user=person("pat"))
    registration_cancel(registration=pat, by=pat.user)

    for message in OutboxMessage.objects.order_by("pk"):
        outbox_send(message_id=message.pk)

    [email] = emails_to("pat@example.org")
    assert email.subject.startswith("You have cancelled your place")
    assert list(OutboxMessage.objects.order_by("pk").values_list("status", flat=True)) == [
        "skipped",
        "sent",
    ]


def test_someone_who_cancels_and_books_again_before_the_messages_go_gets_one_confirmation():
    workshop = in_person_workshop()
    pat = registration_create(workshop=workshop, user=person("pat"))
    registration_cancel(registration=pat, by=pat.user)
    registration_create(workshop=workshop, user=pat.user)

    for message in OutboxMessage.objects.order_by("pk"):
        outbox_send(message_id=message.pk)

    assert [m.subject for m in emails_to("pat@example.org")] == [
        "Your place is confirmed: Mapping the first clinic visit"
    ]


def test_a_confirmation_for_a_workshop_cancelled_before_it_went_is_not_sent(organiser):
    workshop = in_person_workshop()
    registration_create(workshop=workshop, user=person("pat"))
    workshop_cancel(workshop=workshop, reason="No room.", cancelled_by=organiser)

    for message in OutboxMessage.objects.order_by("pk"):
        outbox_send(message_id=message.pk)

    [email] = emails_to("pat@example.org")
    assert email.subject.startswith("Cancelled:")


# Through the real worker


def _wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("Gave up waiting for the worker.")
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_registration_confirmation_goes_out_through_the_worker_once(celery_worker):
    if os.environ.get("CI"):
        assert settings.CELERY_BROKER_URL.startswith("redis://"), "CI must use real Redis"
    workshop = in_person_workshop()

    registration_create(workshop=workshop, user=person("pat"))

    _wait_for(
        lambda: OutboxMessage.objects.filter(
            kind="registration", status=OutboxMessage.Status.SENT
        ).exists()
    )
    # Give a stray second task the time to send a duplicate, if it were going to.
    time.sleep(0.5)
    [email] = emails_to("pat@example.org")
    assert email.subject == "Your place is confirmed: Mapping the first clinic visit"
    assert [event["summary"] for event in calendar_events(email)] == [
        "Mapping the first clinic visit"
    ]
    assert OutboxMessage.objects.get(kind="registration").attempts == 1
