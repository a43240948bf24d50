"""Organisers see every message sent for their programmes, failed ones first, and can try a
failed one again (core:messages)."""

import itertools

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from codesign.core.models import OutboxMessage
from codesign.core.notices import MAX_ATTEMPTS, failure_words
from tests.factories import UserFactory, WorkshopFactory

URL = reverse("core:messages")
_keys = itertools.count()


def _message(programme=None, *, status=OutboxMessage.Status.SENT, **fields) -> OutboxMessage:
    defaults = {
        "key": f"test:{next(_keys)}",
        "kind": "welcome",
        "to": f"person{next(_keys)}@example.org",
        "subject": "Welcome to Co-design",
    }
    defaults.update(fields)
    return OutboxMessage.objects.create(programme=programme, status=status, **defaults)


def _failed(programme=None, **fields) -> OutboxMessage:
    fields.setdefault("last_error", "ConnectionRefusedError: [Errno 111] Connection refused")
    fields.setdefault("attempts", MAX_ATTEMPTS)
    fields.setdefault("subject", "")
    return _message(programme, status=OutboxMessage.Status.FAILED, **fields)


@pytest.fixture
def signed_in(client, with_mfa):
    def sign_in(user):
        client.force_login(with_mfa(user))
        return client

    return sign_in


def test_an_organiser_sees_the_messages_of_their_programmes_only_failed_first(
    signed_in, organiser, programme, other_programme
):
    workshop = WorkshopFactory(programme=programme, title="Clinic journeys")
    _message(programme, to="sent@example.org", subject="You have a place")
    _failed(programme, to="bounced@example.org", kind="workshop_change", workshop=workshop)
    _message(other_programme, to="elsewhere@example.org")
    _message(None, to="welcome.only@example.org")

    page = signed_in(organiser).get(URL).content.decode()

    assert page.index("bounced@example.org") < page.index("sent@example.org")
    assert "elsewhere@example.org" not in page
    assert "welcome.only@example.org" not in page
    assert "Workshop change" in page
    assert "Clinic journeys" in page
    assert "The mail server did not answer." in page
    assert "Errno" not in page
    assert "Failed: <strong" in page
    assert page.count("Try again") == 1
    assert page.count("<h1") == 1


def test_a_site_admin_sees_every_message(signed_in, admin, programme, other_programme):
    _message(programme, to="one@example.org")
    _message(other_programme, to="two@example.org")
    _message(None, to="welcome.only@example.org")

    page = signed_in(admin).get(URL).content.decode()

    assert all(
        address in page
        for address in ("one@example.org", "two@example.org", "welcome.only@example.org")
    )


def test_messages_filter_by_programme_and_status_with_counts_per_status(
    signed_in, admin, programme, other_programme
):
    _message(programme, to="sent.here@example.org")
    _failed(programme, to="failed.here@example.org")
    _failed(other_programme, to="failed.there@example.org")
    _message(programme, to="skipped.here@example.org", status=OutboxMessage.Status.SKIPPED)
    client = signed_in(admin)

    response = client.get(URL, {"programme": programme.pk, "status": "failed"})

    page = response.content.decode()
    assert "failed.here@example.org" in page
    assert "failed.there@example.org" not in page
    assert "sent.here@example.org" not in page
    counts = response.context["counts"]
    assert counts == [("failed", "Failed", 1), ("pending", "Queued", 0), ("sent", "Sent", 1),
                      ("skipped", "Not needed any more", 1)]  # fmt: skip
    assert response.context["total"] == 3

    page = client.get(URL, {"status": "no-such-status"}).content.decode()
    assert "Choose a status from the list." in page
    assert "failed.there@example.org" in page


