"""The invitation pages: organisers invite people and see how each invitation stands; the person
invited reads it and says yes (signing up or in on the way) or no."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from codesign.accounts.models import User
from codesign.core.models import AuditEntry, OutboxMessage
from participants.models import Perspective
from programmes import services
from programmes.models import Invitation, InvitationBatch
from tests.factories import PASSWORD, MembershipFactory
from tests.programmes.helpers import page_text
from tests.programmes.invitation_support import (
    CSV_WITH_ONE_BAD_ROW,
    InvitationFactory,
    contactable,
    csv_upload,
    invitable_workshop,
    prepare,
)
from tests.workshops.registration_support import ready_person
from workshops.models import Registration


@pytest.fixture
def workshop(programme):
    return invitable_workshop(programme)


@pytest.fixture
def things(programme, workshop, organiser):
    batch = prepare(programme, workshop, organiser, emails_text="a@example.org, b@example.org")
    return {
        "batch": batch,
        "invitation": InvitationFactory(programme=programme, workshop=workshop),
    }


# (URL name, the object its pk comes from, the method the page answers to)
ORGANISER_PAGES = [
    ("programmes:invitations", None, "get"),
    ("programmes:invitation_new", None, "get"),
    ("programmes:invitation_new", None, "post"),
    ("programmes:invitation_batch", "batch", "get"),
    ("programmes:invitation_batch_send", "batch", "post"),
    ("programmes:invitation_resend", "invitation", "post"),
    ("programmes:invitation_withdraw", "invitation", "post"),
    ("programmes:invitations_remind", None, "post"),
]
PAGE_IDS = [f"{name.split(':')[1]}-{method}" for name, _, method in ORGANISER_PAGES]
POST_DATA = {"source": "list", "target": "programme", "emails_text": "x@example.org", "days": 14}


def _url(name, pk_from, programme, things):
    kwargs = {"slug": programme.slug}
    if pk_from:
        kwargs["pk"] = things[pk_from].pk
    return reverse(name, kwargs=kwargs)


def _state():
    return (
        list(Invitation.objects.values_list("email", "status", "send_count")),
        list(InvitationBatch.objects.values_list("pk", "sent_at")),
        OutboxMessage.objects.count(),
        AuditEntry.objects.count(),
    )


def _send(client, method, url):
    return client.post(url, POST_DATA) if method == "post" else client.get(url)


@pytest.mark.parametrize(("name", "pk_from", "method"), ORGANISER_PAGES, ids=PAGE_IDS)
@pytest.mark.parametrize(
    ("who", "status"),
    [("other_organiser", 404), ("reviewer", 404), ("patient", 403)],
)
def test_only_the_programmes_organisers_can_use_the_invitation_pages(
    sign_in, person, programme, things, name, pk_from, method, who, status
):
    client = sign_in(person(who))
    before = _state()

    response = _send(client, method, _url(name, pk_from, programme, things))

    assert response.status_code == status
    assert _state() == before


@pytest.mark.parametrize(("name", "pk_from", "method"), ORGANISER_PAGES, ids=PAGE_IDS)
def test_visitors_are_asked_to_sign_in_before_the_invitation_pages(
    client, programme, things, name, pk_from, method
):
    before = _state()
    url = _url(name, pk_from, programme, things)

    response = _send(client, method, url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert _state() == before


@pytest.mark.parametrize(
    ("name", "pk_from", "method"),
    [page for page in ORGANISER_PAGES if page[2] == "get"],
)
def test_organisers_and_site_admins_open_the_invitation_pages(
    sign_in, organiser, admin, programme, things, name, pk_from, method
):
    for user in (organiser, admin):
        response = sign_in(user).get(_url(name, pk_from, programme, things))
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("name", "pk_from", "wrong"),
    [
        ("programmes:invitations", None, "post"),
        ("programmes:invitation_new", None, "put"),
        ("programmes:invitation_batch", "batch", "post"),
        ("programmes:invitation_batch_send", "batch", "get"),
        ("programmes:invitation_resend", "invitation", "get"),
        ("programmes:invitation_withdraw", "invitation", "get"),
        ("programmes:invitations_remind", None, "get"),
    ],
)
def test_the_wrong_method_is_refused(sign_in, organiser, programme, things, name, pk_from, wrong):
    before = _state()

    response = getattr(sign_in(organiser), wrong)(_url(name, pk_from, programme, things))

    assert response.status_code == 405
    assert _state() == before


def test_the_invitation_links_refuse_the_wrong_method(client, programme):
    invitation = InvitationFactory(programme=programme)
    for name in ("programmes:invitation_accept", "programmes:invitation_decline"):
        assert client.get(reverse(name, args=[invitation.token])).status_code == 405
    assert client.post(reverse("programmes:invitation", args=[invitation.token])).status_code == 405
    assert client.post(reverse("programmes:invitation_continue")).status_code == 405
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT


def test_a_made_up_invitation_link_is_not_found(client, db):
    assert client.get(reverse("programmes:invitation", args=["made-up"])).status_code == 404
    assert client.post(reverse("programmes:invitation_accept", args=["made-up"])).status_code == 404


def test_the_manage_page_and_the_workshop_page_link_to_invitations(
    sign_in, organiser, programme, workshop
):
    client = sign_in(organiser)
    manage = client.get(reverse("programmes:manage", args=[programme.slug])).content.decode()
    detail = client.get(reverse("workshops:manage_detail", args=[workshop.pk])).content.decode()

    assert reverse("programmes:invitations", args=[programme.slug]) in manage
    new = reverse("programmes:invitation_new", args=[programme.slug])
    assert new in manage
    assert f"{new}?workshop={workshop.pk}" in detail


# Inviting


def _invite(client, programme, **data):
    data.setdefault("target", "programme")
    data.setdefault("days", 14)
    data.setdefault("message", "")
    return client.post(reverse("programmes:invitation_new", args=[programme.slug]), data)


def test_the_invite_page_offers_four_ways_and_the_upcoming_workshops(
    sign_in, organiser, programme, workshop
):
    client = sign_in(organiser)
    url = reverse("programmes:invitation_new", args=[programme.slug])

    response = client.get(f"{url}?how=csv&workshop={workshop.pk}")

    text = page_text(response)
    for way in ("One address", "A pasted list", "A CSV file", "People on the platform"):
        assert way in text
    assert 'type="file"' in response.content.decode()
    assert response.context["form"]["target"].value() == str(workshop.pk)
    assert "Check the list" in text


def test_uploading_a_csv_shows_the_good_rows_and_each_bad_row_before_anything_is_sent(
    sign_in, organiser, programme, workshop
):
    client = sign_in(organiser)

    response = _invite(
        client,
        programme,
        source="csv",
        target=workshop.pk,
        csv_file=csv_upload(CSV_WITH_ONE_BAD_ROW),
        message="Please come.",
    )

    batch = InvitationBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("programmes:invitation_batch", args=[programme.slug, batch.pk])
    page = page_text(client.get(response.url))
    assert "4 people will be invited" in page
    assert "1 row has a problem" in page
    assert "not-an-email" in page and "This is not an email address" in page
    assert "Send 4 invitations" in page
    assert "Start again" in page
    assert Invitation.objects.count() == 0
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"source": "one", "email": "not an email"}, "This is not an email address"),
        ({"source": "list", "emails_text": ""}, "Type or paste at least one email address"),
        (
            {"source": "csv", "csv_file": csv_upload("name\nAna\n")},
            "one must be called &quot;email&quot;",
        ),
        ({"source": "csv"}, "Choose a CSV file to upload"),
        ({"source": "participants"}, "Tick at least one group of people"),
        ({"source": "list", "emails_text": "a@example.org", "days": 0}, "at least 1 day"),
        ({"source": "list", "emails_text": "a@example.org", "target": "999999"}, "Choose the"),
    ],
    ids=[
        "bad-email",
        "empty-list",
        "no-email-column",
        "no-file",
        "no-group",
        "zero-days",
        "target",
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    sign_in, organiser, programme, workshop, data, says
):
    response = _invite(sign_in(organiser), programme, **data)

    assert response.status_code == 200
    assert says in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert InvitationBatch.objects.count() == 0


def test_sending_the_checked_list_invites_each_good_row_once_however_often_it_is_pressed(
    sign_in, organiser, programme, workshop, django_capture_on_commit_callbacks
):
    client = sign_in(organiser)
    batch = prepare(
        programme, workshop, organiser, source="csv", csv_file=csv_upload(CSV_WITH_ONE_BAD_ROW)
    )
    url = reverse("programmes:invitation_batch_send", args=[programme.slug, batch.pk])

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url, follow=True)

    assert first.status_code == 302
    assert (
        first.url
        == f"{reverse('programmes:invitations', args=[programme.slug])}?workshop={workshop.pk}"
    )
    assert Invitation.objects.count() == 4
    assert len(mail.outbox) == 4
    assert "already been sent" in page_text(second)
    preview = page_text(
        client.get(reverse("programmes:invitation_batch", args=[programme.slug, batch.pk]))
    )
    assert "These invitations were sent" in preview
    assert "Send 4 invitations" not in preview


def test_the_list_shows_each_state_with_counts_and_the_reason_a_send_failed(
    sign_in, organiser, programme, workshop
):
    InvitationFactory(
        programme=programme, workshop=workshop, email="q@example.org", status="queued"
    )
    InvitationFactory(
        programme=programme,
        email="f@example.org",
        status="failed",
        last_error="SMTPRecipientsRefused: mailbox unavailable",
    )
    InvitationFactory(
        programme=programme,
        email="old@example.org",
        expires_at=timezone.now() - dt.timedelta(days=1),
    )
    InvitationFactory(
        programme=programme, email="no@example.org", status="declined", decline_reason="Too far"
    )
    InvitationFactory(programme=programme, email="yes@example.org", status="accepted")

    page = page_text(
        sign_in(organiser).get(reverse("programmes:invitations", args=[programme.slug]))
    )

    assert "5 invitations" in page
    for words in (
        "Queued: 1",
        "Failed to send: 1",
        "Expired: 1",
        "Declined: 1",
        "Accepted: 1",
        "State: Failed to send",
        "Why: SMTPRecipientsRefused: mailbox unavailable",
        "State: Expired",
        "Their reason: Too far",
    ):
        assert words in page
    assert "Remind everyone who has not answered" not in page  # nobody sent and waiting


def test_the_list_filters_by_workshop_and_state(sign_in, organiser, programme, workshop):
    InvitationFactory(programme=programme, workshop=workshop, email="w.sent@example.org")
    InvitationFactory(
        programme=programme, workshop=workshop, email="w.yes@example.org", status="accepted"
    )
    InvitationFactory(programme=programme, email="p.sent@example.org")
    client = sign_in(organiser)
    url = reverse("programmes:invitations", args=[programme.slug])

    by_workshop = page_text(client.get(url, {"workshop": workshop.pk}))
    sent_to_workshop = page_text(client.get(url, {"workshop": workshop.pk, "state": "sent"}))
    programme_only = page_text(client.get(url, {"workshop": "programme"}))
    nonsense = client.get(url, {"workshop": "nope", "state": "sent"})

    assert "w.sent@example.org" in by_workshop and "w.yes@example.org" in by_workshop
    assert "p.sent@example.org" not in by_workshop
    assert "w.sent@example.org" in sent_to_workshop and "w.yes@example.org" not in sent_to_workshop
    assert "p.sent@example.org" in programme_only and "w.sent@example.org" not in programme_only
    assert nonsense.status_code == 200
    assert "Choose the programme or a workshop from the list" in page_text(nonsense)


@pytest.mark.parametrize("how_many", [3, 60])
def test_the_list_takes_the_same_number_of_queries_however_many_invitations(
    sign_in, organiser, programme, workshop, how_many, django_assert_num_queries
):
    for n in range(how_many):
        InvitationFactory(
            programme=programme,
            workshop=workshop if n % 2 else None,
            status=["sent", "failed", "accepted", "declined"][n % 4],
        )
    client = sign_in(organiser)
    url = reverse("programmes:invitations", args=[programme.slug])
    client.get(url)  # sessions and the like settle on the first request

    with django_assert_num_queries(9):
        response = client.get(url, {"workshop": workshop.pk})

    assert response.status_code == 200


def test_resend_withdraw_and_remind_all_from_the_list(
    sign_in, organiser, programme, workshop, django_capture_on_commit_callbacks
):
    first = InvitationFactory(programme=programme, workshop=workshop, email="a@example.org")
    second = InvitationFactory(programme=programme, workshop=workshop, email="b@example.org")
    third = InvitationFactory(programme=programme, email="c@example.org")
    client = sign_in(organiser)
    back = f"{reverse('programmes:invitations', args=[programme.slug])}?workshop={workshop.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        resent = client.post(
            reverse("programmes:invitation_resend", args=[programme.slug, first.pk]),
            {"next": back},
        )
        withdrawn = client.post(
            reverse("programmes:invitation_withdraw", args=[programme.slug, second.pk]),
            {"next": "https://elsewhere.example.com/"},
        )
        reminded = client.post(
            reverse("programmes:invitations_remind", args=[programme.slug]), follow=True
        )

    assert resent.url == back
    assert withdrawn.url == reverse("programmes:invitations", args=[programme.slug])
    assert "Reminding 1 person who has not answered." in page_text(reminded)
    assert [m.to[0] for m in mail.outbox] == ["a@example.org", "c@example.org"]
    assert mail.outbox[1].subject.startswith("Reminder")
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == Invitation.Status.WITHDRAWN
    assert third.reminded_at is not None


def test_a_withdrawn_invitation_cannot_be_withdrawn_again_and_says_so(
    sign_in, organiser, programme
):
    invitation = InvitationFactory(programme=programme, status="withdrawn")

    response = sign_in(organiser).post(
        reverse("programmes:invitation_withdraw", args=[programme.slug, invitation.pk]), follow=True
    )

    assert "This invitation was withdrawn." in page_text(response)


# The person invited


def test_the_invitation_page_says_what_when_where_what_is_paid_and_who_to_ask(
    client, partner_words, organiser
):
    workshop = invitable_workshop(partner_words, description="We map the first appointment.")
    invitation = InvitationFactory(
        programme=partner_words,
        workshop=workshop,
        message="We would value your view.",
        invited_by=organiser,
    )

    page = page_text(client.get(reverse("programmes:invitation", args=[invitation.token])))

    assert f"You are invited to {workshop.title}" in page
    for words in (
        "We would value your view.",
        "We map the first appointment.",
        workshop.venue.name,
        "Travel paid and a £25 voucher for your time.",
        "Bursaries are available",
        "patient partners",
        "Alex Access",
        "Yes, I would like to take part",
        "No, I cannot take part",
    ):
        assert words in page


def test_signed_in_and_ready_accepting_goes_straight_to_registration(client, programme, workshop):
    person = ready_person("ready@example.org", [Perspective.PATIENT])
    invitation = InvitationFactory(programme=programme, workshop=workshop, email=person.email)
    client.force_login(person)

    response = client.post(reverse("programmes:invitation_accept", args=[invitation.token]))

    assert response.url == workshop.get_absolute_url()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.user == person
    page = page_text(client.get(response.url))
    assert "Now register below" in page
    assert "Register for this workshop" in page


def test_accepting_with_an_unfinished_profile_goes_through_the_profile_first(
    client, programme, workshop, patient
):
    invitation = InvitationFactory(programme=programme, workshop=workshop, email=patient.email)
    client.force_login(patient)

    response = client.post(reverse("programmes:invitation_accept", args=[invitation.token]))

    assert response.url.startswith(reverse("participants:profile"))
    assert f"next=%2Fworkshops%2F{workshop.pk}%2F" in response.url


def test_a_programme_invitation_accepted_goes_to_the_programme(client, programme, patient):
    invitation = InvitationFactory(programme=programme)
    client.force_login(patient)

    response = client.post(reverse("programmes:invitation_accept", args=[invitation.token]))

    assert response.url == programme.get_absolute_url()


def test_signed_out_accepting_leads_to_sign_up_with_the_address_already_verified(
    client, programme, workshop
):
    invitation = InvitationFactory(programme=programme, workshop=workshop, email="New@Example.org")

    response = client.post(reverse("programmes:invitation_accept", args=[invitation.token]))

    assert response.url.startswith(reverse("account_signup"))
    signup = client.get(response.url)
    assert 'value="New@Example.org"' in signup.content.decode()
    assert "sign in instead" in page_text(signup)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT  # not yet: they need an account first

    created = client.post(
        response.url,
        {"email": "New@Example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert created.url == reverse("programmes:invitation_continue")
    user = User.objects.get(email__iexact="new@example.org")
    assert EmailAddress.objects.get(user=user).verified
    finished = client.get(created.url)
    assert finished.url.startswith(reverse("participants:profile"))
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.user == user
    assert not any("confirm" in m.subject.lower() for m in mail.outbox)
    # Verified by the link, so welcomed at once (queued once).
    assert list(OutboxMessage.objects.filter(kind="welcome").values_list("to", flat=True)) == [
        user.email
    ]


def test_signed_out_with_an_account_accepting_leads_to_sign_in_and_back(
    client, programme, workshop
):
    person = ready_person("known@example.org", [Perspective.CARER])
    invitation = InvitationFactory(programme=programme, workshop=workshop, email=person.email)

    response = client.post(reverse("programmes:invitation_accept", args=[invitation.token]))
    assert response.url.startswith(reverse("account_login"))
    signed_in = client.post(response.url, {"login": person.email, "password": PASSWORD})
    assert signed_in.url == reverse("programmes:invitation_continue")
    finished = client.get(signed_in.url)

    assert finished.url == workshop.get_absolute_url()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED


def test_signing_in_without_the_return_address_still_finishes_the_invitation(
    client, programme, workshop
):
    person = ready_person("known@example.org", [Perspective.CARER])
    invitation = InvitationFactory(programme=programme, workshop=workshop, email=person.email)
    client.post(reverse("programmes:invitation_accept", args=[invitation.token]))

    signed_in = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})

    assert signed_in.url == reverse("programmes:invitation_continue")
    client.get(signed_in.url)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert services.INVITATION_SESSION_KEY not in client.session


def test_the_continue_page_without_an_invitation_goes_home(client, patient):
    client.force_login(patient)

    response = client.get(reverse("programmes:invitation_continue"))

    assert response.url == reverse("core:home")


def test_declining_thanks_the_person_and_keeps_their_reason(client, programme, workshop):
    invitation = InvitationFactory(programme=programme, workshop=workshop)

    response = client.post(
        reverse("programmes:invitation_decline", args=[invitation.token]),
        {"reason": "I am away that week."},
        follow=True,
    )

    assert "Thank you for letting us know" in page_text(response)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert invitation.decline_reason == "I am away that week."


def test_a_too_long_reason_is_explained_and_nothing_changes(client, programme):
    invitation = InvitationFactory(programme=programme)

    response = client.post(
        reverse("programmes:invitation_decline", args=[invitation.token]),
        {"reason": "x" * 301},
        follow=True,
    )

    assert "300 letters or fewer" in page_text(response)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT


@pytest.mark.parametrize(
    ("changes", "heading"),
    [
        ({"expires_at": timezone.now() - dt.timedelta(minutes=1)}, "This invitation has expired"),
        ({"status": "withdrawn"}, "This invitation has been withdrawn"),
    ],
    ids=["expired", "withdrawn"],
)
def test_expired_and_withdrawn_links_say_so_kindly_and_change_nothing(
    client, programme, workshop, patient, changes, heading
):
    invitation = InvitationFactory(programme=programme, workshop=workshop, **changes)
    url = reverse("programmes:invitation", args=[invitation.token])
    before = (invitation.status, invitation.expires_at)

    page = page_text(client.get(url))
    client.force_login(patient)
    accepted = client.post(
        reverse("programmes:invitation_accept", args=[invitation.token]), follow=True
    )
    declined = client.post(
        reverse("programmes:invitation_decline", args=[invitation.token]), follow=True
    )

    assert heading in page
    assert "Yes, I would like to take part" not in page
    assert heading in page_text(accepted) and heading in page_text(declined)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.expires_at) == before
    assert invitation.user is None
    assert not Registration.objects.exists()


def test_someone_else_signed_in_is_told_whose_invitation_it_is(client, programme, patient):
    invitation = InvitationFactory(programme=programme, email="someone.else@example.org")
    client.force_login(patient)

    page = page_text(client.get(reverse("programmes:invitation", args=[invitation.token])))

    assert "The invitation was sent to someone.else@example.org" in page


def test_organiser_of_one_programme_sees_the_invitations_of_every_programme_they_run(
    sign_in, organiser, other_programme
):
    MembershipFactory(programme=other_programme, user=organiser)
    InvitationFactory(programme=other_programme, email="theirs@example.org")

    page = page_text(
        sign_in(organiser).get(reverse("programmes:invitations", args=[other_programme.slug]))
    )

    assert "theirs@example.org" in page


def test_participants_on_the_platform_can_be_invited_from_the_page(
    sign_in, organiser, programme, workshop
):
    contactable("pat@example.org", [Perspective.PATIENT])

    response = _invite(
        sign_in(organiser),
        programme,
        source="participants",
        target=workshop.pk,
        perspectives=[Perspective.PATIENT, Perspective.CARER],
    )

    batch = InvitationBatch.objects.get()
    assert response.url == reverse("programmes:invitation_batch", args=[programme.slug, batch.pk])
    assert [row["email"] for row in batch.rows] == ["pat@example.org"]
    assert batch.source == InvitationBatch.Source.PARTICIPANTS


def test_one_address_with_a_name_is_read_as_one_person(sign_in, organiser, programme):
    _invite(sign_in(organiser), programme, source="one", email="ana@example.org", name="Ana <P>")

    [row] = InvitationBatch.objects.get().rows
    assert (row["email"], row["name"]) == ("ana@example.org", "Ana P")


def test_a_participant_who_accepts_twice_is_not_confused(client, programme, workshop):
    person = ready_person("twice@example.org", [Perspective.PATIENT])
    invitation = InvitationFactory(programme=programme, workshop=workshop, email=person.email)
    client.force_login(person)
    url = reverse("programmes:invitation_accept", args=[invitation.token])

    client.post(url)
    again = client.post(url)

    assert again.url == workshop.get_absolute_url()
    assert AuditEntry.objects.filter(action="programmes.invitation.accepted").count() == 1


def test_an_organiser_cannot_reach_another_programmes_invitation_through_their_own(
    sign_in, organiser, programme, other_programme
):
    theirs = InvitationFactory(programme=other_programme)

    response = sign_in(organiser).post(
        reverse("programmes:invitation_withdraw", args=[programme.slug, theirs.pk])
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Invitation.Status.SENT


def test_remind_from_a_filtered_list_reminds_only_the_people_shown(
    sign_in, organiser, programme, workshop
):
    InvitationFactory(programme=programme, workshop=workshop, email="w@example.org")
    InvitationFactory(programme=programme, email="p@example.org")
    client = sign_in(organiser)
    url = reverse("programmes:invitations", args=[programme.slug])
    listed = client.get(url, {"workshop": "programme"}).content.decode()
    assert '<input type="hidden" name="workshop" value="programme">' in listed

    client.post(
        reverse("programmes:invitations_remind", args=[programme.slug]), {"workshop": "programme"}
    )
    client.post(reverse("programmes:invitations_remind", args=[programme.slug]), {"workshop": "x"})

    assert list(OutboxMessage.objects.values_list("to", flat=True)) == ["p@example.org"]


def test_one_address_with_a_comma_in_the_name_is_still_one_person(sign_in, organiser, programme):
    _invite(sign_in(organiser), programme, source="one", email="sam@example.org", name="Jones, Sam")

    [row] = InvitationBatch.objects.get().rows
    assert (row["email"], row["name"], row["problem"]) == ("sam@example.org", "Jones, Sam", "")
