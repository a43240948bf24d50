"""Organisers set up each workshop's feedback form: their own questions, how long it stays open,
anonymous mode."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from codesign.core.models import AuditEntry
from feedback.models import FeedbackForm, Question
from feedback.services import question_add, question_remove, question_update
from tests.feedback.support import answers, by_key, ended_workshop, form_of, link, place, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def coming(programme):
    """A workshop next week: its form has not opened yet."""
    return ended_workshop(programme=programme, ended=-dt.timedelta(days=7), title="Next week")


@pytest.fixture
def signed_in(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))
    return client


def _question(**overrides):
    data = {
        "kind": "single",
        "text": "How did you get here?",
        "easy_read_text": "How did you travel?",
        "choices": "Bus\nCar\nWalked\n",
        "required": "",
    }
    data.update(overrides)
    return data


def test_organiser_sees_the_default_questions_and_when_the_form_opens(signed_in, coming):
    response = signed_in.get(reverse("feedback:manage_form", args=[coming.pk]))

    assert response.status_code == 200
    page = text(response)
    assert "Feedback form for Next week" in page
    assert "I felt valued" in page
    assert "People valued me" in page
    assert "It has not opened yet." in page
    assert "Add a question" in page
    assert page.count("Standard question") == 9


def test_organiser_adds_a_choice_question_before_the_form_opens(signed_in, organiser, coming):
    response = signed_in.post(
        reverse("feedback:question_new", args=[coming.pk]), _question(required="on")
    )

    assert response.status_code == 302
    question = Question.objects.get(is_default=False)
    assert question.kind == "single"
    assert question.choices == ["Bus", "Car", "Walked"]
    assert question.required is True
    assert question.easy_read_text == "How did you travel?"
    # After the six scales, before "What went well?".
    texts = list(question.form.questions.values_list("text", flat=True))
    assert texts.index("How did you get here?") == 6
    assert AuditEntry.objects.filter(action="feedback.question.added", actor=organiser).exists()
    page = text(signed_in.get(response.url))
    assert "Your question is added to the form." in page
    assert "Bus; Car; Walked" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Write the question."),
        ({"choices": "Only one"}, "Give at least 2 answers to choose from"),
        ({"choices": "Bus\nbus"}, "Each answer to choose from must be different."),
        ({"kind": "essay"}, "Select a valid choice"),
        ({"kind": "multiple", "choices": "\n".join(str(n) for n in range(13))}, "at most 12"),
    ],
)
def test_a_question_that_does_not_make_sense_is_refused_with_a_reason(
    signed_in, coming, data, message
):
    response = signed_in.post(reverse("feedback:question_new", args=[coming.pk]), _question(**data))

    assert response.status_code == 400
    assert message in text(response)
    assert not Question.objects.filter(is_default=False).exists()


def test_a_scale_question_gets_the_five_labelled_points(signed_in, coming):
    signed_in.post(
        reverse("feedback:question_new", args=[coming.pk]),
        _question(kind="scale", text="I knew what we would do", choices=""),
    )

    question = Question.objects.get(is_default=False)
    assert [label for _, label in question.options()][0] == "Strongly disagree"
    assert len(question.options()) == 5


def test_organiser_changes_and_removes_their_own_question_while_nobody_answered(signed_in, coming):
    form = form_of(coming)
    question = question_add(
        form=form, kind="text", text="Anything else?", added_by=None, required=False
    )

    signed_in.post(
        reverse("feedback:question_edit", args=[question.pk]),
        _question(kind="multiple", text="What helped?", choices="Breaks\nFood"),
    )
    question.refresh_from_db()
    assert (question.kind, question.text, question.choices) == (
        "multiple",
        "What helped?",
        ["Breaks", "Food"],
    )

    response = signed_in.post(reverse("feedback:question_remove", args=[question.pk]))

    assert response.status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()


def test_questions_can_not_be_added_once_the_form_has_opened(signed_in, programme):
    workshop = ended_workshop(programme=programme)

    response = signed_in.post(
        reverse("feedback:question_new", args=[workshop.pk]), _question(), follow=True
    )

    assert "questions can't be added now" in text(response)
    assert not Question.objects.filter(is_default=False).exists()
    with pytest.raises(ValidationError):
        question_add(form=form_of(workshop), kind="text", text="Late?", added_by=None)


def test_a_question_people_have_answered_can_not_be_changed_or_removed(
    client, signed_in, programme, coming, young_person
):
    question = question_add(
        form=form_of(coming), kind="single", text="Travel?", choices=["Bus", "Car"], added_by=None
    )
    # The workshop happens, and someone answers.
    coming.starts_at -= dt.timedelta(days=8)
    coming.ends_at -= dt.timedelta(days=8)
    coming.save()
    registration = place(coming, young_person)
    form = form_of(coming)
    client.post(link(registration), answers(form, **{f"q{question.pk}": "1"}))
    assert question.answers.count() == 1

    edit = signed_in.get(reverse("feedback:question_edit", args=[question.pk]), follow=True)
    removed = signed_in.post(reverse("feedback:question_remove", args=[question.pk]), follow=True)

    assert "People have already answered this question, so it can't be changed" in (text(edit))
    assert "so it can't be removed" in text(removed)
    question.refresh_from_db()
    assert question.text == "Travel?"
    with pytest.raises(ValidationError):
        question_update(question=question, kind="text", text="Other", updated_by=None)
    page = text(signed_in.get(reverse("feedback:manage_form", args=[coming.pk])))
    assert "Answered: can't be changed" in page


def test_the_standard_questions_can_not_be_changed_or_removed(signed_in, coming):
    valued = by_key(form_of(coming))["valued"]

    response = signed_in.post(reverse("feedback:question_remove", args=[valued.pk]), follow=True)

    assert "one of the questions every workshop asks" in text(response)
    assert Question.objects.filter(pk=valued.pk).exists()
    with pytest.raises(ValidationError):
        question_remove(question=valued, removed_by=None)


def test_organiser_keeps_the_form_open_longer_and_makes_it_anonymous(signed_in, organiser, coming):
    response = signed_in.post(
        reverse("feedback:manage_settings", args=[coming.pk]),
        {"days_open": "21", "anonymous": "on", "easy_read": "on"},
    )

    assert response.status_code == 302
    form = FeedbackForm.objects.get(workshop=coming)
    assert (form.days_open, form.anonymous, form.easy_read) == (21, True, True)
    assert form.closes_at == coming.ends_at + dt.timedelta(days=21)
    entry = AuditEntry.objects.get(action="feedback.form.updated")
    assert entry.actor == organiser
    assert entry.data["days_open"] == [14, 21]


@pytest.mark.parametrize("days", ["0", "61", "soon", ""])
def test_a_number_of_days_that_does_not_work_is_refused(signed_in, coming, days):
    response = signed_in.post(
        reverse("feedback:manage_settings", args=[coming.pk]), {"days_open": days}
    )

    assert response.status_code == 400
    assert "There is a problem" in text(response)
    assert FeedbackForm.objects.get(workshop=coming).days_open == 14


def test_anonymous_mode_can_not_be_switched_once_people_have_answered(
    client, signed_in, programme, young_person
):
    workshop = ended_workshop(programme=programme)
    registration = place(workshop, young_person)
    form = form_of(workshop)
    client.post(link(registration), answers(form))

    response = signed_in.post(
        reverse("feedback:manage_settings", args=[workshop.pk]),
        {"days_open": "14", "anonymous": "on"},
    )

    form.refresh_from_db()
    assert form.anonymous is False
    # The box is shown but can't be used: the browser sends nothing, and nothing changes.
    page = text(signed_in.get(reverse("feedback:manage_form", args=[workshop.pk])))
    assert "People have already answered, so this can't be changed now." in page
    assert response.status_code == 302


def test_the_preview_shows_the_form_without_a_way_to_send_it(signed_in, coming):
    response = signed_in.get(reverse("feedback:preview", args=[coming.pk]) + "?easy_read=1")

    page = text(response)
    assert response.status_code == 200
    assert "This is how the form looks to people." in page
    assert "People valued me" in page
    assert "Send my feedback" not in page
