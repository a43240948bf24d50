"""A carer or family member named on someone's profile gets a copy of each message about their
workshops, clearly marked as a copy; people choose them on the contact step."""

import datetime as dt

import pytest
from django.core import mail

from codesign.core.models import OutboxMessage
from participants.models import Profile
from tests.participants.helpers import PROFILE, errors, finish, page_text, step_url
from tests.workshops.notice_support import (
    calendar_events,
    emails_to,
    html_of,
    in_person_workshop,
    uk_day,
)
from tests.workshops.registration_support import ready_person
from workshops.services import (
    registration_create,
    reminders_queue,
    workshop_cancel,
    workshop_reschedule,
)

pytestmark = pytest.mark.django_db

COPY_LINE = "This is a copy of a message we sent to Pat. They asked us to copy you in."


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


def pat(**profile):
    profile.setdefault("copies_to_name", "Cara Carer")
    profile.setdefault("copies_to_email", "cara@example.org")
    user = ready_person("pat@example.org", ["patient"], **profile)
    Profile.objects.filter(user=user).update(display_name="Pat")
    return user


# The copies


def test_the_named_carer_gets_a_marked_copy_of_a_booking_confirmation(run):
    workshop = in_person_workshop()

    run(registration_create, workshop=workshop, user=pat())

    [original] = emails_to("pat@example.org")
    [copy] = emails_to("cara@example.org")
    assert copy.subject == f"Copy: {original.subject}"
    assert copy.body.startswith(COPY_LINE)
    assert COPY_LINE in html_of(copy)
    assert html_of(copy).index(COPY_LINE) < html_of(copy).index("<h1")
    assert "Riverside Community Hall" in copy.body
    assert [e["summary"] for e in calendar_events(copy)] == ["Mapping the first clinic visit"]
    # The original is not marked, and only the person themselves can turn reminders off.
    assert COPY_LINE not in original.body
    assert "/reminders/off/" in original.body
    assert "/reminders/off/" not in copy.body and "/reminders/off/" not in html_of(copy)
    assert "ask Pat to take your address off their profile" in copy.body


def test_the_carer_gets_copies_of_changes_and_reminders_too(run, organiser, time_machine):
    workshop = in_person_workshop(starts_at=uk_day(30))
    run(registration_create, workshop=workshop, user=pat())
    new_start = workshop.starts_at + dt.timedelta(days=2)
    run(
        workshop_reschedule,
        workshop=workshop,
        starts_at=new_start,
        ends_at=new_start + dt.timedelta(hours=3),
        reason="The hall is being painted.",
        rescheduled_by=organiser,
    )
    time_machine.move_to(new_start - dt.timedelta(days=1), tick=False)
    run(reminders_queue)
    run(workshop_cancel, workshop=workshop, reason="Storm warning.", cancelled_by=organiser)

    subjects = [m.subject for m in emails_to("cara@example.org")]
    assert [s.split(":")[1].strip() for s in subjects] == [
        "Your place is confirmed",
        "New date or time",
        "Reminder",
        "Cancelled",
    ]
    assert all(s.startswith("Copy: ") for s in subjects)
    assert len(emails_to("pat@example.org")) == 4


def test_no_reminder_copies_when_the_person_turned_reminders_off(run, time_machine):
    workshop = in_person_workshop(starts_at=uk_day(30))
    run(registration_create, workshop=workshop, user=pat(reminders=False))

    time_machine.move_to(workshop.starts_at - dt.timedelta(days=1), tick=False)
    run(reminders_queue)

    assert [m.subject for m in emails_to("cara@example.org")] == [
        "Copy: Your place is confirmed: Mapping the first clinic visit"
    ]


