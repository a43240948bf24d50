"""The programme report's two long tables (how many answered at each workshop, and the trend)
show 20 workshops a page, the latest first; the report is kept until new feedback arrives."""

import datetime as dt

import pytest
from django.urls import reverse

from feedback.services import response_save
from participants.models import Perspective
from tests.factories import RegistrationFactory, UserFactory
from tests.feedback.report_support import answered, reported_workshop
from tests.feedback.support import by_key, form_of, text

Y = Perspective.YOUNG_PERSON.value


@pytest.fixture
def signed_in(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))
    return client


def report(client, programme, **params):
    from urllib.parse import urlencode

    address = reverse("feedback:programme_report", args=[programme.slug])
    return client.get(address + (f"?{urlencode(params)}" if params else ""))


def workshops(programme, count):
    return [
        reported_workshop(programme, title=f"Workshop {n:02d}", ended=dt.timedelta(days=count - n))
        for n in range(count)
    ]


def rates_table(page: str) -> str:
    return page[page.index("How many answered at each workshop") : page.index("waiting-heading")]


def test_the_latest_20_workshops_come_first_and_earlier_ones_a_page_back(signed_in, programme):
    workshops(programme, 23)

    latest = text(report(signed_in, programme))
    earlier = text(report(signed_in, programme, page=2))

    table = rates_table(latest)
    assert "Workshop 02" not in table and "Workshop 03" in table and "Workshop 22" in table
    assert table.index("Workshop 03") < table.index("Workshop 22")
    assert "20 of 23 workshops, oldest first" in latest
    assert '<nav aria-label="Pages of workshops, how many answered">' in latest
    assert 'href="?page=2#answered-heading">Earlier workshops' in latest
    table = rates_table(earlier)
    assert "Workshop 00" in table and "Workshop 02" in table and "Workshop 03" not in table
    assert 'href="?page=1#answered-heading">Later workshops' in earlier


def test_the_trend_has_pages_of_its_own_that_keep_the_question_chosen(signed_in, programme):
    made = workshops(programme, 21)
    answered(made[0], [Y], 5, values={"listened": 4})

    latest = text(report(signed_in, programme, question="listened", who="young_person"))
    earlier = text(
        report(signed_in, programme, question="listened", who="young_person", trend_page=2)
    )

    assert '<nav aria-label="Pages of workshops in the trend">' in latest
    assert 'href="?question=listened&who=young_person&trend_page=2#trend-result"' in latest
    trend = earlier[earlier.index("How many young people agreed") :]
    assert "Workshop 00" in trend
    # The summary still covers every workshop.
    assert "went from" in earlier or "no trend to show" in earlier


def test_new_feedback_shows_at_once(signed_in, programme):
    workshop = reported_workshop(programme, title="Workshop 00")
    answered(workshop, [Y], 5)
    registration = RegistrationFactory(workshop=workshop, user=UserFactory(), perspectives=[Y])
    before = text(report(signed_in, programme))
    assert "5 of 6 people with a place answered" in before

    form = form_of(workshop)
    response_save(
        form=form,
        registration=registration,
        answers={question.pk: 4 for question in by_key(form).values() if question.kind == "scale"},
        quote_consent=False,
    )

    assert "6 of 6 people with a place answered" in text(report(signed_in, programme))


def test_a_page_that_is_not_there_shows_the_nearest(signed_in, programme):
    workshops(programme, 3)

    for params in ({"page": "abc"}, {"page": "50"}, {"trend_page": "-1"}):
        response = report(signed_in, programme, **params)
        assert response.status_code == 200
        assert "Workshop 02" in text(response)
