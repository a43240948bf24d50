"""The agreement step: consent answers kept with when they were given, only when they change."""

import pytest
from django.urls import reverse
from django.utils import timezone

from codesign.core.models import AuditEntry
from participants import services
from participants.models import Consent, Profile
from tests.participants.helpers import PROFILE, errors, finish, page_text, step_url

AGREEMENT = step_url("agreement")


def agree(**changes):
    data = {"privacy": "on", "contact": "yes", "photos": "no"}
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def answers(user):
    return list(
        Consent.objects.filter(user=user)
        .order_by("id")
        .values_list("kind", "granted", "privacy_notice_version")
    )


@pytest.fixture
def ready(patient):
    """Every answer in except the agreement."""
    Profile.objects.filter(user=patient).update(age_band="25_44", described_as="patient")
    return patient


def test_agreeing_records_each_answer_with_the_time_and_the_privacy_notice_version(
    sign_in, ready, settings
):
    before = timezone.now()

    response = sign_in(ready).post(AGREEMENT, agree())

    assert response.url == PROFILE
    assert answers(ready) == [
        ("privacy", True, settings.PRIVACY_NOTICE_VERSION),
        ("contact", True, ""),
        ("photos", False, ""),
    ]
    assert all(c.recorded_at >= before for c in Consent.objects.filter(user=ready))
    assert Profile.objects.get(user=ready).completed_at is not None


def test_each_consent_change_is_in_the_audit_trail(sign_in, ready):
    sign_in(ready).post(AGREEMENT, agree())

    entries = AuditEntry.objects.filter(action="participants.consent.changed").order_by("id")
    assert [(e.data["kind"], e.data["granted"]) for e in entries] == [
        ("privacy", True),
        ("contact", True),
        ("photos", False),
    ]
    assert {e.actor for e in entries} == {ready}


def test_saving_the_same_answers_again_records_nothing_new(sign_in, ready):
    client = sign_in(ready)
    client.post(AGREEMENT, agree())

    client.post(AGREEMENT, agree())

    assert len(answers(ready)) == 3
    assert AuditEntry.objects.filter(action="participants.consent.changed").count() == 3


def test_changing_one_answer_records_only_that_one(sign_in, ready):
    client = sign_in(ready)
    client.post(AGREEMENT, agree())

    client.post(AGREEMENT, agree(photos="yes"))

    assert answers(ready)[3:] == [("photos", True, "")]
    in_force = services.consents_in_force(ready)
    assert in_force["photos"].granted is True
    assert in_force["contact"].granted is True
    # The earlier answer stays as the record.
    assert Consent.objects.filter(user=ready, kind="photos").count() == 2


def test_questions_left_unanswered_record_nothing(sign_in, ready, settings):
    sign_in(ready).post(AGREEMENT, agree(contact=None, photos=None))

    assert answers(ready) == [("privacy", True, settings.PRIVACY_NOTICE_VERSION)]


def test_the_privacy_notice_must_be_ticked_and_nothing_is_recorded_without_it(sign_in, ready):
    response = sign_in(ready).post(AGREEMENT, agree(privacy=None))

    assert errors(response, "privacy") == ["Tick the box to say you have read the privacy notice."]
    assert answers(ready) == []
    assert Profile.objects.get(user=ready).completed_at is None


def test_a_new_privacy_notice_is_agreed_to_again_with_its_version(sign_in, ready, settings):
    client = sign_in(ready)
    client.post(AGREEMENT, agree())
    settings.PRIVACY_NOTICE_VERSION = "2027-01"

    page = page_text(client.get(AGREEMENT))
    client.post(AGREEMENT, agree())

    assert "Our privacy notice has changed since you last read it" in page
    assert answers(ready)[-1] == ("privacy", True, "2027-01")


def test_the_agreement_page_links_to_the_privacy_notice_and_shows_earlier_answers(sign_in, ready):
    client = sign_in(ready)
    client.post(AGREEMENT, agree())

    response = client.get(AGREEMENT)

    assert f'href="{reverse("core:privacy")}"' in response.content.decode()
    assert response.context["form"].initial == {"privacy": True, "contact": "yes", "photos": "no"}


def test_after_the_last_step_people_go_back_where_they_came_from(sign_in, ready):
    response = sign_in(ready).post(f"{AGREEMENT}?next=/workshops/4/", agree())

    assert response.url == "/workshops/4/"


@pytest.mark.parametrize(
    "elsewhere", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_after_the_last_step_a_link_to_another_site_is_ignored(sign_in, ready, elsewhere):
    response = sign_in(ready).post(AGREEMENT, {**agree(), "next": elsewhere})

    assert response.url == PROFILE


def test_the_last_step_sends_people_back_to_a_step_they_missed(sign_in, patient):
    Profile.objects.filter(user=patient).update(display_name="")

    response = sign_in(patient).post(AGREEMENT, agree())

    assert response.url == step_url("about-you")
    assert Profile.objects.get(user=patient).completed_at is None
    # What they did answer is kept.
    assert answers(patient)[0][0] == "privacy"


def test_finishing_again_keeps_the_first_date(sign_in, patient):
    profile = finish(patient)
    first = profile.completed_at

    sign_in(patient).post(AGREEMENT, agree())

    assert Profile.objects.get(user=patient).completed_at == first


def test_consents_in_force_are_the_latest_of_each_kind_in_one_query(
    patient, django_assert_num_queries
):
    for granted in (True, False, True, False):
        Consent.objects.create(user=patient, kind="photos", granted=granted)
    Consent.objects.create(user=patient, kind="contact", granted=True)

    with django_assert_num_queries(1):
        in_force = services.consents_in_force(patient)

    assert {kind: c.granted for kind, c in in_force.items()} == {"photos": False, "contact": True}
