import datetime as dt
import re

import pytest
import time_machine
from django.core import signing
from django.db.models import Count
from django.urls import reverse

from feedback.models import Answer, FeedbackReceipt, Response, ResponsePerspective
from feedback.services import LINK_SALT, TOKEN_MAX_AGE, feedback_form_for, question_add
from participants.models import Perspective
from tests.feedback.support import answers, by_key, ended_workshop, form_of, link, place
from tests.workshops.registration_support import ready_person
from workshops.models import Registration, Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(programme):
    return ended_workshop(programme=programme, title="Mapping the first clinic visit")


@pytest.fixture
def registration(workshop, young_person):
    return place(workshop, young_person)


def test_the_link_from_the_email_opens_the_form_without_signing_in(client, registration):
    response = client.get(link(registration))

    assert response.status_code == 200
    page = response.content.decode()
    assert "How was Mapping the first clinic visit?" in page
    assert "I felt listened to" in page
    assert "Strongly disagree" in page
    assert "Strongly agree" in page
    assert "Use easy-read wording" in page


def test_answering_saves_one_response_with_the_persons_perspective(client, registration):
    form = form_of(registration.workshop)

    response = client.post(link(registration), answers(form, quote_consent="on"), follow=True)

    assert "Thank you for your feedback" in response.content.decode()
    saved = Response.objects.get()
    assert saved.user == registration.user
    assert saved.perspectives == [Perspective.YOUNG_PERSON]
    assert saved.quote_consent is True
    assert list(ResponsePerspective.objects.values_list("perspective", flat=True)) == [
        Perspective.YOUNG_PERSON
    ]
    questions = by_key(form)
    assert Answer.objects.get(question=questions["listened"]).value == 4
    assert Answer.objects.get(question=questions["better"]).text == "More breaks, please."
    assert FeedbackReceipt.objects.filter(form=form, user=registration.user).exists()


def test_the_form_comes_from_the_default_questions_with_every_scale_point_labelled(workshop):
    form = feedback_form_for(workshop=workshop)

    questions = list(form.questions.all())
    assert [q.text for q in questions] == [
        "I felt valued",
        "I felt listened to",
        "My experience was respected",
        "The activities worked for people like me",
        "The language used was right for me",
        "I would take part again",
        "What went well?",
        "What could be better?",
    ]
    assert all(q.is_default for q in questions)
    scale = questions[1]
    assert scale.options() == [
        (1, "Strongly disagree"),
        (2, "Disagree"),
        (3, "Neither agree nor disagree"),
        (4, "Agree"),
        (5, "Strongly agree"),
    ]
    assert scale.wording(easy_read=True) == "People listened to me"
    assert form.days_open == 14
    assert form.closes_at == workshop.ends_at + dt.timedelta(days=14)
    # Asking again gives the same form.
    assert feedback_form_for(workshop=workshop).pk == form.pk
    assert form.questions.count() == 8


def test_the_easy_read_switch_shows_the_easy_read_wording(client, registration):
    url = link(registration)

    page = client.get(url + "?easy_read=1").content.decode()

    assert "People listened to me" in page
    assert "I felt listened to" not in page
    assert "Yes, a lot" in page
    assert "Use standard wording" in page
    assert "I felt listened to" in client.get(url + "?easy_read=0").content.decode()


def test_people_who_asked_for_easy_read_materials_see_easy_read_wording_first(client, registration):
    registration.user.profile.easy_read = True
    registration.user.profile.save()

    page = client.get(link(registration)).content.decode()

    assert "People listened to me" in page


def test_a_changed_link_is_refused_kindly(client, registration):
    token = link(registration).rstrip("/").rsplit("/", 1)[-1]
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")

    response = client.get(reverse("feedback:give", kwargs={"token": tampered}))

    assert response.status_code == 404
    assert "This feedback link does not work" in response.content.decode()
    assert client.post(reverse("feedback:give", kwargs={"token": tampered})).status_code == 404
    assert not Response.objects.exists()


