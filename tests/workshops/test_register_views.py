import pytest
from django.urls import reverse
from icalendar import Calendar

from tests.factories import WorkshopFactory
from tests.workshops.registration_support import ready_person
from workshops.models import CalendarFeed, GuardianConsent, Registration, Workshop
from workshops.services import registration_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def carer_ready():
    return ready_person("ready.carer@example.org", ["carer"])


@pytest.fixture
def online_workshop():
    return WorkshopFactory(
        capacity=1,
        format=Workshop.Format.ONLINE,
        venue=None,
        joining_url="https://video.example.org/join/abc",
    )


def test_registering_from_the_workshop_page_gives_a_place(client, carer_ready, online_workshop):
    client.force_login(carer_ready)

    response = client.post(reverse("workshops:register", args=[online_workshop.pk]), follow=True)

    assert Registration.objects.get(user=carer_ready).status == "confirmed"
    page = response.content.decode()
    assert "You have a place." in page
    assert "https://video.example.org/join/abc" in page


def test_a_full_workshop_puts_people_on_the_waiting_list_with_their_number(
    client, carer_ready, online_workshop
):
    registration_create(
        workshop=online_workshop, user=ready_person("first@example.org", ["patient"])
    )
    client.force_login(carer_ready)

    response = client.post(reverse("workshops:register", args=[online_workshop.pk]), follow=True)

    page = response.content.decode()
    assert "You are number 1" in page
    assert "https://video.example.org/join/abc" not in page


def test_someone_with_an_unfinished_profile_is_sent_to_finish_it_and_brought_back(
    client, patient, online_workshop
):
    client.force_login(patient)

    response = client.post(reverse("workshops:register", args=[online_workshop.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("participants:profile"))
    assert "next=" in response.url
    assert not Registration.objects.exists()


def test_registering_needs_a_post_and_a_signed_in_person(client, online_workshop):
    url = reverse("workshops:register", args=[online_workshop.pk])

    assert client.post(url).url.startswith(reverse("account_login"))
    assert client.get(url).status_code == 405


def test_people_can_cancel_only_their_own_registration(client, carer_ready, online_workshop):
    other = ready_person("other@example.org", ["patient"])
    registration = registration_create(workshop=online_workshop, user=other)
    client.force_login(carer_ready)

    response = client.post(reverse("workshops:registration_cancel", args=[registration.pk]))

    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_cancelling_gives_the_place_to_the_next_person(client, carer_ready, online_workshop):
    mine = registration_create(workshop=online_workshop, user=carer_ready)
    waiting = registration_create(
        workshop=online_workshop, user=ready_person("waiting@example.org", ["patient"])
    )
    client.force_login(carer_ready)

    response = client.post(reverse("workshops:registration_cancel", args=[mine.pk]), follow=True)

    assert "Your place is cancelled" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_my_workshops_runs_a_fixed_number_of_queries(
    client, carer_ready, django_assert_num_queries
):
    def load():
        with django_assert_num_queries(6):
            response = client.get(reverse("workshops:mine"))
        assert response.status_code == 200
        return response

    client.force_login(carer_ready)
    registration_create(workshop=WorkshopFactory(capacity=0), user=carer_ready)
    load()
    for _ in range(15):
        registration_create(workshop=WorkshopFactory(), user=carer_ready)
        registration_create(workshop=WorkshopFactory(capacity=0), user=carer_ready)
    page = load().content.decode()
    assert page.count("Cancel my place") == 15
    assert page.count("Leave the waiting list") == 16


def test_the_private_calendar_lists_my_workshops_and_can_be_replaced(
    client, carer_ready, online_workshop
):
    registration_create(workshop=online_workshop, user=carer_ready)
    client.force_login(carer_ready)
    client.post(reverse("workshops:my_feed_reset"))
    old_token = CalendarFeed.objects.get(user=carer_ready).token
    client.logout()

    feed = client.get(reverse("workshops:my_feed", args=[old_token]))
    calendar = Calendar.from_ical(feed.content)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == [online_workshop.title]
    assert b"video.example.org" not in feed.content

    client.force_login(carer_ready)
    client.post(reverse("workshops:my_feed_reset"))
    client.logout()
    assert client.get(reverse("workshops:my_feed", args=[old_token])).status_code == 404


def test_a_guardian_says_yes_through_the_link_without_an_account(client, online_workshop):
    young = ready_person(
        "young.one@example.org",
        ["young_person"],
        age=15,
        guardian_name="Gail Guardian",
        guardian_email="gail@example.org",
    )
    registration = registration_create(workshop=online_workshop, user=young)
    consent = GuardianConsent.objects.get(registration=registration)
    url = reverse("workshops:guardian_consent", args=[consent.token])

    page = client.get(url).content.decode()
    assert "Can Young.One take part?" in page
    response = client.post(url, follow=True)

    assert "Their place is confirmed" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_a_wrong_guardian_link_shows_not_found(client, db):
    assert client.get(reverse("workshops:guardian_consent", args=["nope"])).status_code == 404
