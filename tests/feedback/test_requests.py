"""The feedback request when a workshop ends and the one follow-up, driven through the beat scan
with the clock moved on by time-machine."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from codesign.core.models import OutboxMessage
from codesign.core.notices import outbox_send
from feedback.models import FeedbackForm
from feedback.services import feedback_requests_queue
from feedback.tasks import feedback_requests_queue_task
from participants.models import Perspective
from programmes.models import Programme
from tests.factories import ProfileFactory, ProgrammeFactory, UserFactory, WorkshopFactory
from tests.feedback.support import answers, form_of, place
from workshops.models import Registration, Workshop

pytestmark = pytest.mark.django_db

# The workshop ends at this moment; the tests move the clock around it.
ENDS = dt.datetime(2030, 3, 5, 13, 0, tzinfo=dt.UTC)


def at(delta: dt.timedelta):
    return time_machine.travel(ENDS + delta, tick=False)


def person(email: str, perspectives: list[str], **profile) -> object:
    user = UserFactory(email=email)
    ProfileFactory(
        user=user, display_name=email.split("@")[0].title(), perspectives=perspectives, **profile
    )
    return user


@pytest.fixture
def partner_programme(db):
    return ProgrammeFactory(
        title="Kidney care together",
        slug="kidney-care",
        lived_experience_term="patient partner",
        lived_experience_term_plural="patient partners",
        status=Programme.Status.RUNNING,
    )


@pytest.fixture
def workshop(partner_programme):
    with at(-dt.timedelta(days=10)):
        return WorkshopFactory(
            programme=partner_programme,
            title="Designing the dialysis unit",
            starts_at=ENDS - dt.timedelta(hours=3),
            ends_at=ENDS,
        )


@pytest.fixture
def people(workshop):
    """Who had which kind of place. Only `young` and `patient` are asked."""
    with at(-dt.timedelta(days=10)):
        young = person("young@example.org", [Perspective.YOUNG_PERSON])
        patient = person(
            "patient@example.org", [Perspective.PATIENT], copies_to_email="family@example.org"
        )
        quiet = person("quiet@example.org", [Perspective.CARER], reminders=False)
        registrations = {
            "young": place(workshop, young),
            "patient": place(workshop, patient, Registration.Status.ATTENDED),
            "quiet": place(workshop, quiet),
            "cancelled": place(
                workshop, person("gone@example.org", ["patient"]), Registration.Status.CANCELLED
            ),
            "no_show": place(
                workshop, person("away@example.org", ["carer"]), Registration.Status.NO_SHOW
            ),
            "waiting": place(
                workshop, person("wait@example.org", ["carer"]), Registration.Status.WAITLISTED
            ),
        }
    return registrations


def scan(capture) -> int:
    with capture(execute=True):
        return feedback_requests_queue()


def _sent_to() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def _link(message) -> str:
    found = re.search(r"https?://[^/\s]+(/feedback/give/[^\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_requests_and_one_follow_up_arrive_at_the_right_times(
    client, workshop, people, django_capture_on_commit_callbacks
):
    with at(-dt.timedelta(minutes=30)):
        assert scan(django_capture_on_commit_callbacks) == 0

    # The workshop ends: a request to each person who had a place and wants these emails.
    with at(dt.timedelta(minutes=10)):
        assert scan(django_capture_on_commit_callbacks) == 2
        assert scan(django_capture_on_commit_callbacks) == 0
    assert _sent_to() == ["patient@example.org", "young@example.org"]
    request = next(m for m in mail.outbox if m.to == ["young@example.org"])
    assert request.subject == "How was Designing the dialysis unit? Tell us in about 6 minutes"
    assert "Tuesday 5 March 2030, 10am to 1pm" in request.body
    assert "patient partners" in request.body
    assert "It takes about 6 minutes" in request.body
    assert "closes on Tuesday 19 March 2030" in request.body
    assert "/feedback/give/" in request.alternatives[0].content
    assert request.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # A day later: nothing new. The young person answers from the link.
    with at(dt.timedelta(days=1)):
        assert scan(django_capture_on_commit_callbacks) == 0
        response = client.post(_link(request), answers(form_of(workshop)))
        assert response.status_code == 302

    # Three days after the request: one follow-up, only to the person who has not answered.
    with at(dt.timedelta(days=3, minutes=15)):
        assert scan(django_capture_on_commit_callbacks) == 1
        assert scan(django_capture_on_commit_callbacks) == 0
    followups = [m for m in mail.outbox if "still time" in m.subject]
    assert [m.to for m in followups] == [["patient@example.org"]]
    assert "This is the only reminder we will send." in followups[0].body
    # Never a second follow-up, and nothing once the form has closed.
    with at(dt.timedelta(days=9)):
        assert scan(django_capture_on_commit_callbacks) == 0
    with at(dt.timedelta(days=14, minutes=1)):
        assert scan(django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 3


def test_people_who_turned_reminders_off_get_neither(
    workshop, people, django_capture_on_commit_callbacks
):
    with at(dt.timedelta(minutes=10)):
        scan(django_capture_on_commit_callbacks)
    with at(dt.timedelta(days=4)):
        scan(django_capture_on_commit_callbacks)

    assert not OutboxMessage.objects.filter(user=people["quiet"].user).exists()
    assert "quiet@example.org" not in _sent_to()


def test_feedback_requests_are_not_copied_to_a_named_family_member(
    workshop, people, django_capture_on_commit_callbacks
):
    with at(dt.timedelta(minutes=10)):
        scan(django_capture_on_commit_callbacks)

    assert "family@example.org" not in _sent_to()


def test_the_link_in_the_email_opens_the_form_without_signing_in(
    client, workshop, people, django_capture_on_commit_callbacks
):
    with at(dt.timedelta(minutes=10)):
        scan(django_capture_on_commit_callbacks)
        response = client.get(_link(mail.outbox[0]))

    assert response.status_code == 200
    assert "How was Designing the dialysis unit?" in response.content.decode()


def test_a_request_is_dropped_if_the_person_answered_before_it_went(
    client, workshop, people, django_capture_on_commit_callbacks
):
    with at(dt.timedelta(minutes=10)):
        with django_capture_on_commit_callbacks(execute=False):
            feedback_requests_queue()
        client.force_login(people["young"].user)
        client.post(reverse("feedback:respond", args=[workshop.pk]), answers(form_of(workshop)))
        message = OutboxMessage.objects.get(key=f"feedback-request:{people['young'].pk}")

        assert outbox_send(message_id=message.pk) == OutboxMessage.Status.SKIPPED


def test_a_follow_up_is_dropped_if_the_form_closed_before_it_went(
    workshop, people, django_capture_on_commit_callbacks
):
    with at(dt.timedelta(minutes=10)):
        scan(django_capture_on_commit_callbacks)
    with at(dt.timedelta(days=3, minutes=10)):
        with django_capture_on_commit_callbacks(execute=False):
            feedback_requests_queue()
    followup = OutboxMessage.objects.get(key=f"feedback-followup:{people['patient'].pk}")
    with at(dt.timedelta(days=15)):
        assert outbox_send(message_id=followup.pk) == OutboxMessage.Status.SKIPPED


def test_a_short_form_gets_its_follow_up_halfway_before_it_closes(
    workshop, people, django_capture_on_commit_callbacks
):
    FeedbackForm.objects.create(workshop=workshop, days_open=2)
    with at(dt.timedelta(minutes=1)):
        scan(django_capture_on_commit_callbacks)
    with at(dt.timedelta(hours=23)):
        assert scan(django_capture_on_commit_callbacks) == 0
    with at(dt.timedelta(days=1, minutes=5)):
        assert scan(django_capture_on_commit_callbacks) == 2


def test_a_workshop_found_long_after_it_ended_gets_no_request(
    workshop, people, django_capture_on_commit_callbacks
):
    with at(dt.timedelta(days=4)):
        assert scan(django_capture_on_commit_callbacks) == 0
    assert not mail.outbox


@pytest.mark.parametrize("status", [Workshop.Status.CANCELLED, Workshop.Status.DRAFT])
def test_cancelled_and_unpublished_workshops_ask_for_nothing(
    workshop, people, status, django_capture_on_commit_callbacks
):
    Workshop.objects.filter(pk=workshop.pk).update(status=status)

    with at(dt.timedelta(minutes=10)):
        assert scan(django_capture_on_commit_callbacks) == 0


def test_a_cancelled_place_drops_a_queued_request(
    workshop, people, django_capture_on_commit_callbacks
):
    with at(dt.timedelta(minutes=10)):
        with django_capture_on_commit_callbacks(execute=False):
            feedback_requests_queue()
        Registration.objects.filter(pk=people["patient"].pk).update(
            status=Registration.Status.NO_SHOW
        )
        message = OutboxMessage.objects.get(key=f"feedback-request:{people['patient'].pk}")
        assert outbox_send(message_id=message.pk) == OutboxMessage.Status.SKIPPED


def test_the_beat_task_runs_the_scan(workshop, people, django_capture_on_commit_callbacks):
    with at(dt.timedelta(minutes=10)), django_capture_on_commit_callbacks(execute=True):
        assert feedback_requests_queue_task.delay().get() == 2


def test_the_scan_runs_a_fixed_number_of_queries(
    partner_programme, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    def run() -> int:
        with at(dt.timedelta(minutes=10)), django_capture_on_commit_callbacks():
            with django_assert_max_num_queries(8) as queries:
                feedback_requests_queue()
        return len(queries)

    with at(-dt.timedelta(days=1)):
        workshops = [
            WorkshopFactory(
                programme=partner_programme,
                starts_at=ENDS - dt.timedelta(hours=2),
                ends_at=ENDS - dt.timedelta(minutes=n),
            )
            for n in range(3)
        ]
        for n in range(2):
            place(workshops[0], person(f"small{n}@example.org", ["patient"]))
    small = run()
    with at(-dt.timedelta(days=1)):
        for workshop in workshops:
            for n in range(15):
                place(workshop, person(f"w{workshop.pk}-{n}@example.org", ["carer"]))
    OutboxMessage.objects.all().delete()
    assert run() == small


def test_the_request_reads_plainly_in_both_versions(
    workshop, people, django_capture_on_commit_callbacks
):
    Workshop.objects.filter(pk=workshop.pk).update(title="Young people's dialysis unit")

    with at(dt.timedelta(minutes=10)):
        scan(django_capture_on_commit_callbacks)

    request = next(m for m in mail.outbox if m.to == ["young@example.org"])
    assert request.subject == "How was Young people's dialysis unit? Tell us in about 6 minutes"
    assert "Hello Young,\n\nThank you for coming to Young people's dialysis unit" in request.body
    assert "&#x27;" not in request.body
    assert "Don't want reminders? Turn them off:" in request.body
    html = request.alternatives[0].content
    assert "Young people&#x27;s dialysis unit" in html
    assert '<html lang="en-GB">' in html
