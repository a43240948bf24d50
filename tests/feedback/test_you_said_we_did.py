"""“You said, we did”: organisers record what they heard and what they changed, as a draft;
publishing puts it on the programme's learning page and emails everyone who gave feedback in
the programme, once each, through the outbox."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from codesign.core.models import AuditEntry, OutboxMessage
from codesign.core.notices import outbox_send
from feedback.models import FeedbackAction
from feedback.services import (
    action_create,
    action_publish,
    action_remove,
    feedback_form_update,
    response_save,
)
from participants.models import Perspective
from tests.feedback.report_support import reported_workshop
from tests.feedback.support import form_of, place, text
from tests.workshops.registration_support import ready_person

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def signed_in(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))
    return client


@pytest.fixture
def workshop(programme):
    return reported_workshop(programme, title="Clinic letters")


def gave_feedback(workshop, email, perspectives=(Perspective.PATIENT,), **profile):
    """Someone who had a place at the workshop and answered its form."""
    person = ready_person(email, list(perspectives), **profile)
    registration = place(workshop, person)
    form = form_of(workshop)
    answers = {q.pk: 4 for q in form.questions.all() if q.kind == "scale"}
    response_save(form=form, registration=registration, answers=answers, quote_consent=False)
    return person


def draft(programme, **fields):
    data = {
        "heard": "The room was too noisy to hear each other.",
        "changed": "We now book a quiet room for every workshop.",
        "changed_on": TODAY,
        "created_by": None,
    }
    data.update(fields)
    return action_create(programme=programme, **data)


def _post(client, programme, **fields):
    data = {
        "heard": "The room was too noisy to hear each other.",
        "changed": "We now book a quiet room for every workshop.",
        "changed_on": TODAY.isoformat(),
        "workshop": "",
    }
    data.update(fields)
    return client.post(reverse("feedback:action_new", args=[programme.slug]), data)


# Recording


def test_an_organiser_records_a_draft_that_nobody_else_sees_yet(
    signed_in, client, organiser, programme, workshop
):
    response = _post(signed_in, programme, workshop=str(workshop.pk))

    assert response.status_code == 302
    assert response.url == reverse("feedback:actions", args=[programme.slug])
    action = FeedbackAction.objects.get()
    assert action.workshop == workshop
    assert action.created_by == organiser
    assert not action.is_published
    page = text(signed_in.get(response.url))
    assert "Saved as a draft. Nobody sees it until you publish it." in page
    assert "Draft: not published yet" in page
    client.logout()
    learning = text(client.get(reverse("feedback:learning", args=[programme.slug])))
    assert "quiet room" not in learning
    assert AuditEntry.objects.filter(action="feedback.action.added").count() == 1


def test_the_form_starts_with_the_workshop_it_came_from(signed_in, programme, workshop):
    response = signed_in.get(
        reverse("feedback:action_new", args=[programme.slug]) + f"?workshop={workshop.pk}"
    )

    assert f'<option value="{workshop.pk}" selected>' in response.content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"heard": "  "}, "Say what people told you."),
        ({"changed": ""}, "Say what you did because of it."),
        ({"changed_on": "31/02/2027"}, "Enter a real date, like 14 March 2027."),
        ({"changed_on": "1990-01-01"}, "Enter a date within three years of today."),
        ({"heard": "x" * 2001}, "Please keep this to 2000 characters or fewer."),
        ({"workshop": "999999"}, "Choose one of this programme&#x27;s workshops."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(signed_in, programme, fields, message):
    response = _post(signed_in, programme, **fields)

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert message in response.content.decode()
    assert not FeedbackAction.objects.exists()


def test_another_programmes_workshop_can_not_be_chosen(signed_in, programme, other_programme):
    elsewhere = reported_workshop(other_programme)

    response = _post(signed_in, programme, workshop=str(elsewhere.pk))

    assert response.status_code == 400
    assert not FeedbackAction.objects.exists()
    with pytest.raises(ValidationError):
        draft(programme, workshop=elsewhere)


# Publishing


def test_publishing_emails_everyone_who_gave_feedback_in_the_programme_once(
    signed_in, programme, other_programme, workshop, django_capture_on_commit_callbacks
):
    later = reported_workshop(programme, title="Second workshop")
    both = gave_feedback(workshop, "both@example.org")
    gave_feedback(later, "both.again@example.org")
    place(later, both)
    response_save(
        form=form_of(later),
        registration=later.registrations.get(user=both),
        answers={q.pk: 5 for q in form_of(later).questions.all() if q.kind == "scale"},
        quote_consent=False,
    )
    place(workshop, ready_person("silent@example.org", [Perspective.CARER]))
    gave_feedback(reported_workshop(other_programme), "elsewhere@example.org")
    action = draft(programme, workshop=workshop)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            reverse("feedback:action_publish", args=[programme.slug, action.pk])
        )

    assert response.status_code == 302
    page = text(signed_in.get(response.url))
    assert "We are emailing it to the 2 people who gave feedback." in page
    assert sorted(m.to[0] for m in mail.outbox) == ["both.again@example.org", "both@example.org"]
    email = next(m for m in mail.outbox if m.to == ["both@example.org"])
    assert email.subject == (
        "You said, we did: what Diabetes care together changed because of your feedback"
    )
    assert "The room was too noisy to hear each other." in email.body
    assert "We now book a quiet room for every workshop." in email.body
    assert "This was feedback on Clinic letters." in email.body
    assert re.search(
        r"https?://\S+/feedback/programmes/diabetes-care-together/learning/", email.body
    )
    assert "Turn them off" in email.body
    html = email.alternatives[0][0]
    assert "You said" in html and "We did" in html
    action.refresh_from_db()
    assert action.is_published
    assert AuditEntry.objects.get(action="feedback.action.published").data == {"emails": 2}


def test_people_who_answered_anonymously_are_told_too(
    signed_in, programme, workshop, django_capture_on_commit_callbacks
):
    feedback_form_update(
        form=form_of(workshop), days_open=14, anonymous=True, easy_read=False, updated_by=None
    )
    gave_feedback(workshop, "anon@example.org")
    action = draft(programme)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(reverse("feedback:action_publish", args=[programme.slug, action.pk]))

    assert [m.to for m in mail.outbox] == [["anon@example.org"]]


def test_people_who_turned_reminders_off_are_not_emailed_and_carers_get_a_copy(
    signed_in, programme, workshop, django_capture_on_commit_callbacks
):
    gave_feedback(workshop, "quiet@example.org", reminders=False)
    gave_feedback(workshop, "cared.for@example.org", copies_to_email="helper@example.org")
    action = draft(programme)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(reverse("feedback:action_publish", args=[programme.slug, action.pk]))

    assert sorted(m.to[0] for m in mail.outbox) == ["cared.for@example.org", "helper@example.org"]


def test_it_shows_on_the_learning_page_once_published(client, signed_in, programme, workshop):
    action = draft(programme, workshop=workshop)
    signed_in.post(reverse("feedback:action_publish", args=[programme.slug, action.pk]))
    client.logout()

    page = text(client.get(reverse("feedback:learning", args=[programme.slug])))

    assert "The room was too noisy to hear each other." in page
    assert "We now book a quiet room for every workshop." in page
    assert f"{TODAY:%-d %B %Y}: after Clinic letters" in page


def test_publishing_twice_is_refused_and_nobody_is_emailed_again(signed_in, programme, workshop):
    gave_feedback(workshop, "once@example.org")
    action = draft(programme)
    url = reverse("feedback:action_publish", args=[programme.slug, action.pk])
    signed_in.post(url)
    assert OutboxMessage.objects.filter(kind="you_said_we_did").count() == 1

    page = text(signed_in.post(url, follow=True))

    assert "This is already published." in page
    assert OutboxMessage.objects.filter(kind="you_said_we_did").count() == 1
    with pytest.raises(ValidationError):
        action_publish(action=action, published_by=None)


def test_changing_a_published_one_updates_the_page_and_emails_nobody(
    client, signed_in, programme, workshop
):
    gave_feedback(workshop, "once@example.org")
    action = draft(programme)
    signed_in.post(reverse("feedback:action_publish", args=[programme.slug, action.pk]))
    edit = reverse("feedback:action_edit", args=[programme.slug, action.pk])
    assert "Nobody is emailed again." in text(signed_in.get(edit))

    response = signed_in.post(
        edit,
        {
            "heard": "The room was too noisy.",
            "changed": "We moved to the library's quiet room.",
            "changed_on": TODAY.isoformat(),
            "workshop": "",
        },
    )

    assert response.status_code == 302
    assert OutboxMessage.objects.filter(kind="you_said_we_did").count() == 1
    client.logout()
    assert "library's quiet room" in text(
        client.get(reverse("feedback:learning", args=[programme.slug]))
    )


def test_deleting_one_takes_it_off_the_page_and_drops_emails_not_sent_yet(
    programme, workshop, django_capture_on_commit_callbacks
):
    gave_feedback(workshop, "later@example.org")
    action = draft(programme)
    # The send task is queued after commit; here it has not run yet.
    action_publish(action=action, published_by=None)
    message = OutboxMessage.objects.get(kind="you_said_we_did")

    action_remove(action=action, removed_by=None)

    assert outbox_send(message_id=message.pk) == OutboxMessage.Status.SKIPPED
    assert not FeedbackAction.objects.exists()
    assert AuditEntry.objects.filter(action="feedback.action.removed").exists()


def test_the_delete_button_removes_a_draft(signed_in, programme):
    action = draft(programme)

    response = signed_in.post(
        reverse("feedback:action_remove", args=[programme.slug, action.pk]), follow=True
    )

    assert "The draft is deleted." in text(response)
    assert not FeedbackAction.objects.exists()


def test_the_list_runs_the_same_queries_however_many_there_are(
    signed_in, programme, django_assert_num_queries
):
    url = reverse("feedback:actions", args=[programme.slug])

    def load() -> None:
        # Session, user, roles, authenticator; programme, people to email, the page's count
        # and its actions.
        with django_assert_num_queries(8):
            assert signed_in.get(url).status_code == 200

    draft(programme)
    load()
    for n in range(30):
        action_publish(action=draft(programme, heard=f"Heard {n}"), published_by=None)
    load()
