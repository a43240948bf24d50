"""Turning reminders off from the link in an email: no sign-in, one button, and mail apps'
own one-click button (RFC 8058) works too."""

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from codesign.core.models import AuditEntry
from codesign.core.notices import UNSUBSCRIBE_SALT, unsubscribe_url
from participants.models import Profile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def path_for(user) -> str:
    """The link from the email, without the site address."""
    return "/" + unsubscribe_url(user).split("://", 1)[1].split("/", 1)[1]


def reminders_of(user) -> bool:
    return Profile.objects.get(user=user).reminders


def test_the_link_shows_one_button_and_changes_nothing_until_it_is_pressed(client, patient):
    response = client.get(path_for(patient))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1 and "Stop reminders" in page
    assert page.count('<button type="submit"') == 1
    assert "Stop my reminders" in page
    assert "We will still tell you about your bookings" in page
    assert '<meta name="robots" content="noindex">' in page
    assert reminders_of(patient) is True
    assert not AuditEntry.objects.filter(action="participants.reminders.unsubscribed").exists()


def test_pressing_the_button_turns_reminders_off_without_signing_in(patient):
    client = Client(enforce_csrf_checks=True)
    page = client.get(path_for(patient)).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]

    response = client.post(path_for(patient), {"csrfmiddlewaretoken": token})

    assert response.status_code == 200
    assert "Reminders are off" in response.content.decode()
    assert reminders_of(patient) is False
    entry = AuditEntry.objects.get(action="participants.reminders.unsubscribed")
    assert entry.actor == patient


def test_a_mail_apps_one_click_post_works_without_a_csrf_token(patient):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        path_for(patient),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert reminders_of(patient) is False


def test_turning_reminders_off_twice_is_fine_and_recorded_once(client, patient):
    client.post(path_for(patient))
    response = client.post(path_for(patient))

    assert response.status_code == 200
    assert reminders_of(patient) is False
    assert AuditEntry.objects.filter(action="participants.reminders.unsubscribed").count() == 1


def test_someone_whose_reminders_are_already_off_is_told_so_without_a_button(client, patient):
    Profile.objects.filter(user=patient).update(reminders=False)

    page = client.get(path_for(patient)).content.decode()

    assert "Your reminders are already off" in page
    assert "Stop my reminders" not in page


def test_the_page_after_says_how_to_turn_reminders_back_on(client, patient):
    page = client.post(path_for(patient)).content.decode()

    assert reverse("participants:profile_step", kwargs={"step": "support"}) in page
    assert "We won't send you reminders before workshops or requests for feedback." in page


@pytest.mark.parametrize("kind", ["made up", "nobody we know", "signed for something else"])
def test_a_changed_or_made_up_link_gets_the_kind_not_found_page(client, patient, kind):
    token = {
        "made up": "not-a-token",
        "nobody we know": signing.dumps(999_999, salt=UNSUBSCRIBE_SALT),
        "signed for something else": signing.dumps(patient.pk, salt="some.other.purpose"),
    }[kind]

    response = client.post(reverse("participants:unsubscribe", kwargs={"token": token}))

    assert response.status_code == 404
    page = response.content.decode()
    assert "This link does not work" in page
    assert "Nothing has changed." in page
    assert reminders_of(patient) is True


def test_a_link_with_one_letter_changed_does_not_work(client, patient):
    good = unsubscribe_url(patient).rstrip("/")
    token = good.rsplit("/", 1)[1]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")

    response = client.post(reverse("participants:unsubscribe", kwargs={"token": tampered}))

    assert response.status_code == 404
    assert reminders_of(patient) is True


def test_a_link_for_a_closed_account_does_not_work(client, patient):
    url = path_for(patient)
    patient.is_active = False
    patient.save()

    assert client.post(url).status_code == 404
    assert reminders_of(patient) is True


def test_someone_without_a_profile_yet_can_still_turn_reminders_off(client):
    user = UserFactory(email="new@example.org")

    assert client.get(path_for(user)).status_code == 200
    assert not Profile.objects.filter(user=user).exists()
    client.post(path_for(user))

    assert reminders_of(user) is False


def test_only_looking_and_pressing_are_allowed(client, patient):
    for method in (client.put, client.delete, client.patch):
        assert method(path_for(patient)).status_code == 405
    assert reminders_of(patient) is True


def test_each_link_only_ever_changes_its_own_persons_reminders(client, patient, carer):
    client.post(path_for(patient))

    assert reminders_of(patient) is False
    assert reminders_of(carer) is True
