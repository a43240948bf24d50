"""The organisers' calendar: a month grid and a list, of their own programmes' workshops."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, ProgrammeFactory, VenueFactory, WorkshopFactory
from workshops.models import Workshop

MONTH = reverse("workshops:calendar")
LIST = reverse("workshops:calendar_list")
UTC = dt.UTC


def at(year, month, day, hour=10, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


def make(programme, title, starts_at, **kwargs):
    return WorkshopFactory(
        programme=programme,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        **kwargs,
    )


@pytest.fixture
def signed_in(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))
    return client


def test_month_grid_is_a_table_with_caption_and_day_headers(signed_in, programme):
    make(programme, "Clinic journeys", at(2026, 11, 12))

    response = signed_in.get(MONTH, {"month": "2026-11"})

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert "<caption>Workshops in November 2026, UK time</caption>" in page
    assert '<th scope="col"><abbr title="Monday">Mon</abbr></th>' in page
    detail = reverse("workshops:manage_detail", args=[Workshop.objects.get().pk])
    # Once in the grid, once in the list phones see.
    assert page.count(f'href="{detail}"') == 2
    assert "Thursday 12 November" in page


def test_month_has_links_to_the_months_either_side(signed_in, programme):
    page = signed_in.get(MONTH, {"month": "2027-01"}).content.decode()

    assert "?month=2026-12" in page
    assert "?month=2027-02" in page
    assert "January 2027" in page


def test_unreadable_month_shows_this_month(signed_in, programme):
    assert signed_in.get(MONTH, {"month": "banana"}).status_code == 200
    assert signed_in.get(MONTH, {"month": "2026-13"}).status_code == 200


def test_calendar_shows_only_the_persons_own_programmes(signed_in, programme, other_programme):
    make(programme, "Ours", at(2026, 11, 12))
    make(other_programme, "Theirs", at(2026, 11, 12))

    for url in (MONTH, LIST):
        page = signed_in.get(url, {"month": "2026-11"}).content.decode()
        assert "Ours" in page
        assert "Theirs" not in page


def test_calendar_includes_drafts_and_cancelled_with_their_status_in_words(signed_in, programme):
    make(programme, "Draft one", at(2026, 11, 3), status=Workshop.Status.DRAFT)
    make(programme, "Called off", at(2026, 11, 4), status=Workshop.Status.CANCELLED)

    page = signed_in.get(MONTH, {"month": "2026-11"}).content.decode()

    assert "Draft one" in page and "Draft</span>" in page
    assert "Called off" in page and "Cancelled</span>" in page


def test_filter_by_programme_among_the_persons_programmes(
    signed_in, organiser, programme, other_programme
):
    second = ProgrammeFactory(title="Second programme", slug="second")
    MembershipFactory(programme=second, user=organiser)
    make(programme, "Diabetes workshop", at(2026, 11, 12))
    make(second, "Second workshop", at(2026, 11, 13))

    page = signed_in.get(MONTH, {"month": "2026-11", "programme": "second"}).content.decode()

    assert "Second workshop" in page
    assert "Diabetes workshop" not in page
    assert '<option value="second" selected>' in page
    assert "?month=2026-12&amp;programme=second" in page


def test_filter_by_someone_elses_programme_is_not_found(signed_in, other_programme):
    for url in (MONTH, LIST):
        response = signed_in.get(url, {"programme": other_programme.slug})
        assert response.status_code == 404


def test_site_admin_sees_every_programme(client, admin, with_mfa, programme, other_programme):
    make(programme, "Ours", at(2026, 11, 12))
    make(other_programme, "Theirs", at(2026, 11, 12))
    client.force_login(with_mfa(admin))

    page = client.get(MONTH, {"month": "2026-11"}).content.decode()

    assert "Ours" in page and "Theirs" in page


def test_reviewer_sees_no_workshops_to_organise(client, reviewer, with_mfa, programme):
    make(programme, "Ours", at(2026, 11, 12))
    client.force_login(with_mfa(reviewer))

    response = client.get(MONTH, {"month": "2026-11"})

    assert response.status_code == 200
    assert "Ours" not in response.content.decode()
    assert "You don't organise a programme yet" in response.content.decode()


def test_participant_and_visitor_cannot_open_the_calendar(client, patient):
    for url in (MONTH, LIST):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    client.force_login(patient)
    for url in (MONTH, LIST):
        assert client.get(url).status_code == 403


def test_calendar_refuses_a_post(signed_in):
    assert signed_in.post(MONTH).status_code == 405
    assert signed_in.post(LIST).status_code == 405


def test_workshops_fall_on_their_uk_day_across_the_clock_change(signed_in, programme):
    # 00:30 on Saturday 24 October 2026 in the UK is 23:30 on the Friday in UTC (BST);
    # after the clocks go back, 00:30 on Monday 26 October is 00:30 UTC.
    make(programme, "Early Saturday", at(2026, 10, 23, 23, 30))
    make(programme, "Early Monday", at(2026, 10, 26, 0, 30))

    page = signed_in.get(LIST, {"month": "2026-10"}).content.decode()

    saturday = page.index("Saturday 24 October")
    monday = page.index("Monday 26 October")
    assert "Friday 23 October" not in page
    assert saturday < page.index("Early Saturday") < monday < page.index("Early Monday")
    assert "00:30 to 02:30" in page


def test_list_groups_workshops_by_date_with_place_counts(signed_in, programme):
    venue = VenueFactory(name="Riverside Centre")
    make(programme, "Morning", at(2026, 11, 12, 10), venue=venue, capacity=12)
    make(programme, "Afternoon", at(2026, 11, 12, 14), venue=venue)
    make(programme, "Next day", at(2026, 11, 13, 10), venue=venue)

    response = signed_in.get(LIST, {"month": "2026-11"})

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert page.count("Thursday 12 November") == 1
    assert page.index("Morning") < page.index("Afternoon") < page.index("Next day")
    assert "Riverside Centre" in page
    assert "0 of 12 places taken" in page


def test_empty_month_says_so(signed_in, programme):
    page = signed_in.get(LIST, {"month": "2030-02"}).content.decode()

    assert "No workshops in February 2030." in page


@pytest.mark.parametrize("url", [MONTH, LIST])
@pytest.mark.parametrize("count", [10, 200])
def test_calendar_runs_the_same_number_of_queries_however_many_workshops(
    signed_in, organiser, programme, url, count, django_assert_num_queries
):
    second = ProgrammeFactory()
    MembershipFactory(programme=second, user=organiser)
    venue = VenueFactory()
    for i in range(count):
        make(
            programme if i % 2 else second,
            f"Workshop {i}",
            at(2026, 11, 1 + i % 30, 9 + i % 8),
            venue=venue,
        )

    # session, user, roles, MFA, programmes, workshops
    with django_assert_num_queries(6):
        response = signed_in.get(url, {"month": "2026-11"})
    assert response.status_code == 200
    assert response.content.decode().count("Workshop ") >= count
