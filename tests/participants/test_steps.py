"""Filling in the profile, one step at a time."""

import datetime as dt

import pytest
from django.utils import timezone

from participants.models import Profile
from tests.participants.helpers import (
    PROFILE,
    born_years_ago,
    errors,
    finish,
    page_text,
    step_url,
)

STEPS = ["about-you", "experience", "described", "support", "contact", "guardian", "agreement"]


def about(**changes):
    data = {
        "display_name": "Sam",
        "pronouns": "they/them",
        "date_of_birth_0": "",
        "date_of_birth_1": "",
        "date_of_birth_2": "",
        "age_band": "25_44",
    }
    data.update(changes)
    return data


def dob(date: dt.date) -> dict[str, str]:
    return {
        "date_of_birth_0": str(date.day),
        "date_of_birth_1": str(date.month),
        "date_of_birth_2": str(date.year),
    }


def snapshot(user) -> dict:
    profile = Profile.objects.get(user=user)
    return {f.name: getattr(profile, f.name) for f in Profile._meta.fields}


@pytest.fixture
def fresh(patient):
    """The patient persona, with a profile that has nothing in it yet."""
    Profile.objects.filter(user=patient).update(display_name="", perspectives=[])
    return patient


# About you


def test_about_you_saves_the_name_pronouns_and_age_group_then_goes_to_the_next_step(sign_in, fresh):
    response = sign_in(fresh).post(step_url("about-you"), about())

    assert response.status_code == 302
    assert response.url == step_url("experience")
    profile = Profile.objects.get(user=fresh)
    assert (profile.display_name, profile.pronouns, profile.age_band) == (
        "Sam",
        "they/them",
        "25_44",
    )
    assert profile.date_of_birth is None


def test_about_you_takes_a_date_of_birth_in_three_boxes_instead_of_an_age_group(sign_in, fresh):
    sign_in(fresh).post(step_url("about-you"), about(age_band="", **dob(dt.date(1980, 3, 27))))

    profile = Profile.objects.get(user=fresh)
    assert profile.date_of_birth == dt.date(1980, 3, 27)
    assert profile.age_band == ""


def test_a_date_of_birth_is_kept_instead_of_an_age_group_when_both_are_given(sign_in, fresh):
    sign_in(fresh).post(
        step_url("about-you"), about(age_band="65_plus", **dob(dt.date(1980, 3, 27)))
    )

    profile = Profile.objects.get(user=fresh)
    assert (profile.date_of_birth, profile.age_band) == (dt.date(1980, 3, 27), "")


def test_about_you_page_explains_why_we_ask_for_age(sign_in, fresh):
    response = sign_in(fresh).get(step_url("about-you"))

    text = page_text(response)
    assert "We ask so we can keep young people safe" in text
    assert "Step 1 of 6" in text
    assert response.content.count(b"<h1") == 1
    page = response.content.decode()
    for box in ("Day", "Month", "Year"):
        assert f">{box}</label>" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"display_name": ""}, "display_name", "Tell us the name you would like us to use."),
        ({"age_band": ""}, "date_of_birth", "Give your date of birth, or choose your age group."),
        (
            {
                "age_band": "",
                "date_of_birth_0": "31",
                "date_of_birth_1": "2",
                "date_of_birth_2": "2010",
            },
            "date_of_birth",
            "This date does not exist.",
        ),
        (
            {
                "age_band": "",
                "date_of_birth_0": "3",
                "date_of_birth_1": "",
                "date_of_birth_2": "2010",
            },
            "date_of_birth",
            "Give the day, the month and the year.",
        ),
        (
            {
                "age_band": "",
                "date_of_birth_0": "3",
                "date_of_birth_1": "May",
                "date_of_birth_2": "10",
            },
            "date_of_birth",
            "Use numbers for the day, month and year",
        ),
        (
            {"age_band": "", **dob(timezone.localdate() + dt.timedelta(days=2))},
            "date_of_birth",
            "Your date of birth must be in the past.",
        ),
        ({"age_band": "teenager"}, "age_band", "Choose an age group from the list."),
        ({"pronouns": "x" * 41}, "pronouns", "at most 40 characters"),
    ],
)
def test_about_you_refuses_bad_answers_next_to_the_question_and_saves_nothing(
    sign_in, fresh, changes, field, message
):
    before = snapshot(fresh)

    response = sign_in(fresh).post(step_url("about-you"), about(**changes))

    assert response.status_code == 200
    assert message in " ".join(errors(response, field))
    page = response.content.decode()
    assert "There is a problem" in page
    assert f'id="id_{field}_error"' in page
    assert f"id_{field}_error" in page.split(f'id="id_{field}_error"')[0]  # pointed to first
    assert snapshot(fresh) == before


