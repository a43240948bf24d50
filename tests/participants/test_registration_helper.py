"""What the workshop registration asks of a profile before someone can register."""

import pytest
from django.utils import timezone

from participants.models import Consent, Profile
from participants.services import profile_missing_for_registration
from tests.factories import UserFactory
from tests.participants.helpers import born_years_ago, finish


def test_nothing_is_missing_from_a_finished_profile(patient):
    finish(patient)

    assert profile_missing_for_registration(patient) is None


def test_someone_without_a_profile_is_asked_to_make_one(db):
    user = UserFactory()

    assert profile_missing_for_registration(user) == (
        "Finish your profile first. It takes a few minutes."
    )


def test_an_unfinished_profile_is_asked_to_be_finished(patient):
    finish(patient)
    Profile.objects.filter(user=patient).update(completed_at=None)

    assert "Finish your profile" in profile_missing_for_registration(patient)


@pytest.mark.parametrize(
    "age", [{"date_of_birth": born_years_ago(15)}, {"age_band": "16_17", "date_of_birth": None}]
)
def test_someone_under_18_needs_a_parent_or_guardian(patient, age):
    finish(patient, **age)

    assert profile_missing_for_registration(patient) == (
        "Give us the name and email address of your parent or guardian first."
    )

    Profile.objects.filter(user=patient).update(guardian_name="Par", guardian_email="p@example.org")
    assert profile_missing_for_registration(patient) is None


def test_someone_who_turned_18_no_longer_needs_a_guardian(patient):
    finish(patient, date_of_birth=born_years_ago(18), age_band="")

    assert profile_missing_for_registration(patient) is None


def test_someone_who_has_not_agreed_to_the_privacy_notice_is_asked_to(patient):
    finish(patient)
    Consent.objects.filter(user=patient).delete()

    assert profile_missing_for_registration(patient) == (
        "Read the privacy notice, then tick the box to say you have read it."
    )


def test_someone_who_agreed_to_an_older_privacy_notice_is_asked_to_read_the_new_one(
    patient, settings
):
    finish(patient)
    settings.PRIVACY_NOTICE_VERSION = "2099-01"

    assert profile_missing_for_registration(patient) == (
        "Our privacy notice has changed. Read it, then tick the box to say you have read it."
    )


def test_a_withdrawn_privacy_agreement_counts_as_missing(patient):
    finish(patient)
    Consent.objects.create(user=patient, kind="privacy", granted=False)

    assert "Read the privacy notice" in profile_missing_for_registration(patient)


def test_a_finished_profile_that_lost_a_required_answer_is_asked_to_be_finished(patient):
    finish(patient)
    Profile.objects.filter(user=patient).update(described_as="", completed_at=timezone.now())

    assert "Finish your profile" in profile_missing_for_registration(patient)
