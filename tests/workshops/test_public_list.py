import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import Programme
from tests.factories import ProgrammeFactory, RegistrationFactory, VenueFactory, WorkshopFactory
from workshops.models import Registration, Workshop

UK = ZoneInfo("Europe/London")


def url(**params):
    from urllib.parse import urlencode

    return reverse("workshops:list") + (f"?{urlencode(params)}" if params else "")


def in_days(days: int, hour: int = 10) -> dt.datetime:
    day = timezone.now().astimezone(UK).date() + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=UK)


def month_value(months_ahead: int) -> tuple[str, dt.datetime]:
    """("2027-01", a Wednesday 10am in that month) for a month this many months ahead."""
    today = timezone.now().astimezone(UK).date()
    year, month = divmod(today.month - 1 + months_ahead, 12)
    first = dt.date(today.year + year, month + 1, 1)
    mid = dt.datetime(first.year, first.month, 15, 10, tzinfo=UK)
    return f"{first:%Y-%m}", mid


def test_list_shows_only_upcoming_published_workshops_of_public_programmes(client, programme):
    WorkshopFactory(programme=programme, title="Map the first appointment")
    WorkshopFactory(programme=programme, title="Still a draft", status=Workshop.Status.DRAFT)
    WorkshopFactory(programme=programme, title="Called off", status=Workshop.Status.CANCELLED)
    WorkshopFactory(programme=programme, title="Happened last month", starts_at=in_days(-30))
    hidden = ProgrammeFactory(status=Programme.Status.DRAFT)
    WorkshopFactory(programme=hidden, title="In a draft programme")

    response = client.get(url())

    assert response.status_code == 200
    page = response.content.decode()
    assert "Map the first appointment" in page
    for title in ("Still a draft", "Called off", "Happened last month", "In a draft programme"):
        assert title not in page
    assert page.count("<h1") == 1
    assert '<p role="status">' in page
    assert "1 workshop." in page


def test_each_workshop_says_when_where_and_how_many_places_are_left_in_words(client, programme):
    start = dt.datetime(2030, 11, 5, 10, tzinfo=UK)
    workshop = WorkshopFactory(
        programme=programme,
        title="Design the clinic letter",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        venue=VenueFactory(name="Riverside Community Centre"),
        capacity=3,
        bursaries_available=True,
    )
    RegistrationFactory(workshop=workshop)
    RegistrationFactory(workshop=workshop, status=Registration.Status.WAITLISTED)
    WorkshopFactory(
        programme=programme,
        title="Talk it through online",
        format=Workshop.Format.ONLINE,
        venue=None,
        joining_url="https://meet.example.org/abc",
        capacity=1,
    )
    RegistrationFactory(workshop=Workshop.objects.get(title="Talk it through online"))

    page = client.get(url()).content.decode()

    assert "Tuesday 5 November 2030, 10am to 1pm" in page
    assert "Riverside Community Centre" in page
    assert "In person" in page
    assert "Diabetes care together" in page
    assert "Bursaries available" in page
    assert "2 places left" in page
    assert "Full – join the waiting list" in page
    assert reverse("workshops:detail", args=[workshop.pk]) in page


def test_the_form_works_without_javascript(client, db):
    page = client.get(url()).content.decode()

    assert 'method="get"' in page
    assert "Show workshops" in page
    for label in ("Search", "Programme", "In person or online", "Month"):
        assert re.search(rf'<label\s+for="id_\w+" class="form-label">\s*{label}\s*</label>', page)


def test_people_can_filter_by_programme(client, programme, other_programme):
    WorkshopFactory(programme=programme, title="Diabetes clinic letters")
    WorkshopFactory(programme=other_programme, title="Student wellbeing walk-in")

    page = client.get(url(programme=other_programme.slug)).content.decode()

    assert "Student wellbeing walk-in" in page
    assert "Diabetes clinic letters" not in page


def test_only_public_programmes_are_offered_in_the_programme_filter(client, programme):
    ProgrammeFactory(title="Secret pilot", status=Programme.Status.DRAFT)

    page = client.get(url()).content.decode()

    assert f'value="{programme.slug}"' in page
    assert "Secret pilot" not in page


