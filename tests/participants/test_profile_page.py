"""The profile page: what someone has told us, and what is left to do."""

import pytest
from django.urls import URLPattern, reverse

from participants import urls
from participants.models import Consent, Profile
from tests.factories import UserFactory
from tests.participants.helpers import PROFILE, finish, page_text, step_url


def test_a_profile_is_made_on_the_first_visit_and_starts_at_step_1(sign_in, db):
    user = UserFactory()

    response = sign_in(user).get(PROFILE)

    assert response.status_code == 200
    assert Profile.objects.filter(user=user).exists()
    text = page_text(response)
    assert "Finish your profile" in text
    assert "Next: step 1 of 6, about you." in text
    assert f'href="{step_url("about-you")}"' in response.content.decode()
    assert response.content.count(b"<h1") == 1


def test_the_call_to_action_points_to_the_first_unanswered_step(sign_in, patient):
    Profile.objects.filter(user=patient).update(age_band="25_44")

    response = sign_in(patient).get(PROFILE)

    assert "Next: step 3 of 6, how you want to be described." in page_text(response)


def test_optional_steps_saved_are_not_offered_again(sign_in, patient):
    Profile.objects.filter(user=patient).update(age_band="25_44", described_as="patient")
    client = sign_in(patient)

    assert "Next: step 4 of 6, what helps you take part." in page_text(client.get(PROFILE))
    client.post(step_url("support"), {"reminders": "yes"})
    assert "Next: step 5 of 6, contact." in page_text(client.get(PROFILE))
    client.post(step_url("contact"), {"phone": ""})
    assert "Next: step 6 of 6, your agreement." in page_text(client.get(PROFILE))


def test_where_to_go_afterwards_is_kept_in_the_call_to_action(sign_in, patient):
    page = sign_in(patient).get(f"{PROFILE}?next=/workshops/7/").content.decode()

    assert f'href="{step_url("about-you")}?next=%2Fworkshops%2F7%2F"' in page


def test_a_link_to_another_site_is_not_kept(sign_in, patient):
    page = sign_in(patient).get(f"{PROFILE}?next=https://evil.example/").content.decode()

    assert "evil.example" not in page


def test_a_finished_profile_shows_every_section_with_a_change_link(sign_in, patient):
    finish(
        patient,
        display_name="Pat Patient",
        pronouns="she/her",
        support_needs=["bsl"],
        support_other="A chair with arms",
        phone="07700 900123",
    )
    Consent.objects.create(user=patient, kind="photos", granted=False)

    response = sign_in(patient).get(PROFILE)

    text = page_text(response)
    assert "Finish your profile" not in text
    assert "Organisers see you as: Pat Patient (expert by experience)" in text
    for words in ("she/her", "BSL interpreter", "A chair with arms", "07700 900123"):
        assert words in text
    assert "You said you have read it (version 2026-11) on" in text
    assert "Photos that show me No, since" in text
    page = response.content.decode()
    for slug in ("about-you", "experience", "described", "support", "contact", "agreement"):
        assert f'href="{step_url(slug)}"' in page
    assert f'href="{step_url("guardian")}"' not in page
    assert 'aria-current="page"' in page  # "Your profile" in the header


def test_a_finished_profile_with_an_old_privacy_agreement_says_what_to_do(
    sign_in, patient, settings
):
    finish(patient)
    settings.PRIVACY_NOTICE_VERSION = "2099-01"

    response = sign_in(patient).get(PROFILE)

    text = page_text(response)
    assert "One more thing to do" in text
    assert "It has changed since you read it" in text
    assert f'href="{step_url("agreement")}"' in response.content.decode()


def test_a_young_person_sees_their_guardian_section(sign_in, young_person):
    finish(young_person, age_band="under_16", guardian_name="Par Parent")

    response = sign_in(young_person).get(PROFILE)

    assert "Parent or guardian" in page_text(response)
    assert "One more thing to do" in page_text(response)
    assert f'href="{step_url("guardian")}"' in response.content.decode()


@pytest.mark.parametrize("consents", [0, 40])
def test_the_profile_page_takes_a_fixed_number_of_queries(
    sign_in, patient, consents, django_assert_num_queries
):
    finish(patient)
    for number in range(consents):
        Consent.objects.create(user=patient, kind="photos", granted=bool(number % 2))
    client = sign_in(patient)

    with django_assert_num_queries(5):
        assert client.get(PROFILE).status_code == 200


def test_the_profile_page_refuses_a_post(sign_in, patient):
    assert sign_in(patient).post(PROFILE).status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        PROFILE,
        step_url("about-you"),
        step_url("agreement"),
    ],
)
def test_visitors_are_asked_to_sign_in(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"


def test_no_page_here_takes_another_persons_id():
    # The reminders link carries a signed token, never a plain id (tests/participants/
    # test_unsubscribe.py shows a changed token is refused).
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        assert set(pattern.pattern.converters) <= {"step", "token"}, pattern


def test_each_person_sees_and_changes_only_their_own_profile(sign_in, patient, carer):
    finish(patient, display_name="Pat Patient", phone="07700 900123")
    finish(carer, display_name="Cam Carer")
    client = sign_in(carer)

    text = page_text(client.get(PROFILE))
    client.post(step_url("contact"), {"phone": "07700 900999"})

    assert "Cam Carer" in text
    assert "Pat Patient" not in text and "07700 900123" not in text
    assert Profile.objects.get(user=patient).phone == "07700 900123"
    assert Profile.objects.get(user=carer).phone == "07700 900999"


def test_a_step_post_cannot_reach_fields_outside_the_step(sign_in, patient):
    finish(patient)

    sign_in(patient).post(
        step_url("contact"), {"phone": "", "user": "1", "completed_at": "", "described_as": "boss"}
    )

    profile = Profile.objects.get(user=patient)
    assert profile.described_as == "expert by experience"
    assert profile.completed_at is not None