def test_a_date_of_birth_error_keeps_what_was_typed_in_the_boxes(sign_in, fresh):
    response = sign_in(fresh).post(
        step_url("about-you"),
        about(age_band="", date_of_birth_0="31", date_of_birth_1="2", date_of_birth_2="2010"),
    )

    page = response.content.decode()
    assert 'name="date_of_birth_0" value="31"' in page
    assert 'name="date_of_birth_2" value="2010"' in page
    assert 'aria-describedby="id_date_of_birth_helptext id_date_of_birth_error"' in page


# Your experience


def test_experience_saves_the_perspectives_ticked(sign_in, fresh):
    response = sign_in(fresh).post(step_url("experience"), {"perspectives": ["patient", "carer"]})

    assert response.url == step_url("described")
    assert Profile.objects.get(user=fresh).perspectives == ["patient", "carer"]


def test_a_health_professional_must_give_their_profession(sign_in, fresh):
    data = {
        "perspectives": ["health_professional"],
        "organisation": "City NHS Trust",
        "job_role": "Sister",
    }

    response = sign_in(fresh).post(step_url("experience"), data)

    assert errors(response, "discipline") == [
        "You ticked health professional. Tell us your profession, for example nurse."
    ]
    assert Profile.objects.get(user=fresh).perspectives == []


def test_a_health_professional_with_profession_and_workplace_is_saved(sign_in, fresh):
    data = {
        "perspectives": ["health_professional"],
        "discipline": "Diabetes nurse",
        "organisation": "City NHS Trust",
        "job_role": "Specialist nurse",
    }

    sign_in(fresh).post(step_url("experience"), data)

    profile = Profile.objects.get(user=fresh)
    assert (profile.discipline, profile.organisation, profile.job_role) == (
        "Diabetes nurse",
        "City NHS Trust",
        "Specialist nurse",
    )


def test_a_profession_is_not_asked_of_other_professionals_but_where_they_work_is(sign_in, fresh):
    response = sign_in(fresh).post(step_url("experience"), {"perspectives": ["care_professional"]})

    assert errors(response, "discipline") == []
    assert errors(response, "organisation") == ["Tell us where you work."]
    assert errors(response, "job_role") == ["Tell us your job title."]
    assert Profile.objects.get(user=fresh).perspectives == []


def test_answers_about_work_are_dropped_when_no_job_is_ticked(sign_in, fresh):
    data = {
        "perspectives": ["patient"],
        "discipline": "GP",
        "organisation": "City NHS Trust",
        "job_role": "GP",
    }

    response = sign_in(fresh).post(step_url("experience"), data)

    assert response.status_code == 302
    profile = Profile.objects.get(user=fresh)
    assert (profile.discipline, profile.organisation, profile.job_role) == ("", "", "")


@pytest.mark.parametrize(
    ("perspectives", "message"),
    [([], "Tick at least one box."), (["astronaut"], "Choose from the list.")],
)
def test_experience_needs_a_perspective_from_the_list(sign_in, fresh, perspectives, message):
    response = sign_in(fresh).post(step_url("experience"), {"perspectives": perspectives})

    assert errors(response, "perspectives") == [message]
    assert Profile.objects.get(user=fresh).perspectives == []


def test_the_profession_question_is_marked_for_the_script_that_shows_it(sign_in, fresh):
    page = sign_in(fresh).get(step_url("experience")).content.decode()

    assert 'data-show-when="perspectives" data-show-values="health_professional"' in page
    assert "js/profile-steps.js" in page
    assert "<script>" not in page


# How you want to be described


def test_a_description_from_the_list_is_saved_as_the_words(sign_in, fresh):
    response = sign_in(fresh).post(
        step_url("described"), {"described_choice": "expert by experience", "own_words": "ignored"}
    )

    assert response.url == step_url("support")
    assert Profile.objects.get(user=fresh).described_as == "expert by experience"


def test_own_words_are_saved_as_the_description(sign_in, fresh):
    sign_in(fresh).post(
        step_url("described"),
        {"described_choice": "own", "own_words": " parent of a young person with diabetes "},
    )

    assert Profile.objects.get(user=fresh).described_as == "parent of a young person with diabetes"