def test_people_can_filter_by_format(client, programme):
    WorkshopFactory(programme=programme, title="In the hall")
    WorkshopFactory(
        programme=programme,
        title="On a video call",
        format=Workshop.Format.ONLINE,
        venue=None,
        joining_url="https://meet.example.org/abc",
    )

    page = client.get(url(format="online")).content.decode()

    assert "On a video call" in page
    assert "In the hall" not in page


def test_people_can_filter_by_month(client, programme):
    soon_value, soon = month_value(1)
    _, later = month_value(3)
    WorkshopFactory(programme=programme, title="Next month's workshop", starts_at=soon)
    WorkshopFactory(programme=programme, title="A later workshop", starts_at=later)

    page = client.get(url(month=soon_value)).content.decode()

    assert "Next month&#x27;s workshop" in page
    assert "A later workshop" not in page
    assert f'<option value="{soon_value}" selected>' in page


def test_month_filter_offers_the_next_twelve_months(client, db):
    page = client.get(url()).content.decode()

    this_month, _ = month_value(0)
    last, _ = month_value(11)
    too_far, _ = month_value(12)
    assert f'value="{this_month}"' in page
    assert f'value="{last}"' in page
    assert f'value="{too_far}"' not in page


@pytest.mark.parametrize("query", ["LETTER", "teenagers", "riverside"])
def test_search_looks_in_title_audience_and_place_whatever_the_case(client, programme, query):
    WorkshopFactory(
        programme=programme,
        title="Rewrite the clinic letter",
        audience="Teenagers with diabetes and their parents",
        venue=VenueFactory(name="Riverside Hall"),
    )
    WorkshopFactory(programme=programme, title="Something else", audience="Staff")

    page = client.get(url(q=query)).content.decode()

    assert "Rewrite the clinic letter" in page
    assert "Something else" not in page
    assert "1 workshop matches your filters." in page


def test_search_looks_in_the_description(client, programme):
    WorkshopFactory(programme=programme, title="Journey mapping", description="Bring *photos*.")
    WorkshopFactory(programme=programme, title="Something else")

    page = client.get(url(q="photos")).content.decode()

    assert "Journey mapping" in page
    assert "Something else" not in page


def test_no_match_says_what_to_do_next(client, programme):
    WorkshopFactory(programme=programme)

    page = client.get(url(q="no such thing")).content.decode()

    assert "No workshops match. Try fewer filters." in page
    assert "Clear the filters" in page


def test_a_filter_that_makes_no_sense_is_explained_and_the_others_still_apply(client, programme):
    WorkshopFactory(programme=programme, title="Rewrite the clinic letter")
    WorkshopFactory(programme=programme, title="Something else")

    response = client.get(url(month="1999-01", q="letter"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose a month from the list." in page
    assert "Rewrite the clinic letter" in page
    assert "Something else" not in page


def test_the_list_is_paginated_twenty_at_a_time_and_keeps_the_filters(client, programme):
    venue = VenueFactory()
    WorkshopFactory.create_batch(45, programme=programme, venue=venue, title="Mapping session")

    first = client.get(url(q="mapping")).content.decode()
    last = client.get(url(q="mapping", page=3)).content.decode()

    assert first.count('class="card mb-3"') == 20
    assert last.count('class="card mb-3"') == 5
    assert '<nav aria-label="Pages of workshops">' in first
    assert "This is page 1 of 3." in first
    assert 'href="?q=mapping&amp;page=2"' in first
    assert 'href="?q=mapping&amp;page=3" aria-current="page"' in last
    assert "Next<span" not in last


def test_a_page_number_out_of_range_shows_the_last_page(client, programme):
    WorkshopFactory.create_batch(21, programme=programme)

    response = client.get(url(page=99))

    assert response.status_code == 200
    assert "This is page 2 of 2." in response.content.decode()


def test_the_list_refuses_a_post(client, db):
    assert client.post(url()).status_code == 405


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_list_runs_the_same_queries_for_10_and_200_workshops(
    client, programme, patient, django_assert_num_queries, django_assert_max_num_queries, signed_in
):
    if signed_in:
        client.force_login(patient)
    venue = VenueFactory()

    def add(n):
        for workshop in WorkshopFactory.create_batch(n, programme=programme, venue=venue):
            RegistrationFactory(workshop=workshop)

    filtered = url(q="workshop", format="in_person")
    add(10)
    with django_assert_max_num_queries(7) as small:
        client.get(filtered)
    add(190)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(filtered).content.decode()

    assert "200 workshops match your filters." in page