def test_a_link_signed_for_something_else_does_not_open_the_form(client, registration):
    forged = signing.dumps(registration.pk, salt="codesign.reminders.unsubscribe")
    assert LINK_SALT != "codesign.reminders.unsubscribe"

    response = client.get(reverse("feedback:give", kwargs={"token": forged}))

    assert response.status_code == 404


def test_an_old_link_says_it_has_expired(client, registration):
    url = link(registration)

    with time_machine.travel(dt.datetime.now(dt.UTC) + TOKEN_MAX_AGE + dt.timedelta(days=1)):
        response = client.get(url)

    assert response.status_code == 410
    assert "This feedback link has expired" in response.content.decode()


def test_coming_back_shows_my_answers_and_lets_me_change_them(client, registration):
    form = form_of(registration.workshop)
    url = link(registration)
    client.post(url, answers(form, scale=2))

    page = client.get(url).content.decode()

    listened = by_key(form)["listened"]
    assert re.search(rf'name="q{listened.pk}" value="2"[^>]*checked', page)
    assert not re.search(rf'name="q{listened.pk}" value="4"[^>]*checked', page)
    assert "You can change your answers until" in page
    assert "More breaks, please." in page
    assert "Save my changes" in page

    client.post(url, answers(form, scale=5, **{f"q{by_key(form)['better'].pk}": ""}))

    assert Response.objects.count() == 1
    assert FeedbackReceipt.objects.count() == 1
    assert set(Answer.objects.filter(question=listened).values_list("value", flat=True)) == {5}
    assert not Answer.objects.filter(question=by_key(form)["better"]).exists()


def test_one_response_per_person_whichever_way_they_come(client, registration):
    form = form_of(registration.workshop)
    client.post(link(registration), answers(form, scale=2))
    client.force_login(registration.user)

    client.post(
        reverse("feedback:respond", args=[registration.workshop.pk]), answers(form, scale=3)
    )

    assert Response.objects.count() == 1
    assert Answer.objects.filter(value=3).count() == 6


def test_the_form_is_closed_kindly_after_its_last_day(client, registration):
    form = form_of(registration.workshop)
    url = link(registration)
    data = answers(form)

    with time_machine.travel(form.closes_at + dt.timedelta(minutes=1)):
        page = client.get(url)
        posted = client.post(url, data)

    assert page.status_code == 200
    assert "has closed" in page.content.decode()
    assert "has closed" in posted.content.decode()
    assert not Response.objects.exists()


def test_answers_can_be_changed_until_the_form_closes_and_not_after(client, registration):
    form = form_of(registration.workshop)
    url = link(registration)
    client.post(url, answers(form, scale=2))

    with time_machine.travel(form.closes_at - dt.timedelta(minutes=5)):
        client.post(url, answers(form, scale=4))
    with time_machine.travel(form.closes_at + dt.timedelta(minutes=5)):
        client.post(url, answers(form, scale=1))

    assert set(Answer.objects.exclude(value=None).values_list("value", flat=True)) == {4}


def test_the_form_opens_only_when_the_workshop_ends(client, programme, young_person):
    workshop = ended_workshop(programme=programme, ended=-dt.timedelta(hours=2))
    registration = place(workshop, young_person)

    response = client.post(link(registration), answers(form_of(workshop)))

    assert "opens when the workshop ends" in response.content.decode()
    assert not Response.objects.exists()


def test_anonymous_mode_keeps_no_link_to_the_person_but_keeps_their_perspective(
    client, registration
):
    form = form_of(registration.workshop)
    form.anonymous = True
    form.save()
    url = link(registration)

    client.post(url, answers(form))

    saved = Response.objects.get()
    assert saved.user is None
    assert saved.perspectives == [Perspective.YOUNG_PERSON]
    assert saved.created_at.time() == dt.time(0, 0)
    assert not hasattr(saved, "registration")
    assert FeedbackReceipt.objects.filter(user=registration.user).exists()
    # Coming back shows nothing of what they said, and can't add a second response.
    page = client.get(url).content.decode()
    assert "you have already given feedback" in page.lower()
    assert "More breaks, please." not in page
    client.post(url, answers(form, scale=1))
    assert Response.objects.count() == 1


