import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from workshops.templatetags.workshop_words import (
    contact_link,
    duration_words,
    places_left_words,
    time_words,
    when_words,
    with_article_words,
)

UK = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("time", "words"),
    [
        (dt.time(10, 0), "10am"),
        (dt.time(10, 30), "10:30am"),
        (dt.time(12, 0), "midday"),
        (dt.time(13, 5), "1:05pm"),
        (dt.time(0, 0), "midnight"),
        (dt.time(0, 30), "12:30am"),
    ],
)
def test_times_read_as_people_say_them(time, words):
    assert time_words(time) == words


def test_workshop_times_are_given_in_uk_time_whatever_time_zone_they_come_in():
    start = dt.datetime(2026, 7, 1, 9, tzinfo=dt.UTC)  # 10am British Summer Time

    assert when_words(start, start + dt.timedelta(hours=3)) == "Wednesday 1 July 2026, 10am to 1pm"


def test_a_workshop_over_two_days_gives_both_dates():
    start = dt.datetime(2026, 11, 3, 18, tzinfo=UK)

    assert (
        when_words(start, start + dt.timedelta(hours=20))
        == "Tuesday 3 November 2026, 6pm to Wednesday 4 November 2026, 2pm"
    )


@pytest.mark.parametrize(
    ("minutes", "words"),
    [(45, "45 minutes"), (60, "1 hour"), (90, "1 hour and 30 minutes"), (180, "3 hours")],
)
def test_durations_read_as_people_say_them(minutes, words):
    start = dt.datetime(2026, 11, 3, 10, tzinfo=UK)

    assert duration_words(start, start + dt.timedelta(minutes=minutes)) == words


@pytest.mark.parametrize(
    ("confirmed", "words"),
    [(0, "3 places left"), (2, "1 place left"), (3, "Full – join the waiting list")],
)
def test_places_left_in_words(confirmed, words):
    class Workshop:
        capacity = 3
        confirmed_count = confirmed

    assert places_left_words(Workshop()) == words


@pytest.mark.parametrize(
    ("term", "words"),
    [
        ("patient partner", "a patient partner"),
        ("expert by experience", "an expert by experience"),
        ("person with lived experience", "a person with lived experience"),
        ("unpaid carer", "an unpaid carer"),
        ("user of services", "a user of services"),
    ],
)
def test_terms_get_the_right_article(term, words):
    assert with_article_words(term) == words


def test_contacts_become_links_only_when_they_are_an_email_or_a_phone_number():
    assert contact_link("a@example.org") == '<a href="mailto:a@example.org">a@example.org</a>'
    assert contact_link("+44 20 7946 0000") == '<a href="tel:+442079460000">+44 20 7946 0000</a>'
    assert contact_link("Ask at <reception>") == "Ask at &lt;reception&gt;"
    assert contact_link("Room 101, ext 1234") == "Room 101, ext 1234"


def test_each_email_and_phone_number_in_a_contact_gets_its_own_link():
    assert contact_link("Alex: a@example.org or 01632 960 002.") == (
        'Alex: <a href="mailto:a@example.org">a@example.org</a> or '
        '<a href="tel:01632960002">01632 960 002</a>.'
    )
