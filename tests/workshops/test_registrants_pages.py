"""The registrants page a page at a time: a national programme's busiest workshop has hundreds
of people, so the page shows 25 at a time, with the totals per status, a choice of status
that the pages keep, and the mix and the download still counting everyone."""

import csv
import io

import pytest
from django.urls import reverse

from participants.models import SupportNeed
from tests.factories import WorkshopFactory
from tests.workshops.registrants_support import registered
from workshops.models import Registration
from workshops.views.registrants import REGISTRANTS_PER_PAGE

Status = Registration.Status


@pytest.fixture
def workshop(programme):
    return WorkshopFactory(programme=programme, title="Mapping the clinic visit", capacity=60)


@pytest.fixture
def signed_in(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))
    return client


def url(workshop, **params):
    from urllib.parse import urlencode

    address = reverse("workshops:registrants", args=[workshop.pk])
    return address + (f"?{urlencode(params)}" if params else "")


def names_on(page: str) -> list[str]:
    return [line.strip() for line in page.splitlines() if line.strip().startswith("Person ")]


def people(workshop, count, status=Status.CONFIRMED, start=0, **profile):
    return [
        registered(workshop, f"Person {n:02d}", status=status, **profile)
        for n in range(start, start + count)
    ]


def test_a_long_list_comes_a_page_at_a_time_in_name_order_with_each_groups_total(
    signed_in, workshop
):
    people(workshop, 30)
    people(workshop, 3, status=Status.WAITLISTED, start=30)

    first = signed_in.get(url(workshop)).content.decode()
    second = signed_in.get(url(workshop, page=2)).content.decode()

    assert REGISTRANTS_PER_PAGE == 25
    assert names_on(first) == [f"Person {n:02d}" for n in range(25)]
    assert "Confirmed (30)" in first
    assert "Showing 1 to 25 of 33" in first
    assert '<nav aria-label="Pages of people">' in first
    assert 'href="?page=2">Next page' in first
    assert names_on(second) == [f"Person {n:02d}" for n in range(25, 33)]
    # The waiting list keeps its queue numbers across pages.
    waiting = second.split("On the waiting list, in queue order (3)")[-1]
    assert "<td>1</td>" in waiting and "<td>3</td>" in waiting
    assert 'href="?page=1">Previous page' in second


def test_choosing_a_status_shows_only_that_group_and_its_pages_keep_the_choice(signed_in, workshop):
    people(workshop, 3)
    people(workshop, 30, status=Status.WAITLISTED, start=3)

    everyone = signed_in.get(url(workshop)).content.decode()
    first = signed_in.get(url(workshop, status="waitlisted")).content.decode()
    second = signed_in.get(url(workshop, status="waitlisted", page=2)).content.decode()

    assert '<nav aria-label="Show people by status"' in everyone
    assert 'href="?status=waitlisted"' in everyone and "Everyone (33)" in everyone
    assert 'aria-current="page">On the waiting list, in queue order (30)' in first
    assert "Person 00" not in first
    assert 'href="?status=waitlisted&amp;page=2">Next page' in first
    assert names_on(second) == [f"Person {n:02d}" for n in range(28, 33)]
    # Numbers in the queue go on from the first page.
    assert "<td>26</td>" in second and "<td>30</td>" in second
    # Move forms for the people shown only.
    assert second.count('name="reason"') == 5


def test_an_unknown_status_or_page_shows_the_first_page_of_everyone(signed_in, workshop):
    people(workshop, 2)

    for params in ({"status": "nonsense"}, {"page": "abc"}, {"page": "99"}):
        response = signed_in.get(url(workshop, **params))
        assert response.status_code == 200
        assert names_on(response.content.decode()) == ["Person 00", "Person 01"]


def test_the_mix_and_what_to_arrange_count_everyone_with_a_place_not_only_the_page(
    signed_in, workshop
):
    people(workshop, 30, support_needs=[SupportNeed.STEP_FREE], dietary_needs="Vegan")

    page = signed_in.get(url(workshop, page=2)).content.decode()

    assert "30 of 60 places taken" in page
    assert "30 need step-free access, 30 vegan." in page


def test_the_download_still_has_everyone(signed_in, workshop):
    people(workshop, 30)
    people(workshop, 3, status=Status.WAITLISTED, start=30)

    response = signed_in.get(reverse("workshops:registrants_csv", args=[workshop.pk]))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 33
    assert {row[0] for row in rows[1:]} == {f"Person {n:02d}" for n in range(33)}


def test_reviewers_see_each_group_in_the_order_people_registered(
    client, reviewer, with_mfa, workshop
):
    for name in ("Zed", "Amy", "Kit"):
        registered(workshop, name)
    client.force_login(with_mfa(reviewer))

    page = client.get(url(workshop)).content.decode()

    assert page.index("Zed") < page.index("Amy") < page.index("Kit")
    assert "People are listed in the order they registered." in page