def test_the_perspective_kept_is_the_one_they_had_when_they_answered(client, registration):
    form = form_of(registration.workshop)
    client.post(link(registration), answers(form))
    profile = registration.user.profile
    profile.perspectives = [Perspective.HEALTH_PROFESSIONAL]
    profile.save()

    client.post(link(registration), answers(form, scale=5))

    saved = Response.objects.get()
    assert saved.perspectives == [Perspective.YOUNG_PERSON]
    assert list(ResponsePerspective.objects.values_list("perspective", flat=True)) == [
        Perspective.YOUNG_PERSON
    ]


def test_someone_with_two_perspectives_counts_in_both(client, workshop, carer):
    carer.profile.perspectives = [Perspective.CARER, Perspective.HEALTH_PROFESSIONAL]
    carer.profile.save()
    registration = place(workshop, carer)

    client.post(link(registration), answers(form_of(workshop)))

    assert sorted(ResponsePerspective.objects.values_list("perspective", flat=True)) == [
        Perspective.CARER,
        Perspective.HEALTH_PROFESSIONAL,
    ]


def test_missing_required_answers_are_shown_by_their_question_and_nothing_is_saved(
    client, registration
):
    form = form_of(registration.workshop)
    data = answers(form)
    valued = by_key(form)["valued"]
    del data[f"q{valued.pk}"]

    response = client.post(link(registration), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Please answer this question." in page
    assert f'href="#id_q{valued.pk}_0"' in page
    assert f'aria-describedby="id_q{valued.pk}_error"' in page
    assert not Response.objects.exists()
    assert not FeedbackReceipt.objects.exists()


@pytest.mark.parametrize("bogus", ["9", "0", "-1", "agree", "1.5"])
def test_made_up_scale_values_are_refused_and_nothing_is_saved(client, registration, bogus):
    form = form_of(registration.workshop)
    data = answers(form, **{f"q{by_key(form)['valued'].pk}": bogus})

    response = client.post(link(registration), data)

    assert response.status_code == 400
    assert "Choose one of the answers given." in response.content.decode()
    assert not Response.objects.exists()


def test_a_very_long_answer_is_refused_with_a_clear_message(client, registration):
    form = form_of(registration.workshop)
    data = answers(form, **{f"q{by_key(form)['better'].pk}": "x" * 2001})

    response = client.post(link(registration), data)

    assert response.status_code == 400
    assert "2000 characters or fewer" in response.content.decode()
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "status",
    [
        Registration.Status.CANCELLED,
        Registration.Status.NO_SHOW,
        Registration.Status.WAITLISTED,
        Registration.Status.OFFERED,
    ],
)
def test_people_without_a_place_can_not_give_feedback(client, workshop, patient, status):
    registration = place(workshop, patient, status=status)

    response = client.post(link(registration), answers(form_of(workshop)))

    assert response.status_code == 403
    assert "Feedback is asked from people who had a place" in response.content.decode()
    assert not Response.objects.exists()


def test_people_who_were_there_can_give_feedback(client, workshop, patient):
    registration = place(workshop, patient, status=Registration.Status.ATTENDED)

    client.post(link(registration), answers(form_of(workshop)))

    assert Response.objects.get().perspectives == [Perspective.PATIENT]


def test_the_thanks_page_offers_to_change_the_answers(client, registration):
    form = form_of(registration.workshop)
    url = link(registration)

    response = client.post(url, answers(form))

    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Thank you for your feedback" in page
    assert "Change my answers" in page


