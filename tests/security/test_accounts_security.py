"""Accounts: a second step for staff, limits on guessing, password rules, shorter staff sign-ins,
and pages and emails that never say whether an account exists."""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from codesign.accounts.middleware import STAFF_SESSION_KEY
from codesign.accounts.models import User
from participants.models import Perspective
from programmes.models import TeamRole
from tests.factories import PASSWORD, MembershipFactory, ProfileFactory, UserFactory


def page_text(response) -> str:
    return " ".join(strip_tags(response.content.decode()).split())


# A second step for staff


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("organiser", "programmes:dashboard"),
        ("organiser", "workshops:calendar"),
        ("reviewer", "programmes:dashboard"),
        ("admin", "programmes:dashboard"),
        ("admin", "admin:index"),
    ],
)
def test_staff_without_an_authenticator_app_are_sent_to_set_one_up(client, request, who, page):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse(page))

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    # Setting one up asks for the password again first; the reason is said on the way.
    follow = client.get(response.url, follow=True)
    assert "Set up an authenticator app to carry on." in page_text(follow)


@pytest.mark.parametrize("who", ["organiser", "admin"])
def test_staff_with_an_authenticator_app_reach_staff_pages(client, request, with_mfa, who):
    client.force_login(with_mfa(request.getfixturevalue(who)))

    response = client.get(reverse("programmes:dashboard"))

    assert response.status_code == 200


def test_participants_are_never_asked_for_an_authenticator_app(client, patient):
    client.force_login(patient)

    for name in ("participants:profile", "workshops:mine", "bursaries:mine", "pairs:mine"):
        assert client.get(reverse(name)).status_code == 200
    # A staff page refuses them outright, rather than asking for a second step.
    assert client.get(reverse("programmes:dashboard")).status_code == 403


