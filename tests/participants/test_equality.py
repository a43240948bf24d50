"""Optional equality monitoring: kept apart from the profile, reported only as totals."""

import pytest
from django.urls import reverse

from codesign.accounts.models import User
from participants.models import EqualityMonitoring
from participants.services import equality_totals
from tests.factories import UserFactory
from tests.participants.helpers import PROFILE, errors, page_text

EQUALITY = reverse("participants:equality")
DELETE = reverse("participants:equality_delete")


def test_the_page_says_why_we_ask_and_that_organisers_only_see_totals(sign_in, patient):
    response = sign_in(patient).get(EQUALITY)

    text = page_text(response)
    assert "Every question is optional" in text
    assert "only when 5 or more people gave the same answer" in text
    assert text.count("Prefer not to say") == 1 + 5  # the introduction, then every question
    assert response.content.count(b"<h1") == 1


def test_answers_are_saved(sign_in, patient):
    data = {
        "age_band": "45_64",
        "ethnicity": "black",
        "disability": "yes",
        "sex": "female",
        "gender_same_as_sex_at_birth": "prefer_not",
    }

    response = sign_in(patient).post(EQUALITY, data)

    assert response.url == PROFILE
    saved = EqualityMonitoring.objects.get(user=patient)
    assert {name: getattr(saved, name) for name in data} == data


def test_every_question_can_be_left_out(sign_in, patient):
    response = sign_in(patient).post(EQUALITY, {})

    assert response.status_code == 302
    assert EqualityMonitoring.objects.get(user=patient).ethnicity == ""


def test_prefer_not_to_say_an_age_group_is_kept_as_no_answer(sign_in, patient):
    sign_in(patient).post(EQUALITY, {"age_band": "prefer_not"})

    assert EqualityMonitoring.objects.get(user=patient).age_band == ""


def test_an_answer_not_on_the_list_is_refused_and_nothing_saved(sign_in, patient):
    response = sign_in(patient).post(EQUALITY, {"ethnicity": "martian", "sex": "female"})

    assert errors(response, "ethnicity") == ["Choose from the list."]
    assert not EqualityMonitoring.objects.exists()


def test_answers_can_be_changed_and_deleted(sign_in, patient):
    client = sign_in(patient)
    client.post(EQUALITY, {"sex": "female"})
    client.post(EQUALITY, {"sex": "male"})

    assert EqualityMonitoring.objects.get(user=patient).sex == "male"
    assert "Delete my equality answers" in page_text(client.get(EQUALITY))

    response = client.post(DELETE)

    assert response.url == PROFILE
    assert not EqualityMonitoring.objects.filter(user=patient).exists()


def test_deleting_needs_a_post(sign_in, patient):
    assert sign_in(patient).get(DELETE).status_code == 405


def test_the_profile_page_links_to_the_questions_but_never_shows_the_answers(sign_in, patient):
    EqualityMonitoring.objects.create(user=patient, ethnicity="asian", disability="yes")

    response = sign_in(patient).get(PROFILE)

    assert EQUALITY in response.content.decode()
    assert "Asian or Asian British" not in page_text(response)


def _answer(count, **answers):
    for _ in range(count):
        EqualityMonitoring.objects.create(user=UserFactory(), **answers)


def test_totals_of_fewer_than_5_are_not_shown(db, django_assert_num_queries):
    _answer(5, ethnicity="white", sex="female")
    _answer(3, ethnicity="asian", sex="female")
    _answer(1, ethnicity="black", sex="male")

    with django_assert_num_queries(1):
        totals = equality_totals(User.objects.all())

    ethnicity = dict(totals["ethnicity"])
    assert ethnicity["White"] == 5
    assert ethnicity["Asian or Asian British"] == "fewer than 5"
    assert ethnicity["Black, Black British, Caribbean or African"] == "fewer than 5"
    assert ethnicity["Mixed or multiple ethnic groups"] == "fewer than 5"
    assert dict(totals["sex"]) == {
        "Female": 8,
        "Male": "fewer than 5",
        "Prefer not to say": "fewer than 5",
        "Not answered": "fewer than 5",
    }
    assert dict(totals["age_band"])["Prefer not to say or not answered"] == 9
    assert set(totals) == {
        "age_band",
        "ethnicity",
        "disability",
        "sex",
        "gender_same_as_sex_at_birth",
    }


def test_totals_count_only_the_people_asked_about(db):
    _answer(6, disability="yes")
    chosen = list(EqualityMonitoring.objects.values_list("user", flat=True)[:4])

    totals = equality_totals(User.objects.filter(pk__in=chosen))

    assert dict(totals["disability"])["Yes"] == "fewer than 5"
    assert dict(equality_totals(User.objects.all())["disability"])["Yes"] == 6


@pytest.mark.parametrize("url", [EQUALITY, DELETE])
def test_equality_pages_need_a_signed_in_person(client, db, url):
    response = client.get(url) if url == EQUALITY else client.post(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
