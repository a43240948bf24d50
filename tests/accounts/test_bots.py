"""Bots on the sign-up form: a spam trap (a box people never see) instead of a captcha, and
allauth's rate limit."""

import re

from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from codesign.accounts.models import User
from codesign.core.honeypot import HONEYPOT_MESSAGE
from tests.factories import PASSWORD


def signup_data(email: str, **extra: str) -> dict[str, str]:
    return {"email": email, "password1": PASSWORD, "password2": PASSWORD, **extra}


def test_the_sign_up_page_has_a_trap_people_cannot_see_or_reach(client, db):
    page = client.get(reverse("account_signup")).content.decode()

    trap = re.search(r'<div class="hp-field" aria-hidden="true">(.*?)</div>', page, re.S)
    assert trap, page
    assert "Leave this box empty" in trap.group(1)
    box = re.search(r"<input[^>]*>", trap.group(1)).group(0)
    assert 'name="website"' in box
    assert 'tabindex="-1"' in box
    assert 'autocomplete="off"' in box
    # The page's CSP allows no inline styles: the class hides it.
    assert "style=" not in trap.group(0)


def test_a_filled_in_trap_creates_no_account_and_says_only_that_something_went_wrong(client, db):
    response = client.post(
        reverse("account_signup"),
        signup_data("bot@example.org", website="https://cheap-pills.example"),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert HONEYPOT_MESSAGE in page
    # Nothing that says what tripped it, and the trap is not filled in again.
    assert "cheap-pills" not in page
    assert not User.objects.exists()
    assert not EmailAddress.objects.exists()
    assert mail.outbox == []


def test_an_empty_trap_lets_people_sign_up(client, db):
    response = client.post(reverse("account_signup"), signup_data("person@example.org", website=""))

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email="person@example.org").exists()
    assert [message.to for message in mail.outbox] == [["person@example.org"]]


def test_a_form_without_the_trap_still_works(client, db):
    response = client.post(reverse("account_signup"), signup_data("person@example.org"))

    assert response.status_code == 302
    assert User.objects.filter(email="person@example.org").exists()


def test_a_bot_sending_the_form_again_and_again_is_stopped_by_the_rate_limit(client, db):
    # settings.ACCOUNT_RATE_LIMITS allows 20 sign-ups a minute from one address.
    for number in range(20):
        response = client.post(
            reverse("account_signup"),
            signup_data(f"bot{number}@example.org", website="https://cheap-pills.example"),
        )
        assert response.status_code == 200

    response = client.post(reverse("account_signup"), signup_data("bot@example.org"))

    assert response.status_code == 429
    assert not User.objects.exists()
