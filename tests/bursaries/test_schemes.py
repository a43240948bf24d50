"""Organisers set up bursary schemes for their programme or one workshop: budget, the most per
award, who can apply, what it pays for, the involvement rate, dates, what applicants read first,
weighted criteria, and blind review."""

import datetime
import html
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bursaries.models import BursaryScheme, Criterion
from bursaries.services import bursary_decide, review_save
from codesign.core.models import AuditEntry
from tests.bursaries.factories import ApplicationFactory
from tests.factories import WorkshopFactory

LOCAL = "%Y-%m-%dT%H:%M"


def scheme_data(**extra):
    now = timezone.localtime()
    data = {
        "name": "Spring travel bursary",
        "workshop": "",
        "budget": "1500",
        "max_award": "250",
        "eligible_perspectives": ["patient", "carer"],
        "covers": ["travel", "care", "involvement"],
        "involvement_rate": "25",
        "involvement_rate_unit": "per hour",
        "opens_at": (now - datetime.timedelta(days=1)).strftime(LOCAL),
        "closes_at": (now + datetime.timedelta(days=30)).strftime(LOCAL),
        "information": "We pay **travel and care** within two weeks.",
        "benefits_advice_url": "https://www.gov.uk/benefits-calculators",
        "blind_review": "on",
        "criteria-TOTAL_FORMS": "3",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "12",
        "criteria-0-name": "Helps them take part",
        "criteria-0-weight": "2",
        "criteria-1-name": "Costs are clear",
        "criteria-1-weight": "1",
        "criteria-2-name": "",
        "criteria-2-weight": "1",
    }
    data.update(extra)
    return data


def test_organiser_adds_a_scheme_with_weighted_criteria(sign_in, organiser, programme):
    client = sign_in(organiser)
    assert client.get(reverse("bursaries:scheme_new", args=[programme.slug])).status_code == 200

    response = client.post(reverse("bursaries:scheme_new", args=[programme.slug]), scheme_data())

    assert response.status_code == 302
    scheme = BursaryScheme.objects.get()
    assert scheme.programme == programme
    assert scheme.budget == Decimal("1500.00")
    assert scheme.covers == ["travel", "care", "involvement"]
    assert scheme.blind_review
    assert [(c.name, c.weight) for c in scheme.criteria.all()] == [
        ("Helps them take part", 2),
        ("Costs are clear", 1),
    ]
    assert AuditEntry.objects.filter(action="bursaries.scheme.created", actor=organiser).exists()
    listing = client.get(reverse("bursaries:schemes", args=[programme.slug])).content.decode()
    assert "Spring travel bursary" in listing


def test_scheme_for_one_workshop_of_the_programme(sign_in, organiser, programme):
    workshop = WorkshopFactory(programme=programme)
    elsewhere = WorkshopFactory()
    client = sign_in(organiser)

    refused = client.post(
        reverse("bursaries:scheme_new", args=[programme.slug]), scheme_data(workshop=elsewhere.pk)
    )
    saved = client.post(
        reverse("bursaries:scheme_new", args=[programme.slug]), scheme_data(workshop=workshop.pk)
    )

    assert refused.status_code == 400
    assert saved.status_code == 302
    assert BursaryScheme.objects.get().workshop == workshop


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Give the scheme a name"),
        ({"max_award": "2000"}, "can't be more than the whole budget"),
        ({"budget": "-1"}, "Ensure this value is greater than or equal to 0"),
        ({"covers": []}, "Choose at least one thing the bursary pays for"),
        ({"eligible_perspectives": []}, "Choose who can apply"),
        ({"involvement_rate": ""}, "Say how much the involvement payment is"),
        ({"closes_at": "2020-01-01T10:00"}, "Applications must close after they open"),
        ({"criteria-0-name": "", "criteria-1-name": ""}, "Add at least one thing reviewers score"),
        ({"criteria-0-weight": "11"}, "Use a weight from 1 to 10"),
        ({"benefits_advice_url": "not a link"}, "Enter a full web address"),
    ],
    ids=[
        "no-name",
        "award-over-budget",
        "negative-budget",
        "covers-nothing",
        "nobody-eligible",
        "no-rate",
        "closes-before-opening",
        "no-criteria",
        "weight-too-big",
        "bad-link",
    ],
)
def test_bad_scheme_is_refused_with_a_clear_message_and_nothing_saved(
    sign_in, organiser, programme, data, message
):
    response = sign_in(organiser).post(
        reverse("bursaries:scheme_new", args=[programme.slug]), scheme_data(**data)
    )

    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not BursaryScheme.objects.exists()
    assert not Criterion.objects.exists()


def test_budget_cannot_drop_below_what_is_awarded(sign_in, organiser, scheme):
    bursary_decide(
        application=ApplicationFactory(scheme=scheme, amount=Decimal("200")),
        decided_by=organiser,
        outcome="full",
        reason="Yes",
    )

    response = sign_in(organiser).post(
        reverse("bursaries:scheme_edit", args=[scheme.pk]),
        scheme_data(budget="150", max_award="100", **{"criteria-0-name": "A"}),
    )

    assert response.status_code == 400
    assert "£200.00 has already been awarded" in html.unescape(response.content.decode())
    scheme.refresh_from_db()
    assert scheme.budget == Decimal("1000.00")


def test_criteria_are_fixed_once_reviewers_have_scored(sign_in, organiser, reviewer, scheme):
    application = ApplicationFactory(scheme=scheme)
    review_save(
        application=application,
        reviewer=reviewer,
        scores={c.pk: 4 for c in scheme.criteria.all()},
        recommendation="full",
        recommended_amount=None,
        comments="",
    )
    client = sign_in(organiser)

    page = client.get(reverse("bursaries:scheme_edit", args=[scheme.pk]))
    response = client.post(
        reverse("bursaries:scheme_edit", args=[scheme.pk]),
        scheme_data(name="Renamed", **{"criteria-0-name": "Something else"}),
    )

    assert "the criteria can't change now" in html.unescape(page.content.decode())
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.name == "Renamed"
    assert [c.name for c in scheme.criteria.all()] == ["Helps them take part", "Costs are clear"]


def test_organiser_changes_a_criterion_and_removes_another(sign_in, organiser, scheme):
    first, second = scheme.criteria.all()
    data = scheme_data(
        **{
            "criteria-TOTAL_FORMS": "2",
            "criteria-INITIAL_FORMS": "2",
            "criteria-0-id": first.pk,
            "criteria-0-name": "Helps them take part at all",
            "criteria-0-weight": "3",
            "criteria-1-id": second.pk,
            "criteria-1-name": second.name,
            "criteria-1-weight": "1",
            "criteria-1-DELETE": "on",
        }
    )

    response = sign_in(organiser).post(reverse("bursaries:scheme_edit", args=[scheme.pk]), data)

    assert response.status_code == 302
    assert [(c.pk, c.name, c.weight) for c in scheme.criteria.all()] == [
        (first.pk, "Helps them take part at all", 3)
    ]