def test_staff_with_an_authenticator_app_are_not_signed_in_by_a_password_alone(
    client, organiser, with_mfa
):
    with_mfa(organiser)

    response = client.post(
        reverse("account_login"), {"login": organiser.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_authenticate"))
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("programmes:dashboard")).status_code == 302


def test_switching_the_second_step_off_is_a_setting(client, organiser, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(organiser)

    assert client.get(reverse("programmes:dashboard")).status_code == 200


# Shorter sign-ins for staff


def _session_row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_staff_sign_in_lasts_the_staff_session_age(client, organiser, with_mfa, settings):
    settings.STAFF_SESSION_AGE = 60 * 60 * 8
    client.force_login(with_mfa(organiser))

    response = client.get(reverse("programmes:dashboard"))

    assert response.status_code == 200
    assert client.session.get_expiry_age() == 60 * 60 * 8
    expires = _session_row(client).expire_date
    assert abs((expires - timezone.now()) - dt.timedelta(hours=8)) < dt.timedelta(minutes=1)


def test_participant_sign_in_lasts_the_usual_session_age(client, patient):
    client.post(reverse("account_login"), {"login": patient.email, "password": PASSWORD})

    assert _signed_in(client)
    assert STAFF_SESSION_KEY not in client.session
    expires = _session_row(client).expire_date
    wanted = dt.timedelta(seconds=django_settings.SESSION_COOKIE_AGE)
    assert abs((expires - timezone.now()) - wanted) < dt.timedelta(minutes=1)


def test_keep_me_signed_in_gives_staff_no_more_than_the_staff_session_age(
    client, organiser, settings
):
    settings.STAFF_MFA_REQUIRED = False
    settings.STAFF_SESSION_AGE = 3600

    response = client.post(
        reverse("account_login"),
        {"login": organiser.email, "password": PASSWORD, "remember": "on"},
    )

    assert response.status_code == 302
    assert _signed_in(client)
    assert client.session.get_expiry_age() == 3600
    assert response.cookies[django_settings.SESSION_COOKIE_NAME]["max-age"] == 3600


def test_staff_are_signed_out_after_the_staff_session_age_without_use(
    client, organiser, with_mfa, settings
):
    settings.STAFF_SESSION_AGE = 60 * 60 * 8
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(with_mfa(organiser))
        assert client.get(reverse("programmes:dashboard")).status_code == 200

        # Used now and then through the day, the sign-in lasts.
        for _ in range(3):
            traveller.shift(dt.timedelta(hours=5))
            assert client.get(reverse("programmes:dashboard")).status_code == 200

        traveller.shift(dt.timedelta(hours=8, minutes=1))
        response = client.get(reverse("programmes:dashboard"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not _signed_in(client)


def test_staff_signed_in_until_the_browser_closes_are_still_signed_out_when_idle(
    client, organiser, settings
):
    settings.STAFF_MFA_REQUIRED = False
    settings.STAFF_SESSION_AGE = 3600
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post(reverse("account_login"), {"login": organiser.email, "password": PASSWORD})
        # No "keep me signed in": the cookie goes when the browser closes...
        assert client.session.get_expire_at_browser_close()
        traveller.shift(dt.timedelta(minutes=61))
        response = client.get(reverse("programmes:dashboard"))

    # ...and a browser left open is signed out after the staff session age all the same.
    assert response.status_code == 302
    assert not _signed_in(client)


def test_participants_stay_signed_in_longer_than_staff(client, patient, settings):
    settings.STAFF_SESSION_AGE = 60 * 60 * 8
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(patient)
        traveller.shift(dt.timedelta(days=3))
        response = client.get(reverse("participants:profile"))

    assert response.status_code == 200
    assert _signed_in(client)


def test_someone_made_staff_while_signed_in_gets_the_shorter_sign_in(
    client, patient, programme, with_mfa, settings
):
    settings.STAFF_SESSION_AGE = 3600
    client.force_login(with_mfa(patient))
    assert STAFF_SESSION_KEY not in client.session
    MembershipFactory(programme=programme, user=patient, role=TeamRole.ORGANISER)

    assert client.get(reverse("programmes:dashboard")).status_code == 200

    assert STAFF_SESSION_KEY in client.session
    assert client.session.get_expiry_age() == 3600


# Guessing passwords


def test_failed_sign_ins_from_one_place_across_many_accounts_are_stopped(client, db):
    people = [UserFactory(email=f"guess{n}@example.org") for n in range(12)]
    for person in people[:10]:
        response = client.post(
            reverse("account_login"), {"login": person.email, "password": "wrong-guess-1"}
        )
        assert response.status_code == 200

    response = client.post(
        reverse("account_login"), {"login": people[11].email, "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "Too many failed login attempts" in page_text(response)
    assert not _signed_in(client)


def test_too_many_sign_in_tries_get_a_kind_page_not_an_error(client, patient):
    statuses = [
        client.post(
            reverse("account_login"), {"login": f"x{n}@example.org", "password": "x"}
        ).status_code
        for n in range(31)
    ]

    assert set(statuses) <= {200, 429}
    assert statuses[-1] == 429
    response = client.post(reverse("account_login"), {"login": patient.email, "password": "x"})
    assert response.status_code == 429
    assert "Please wait a few minutes" in page_text(response)
    assert "Sign in" in page_text(response)  # the site's own header, not a bare error page


def test_too_many_password_resets_for_one_address_get_a_kind_page(client, patient):
    statuses = [
        client.post(reverse("account_reset_password"), {"email": patient.email}).status_code
        for _ in range(6)
    ]

    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429
    assert len(mail.outbox) == 5


def test_too_many_sign_ups_from_one_place_get_a_kind_page(client, db):
    statuses = [
        client.post(
            reverse("account_signup"),
            {"email": f"new{n}@example.org", "password1": PASSWORD, "password2": PASSWORD},
        ).status_code
        for n in range(21)
    ]

    assert statuses[:20] == [302] * 20
    assert statuses[20] == 429
    assert User.objects.filter(email__startswith="new").count() == 20


# Password rules


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("short1!", "This password is too short. It must contain at least 10 characters."),
        ("password123", "This password is too common."),
        ("qwertyuiop", "This password is too common."),
        ("84710293847", "This password is entirely numeric."),
        ("newperson@example.org", "The password is too similar to the email"),
    ],
)
def test_weak_passwords_are_refused_with_plain_words(client, db, password, words):
    response = client.post(
        reverse("account_signup"),
        {"email": "newperson@example.org", "password1": password, "password2": password},
    )

    assert response.status_code == 200
    assert words in page_text(response)
    assert not User.objects.filter(email="newperson@example.org").exists()


def test_passwords_that_do_not_match_are_refused(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "newperson@example.org", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )

    assert response.status_code == 200
    assert "You must type the same password each time." in page_text(response)
    assert not User.objects.exists()


def test_a_long_uncommon_password_is_accepted(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "newperson@example.org",
            "password1": "kettle-orange-bicycle",
            "password2": "kettle-orange-bicycle",
        },
    )

    assert response.status_code == 302
    assert User.objects.filter(email="newperson@example.org").exists()


# Never saying whether an account exists


def _without(text: str, *addresses: str) -> str:
    for address in addresses:
        text = re.sub(re.escape(address), "ADDRESS", text, flags=re.IGNORECASE)
    return text


def test_signing_in_with_an_unknown_address_reads_like_a_wrong_password(client, patient):
    wrong_password = client.post(
        reverse("account_login"), {"login": patient.email, "password": "not-the-password"}
    )
    unknown = client.post(
        reverse("account_login"), {"login": "nobody@example.org", "password": "not-the-password"}
    )

    assert wrong_password.status_code == unknown.status_code == 200
    assert _without(page_text(wrong_password), patient.email) == _without(
        page_text(unknown), "nobody@example.org"
    )


def test_sign_up_with_a_taken_address_in_other_capitals_looks_like_any_sign_up(client, patient):
    taken = client.post(
        reverse("account_signup"),
        {"email": patient.email.upper(), "password1": PASSWORD, "password2": PASSWORD},
    )
    taken_page = client.get(taken.url)
    client.logout()
    fresh = client.post(
        reverse("account_signup"),
        {"email": "fresh@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    fresh_page = client.get(fresh.url)

    assert taken.status_code == fresh.status_code == 302
    assert taken.url == fresh.url
    assert _without(page_text(taken_page), patient.email) == _without(
        page_text(fresh_page), "fresh@example.org"
    )
    # One email to each address: the owner hears someone tried; the new person can verify.
    assert sorted(m.to[0].lower() for m in mail.outbox) == ["fresh@example.org", patient.email]
    assert User.objects.filter(email__iexact=patient.email).count() == 1


def test_password_reset_pages_are_the_same_for_known_and_unknown_addresses(client, patient):
    known = client.post(reverse("account_reset_password"), {"email": patient.email}, follow=True)
    unknown = client.post(
        reverse("account_reset_password"), {"email": "nobody@example.org"}, follow=True
    )

    assert known.redirect_chain == unknown.redirect_chain
    assert page_text(known) == page_text(unknown)
    assert len(mail.outbox) == 2


def test_a_pair_partner_with_an_account_is_invited_like_anyone_else(
    client, programme, django_capture_on_commit_callbacks
):
    from tests.pairs.support import cohort_of
    from tests.workshops.registration_support import ready_person

    cohort = cohort_of(programme, places=5)
    existing = ready_person("has.account@example.org", [Perspective.PATIENT])
    results = []
    for n, address in enumerate([existing.email, "no.account@example.org"]):
        professional = ready_person(f"pro{n}@example.org", [Perspective.HEALTH_PROFESSIONAL])
        professional.profile.display_name = "Robin"
        professional.profile.save()
        client.force_login(professional)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("pairs:start", args=[programme.slug]),
                {
                    "cohort": cohort.pk,
                    "task": "Rewrite the clinic letter.",
                    "organisation": "Example Health Trust",
                    "organisation_support": "Time away from clinic.",
                    "how_we_work": "Every other Tuesday.",
                    "partner_name": "Pat",
                    "partner_email": address,
                },
                follow=True,
            )
        assert response.status_code == 200
        sent = [
            (_without(m.subject, address), _without(m.body, address).split("/pairs/join/")[0])
            for m in mail.outbox
            if address in m.to
        ]
        results.append((_without(page_text(response), address, professional.email), sent))

    (with_account, without_account) = results
    assert with_account[1] and with_account[1] == without_account[1]
    # The pages differ only in the pair's number in links, never in what they say.
    assert re.sub(r"\d+", "N", with_account[0]) == re.sub(r"\d+", "N", without_account[0])


def test_a_programme_invitation_shows_organisers_nothing_about_accounts(
    client, organiser, programme, with_mfa, django_capture_on_commit_callbacks
):
    existing = UserFactory(email="has.account@example.org")
    ProfileFactory(user=existing)
    client.force_login(with_mfa(organiser))
    seen = []
    for address in (existing.email, "no.account@example.org"):
        preview = client.post(
            reverse("programmes:invitation_new", args=[programme.slug]),
            {"source": "one", "target": "programme", "email": address, "days": 14},
            follow=True,
        )
        assert "/invitations/batches/" in preview.redirect_chain[-1][0]
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            sent = client.post(preview.redirect_chain[-1][0] + "send/", follow=True)
        emails = [
            (m.subject, _without(m.body, address).split("/programmes/invitations/")[0])
            for m in mail.outbox
        ]
        assert [m.to for m in mail.outbox] == [[address]]
        assert "Sending 1 invitation." in page_text(sent)
        seen.append((re.sub(r"\d+", "N", _without(page_text(preview), address)), emails))

    assert seen[0] == seen[1]


@pytest.mark.parametrize("step", ["guardian", "contact"])
def test_profile_steps_taking_someone_elses_address_say_nothing_about_accounts(
    client, young_person, step
):
    from tests.participants.helpers import step_url

    existing = UserFactory(email="has.account@example.org")
    client.force_login(young_person)
    fields = {
        "guardian": lambda a: {"guardian_name": "Sam", "guardian_email": a},
        "contact": lambda a: {"phone": "", "copies_to_name": "Sam", "copies_to_email": a},
    }[step]
    responses = [
        client.post(step_url(step), fields(address))
        for address in (existing.email, "no.account@example.org")
    ]

    assert responses[0].status_code == responses[1].status_code
    if responses[0].status_code == 302:
        assert responses[0].url == responses[1].url
    else:
        assert _without(page_text(responses[0]), existing.email) == _without(
            page_text(responses[1]), "no.account@example.org"
        )
