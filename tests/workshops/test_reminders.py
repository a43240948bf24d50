"""Reminders arrive on time, once: the beat job `reminders_queue` runs every few minutes, and
these tests move the clock along a workshop's timeline to see what each run sends."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from codesign.core.models import OutboxMessage
from codesign.core.notices import outbox_send
from tests.factories import VenueFactory
from tests.workshops.notice_support import (
    JOINING_URL,
    assert_readable_html,
    emails_to,
    html_of,
    in_person_workshop,
    online_workshop,
    uk_day,
    when_text,
)
from tests.workshops.organise_support import edit_data, workshop_data
from tests.workshops.registration_support import ready_person
from workshops.models import REMINDER_OFFSET_CHOICES, Workshop
from workshops.services import (
    registration_cancel,
    registration_create,
    reminders_queue,
    workshop_cancel,
    workshop_reschedule,
)

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def clock(time_machine):
    """Moves the clock (time-machine) along a workshop's timeline, and stops it there."""

    class Clock:
        def move_to(self, moment: dt.datetime) -> None:
            time_machine.move_to(moment, tick=False)

    return Clock()


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a service and send what it queued, as after its transaction commits."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


@pytest.fixture
def scan(run):
    """One run of the beat job; returns the reminders it sent."""

    def scan():
        before = len(mail.outbox)
        run(reminders_queue)
        return [m for m in mail.outbox[before:] if m.subject.startswith("Reminder:")]

    return scan


def person(name: str, **profile):
    return ready_person(f"{name}@example.org", ["patient"], **profile)


def reminder_to(address: str) -> list:
    return [m for m in emails_to(address) if m.subject.startswith("Reminder:")]


def test_reminders_arrive_seven_days_and_one_day_before_and_only_once(clock, run, scan):
    workshop = in_person_workshop(starts_at=uk_day(30))
    starts = workshop.starts_at
    clock.move_to(starts - 20 * DAY)
    run(registration_create, workshop=workshop, user=person("pat"))

    clock.move_to(starts - 8 * DAY)
    assert scan() == []

    clock.move_to(starts - 7 * DAY + 5 * dt.timedelta(minutes=1))
    [week] = scan()
    assert week.to == ["pat@example.org"]
    assert week.subject == "Reminder: Mapping the first clinic visit is in 7 days"
    assert scan() == []

    clock.move_to(starts - 6 * DAY - 12 * HOUR)
    assert scan() == []

    clock.move_to(starts - 3 * DAY)
    run(registration_create, workshop=workshop, user=person("sam"))
    assert scan() == []

    clock.move_to(starts - DAY + 2 * dt.timedelta(minutes=1))
    sent = scan()
    assert sorted(m.to[0] for m in sent) == ["pat@example.org", "sam@example.org"]
    assert {m.subject for m in sent} == {"Reminder: Mapping the first clinic visit is tomorrow"}
    assert scan() == []

    clock.move_to(starts - HOUR)
    assert scan() == []
    # Pat had both; Sam, who registered 3 days before, only the one-day reminder.
    assert len(reminder_to("pat@example.org")) == 2
    assert len(reminder_to("sam@example.org")) == 1


def test_a_reminder_says_what_when_where_and_who_to_ask(clock, run, scan):
    workshop = in_person_workshop(starts_at=uk_day(30))
    clock.move_to(workshop.starts_at - 20 * DAY)
    run(registration_create, workshop=workshop, user=person("pat"))

    clock.move_to(workshop.starts_at - DAY)
    [email] = scan()

    for body in (email.body, html_of(email)):
        assert "This is a reminder:" in body
        assert when_text(workshop.starts_at) in body
        assert "Riverside Community Hall, 12 Mill Lane, Exampletown, EX1 2AB" in body
        assert "step-free access, hearing loop, quiet room" in body
        assert "The lift is at the back of the hall." in body
        assert "Bus 12 stops outside." in body
        assert "3 blue-badge spaces by the front door." in body
        assert "Alex Access" in body
        assert "patient partners and clinicians" in body
        assert "How to join online" not in body
    assert_readable_html(html_of(email))


