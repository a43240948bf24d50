"""Reviewers of a programme see its applications in a queue with filters and sorting, score
them against the weighted criteria, and may declare a conflict of interest; then the
application is gone for them. Names are hidden in blind review; equality data is never shown,
and support needs only where they bear on the costs."""

from decimal import Decimal

import pytest
from django.urls import reverse

from bursaries.models import Application, Assignment, Conflict, CostType, Review
from bursaries.services import application_assign, review_save
from participants.models import EqualityMonitoring
from programmes.models import TeamRole
from tests.bursaries.factories import ApplicationFactory, SchemeFactory
from tests.factories import MembershipFactory, ProfileFactory, UserFactory


def _applicant(name, email, **profile):
    return ProfileFactory(
        user=UserFactory(email=email), display_name=name, perspectives=["carer"], **profile
    ).user


@pytest.fixture
def second_reviewer(programme):
    user = _applicant("Rob Second", "second.reviewer@example.org")
    MembershipFactory(programme=programme, user=user, role=TeamRole.REVIEWER)
    return user


def test_reviewer_sees_the_queue_with_the_budget(sign_in, reviewer, scheme):
    ApplicationFactory(scheme=scheme, applicant=_applicant("Ann Apple", "ann@example.org"))
    ApplicationFactory(
        scheme=scheme,
        applicant=_applicant("Dot Draft", "dot@example.org"),
        status=Application.Status.DRAFT,
    )

    response = sign_in(reviewer).get(reverse("bursaries:queue", args=[scheme.programme.slug]))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Ann Apple" in text
    assert "Dot Draft" not in text
    assert "£1,000.00 left" in text


def test_queue_filters_by_status_scheme_assignment_and_not_yet_reviewed(
    sign_in, reviewer, organiser, scheme, programme
):
    other_scheme = SchemeFactory(programme=programme, name="Second scheme")
    assigned = ApplicationFactory(
        scheme=scheme, applicant=_applicant("Asa Assigned", "a@example.org")
    )
    reviewed = ApplicationFactory(
        scheme=scheme, applicant=_applicant("Rey Reviewed", "r@example.org")
    )
    ApplicationFactory(scheme=other_scheme, applicant=_applicant("Oli Other", "o@example.org"))
    application_assign(application=assigned, reviewer=reviewer, by=organiser)
    application_assign(application=reviewed, reviewer=reviewer, by=organiser)
    review_save(
        application=reviewed,
        reviewer=reviewer,
        scores={c.pk: 4 for c in scheme.criteria.all()},
        recommendation="full",
        recommended_amount=None,
        comments="",
    )
    client = sign_in(reviewer)
    url = reverse("bursaries:queue", args=[programme.slug])

    def names(**params):
        text = client.get(url, params).content.decode()
        return {n for n in ("Asa Assigned", "Rey Reviewed", "Oli Other") if n in text}

    assert names() == {"Asa Assigned", "Rey Reviewed", "Oli Other"}
    assert names(scheme=other_scheme.pk) == {"Oli Other"}
    assert names(mine="on") == {"Asa Assigned", "Rey Reviewed"}
    assert names(mine="on", unreviewed="on") == {"Asa Assigned"}
    assert names(status="submitted") == {"Oli Other"}
    assert names(status="under_review") == {"Asa Assigned", "Rey Reviewed"}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("amount", ["Small", "Middle", "Large"]),
        ("-amount", ["Large", "Middle", "Small"]),
        ("-score", ["Middle", "Small", "Large"]),
        ("submitted", ["Small", "Middle", "Large"]),
        ("-submitted", ["Large", "Middle", "Small"]),
    ],
)
def test_queue_sorts_by_amount_score_and_date(sign_in, reviewer, scheme, sort, expected):
    small = ApplicationFactory(
        scheme=scheme, applicant=_applicant("Small", "s@example.org"), amount=Decimal("10")
    )
    middle = ApplicationFactory(
        scheme=scheme, applicant=_applicant("Middle", "m@example.org"), amount=Decimal("50")
    )
    ApplicationFactory(
        scheme=scheme, applicant=_applicant("Large", "l@example.org"), amount=Decimal("90")
    )
    for application, score in ((small, 2), (middle, 5)):
        review_save(
            application=application,
            reviewer=reviewer,
            scores={c.pk: score for c in scheme.criteria.all()},
            recommendation="full",
            recommended_amount=None,
            comments="",
        )

    text = (
        sign_in(reviewer)
        .get(reverse("bursaries:queue", args=[scheme.programme.slug]), {"sort": sort})
        .content.decode()
    )

    assert sorted(expected, key=lambda name: text.index(f">{name}</a>")) == expected


