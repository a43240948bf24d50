"""Organisers and site admins record requests that reached them another way, for example from
someone without an account, and send a copy of, or erase, what we hold against the address.
An organiser acts on their own programme's records only; a site admin on everything."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from codesign.core.models import AuditEntry, OutboxMessage
from pairs.models import Pair
from participants.models import Profile
from privacy import services
from privacy.models import DataRequest, add_months
from programmes.models import Invitation, TeamRole
from tests.factories import (
    CohortFactory,
    MembershipFactory,
    ProfileFactory,
    RegistrationFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.feedback.support import text
from tests.privacy.support import person_with_everything
from workshops.models import GuardianConsent

SAM = "sam.outsider@example.org"
LIST = reverse("privacy:requests")
NEW = reverse("privacy:request_new")


def _detail(request: DataRequest) -> str:
    return reverse("privacy:request_detail", kwargs={"pk": request.pk})


def _download(request: DataRequest) -> str:
    return reverse("privacy:request_download", kwargs={"pk": request.pk})


def _erase(request: DataRequest) -> str:
    return reverse("privacy:request_erase", kwargs={"pk": request.pk})


@pytest.fixture
def sam(programme, other_programme):
    """Records held against an address with no account, in two programmes."""
    now = timezone.now()
    records = {}
    for place, name in ((programme, "here"), (other_programme, "there")):
        records[f"invitation_{name}"] = Invitation.objects.create(
            programme=place,
            email=SAM,
            name=f"Sam Outsider {name}",
            message="Hope you can come, Sam",
            token=f"sam-{name}",
            status=Invitation.Status.SENT,
            expires_at=now + dt.timedelta(days=5),
        )
        records[f"message_{name}"] = OutboxMessage.objects.create(
            key=f"invitation:sam:{name}",
            kind="invitation",
            to=SAM,
            programme=place,
            subject="You're invited, Sam",
            status=OutboxMessage.Status.SENT,
        )
    young = UserFactory(email="young.one@example.org")
    ProfileFactory(user=young, guardian_name="Sam Outsider", guardian_email=SAM)
    registration = RegistrationFactory(workshop=WorkshopFactory(programme=programme), user=young)
    records["consent"] = GuardianConsent.objects.create(
        registration=registration, guardian_name="Sam Outsider", guardian_email=SAM, token="g-sam"
    )
    professional = UserFactory(email="pro.for.sam@example.org")
    records["pair"] = Pair.objects.create(
        programme=programme,
        cohort=CohortFactory(programme=programme),
        professional=professional,
        partner_name="Sam Outsider",
        partner_email=SAM,
        partner_token="p-sam",
        task="t",
        organisation="o",
        organisation_support="s",
        how_we_work="w",
    )
    records["young"] = young
    return records


def _record(client, *, kind="access", email=SAM, programme=None, **extra):
    data = {
        "kind": kind,
        "email": email,
        "received_on": timezone.localdate().isoformat(),
        "identity_check": "They wrote from the address we hold.",
        **extra,
    }
    if programme is not None:
        data["programme"] = str(programme.pk)
    return client.post(NEW, data)


def test_an_organiser_records_a_request_and_sees_their_programmes_records_only(
    staff_client, organiser, programme, sam
):
    client = staff_client(organiser)

    response = _record(client, programme=programme)

    request = DataRequest.objects.get()
    assert response["Location"] == _detail(request)
    assert request.programme == programme and not request.all_programmes
    assert request.recorded_by == organiser and request.user is None
    assert request.reply_by == add_months(timezone.localdate(), 1)
    page = text(client.get(_detail(request)))
    assert "Sam Outsider here" in page
    assert "Sam Outsider there" not in page
    assert "The parent or guardian" in page
    assert "Invited as the partner" in page
    assert AuditEntry.objects.filter(action="privacy.request.recorded").exists()


def test_downloading_sends_the_programmes_records_and_completes_an_access_request(
    staff_client, organiser, programme, sam
):
    client = staff_client(organiser)
    _record(client, programme=programme)
    request = DataRequest.objects.get()

    response = client.get(_download(request))

    assert response["Content-Disposition"].startswith('attachment; filename="data-request-')
    data = json.loads(response.content)
    assert data["has_account"] is False
    assert data["covers"] == "one programme's records"
    assert [i["name"] for i in data["invitations"]] == ["Sam Outsider here"]
    assert [m["subject"] for m in data["messages"]] == ["You're invited, Sam"]
    assert data["guardian_consents"][0]["you_are"] == "guardian"
    assert data["pairs"][0]["you_are"] == "invited"
    # Someone's profile belongs to no programme: only a site admin's request reaches it.
    assert data["named_by_others"] == []
    assert data["profile"] is None
    request.refresh_from_db()
    assert request.is_done and request.completed_by == organiser
    assert request.summary["invitations"] == 1
    assert AuditEntry.objects.filter(action="privacy.request.exported", actor=organiser).exists()


def test_an_organiser_erases_the_address_from_their_programme_only(
    staff_client, organiser, programme, sam, django_capture_on_commit_callbacks
):
    client = staff_client(organiser)
    _record(client, kind="erasure", programme=programme)
    request = DataRequest.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_erase(request), {"understood": "on"})

    assert response["Location"] == _detail(request)
    here = Invitation.objects.get(pk=sam["invitation_here"].pk)
    assert here.email == services.ERASED_ADDRESS and here.name == here.message == ""
    assert here.status == Invitation.Status.WITHDRAWN
    assert Invitation.objects.get(pk=sam["invitation_there"].pk).email == SAM
    assert OutboxMessage.objects.get(pk=sam["message_here"].pk).to == services.ERASED_ADDRESS
    assert OutboxMessage.objects.get(pk=sam["message_there"].pk).to == SAM
    consent = GuardianConsent.objects.get(pk=sam["consent"].pk)
    assert consent.guardian_email == services.ERASED_ADDRESS and consent.guardian_name == ""
    pair = Pair.objects.get(pk=sam["pair"].pk)
    assert pair.partner_email == services.ERASED_ADDRESS and pair.partner_name == ""
    # Beyond their programme: untouched.
    assert Profile.objects.get(user=sam["young"]).guardian_email == SAM
    request.refresh_from_db()
    assert request.is_done and request.email == ""
    assert request.summary == {
        "emails": 1,
        "guardian consents": 1,
        "invitations": 1,
        "pair invitations": 1,
    }
    page = text(client.get(_detail(request)))
    assert "Removed after erasure" in page
    assert "Erase their data</button>" not in page


def test_nothing_is_erased_without_the_tick(staff_client, organiser, programme, sam):
    client = staff_client(organiser)
    _record(client, kind="erasure", programme=programme)
    request = DataRequest.objects.get()

    response = client.post(_erase(request), {})

    assert response.status_code == 200
    assert "Tick the box to say you understand." in text(response)
    assert Invitation.objects.get(pk=sam["invitation_here"].pk).email == SAM
    request.refresh_from_db()
    assert not request.is_done


def test_a_site_admin_erases_the_address_everywhere(
    staff_client, admin, sam, django_capture_on_commit_callbacks
):
    client = staff_client(admin)
    _record(client, kind="erasure")
    request = DataRequest.objects.get()
    assert request.all_programmes and request.programme is None

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_erase(request), {"understood": "on"})

    assert not Invitation.objects.filter(email=SAM).exists()
    assert not OutboxMessage.objects.filter(to=SAM).exists()
    profile = Profile.objects.get(user=sam["young"])
    assert profile.guardian_email == "" and profile.guardian_name == ""
    for entry in AuditEntry.objects.all():
        assert SAM not in entry.object_repr + json.dumps(entry.data)


def test_a_site_admin_can_act_for_someone_with_an_account(
    staff_client, admin, programme, django_capture_on_commit_callbacks
):
    rosa = person_with_everything(programme=programme)
    client = staff_client(admin)
    _record(client, kind="erasure", email=rosa.user.email.upper())
    request = DataRequest.objects.get()
    assert request.user == rosa.user
    assert "Rosa Quillfeather" in text(client.get(_detail(request)))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_erase(request), {"understood": "on"})

    rosa.user.refresh_from_db()
    assert services.is_erased(rosa.user) and not rosa.user.is_active
    entry = AuditEntry.objects.get(action="privacy.person.erased")
    assert entry.actor == admin and entry.data["reason"] == "team"


def test_a_site_admin_is_told_to_take_team_roles_away_first(staff_client, admin, organiser):
    client = staff_client(admin)
    _record(client, kind="erasure", email=organiser.email)
    request = DataRequest.objects.get()

    response = client.post(_erase(request), {"understood": "on"}, follow=True)

    assert "Take their roles away first" in text(response)
    organiser.refresh_from_db()
    assert organiser.is_active


def test_an_organiser_is_sent_to_the_account_holder_or_a_site_admin(
    staff_client, organiser, programme, patient
):
    RegistrationFactory(workshop=WorkshopFactory(programme=programme), user=patient)
    client = staff_client(organiser)

    response = _record(client, programme=programme, email=patient.email)

    assert response.status_code == 200
    assert "This address belongs to an account" in text(response)
    assert not DataRequest.objects.exists()


def test_an_organiser_is_told_when_their_programme_holds_nothing_for_the_address(
    staff_client, organiser, programme, other_programme
):
    Invitation.objects.create(
        programme=other_programme,
        email="elsewhere@example.org",
        token="elsewhere",
        expires_at=timezone.now(),
    )
    client = staff_client(organiser)

    response = _record(client, programme=programme, email="elsewhere@example.org")

    assert "We hold nothing for elsewhere@example.org in Diabetes care together" in text(response)
    assert not DataRequest.objects.exists()


def test_an_organiser_cannot_choose_a_programme_they_do_not_organise(
    staff_client, organiser, other_programme, sam
):
    response = _record(staff_client(organiser), programme=other_programme)

    assert "Choose one of your programmes." in text(response)
    assert not DataRequest.objects.exists()


def test_a_bad_request_form_says_what_to_fix(staff_client, organiser, programme):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()

    response = _record(
        staff_client(organiser),
        programme=programme,
        email="not an address",
        received_on=tomorrow,
        identity_check="",
    )

    page = text(response)
    assert "Type an email address like name@example.org." in page
    assert "can't be in the future" in page
    assert "Say how you checked it is them." in page
    assert not DataRequest.objects.exists()


def test_organisers_of_other_programmes_get_not_found(
    staff_client, organiser, other_organiser, programme, sam
):
    _record(staff_client(organiser), kind="erasure", programme=programme)
    request = DataRequest.objects.get()
    client = staff_client(other_organiser)

    assert client.get(_detail(request)).status_code == 404
    assert client.get(_download(request)).status_code == 404
    assert client.post(_erase(request), {"understood": "on"}).status_code == 404
    assert f"Request {request.pk}" not in text(client.get(LIST))
    assert Invitation.objects.get(pk=sam["invitation_here"].pk).email == SAM


def test_a_site_admin_sees_every_request(staff_client, organiser, admin, programme, sam):
    _record(staff_client(organiser), programme=programme)
    request = DataRequest.objects.get()

    page = text(staff_client(admin).get(LIST))

    assert f"Request {request.pk}" in page
    assert staff_client(admin).get(_detail(request)).status_code == 200


@pytest.mark.parametrize("url", [LIST, NEW])
def test_reviewers_and_participants_are_refused(staff_client, reviewer, url):
    assert staff_client(reviewer).get(url).status_code == 403


@pytest.mark.parametrize("url", [LIST, NEW])
def test_participants_are_refused(client, patient, url):
    client.force_login(patient)

    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", [LIST, NEW])
def test_signed_out_people_are_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_staff_without_two_step_sign_in_set_up_are_asked_to_set_it_up(client, organiser):
    client.force_login(organiser)

    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_each_page_takes_only_the_methods_it_needs(staff_client, organiser, programme, sam):
    client = staff_client(organiser)
    _record(client, programme=programme)
    request = DataRequest.objects.get()

    assert client.get(_erase(request)).status_code == 405
    assert client.post(_download(request)).status_code == 405
    assert client.post(_detail(request)).status_code == 405
    assert client.post(LIST).status_code == 405


def test_an_access_request_cannot_be_used_to_erase(staff_client, organiser, programme, sam):
    client = staff_client(organiser)
    _record(client, programme=programme)
    request = DataRequest.objects.get()

    response = client.post(_erase(request), {"understood": "on"}, follow=True)

    assert "not an erasure" in text(response)
    assert Invitation.objects.get(pk=sam["invitation_here"].pk).email == SAM


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_and_a_request_cost_the_same_queries_however_many(
    staff_client, admin, programme, sam
):
    client = staff_client(admin)
    _record(client)
    request = DataRequest.objects.get()
    client.get(LIST)  # shows, and so clears, the "recorded" message
    small = (_count(client, LIST), _count(client, _detail(request)))
    for n in range(12):
        MembershipFactory(programme=programme, role=TeamRole.ORGANISER)
        Invitation.objects.create(
            programme=programme, email=SAM, token=f"more-{n}", expires_at=timezone.now()
        )
        DataRequest.objects.create(kind="access", email=f"p{n}@example.org", recorded_by=admin)

    assert (_count(client, LIST), _count(client, _detail(request))) == small


def test_requests_still_to_do_come_first(staff_client, admin):
    older = DataRequest.objects.create(kind="access", email="older@example.org", recorded_by=admin)
    DataRequest.objects.create(
        kind="access", email="done@example.org", recorded_by=admin, status=DataRequest.Status.DONE
    )

    page = text(staff_client(admin).get(LIST))

    assert page.index("older@example.org") < page.index("done@example.org")
    assert older.reply_by.strftime("%-d %B %Y") in page


def test_a_request_whose_address_was_erased_finds_nothing(staff_client, admin, patient, sam):
    Profile.objects.filter(user=patient).update(copies_to_email="")
    request = DataRequest.objects.create(
        kind="access", email="", all_programmes=True, recorded_by=admin
    )

    data = json.loads(staff_client(admin).get(_download(request)).content)

    assert data["named_by_others"] == [] and data["invitations"] == []
    assert services.email_erase(email=" ", programme_ids=None, by=admin) == {}
    assert Invitation.objects.filter(email=SAM).count() == 2