def test_own_words_show_again_when_the_step_is_opened_again(sign_in, fresh):
    Profile.objects.filter(user=fresh).update(described_as="mum of two")

    response = sign_in(fresh).get(step_url("described"))

    assert response.context["form"].initial == {
        "described_choice": "own",
        "own_words": "mum of two",
    }
    assert 'value="mum of two"' in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"described_choice": "own", "own_words": ""},
            "own_words",
            "Write the words you want us to use.",
        ),
        ({}, "described_choice", "Choose how you want to be described"),
        ({"described_choice": "boss"}, "described_choice", "Choose from the list."),
        ({"described_choice": "own", "own_words": "x" * 101}, "own_words", "at most 100"),
    ],
)
def test_a_description_needs_a_choice_or_own_words(sign_in, fresh, data, field, message):
    response = sign_in(fresh).post(step_url("described"), data)

    assert message in " ".join(errors(response, field))
    assert Profile.objects.get(user=fresh).described_as == ""


# What helps you take part


def test_support_needs_food_papers_and_reminders_are_saved(sign_in, fresh):
    data = {
        "support_needs": ["step_free", "bsl", "companion"],
        "support_other": "A chair with arms",
        "dietary_needs": "Halal",
        "materials": ["large_print", "easy_read"],
        "reminders": "no",
    }

    response = sign_in(fresh).post(step_url("support"), data)

    assert response.url == step_url("contact")
    profile = Profile.objects.get(user=fresh)
    assert profile.support_needs == ["step_free", "bsl", "companion"]
    assert (profile.support_other, profile.dietary_needs) == ("A chair with arms", "Halal")
    assert (profile.large_print, profile.easy_read, profile.reminders) == (True, True, False)


def test_support_step_uses_the_support_need_names_in_the_persons_own_voice(sign_in, fresh):
    text = page_text(sign_in(fresh).get(step_url("support")))

    for label in ("Step-free access", "BSL interpreter", "Hearing loop", "Quiet space"):
        assert label in text
    assert "A companion or carer coming with me" in text


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"support_needs": ["jetpack"]}, "support_needs"),
        ({"materials": ["braille"]}, "materials"),
        ({"reminders": ""}, "reminders"),
        ({"dietary_needs": "x" * 301}, "dietary_needs"),
    ],
)
def test_support_step_refuses_bad_answers_and_saves_nothing(sign_in, fresh, changes, field):
    before = snapshot(fresh)
    data = {"support_needs": ["bsl"], "materials": [], "reminders": "no", **changes}

    response = sign_in(fresh).post(step_url("support"), data)

    assert errors(response, field)
    assert snapshot(fresh) == before


# Contact


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("07700 900123", "07700 900123"),
        ("  07700   900123 ", "07700 900123"),
        ("+44 7700 900123", "+44 7700 900123"),
        ("+1 212 555 0100", "+1 212 555 0100"),
        ("", ""),
    ],
)
def test_a_uk_or_international_phone_number_is_saved(sign_in, fresh, typed, saved):
    response = sign_in(fresh).post(step_url("contact"), {"phone": typed})

    assert response.url == step_url("agreement")
    assert Profile.objects.get(user=fresh).phone == saved


@pytest.mark.parametrize(
    "typed", ["call me", "0770090", "+44 7700 900123 4567", "07700-900123", "0770 +0900123"]
)
def test_a_phone_number_that_cannot_be_right_is_refused_in_plain_words(sign_in, fresh, typed):
    response = sign_in(fresh).post(step_url("contact"), {"phone": typed})

    assert "Enter a phone number with 10 to 15 numbers" in errors(response, "phone")[0]
    assert Profile.objects.get(user=fresh).phone == ""


# Parent or guardian


def test_someone_under_18_goes_through_the_guardian_step(sign_in, fresh):
    client = sign_in(fresh)
    client.post(step_url("about-you"), about(age_band="", **dob(born_years_ago(15))))

    response = client.post(step_url("contact"), {"phone": ""})

    assert response.url == step_url("guardian")
    assert "Step 2 of 7" in page_text(client.get(step_url("experience")))
    assert "Step 6 of 7" in page_text(client.get(step_url("guardian")))


def test_an_age_group_under_18_also_asks_for_a_guardian(sign_in, fresh):
    client = sign_in(fresh)
    client.post(step_url("about-you"), about(age_band="16_17"))

    assert client.post(step_url("contact"), {"phone": ""}).url == step_url("guardian")


