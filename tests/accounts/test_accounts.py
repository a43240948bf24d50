import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse

from codesign.accounts.models import User
from tests.factories import PASSWORD, UserFactory


def test_email_address_is_the_login_and_there_is_no_username(db):
    user = User.objects.create_user("Someone@Example.ORG", "a-long-password-1")

    assert user.email == "Someone@example.org"
    assert not hasattr(user, "username")
    assert User.USERNAME_FIELD == "email"


def test_two_accounts_cannot_share_an_email_address_in_any_case(db):
    User.objects.create_user("same@example.org")

    with pytest.raises(IntegrityError):
        User.objects.create_user("SAME@example.org")


def test_people_must_verify_their_email_before_they_can_sign_in(client, db):
    client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    client.logout()

    response = client.post(
        reverse("account_login"), {"login": "new@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_a_short_password_is_refused_with_a_clear_message(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": "short", "password2": "short"},
    )

    assert response.status_code == 200
    assert b"at least 10 characters" in response.content
    assert not User.objects.filter(email="new@example.org").exists()


def test_verified_person_signs_in_with_their_email_in_any_case(client, patient):
    response = client.post(
        reverse("account_login"), {"login": "PATIENT@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == patient.pk


def test_repeated_wrong_passwords_are_stopped_by_the_rate_limit(client, patient):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": patient.email, "password": "wrong-guess"})

    # Even the right password is refused for a while, so guessing gets nowhere.
    response = client.post(reverse("account_login"), {"login": patient.email, "password": PASSWORD})

    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_password_reset_does_not_say_whether_an_account_exists(client, patient):
    known = client.post(reverse("account_reset_password"), {"email": patient.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    # Both addresses get an email, so the page shown reveals nothing.
    assert sorted(m.to[0] for m in mail.outbox) == ["nobody@example.org", patient.email]


def test_sign_up_with_a_taken_address_does_not_say_it_is_taken(client, patient):
    response = client.post(
        reverse("account_signup"),
        {"email": patient.email, "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email=patient.email).count() == 1
    # The owner of the address is told instead, with a way back into their account.
    (notice,) = mail.outbox
    assert notice.subject == "You already have an account"
    assert "/accounts/password/reset/" in notice.body


def test_seed_demo_creates_every_role_and_perspective_and_can_run_twice(db, settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo")
    call_command("seed_demo")

    printed = capsys.readouterr().out
    emails = [
        "admin@example.org",
        "organiser@example.org",
        "reviewer@example.org",
        "finance@example.org",
        "patient@example.org",
        "carer@example.org",
        "parent@example.org",
        "young@example.org",
        "professional@example.org",
    ]
    for email in emails:
        assert email in printed
        user = User.objects.get(email=email)
        assert user.check_password(settings.DEMO_PASSWORD)
        assert user.emailaddress_set.get().verified
    # The logins, 60 demo participants, and the people in the demo bursaries and pairs: all
    # fictional, and a third run adds nobody.
    count = User.objects.count()
    assert count >= len(emails) + 60
    assert not User.objects.exclude(email__endswith="@example.org").exists()
    call_command("seed_demo")
    assert User.objects.count() == count
    young = User.objects.get(email="young@example.org").profile
    assert young.guardian_email == "parent@example.org"
    assert User.objects.get(email="admin@example.org").is_superuser
    organiser = User.objects.get(email="organiser@example.org")
    assert {m.role for m in organiser.memberships.all()} == {"organiser"}
    assert User.objects.get(email="reviewer@example.org").memberships.get().role == "reviewer"


def test_seed_demo_leaves_a_changed_demo_password_alone(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    user = User.objects.get(email="patient@example.org")
    user.set_password("changed-by-the-person")
    user.save()

    call_command("seed_demo")

    user.refresh_from_db()
    assert user.check_password("changed-by-the-person")


def test_factory_users_are_verified(db):
    assert UserFactory().emailaddress_set.get().verified