def _fill(scheme, count, reviewer):
    for _ in range(count):
        application = ApplicationFactory(
            scheme=scheme, applicant=ProfileFactory(perspectives=["carer"]).user
        )
        review_save(
            application=application,
            reviewer=reviewer,
            scores={c.pk: 3 for c in scheme.criteria.all()},
            recommendation="full",
            recommended_amount=None,
            comments="",
        )


def test_queue_takes_the_same_queries_for_a_few_or_many(
    sign_in, reviewer, scheme, django_assert_num_queries
):
    client = sign_in(reviewer)
    url = reverse("bursaries:queue", args=[scheme.programme.slug])
    _fill(scheme, 2, reviewer)
    # session, user, team roles, MFA, programme, access record, schemes, count, page, the
    # page's applicants with their profiles (read apart from the sorted page: see the view),
    # budget, scheme filter
    with django_assert_num_queries(12):
        small = client.get(url, {"sort": "-score"})
    _fill(scheme, 40, reviewer)
    with django_assert_num_queries(12):
        large = client.get(url, {"sort": "-score"})

    assert small.status_code == large.status_code == 200
    assert "Page 1 of 2" in large.content.decode()


def test_reviewer_with_conflict_cannot_open_application(sign_in, reviewer, scheme, organiser):
    application = ApplicationFactory(
        scheme=scheme, applicant=_applicant("Kim Known", "kim@example.org")
    )
    application_assign(application=application, reviewer=reviewer, by=organiser)
    client = sign_in(reviewer)

    declared = client.post(
        reverse("bursaries:conflict", args=[application.pk]),
        {"reason": "Kim is my neighbour"},
    )

    assert declared.status_code == 302
    assert Conflict.objects.filter(application=application, reviewer=reviewer).exists()
    assert not Assignment.objects.filter(reviewer=reviewer).exists()
    queue = client.get(reverse("bursaries:queue", args=[scheme.programme.slug]))
    assert "Kim Known" not in queue.content.decode()
    assert client.get(reverse("bursaries:application", args=[application.pk])).status_code == 404
    scores = {f"criterion_{c.pk}": "5" for c in scheme.criteria.all()}
    scored = client.post(
        reverse("bursaries:review", args=[application.pk]), {**scores, "recommendation": "full"}
    )
    assert scored.status_code == 404
    assert not Review.objects.exists()


def test_reviewer_scores_against_the_weighted_criteria(sign_in, reviewer, scheme):
    application = ApplicationFactory(scheme=scheme)
    first, second = scheme.criteria.all()
    client = sign_in(reviewer)

    response = client.post(
        reverse("bursaries:review", args=[application.pk]),
        {
            f"criterion_{first.pk}": "5",
            f"criterion_{second.pk}": "2",
            "recommendation": "partial",
            "recommended_amount": "60",
            "comments": "Travel yes, overnight no.",
        },
    )

    assert response.status_code == 302
    review = Review.objects.get()
    # (5 × 2 + 2 × 1) / 3
    assert review.weighted_score == Decimal("4.00")
    assert review.recommended_amount == Decimal("60.00")
    application.refresh_from_db()
    assert application.status == Application.Status.UNDER_REVIEW


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"score": "9"}, "Select a valid choice"),
        ({"score": ""}, "from 1 to 5"),
        ({"recommendation": ""}, "Choose a recommendation"),
        ({"recommendation": "partial"}, "Say how much you recommend"),
    ],
    ids=["score-out-of-range", "score-missing", "no-recommendation", "partial-without-amount"],
)
def test_bad_review_is_refused_and_nothing_saved(sign_in, reviewer, scheme, data, message):
    application = ApplicationFactory(scheme=scheme)
    first, second = scheme.criteria.all()
    post = {
        f"criterion_{first.pk}": data.get("score", "4"),
        f"criterion_{second.pk}": "4",
        "recommendation": data.get("recommendation", "full"),
    }

    response = sign_in(reviewer).post(reverse("bursaries:review", args=[application.pk]), post)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Review.objects.exists()