def test_adults_skip_the_guardian_step(sign_in, fresh):
    client = sign_in(fresh)
    client.post(step_url("about-you"), about(age_band="18_24"))

    assert client.post(step_url("contact"), {"phone": ""}).url == step_url("agreement")
    assert client.get(step_url("guardian")).url == step_url("agreement")
    assert "Step 6 of 6" in page_text(client.get(step_url("agreement")))


def test_guardian_step_saves_their_name_and_email(sign_in, fresh):
    Profile.objects.filter(user=fresh).update(age_band="under_16")

    response = sign_in(fresh).post(
        step_url("guardian"), {"guardian_name": "Par Parent", "guardian_email": "par@example.org"}
    )

    assert response.url == step_url("agreement")
    profile = Profile.objects.get(user=fresh)
    assert (profile.guardian_name, profile.guardian_email) == ("Par Parent", "par@example.org")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"guardian_email": "par@example.org"},
            "guardian_name",
            "Give your parent or guardian's name.",
        ),
        (
            {"guardian_name": "Par"},
            "guardian_email",
            "Give your parent or guardian's email address.",
        ),
        (
            {"guardian_name": "Par", "guardian_email": "par"},
            "guardian_email",
            "Enter an email address",
        ),
        (
            {"guardian_name": "Par", "guardian_email": "PATIENT@example.org"},
            "guardian_email",
            "not your own",
        ),
    ],
)
def test_guardian_step_needs_a_name_and_someone_elses_email(sign_in, fresh, data, field, message):
    Profile.objects.filter(user=fresh).update(age_band="under_16")

    response = sign_in(fresh).post(step_url("guardian"), data)

    assert message in " ".join(errors(response, field))
    profile = Profile.objects.get(user=fresh)
    assert (profile.guardian_name, profile.guardian_email) == ("", "")


# The journey


def test_the_whole_journey_for_a_young_person_ends_with_a_ready_profile(sign_in, fresh):
    client = sign_in(fresh)
    answers = {
        "about-you": about(age_band="", **dob(born_years_ago(15))),
        "experience": {"perspectives": ["young_person", "patient"]},
        "described": {"described_choice": "young person"},
        "support": {"support_needs": ["quiet_space"], "reminders": "yes"},
        "contact": {"phone": ""},
        "guardian": {"guardian_name": "Par Parent", "guardian_email": "par@example.org"},
        "agreement": {"privacy": "on", "contact": "yes", "photos": "no"},
    }
    url = step_url("about-you")
    for slug in STEPS:
        assert url == step_url(slug)
        response = client.post(url, answers[slug])
        assert response.status_code == 302
        url = response.url

    assert url == PROFILE
    profile = Profile.objects.get(user=fresh)
    assert profile.completed_at is not None
    assert "Your profile is ready" in page_text(client.get(url))


def test_back_goes_to_the_step_before_and_from_the_first_step_to_the_profile(sign_in, fresh):
    client = sign_in(fresh)

    assert (
        f'href="{step_url("about-you")}">Back<'
        in client.get(step_url("experience")).content.decode()
    )
    assert f'href="{PROFILE}">Back<' in client.get(step_url("about-you")).content.decode()
    assert (
        f'href="{step_url("contact")}">Back<' in client.get(step_url("agreement")).content.decode()
    )


def test_where_to_go_afterwards_travels_through_every_step(sign_in, fresh):
    client = sign_in(fresh)
    back_to = "/workshops/1/"

    response = client.post(f"{step_url('about-you')}?next={back_to}", about())

    assert response.url == f"{step_url('experience')}?next=%2Fworkshops%2F1%2F"
    page = client.get(response.url).content.decode()
    assert f'name="next" value="{back_to}"' in page


def test_changing_a_finished_profile_goes_back_to_the_profile(sign_in, patient):
    finish(patient)

    client = sign_in(patient)
    page = client.get(step_url("support")).content.decode()
    response = client.post(step_url("support"), {"reminders": "no"})

    assert "Step 4 of" not in page and "Save changes" in page
    assert response.url == PROFILE
    assert "Your changes are saved" in page_text(client.get(PROFILE))


def test_a_finished_profile_that_turns_out_under_18_is_asked_for_a_guardian(sign_in, patient):
    finish(patient)

    response = sign_in(patient).post(step_url("about-you"), about(age_band="16_17"))

    assert response.url == step_url("guardian")


def test_an_unknown_step_is_not_found(sign_in, patient):
    assert sign_in(patient).get(step_url("favourite-colour")).status_code == 404


def test_steps_refuse_other_methods(sign_in, patient):
    assert sign_in(patient).put(step_url("about-you")).status_code == 405