def test_an_online_reminder_has_the_joining_link(clock, run, scan):
    workshop = online_workshop(starts_at=uk_day(30))
    clock.move_to(workshop.starts_at - 20 * DAY)
    run(registration_create, workshop=workshop, user=person("pat"))

    clock.move_to(workshop.starts_at - DAY)
    [email] = scan()

    assert f"How to join online: {JOINING_URL}" in email.body
    assert f'href="{JOINING_URL}"' in html_of(email)
    assert "Riverside" not in email.body


def test_a_reminder_can_be_turned_off_from_the_message_and_by_the_mail_app(clock, run, scan):
    workshop = in_person_workshop(starts_at=uk_day(30))
    clock.move_to(workshop.starts_at - 20 * DAY)
    run(registration_create, workshop=workshop, user=person("pat"))

    clock.move_to(workshop.starts_at - DAY)
    [email] = scan()

    link = email.body.split("Don't want reminders? Turn them off: ")[1].split()[0]
    assert "/participants/reminders/off/" in link
    assert "We will still send you messages about your bookings" not in email.body
    assert email.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_people_who_turned_reminders_off_get_none_but_still_hear_of_a_cancellation(
    clock, run, scan, organiser
):
    workshop = in_person_workshop(starts_at=uk_day(30))
    clock.move_to(workshop.starts_at - 20 * DAY)
    run(registration_create, workshop=workshop, user=person("pat", reminders=False))
    run(registration_create, workshop=workshop, user=person("sam"))

    clock.move_to(workshop.starts_at - 7 * DAY)
    assert [m.to for m in scan()] == [["sam@example.org"]]
    clock.move_to(workshop.starts_at - DAY)
    assert [m.to for m in scan()] == [["sam@example.org"]]
    run(workshop_cancel, workshop=workshop, reason="The room flooded.", cancelled_by=organiser)

    assert reminder_to("pat@example.org") == []
    assert [m.subject.split(":")[0] for m in emails_to("pat@example.org")] == [
        "Your place is confirmed",
        "Cancelled",
    ]
    assert not OutboxMessage.objects.filter(kind="reminder", to="pat@example.org").exists()


def test_after_a_reschedule_old_reminders_are_dropped_and_the_new_times_get_theirs(
    clock, django_capture_on_commit_callbacks, run, scan, organiser
):
    workshop = in_person_workshop(starts_at=uk_day(30))
    old_start = workshop.starts_at
    new_start = old_start + 3 * DAY
    clock.move_to(old_start - 20 * DAY)
    run(registration_create, workshop=workshop, user=person("pat"))

    # The seven-day reminder is queued, but the worker has not sent it yet ...
    clock.move_to(old_start - 7 * DAY)
    reminders_queue()
    [queued] = OutboxMessage.objects.filter(kind="reminder")
    # ... when the organiser moves the workshop three days later.
    clock.move_to(old_start - 7 * DAY + HOUR)
    run(
        workshop_reschedule,
        workshop=workshop,
        starts_at=new_start,
        ends_at=new_start + 3 * HOUR,
        reason="The hall is being painted.",
        rescheduled_by=organiser,
    )
    assert outbox_send(message_id=queued.pk) == OutboxMessage.Status.SKIPPED
    assert reminder_to("pat@example.org") == []

    # The old time's one-day mark passes without a reminder.
    clock.move_to(old_start - DAY)
    assert scan() == []
    # The new time gets both.
    clock.move_to(new_start - 7 * DAY)
    [week] = scan()
    clock.move_to(new_start - DAY)
    [day] = scan()
    for email in (week, day):
        assert when_text(new_start) in email.body
        assert when_text(old_start) not in email.body
    assert week.subject.endswith("is in 7 days")
    assert day.subject.endswith("is tomorrow")


def test_a_cancelled_workshop_gets_no_reminders(clock, run, scan, organiser):
    workshop = in_person_workshop(starts_at=uk_day(30))
    clock.move_to(workshop.starts_at - 20 * DAY)
    run(registration_create, workshop=workshop, user=person("pat"))
    clock.move_to(workshop.starts_at - 10 * DAY)
    run(workshop_cancel, workshop=workshop, reason="Too few people.", cancelled_by=organiser)

    for before in (7 * DAY, DAY, 2 * HOUR):
        clock.move_to(workshop.starts_at - before)
        assert scan() == []
    assert reminder_to("pat@example.org") == []