def test_a_guardians_consent_request_is_never_copied(run):
    young = ready_person(
        "young@example.org",
        ["young_person"],
        age=15,
        guardian_name="Par Parent",
        guardian_email="par@example.org",
        copies_to_name="Cara Carer",
        copies_to_email="cara@example.org",
    )

    run(registration_create, workshop=in_person_workshop(), user=young)

    assert len(emails_to("par@example.org")) == 1
    assert [m.subject.split(":")[0] for m in emails_to("cara@example.org")] == ["Copy"]
    assert "guardian" in emails_to("cara@example.org")[0].subject


def test_copies_stop_once_the_carer_is_taken_off_the_profile(run):
    user = pat()
    Profile.objects.filter(user=user).update(copies_to_name="", copies_to_email="")
    user = type(user).objects.get(pk=user.pk)  # as the next request would load them

    run(registration_create, workshop=in_person_workshop(), user=user)

    assert emails_to("cara@example.org") == []
    assert not OutboxMessage.objects.filter(is_copy=True).exists()


def test_people_without_a_carer_named_get_no_copies(run):
    run(registration_create, workshop=in_person_workshop(), user=pat(copies_to_email=""))

    assert [m.to for m in mail.outbox] == [["pat@example.org"]]


# Choosing them on the contact step


def test_the_contact_step_asks_who_should_get_copies(sign_in, patient):
    finish(patient)

    text = page_text(sign_in(patient).get(step_url("contact")))

    assert "A carer or family member who should get copies of our messages (optional)" in text
    assert "Their name" in text and "Their email address" in text
    assert "Your reminders are on." in text


def test_a_carer_saved_on_the_contact_step_is_shown_on_the_profile(sign_in, patient):
    finish(patient)
    client = sign_in(patient)

    response = client.post(
        step_url("contact"),
        {"phone": "", "copies_to_name": "  Cara   Carer ", "copies_to_email": "cara@example.org"},
    )

    assert response.status_code == 302
    profile = Profile.objects.get(user=patient)
    assert (profile.copies_to_name, profile.copies_to_email) == ("Cara Carer", "cara@example.org")
    text = page_text(client.get(PROFILE))
    assert "Copies of our messages go to Cara Carer (cara@example.org)" in text


def test_clearing_both_boxes_stops_copies(sign_in, patient):
    finish(patient, copies_to_name="Cara Carer", copies_to_email="cara@example.org")
    client = sign_in(patient)

    client.post(step_url("contact"), {"phone": "", "copies_to_name": "", "copies_to_email": ""})

    profile = Profile.objects.get(user=patient)
    assert (profile.copies_to_name, profile.copies_to_email) == ("", "")
    assert "Copies of our messages go to No one" in page_text(client.get(PROFILE))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"copies_to_name": "Cara Carer", "copies_to_email": ""},
            "copies_to_email",
            "Give Cara Carer's email address too",
        ),
        (
            {"copies_to_name": "", "copies_to_email": "cara@example.org"},
            "copies_to_name",
            "Give their name too, so we know who they are.",
        ),
        (
            {"copies_to_name": "Cara", "copies_to_email": "cara-at-example"},
            "copies_to_email",
            "Enter an email address like name@example.org.",
        ),
        (
            {"copies_to_name": "Me", "copies_to_email": "Patient@Example.org"},
            "copies_to_email",
            "This is your own email address.",
        ),
        (
            {"copies_to_name": "x" * 101, "copies_to_email": "cara@example.org"},
            "copies_to_name",
            "Their name can be up to 100 letters long.",
        ),
    ],
)
def test_wrong_copy_details_get_a_kind_message_and_nothing_is_saved(
    sign_in, patient, data, field, message
):
    finish(patient, phone="07700 900123")

    response = sign_in(patient).post(step_url("contact"), {"phone": "07700 900999", **data})

    assert response.status_code == 200
    assert message in " ".join(errors(response, field))
    assert "There is a problem" in page_text(response)
    profile = Profile.objects.get(user=patient)
    assert (profile.phone, profile.copies_to_email) == ("07700 900123", "")