def test_organiser_assigns_a_reviewer_of_the_programme(
    sign_in, organiser, reviewer, second_reviewer, scheme
):
    application = ApplicationFactory(scheme=scheme)

    response = sign_in(organiser).post(
        reverse("bursaries:assign", args=[application.pk]), {"reviewer": second_reviewer.pk}
    )

    assert response.status_code == 302
    assert Assignment.objects.get().reviewer == second_reviewer
    application.refresh_from_db()
    assert application.status == Application.Status.UNDER_REVIEW


def test_only_reviewers_of_the_programme_can_be_assigned(sign_in, organiser, scheme, patient):
    application = ApplicationFactory(scheme=scheme)

    response = sign_in(organiser).post(
        reverse("bursaries:assign", args=[application.pk]), {"reviewer": patient.pk}
    )

    assert response.status_code == 400
    assert "Choose a reviewer" in response.content.decode()
    assert not Assignment.objects.exists()


def test_reviewer_cannot_assign_or_decide(sign_in, reviewer, second_reviewer, scheme):
    application = ApplicationFactory(scheme=scheme)
    client = sign_in(reviewer)

    assigned = client.post(
        reverse("bursaries:assign", args=[application.pk]), {"reviewer": second_reviewer.pk}
    )
    decided = client.post(
        reverse("bursaries:decide", args=[application.pk]),
        {"outcome": "full", "reason": "x", "release": "now"},
    )

    assert assigned.status_code == decided.status_code == 404
    application.refresh_from_db()
    assert not Assignment.objects.exists()
    assert application.outcome == ""


def test_blind_review_hides_the_applicants_name_and_email_from_reviewers(
    sign_in, reviewer, organiser, scheme
):
    scheme.blind_review = True
    scheme.save()
    application = ApplicationFactory(
        scheme=scheme, applicant=_applicant("Bea Blind", "bea.blind@example.org")
    )
    client = sign_in(reviewer)

    queue = client.get(reverse("bursaries:queue", args=[scheme.programme.slug])).content.decode()
    page = client.get(reverse("bursaries:application", args=[application.pk])).content.decode()

    for text in (queue, page):
        assert "Bea Blind" not in text
        assert "bea.blind@example.org" not in text
        assert f"Applicant {application.pk}" in text
    # The decision-maker sees who it is.
    organiser_page = sign_in(organiser).get(reverse("bursaries:application", args=[application.pk]))
    assert "Bea Blind" in organiser_page.content.decode()


def test_reviewers_see_no_equality_data_and_support_needs_only_for_care_costs(
    sign_in, reviewer, scheme
):
    applicant = _applicant("Cal Care", "cal@example.org", support_needs=["companion", "bsl"])
    EqualityMonitoring.objects.create(
        user=applicant, ethnicity="asian", disability="yes", sex="female"
    )
    travel_only = ApplicationFactory(scheme=scheme, applicant=applicant)
    client = sign_in(reviewer)

    travel_page = client.get(reverse("bursaries:application", args=[travel_only.pk]))
    travel_only.items.create(cost_type=CostType.CARE, amount=Decimal("40"))
    care_page = client.get(reverse("bursaries:application", args=[travel_only.pk]))

    for page in (travel_page, care_page):
        text = page.content.decode()
        for equality in ("Asian", "Female", "disability", "Disability"):
            assert equality not in text
        assert "BSL" not in text
    assert "companion or carer" not in travel_page.content.decode()
    assert "A companion or carer coming with them" in care_page.content.decode()


def test_reviewers_do_not_see_each_others_reviews_but_the_decision_maker_does(
    sign_in, reviewer, second_reviewer, organiser, scheme
):
    application = ApplicationFactory(scheme=scheme)
    for person, comment in ((reviewer, "First view"), (second_reviewer, "Second view")):
        review_save(
            application=application,
            reviewer=person,
            scores={c.pk: 3 for c in scheme.criteria.all()},
            recommendation="full",
            recommended_amount=None,
            comments=comment,
        )

    as_reviewer = sign_in(reviewer).get(reverse("bursaries:application", args=[application.pk]))
    as_organiser = sign_in(organiser).get(reverse("bursaries:application", args=[application.pk]))

    assert "Second view" not in as_reviewer.content.decode()
    text = as_organiser.content.decode()
    assert "Reviews side by side" in text
    assert "First view" in text and "Second view" in text