def test_the_thanks_page_sends_people_who_have_not_answered_to_the_form(client, registration):
    response = client.get(
        reverse(
            "feedback:give_thanks",
            kwargs={"token": link(registration).rstrip("/").rsplit("/", 1)[-1]},
        )
    )

    assert response.status_code == 302
    assert response.url == link(registration)


def test_a_cancelled_workshop_asks_for_no_feedback(client, registration):
    Workshop.objects.filter(pk=registration.workshop_id).update(status=Workshop.Status.CANCELLED)

    response = client.post(link(registration), answers(form_of(registration.workshop)))

    assert response.status_code == 403
    assert "there is no feedback to give" in response.content.decode()
    assert not Response.objects.exists()


@pytest.fixture
def with_own_questions(programme, young_person):
    """A workshop whose organisers added a multiple-choice and an optional single-choice
    question before it ended."""
    workshop = ended_workshop(programme=programme, ended=-dt.timedelta(days=1))
    form = form_of(workshop)
    helped = question_add(
        form=form,
        kind="multiple",
        text="What helped you take part?",
        choices=["Breaks", "Food", "Small groups"],
        added_by=None,
    )
    travel = question_add(
        form=form, kind="single", text="How did you travel?", choices=["Bus", "Car"], added_by=None
    )
    Workshop.objects.filter(pk=workshop.pk).update(
        starts_at=workshop.starts_at - dt.timedelta(days=2),
        ends_at=workshop.ends_at - dt.timedelta(days=2),
    )
    return place(workshop, young_person), form, helped, travel


def test_a_multiple_choice_answer_keeps_one_row_per_option_chosen(client, with_own_questions):
    registration, form, helped, travel = with_own_questions

    response = client.post(link(registration), answers(form, **{f"q{helped.pk}": ["0", "2"]}))

    assert response.status_code == 302
    assert sorted(Answer.objects.filter(question=helped).values_list("value", flat=True)) == [0, 2]
    # The optional question left empty stores nothing.
    assert not Answer.objects.filter(question=travel).exists()


@pytest.mark.parametrize("bogus", [["7"], ["0", "x"], ["-1"]])
def test_made_up_choices_are_refused(client, with_own_questions, bogus):
    registration, form, helped, _travel = with_own_questions

    response = client.post(link(registration), answers(form, **{f"q{helped.pk}": bogus}))

    assert response.status_code == 400
    assert "Choose one of the answers given." in response.content.decode()
    assert not Response.objects.exists()


def test_answers_count_by_question_and_perspective_in_the_database(
    client, programme, django_assert_num_queries
):
    """The shape the reports read: one GROUP BY over answers and respondents' perspectives."""
    workshop = ended_workshop(programme=programme)
    form = form_of(workshop)
    for n, (perspectives, scale) in enumerate(
        [
            ([Perspective.YOUNG_PERSON], 2),
            ([Perspective.YOUNG_PERSON], 3),
            ([Perspective.HEALTH_PROFESSIONAL], 5),
            ([Perspective.CARER, Perspective.HEALTH_PROFESSIONAL], 4),
        ]
    ):
        registration = place(workshop, ready_person(f"p{n}@example.org", perspectives))
        client.post(link(registration), answers(form, scale=scale))
    listened = by_key(form)["listened"]

    with django_assert_num_queries(1):
        rows = list(
            Answer.objects.filter(question__form=form, question__kind="scale")
            .values("question__key", "response__perspective_rows__perspective", "value")
            .annotate(n=Count("id"))
            .order_by()
        )

    counts = {
        (r["response__perspective_rows__perspective"], r["value"]): r["n"]
        for r in rows
        if r["question__key"] == listened.key
    }
    assert counts == {
        (Perspective.YOUNG_PERSON, 2): 1,
        (Perspective.YOUNG_PERSON, 3): 1,
        (Perspective.HEALTH_PROFESSIONAL, 5): 1,
        (Perspective.HEALTH_PROFESSIONAL, 4): 1,
        (Perspective.CARER, 4): 1,
    }