def test_a_reminder_queued_for_a_workshop_cancelled_before_it_went_is_dropped(
    clock, run, organiser
):
    workshop = in_person_workshop(starts_at=uk_day(30))
    clock.move_to(workshop.starts_at - 20 * DAY)
    run(registration_create, workshop=workshop, user=person("pat"))
    clock.move_to(workshop.starts_at - DAY)
    reminders_queue()
    [queued] = OutboxMessage.objects.filter(kind="reminder")

    workshop_cancel(workshop=workshop, reason="Storm warning.", cancelled_by=organiser)

    assert outbox_send(message_id=queued.pk) == OutboxMessage.Status.SKIPPED


def test_people_who_gave_up_their_place_get_no_reminder(clock, run, scan):
    workshop = in_person_workshop(starts_at=uk_day(30))
    clock.move_to(workshop.starts_at - 20 * DAY)
    pat = run(registration_create, workshop=workshop, user=person("pat"))
    run(registration_cancel, registration=pat, by=pat.user)

    clock.move_to(workshop.starts_at - DAY)
    assert scan() == []


def test_people_still_waiting_get_no_reminder(clock, run, scan):
    workshop = in_person_workshop(starts_at=uk_day(30), capacity=1)
    clock.move_to(workshop.starts_at - 20 * DAY)
    run(registration_create, workshop=workshop, user=person("pat"))
    run(registration_create, workshop=workshop, user=person("sam"))

    clock.move_to(workshop.starts_at - DAY)
    assert [m.to for m in scan()] == [["pat@example.org"]]


def test_organisers_choose_when_reminders_go(clock, run, scan):
    workshop = in_person_workshop(starts_at=uk_day(30), reminder_offsets=[48, 2])
    clock.move_to(workshop.starts_at - 20 * DAY)
    run(registration_create, workshop=workshop, user=person("pat"))

    clock.move_to(workshop.starts_at - 7 * DAY)
    assert scan() == []
    clock.move_to(workshop.starts_at - DAY)
    assert scan() == []
    clock.move_to(workshop.starts_at - 48 * HOUR)
    [two_days] = scan()
    clock.move_to(workshop.starts_at - 2 * HOUR)
    [same_day] = scan()

    assert two_days.subject.endswith("is in 2 days")
    assert same_day.subject.endswith("is today")


def test_a_reminder_time_the_organisers_removed_before_it_went_is_dropped(clock, run):
    workshop = in_person_workshop(starts_at=uk_day(30))
    clock.move_to(workshop.starts_at - 20 * DAY)
    run(registration_create, workshop=workshop, user=person("pat"))
    clock.move_to(workshop.starts_at - 7 * DAY)
    reminders_queue()
    [queued] = OutboxMessage.objects.filter(kind="reminder")

    Workshop.objects.filter(pk=workshop.pk).update(reminder_offsets=[24])

    assert outbox_send(message_id=queued.pk) == OutboxMessage.Status.SKIPPED


def test_a_reminder_sent_so_late_that_the_next_one_is_due_is_dropped(clock, run, scan):
    workshop = in_person_workshop(starts_at=uk_day(30))
    clock.move_to(workshop.starts_at - 20 * DAY)
    run(registration_create, workshop=workshop, user=person("pat"))
    clock.move_to(workshop.starts_at - 7 * DAY)
    reminders_queue()
    [week] = OutboxMessage.objects.filter(kind="reminder")

    # The worker was down for six days: only the one-day reminder goes.
    clock.move_to(workshop.starts_at - DAY)
    assert outbox_send(message_id=week.pk) == OutboxMessage.Status.SKIPPED
    [day] = scan()
    assert day.subject.endswith("is tomorrow")


# Organisers choose the times on the workshop form


@pytest.fixture
def signed_in(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))
    return client


def new_url(programme):
    return f"{reverse('workshops:manage_new')}?programme={programme.slug}"


