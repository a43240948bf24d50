"""Check-in on the day: find someone by name, one tap, works with and without JavaScript;
afterwards, everyone not checked in is marked as did not attend."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from codesign.core.models import AuditEntry
from participants.models import SupportNeed
from tests.factories import WorkshopFactory
from tests.workshops.registrants_support import registered
from workshops.models import Registration, RegistrationEvent

Status = Registration.Status


@pytest.fixture
def workshop(programme):
    """Started half an hour ago."""
    now = timezone.now()
    return WorkshopFactory(
        programme=programme,
        title="Mapping the clinic visit",
        starts_at=now - dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(hours=2),
    )


@pytest.fixture
def next_week(programme):
    return WorkshopFactory(programme=programme, title="Next week's workshop")


@pytest.fixture
def signed_in(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))
    return client


def page_url(workshop, **query):
    url = reverse("workshops:checkin", args=[workshop.pk])
    return url + (f"?q={query['q']}" if query else "")


def tap_url(workshop, registration):
    return reverse("workshops:checkin_person", args=[workshop.pk, registration.pk])


def undo_url(workshop, registration):
    return reverse("workshops:checkin_undo", args=[workshop.pk, registration.pk])


def no_shows_url(workshop):
    return reverse("workshops:checkin_no_shows", args=[workshop.pk])


def test_list_shows_people_with_a_place_each_with_one_button(signed_in, workshop):
    registered(workshop, "Ade", companion_name="Bola", support_needs=[SupportNeed.STEP_FREE])
    registered(workshop, "Cai", status=Status.ATTENDED)
    registered(workshop, "Waiting Wyn", status=Status.WAITLISTED)
    registered(workshop, "Gone Gus", status=Status.CANCELLED)

    response = signed_in.get(page_url(workshop))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "Ade" in page and "With Bola (companion)" in page and "Step-free access" in page
    assert "Cai" in page
    assert "Waiting Wyn" not in page and "Gone Gus" not in page
    assert page.count(">Check in<span") == 1
    assert page.count(">Undo<span") == 1
    assert "1 of 2 checked in" in page
    assert 'label for="checkin-q"' in page


def test_search_finds_people_by_name_or_email_whatever_the_case(signed_in, workshop):
    registered(workshop, "Ade Adeyemi")
    registered(workshop, "Cai Jones", email="cai@clinic.example.org")
    registered(workshop, "Dee")

    by_name = signed_in.get(page_url(workshop, q="aDEy")).content.decode()
    by_email = signed_in.get(page_url(workshop, q="CLINIC")).content.decode()
    nobody = signed_in.get(page_url(workshop, q="zzz")).content.decode()

    assert "Ade Adeyemi" in by_name and "Cai Jones" not in by_name and "Dee" not in by_name
    assert "Cai Jones" in by_email and "Ade Adeyemi" not in by_email
    assert "Nobody with a place matches “zzz”" in nobody


def test_one_tap_checks_someone_in_and_returns_to_the_search(signed_in, workshop, organiser):
    ade = registered(workshop, "Ade")

    response = signed_in.post(tap_url(workshop, ade), {"q": "ad"})

    assert response.status_code == 302
    assert response.url == page_url(workshop, q="ad") + f"#person-{ade.pk}"
    ade.refresh_from_db()
    assert ade.status == Status.ATTENDED
    assert ade.checked_in_at is not None
    event = RegistrationEvent.objects.get(registration=ade)
    assert event.kind == RegistrationEvent.Kind.CHECKED_IN
    assert event.by == organiser
    page = signed_in.get(response.url).content.decode()
    assert "Ade is checked in." in page


def test_a_second_tap_says_already_checked_in_and_changes_nothing(signed_in, workshop):
    ade = registered(workshop, "Ade")
    signed_in.post(tap_url(workshop, ade))
    ade.refresh_from_db()
    first = ade.checked_in_at

    response = signed_in.post(tap_url(workshop, ade), follow=True)

    assert "Already checked in: Ade. Nothing changed." in response.content.decode()
    ade.refresh_from_db()
    assert ade.checked_in_at == first
    assert RegistrationEvent.objects.filter(registration=ade).count() == 1


def test_with_htmx_the_row_is_replaced_in_place(signed_in, workshop):
    ade = registered(workshop, "Ade")
    registered(workshop, "Bea")

    response = signed_in.post(tap_url(workshop, ade), {"q": ""}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="person-{ade.pk}"')
    assert "Checked in" in html and ">Undo<span" in html
    assert f'id="action-{ade.pk}"' in html  # focus stays on the same control
    assert '<div id="checkin-announcement" hx-swap-oob="innerHTML">Ade is checked in.</div>' in html
    assert "1 of 2 checked in" in html
    assert "<html" not in html


def test_buttons_post_with_htmx_and_without(signed_in, workshop):
    ade = registered(workshop, "Ade")

    page = signed_in.get(page_url(workshop)).content.decode()

    assert f'method="post" action="{tap_url(workshop, ade)}"' in page
    assert f'hx-post="{tap_url(workshop, ade)}" hx-target="#person-{ade.pk}"' in page


def test_undo_takes_back_a_check_in(signed_in, workshop, organiser):
    ade = registered(workshop, "Ade")
    signed_in.post(tap_url(workshop, ade))

    response = signed_in.post(undo_url(workshop, ade), follow=True)

    assert "Ade is no longer checked in." in response.content.decode()
    ade.refresh_from_db()
    assert ade.status == Status.CONFIRMED
    assert ade.checked_in_at is None
    entry = AuditEntry.objects.get(action="workshops.registration.check_in_undone")
    assert entry.actor == organiser


def test_check_in_waits_for_the_day(signed_in, next_week):
    ade = registered(next_week, "Ade")

    page = signed_in.get(page_url(next_week)).content.decode()
    response = signed_in.post(tap_url(next_week, ade), follow=True)

    assert "Check-in opens on the day of the workshop" in page
    assert ">Check in<span" not in page
    assert "Check-in opens on the day of the workshop." in response.content.decode()
    ade.refresh_from_db()
    assert ade.status == Status.CONFIRMED and ade.checked_in_at is None


def test_someone_without_a_place_cannot_be_checked_in(signed_in, workshop, other_programme):
    waiting = registered(workshop, "Wyn", status=Status.WAITLISTED)
    elsewhere = registered(WorkshopFactory(programme=other_programme), "Eli")

    assert signed_in.post(tap_url(workshop, waiting)).status_code == 404
    assert signed_in.post(tap_url(workshop, elsewhere)).status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITLISTED


def test_after_it_starts_everyone_not_checked_in_is_marked_as_did_not_attend(
    signed_in, workshop, organiser
):
    here = registered(workshop, "Here")
    missing = registered(workshop, "Missing")
    waiting = registered(workshop, "Waiting", status=Status.WAITLISTED)
    signed_in.post(tap_url(workshop, here))
    page = signed_in.get(page_url(workshop)).content.decode()
    assert "Mark everyone not checked in as did not attend" in page

    response = signed_in.post(no_shows_url(workshop), follow=True)

    assert "1 person marked as did not attend." in response.content.decode()
    for registration, status in (
        (here, Status.ATTENDED),
        (missing, Status.NO_SHOW),
        (waiting, Status.WAITLISTED),
    ):
        registration.refresh_from_db()
        assert registration.status == status
    entry = AuditEntry.objects.get(action="workshops.registrants.no_shows_marked")
    assert entry.data == {"registrations": [missing.pk]}
    # Someone marked by mistake can still be checked in.
    signed_in.post(tap_url(workshop, missing))
    missing.refresh_from_db()
    assert missing.status == Status.ATTENDED


def test_nobody_is_marked_as_did_not_attend_before_it_starts(signed_in, next_week):
    ade = registered(next_week, "Ade")

    page = signed_in.get(page_url(next_week)).content.decode()
    response = signed_in.post(no_shows_url(next_week), follow=True)

    assert "Mark everyone not checked in" not in page
    assert "The workshop hasn&#x27;t started yet" in response.content.decode()
    ade.refresh_from_db()
    assert ade.status == Status.CONFIRMED


@pytest.mark.parametrize(
    ("name", "method", "wrong"),
    [
        ("checkin", "get", "post"),
        ("checkin_person", "post", "get"),
        ("checkin_undo", "post", "get"),
        ("checkin_no_shows", "post", "get"),
    ],
)
def test_wrong_method_is_refused(signed_in, workshop, name, method, wrong):
    ade = registered(workshop, "Ade")
    args = [workshop.pk] if name in ("checkin", "checkin_no_shows") else [workshop.pk, ade.pk]

    assert getattr(signed_in, wrong)(reverse(f"workshops:{name}", args=args)).status_code == 405


@pytest.fixture
def outsiders(client, reviewer, other_organiser, patient, with_mfa):
    with_mfa(reviewer)
    with_mfa(other_organiser)
    return client


def _every_action(client, workshop, ade):
    return [
        client.get(page_url(workshop)),
        client.post(tap_url(workshop, ade)),
        client.post(undo_url(workshop, ade)),
        client.post(no_shows_url(workshop)),
    ]


def test_reviewer_and_other_organisers_find_nothing_and_change_nothing(
    outsiders, workshop, reviewer, other_organiser
):
    ade = registered(workshop, "Ade")
    for person in (reviewer, other_organiser):
        outsiders.force_login(person)
        assert [r.status_code for r in _every_action(outsiders, workshop, ade)] == [404] * 4
    ade.refresh_from_db()
    assert ade.status == Status.CONFIRMED


def test_participant_is_refused(client, patient, workshop):
    ade = registered(workshop, "Ade")
    client.force_login(patient)

    assert [r.status_code for r in _every_action(client, workshop, ade)] == [403] * 4


def test_visitor_is_asked_to_sign_in(client, workshop):
    ade = registered(workshop, "Ade")

    for response in _every_action(client, workshop, ade):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    ade.refresh_from_db()
    assert ade.status == Status.CONFIRMED


def test_site_admin_checks_people_in(client, admin, with_mfa, workshop):
    ade = registered(workshop, "Ade")
    client.force_login(with_mfa(admin))

    client.post(tap_url(workshop, ade))

    ade.refresh_from_db()
    assert ade.status == Status.ATTENDED


@pytest.mark.parametrize("count", [5, 100])
def test_check_in_page_runs_the_same_number_of_queries_however_many_people(
    signed_in, workshop, count, django_assert_num_queries
):
    for i in range(count):
        registered(workshop, f"Person {i}", status=[Status.CONFIRMED, Status.ATTENDED][i % 2])

    # session, user, roles, MFA, workshop, access record, counts, people
    with django_assert_num_queries(8):
        response = signed_in.get(page_url(workshop))

    assert response.content.decode().count('class="checkin-row') == count