def test_trying_a_failed_message_again_sends_it(
    signed_in, organiser, programme, django_capture_on_commit_callbacks
):
    user = UserFactory(email="retry.me@example.org")
    message = _failed(
        programme, to="retry.me@example.org", kind="welcome", user=user, key="welcome:x"
    )
    client = signed_in(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("core:message_retry", args=[message.pk]), {"next": f"{URL}?status=failed"}
        )

    assert response.status_code == 302
    assert response.url == f"{URL}?status=failed"
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert [m.to for m in mail.outbox] == [["retry.me@example.org"]]
    page = client.get(response.url).content.decode()
    assert "We are trying again to send the message to retry.me@example.org." in page

    # Asking again (a second click) does nothing more.
    response = client.post(reverse("core:message_retry", args=[message.pk]))
    assert response.url == URL
    assert len(mail.outbox) == 1


def test_try_again_goes_back_only_to_this_site(signed_in, organiser, programme):
    message = _failed(programme)

    response = signed_in(organiser).post(
        reverse("core:message_retry", args=[message.pk]), {"next": "https://evil.example/"}
    )

    assert response.url == URL


def test_try_again_needs_a_post(signed_in, organiser, programme):
    message = _failed(programme)

    response = signed_in(organiser).get(reverse("core:message_retry", args=[message.pk]))

    assert response.status_code == 405


def test_an_organiser_cannot_try_again_a_message_of_another_programme(
    signed_in, organiser, other_programme
):
    message = _failed(other_programme)

    response = signed_in(organiser).post(reverse("core:message_retry", args=[message.pk]))

    assert response.status_code == 404
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED


@pytest.mark.parametrize("who", ["reviewer", "patient"])
def test_reviewers_and_participants_are_refused(signed_in, request, who, programme):
    person = request.getfixturevalue(who)
    message = _failed(programme)
    client = signed_in(person)

    assert client.get(URL).status_code == 403
    assert client.post(reverse("core:message_retry", args=[message.pk])).status_code == 403
    assert b'href="/messages/"' not in client.get(reverse("core:home")).content


def test_visitors_are_asked_to_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_the_page_refuses_a_post(signed_in, organiser):
    assert signed_in(organiser).post(URL).status_code == 405


def test_organisers_find_the_page_in_the_menu(signed_in, organiser):
    page = signed_in(organiser).get(reverse("core:home")).content.decode()

    assert f'href="{URL}"' in page


def test_fifty_messages_a_page(signed_in, organiser, programme):
    for _ in range(51):
        _message(programme)
    client = signed_in(organiser)

    first = client.get(URL)
    second = client.get(URL, {"page": 2})

    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 1
    assert "Page 1 of 2" in first.content.decode()


def test_the_page_takes_the_same_number_of_queries_however_many_messages(
    signed_in, organiser, programme, django_assert_num_queries
):
    workshop = WorkshopFactory(programme=programme)
    person = UserFactory(email="with.carer@example.org")
    _message(programme, workshop=workshop, user=person, is_copy=True)
    client = signed_in(organiser)
    client.get(URL)  # the session is warm, as it would be
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200

    for n in range(70):
        _failed(programme, workshop=workshop, user=person, is_copy=n % 2 == 0)
        _message(programme, workshop=WorkshopFactory(programme=programme))
    with django_assert_num_queries(len(few)):
        assert client.get(URL).status_code == 200
    with django_assert_num_queries(len(few)):
        assert client.get(URL, {"page": 3, "programme": programme.pk}).status_code == 200


@pytest.mark.parametrize(
    ("error", "words"),
    [
        ("SMTPRecipientsRefused: {'x@example.org': (550, b'No such user')}", "would not take"),
        ("SMTPAuthenticationError: (535, b'Bad credentials')", "email settings"),
        ("TemplateDoesNotExist: emails/x-subject.txt", "could not be written"),
        ("SMTPServerDisconnected: Connection unexpectedly closed", "did not answer"),
        ("ValueError: something odd", "Something went wrong"),
        ("They turned reminders off.", "They turned reminders off."),
        ("", ""),
    ],
)
def test_reasons_are_said_in_plain_words(error, words):
    assert words in failure_words(error)