def test_the_workshop_form_asks_when_to_send_reminders_with_seven_days_and_one_day_ticked(
    signed_in, programme
):
    page = signed_in.get(new_url(programme)).content.decode()

    assert '<legend><h2 class="h4 mb-0">Reminders</h2></legend>' in page
    assert "When to send reminders" in page
    for label in ("2 weeks before", "7 days before", "3 days before", "2 hours before"):
        assert label in page
    assert page.count('name="reminder_offsets"') == len(REMINDER_OFFSET_CHOICES)
    assert re.search(r'value="168"[^>]*checked', page)
    assert re.search(r'value="24"[^>]*checked', page)
    assert not re.search(r'value="72"[^>]*checked', page)


def test_organisers_choose_reminder_times_for_a_new_workshop(signed_in, programme):
    venue = VenueFactory()
    data = workshop_data(venue=venue, reminder_offsets=["2", "72"], reminder_offsets_shown="1")

    response = signed_in.post(new_url(programme), data)

    assert response.status_code == 302
    workshop = Workshop.objects.get(title=data["title"])
    assert workshop.reminder_offsets == [72, 2]
    page = signed_in.get(response.url).content.decode()
    assert "3 days before and 2 hours before." in page


def test_organisers_change_the_reminder_times_of_a_workshop(signed_in, programme):
    workshop = in_person_workshop(programme=programme, status=Workshop.Status.DRAFT)
    data = edit_data(workshop, reminder_offsets=["336", "24"], reminder_offsets_shown="1")

    response = signed_in.post(reverse("workshops:manage_edit", args=[workshop.pk]), data)

    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.reminder_offsets == [336, 24]
    page = signed_in.get(reverse("workshops:manage_detail", args=[workshop.pk])).content.decode()
    assert "2 weeks before and 1 day before." in page


@pytest.mark.parametrize(
    ("ticked", "message"),
    [
        ([], "Tick at least one time to send a reminder."),
        (["336", "168", "72", "24"], "Tick up to 3 times, so people don&#x27;t get too many"),
        (["5"], "Choose times from the list."),
    ],
)
def test_reminder_times_are_checked_and_nothing_is_saved_when_they_are_wrong(
    signed_in, programme, ticked, message
):
    workshop = in_person_workshop(programme=programme, status=Workshop.Status.DRAFT)
    data = edit_data(workshop, title="Changed", reminder_offsets=ticked, reminder_offsets_shown="1")

    response = signed_in.post(reverse("workshops:manage_edit", args=[workshop.pk]), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    workshop.refresh_from_db()
    assert (workshop.title, workshop.reminder_offsets) == (
        "Mapping the first clinic visit",
        [168, 24],
    )


def test_a_form_sent_without_the_reminder_question_keeps_the_workshops_times(signed_in, programme):
    workshop = in_person_workshop(
        programme=programme, status=Workshop.Status.DRAFT, reminder_offsets=[48]
    )

    signed_in.post(
        reverse("workshops:manage_edit", args=[workshop.pk]), edit_data(workshop, title="New")
    )

    workshop.refresh_from_db()
    assert (workshop.title, workshop.reminder_offsets) == ("New", [48])


def test_a_duplicated_workshop_keeps_its_reminder_times(signed_in, programme):
    workshop = in_person_workshop(programme=programme, reminder_offsets=[72, 2])

    signed_in.post(reverse("workshops:manage_duplicate", args=[workshop.pk]))

    copy = Workshop.objects.exclude(pk=workshop.pk).get()
    assert copy.reminder_offsets == [72, 2]


def test_only_the_programmes_organisers_can_change_reminder_times(
    client, other_organiser, with_mfa, programme
):
    workshop = in_person_workshop(programme=programme, status=Workshop.Status.DRAFT)
    client.force_login(with_mfa(other_organiser))

    response = client.post(
        reverse("workshops:manage_edit", args=[workshop.pk]),
        edit_data(workshop, reminder_offsets=["2"], reminder_offsets_shown="1"),
    )

    assert response.status_code in (403, 404)
    workshop.refresh_from_db()
    assert workshop.reminder_offsets == [168, 24]
