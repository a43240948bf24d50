"""Participants find the bursaries they can apply for, read the scheme's information first,
then apply in a short form: expenses apart from payment for time, with benefits advice before
they choose payment for time."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bursaries.models import Application, ApplicationItem, CostType
from codesign.core.models import AuditEntry
from pairs.models import Pair
from tests.bursaries.factories import ApplicationFactory, SchemeFactory
from tests.factories import CohortFactory, ProgrammeFactory, WorkshopFactory


def apply_data(**extra):
    data = {
        "travel_amount": "24.50",
        "travel_details": "Return train",
        "care_amount": "40",
        "care_details": "Sitter for 4 hours",
        "wants_payment": "yes",
        "involvement_amount": "75",
        "statement": "I care for my mum; with a sitter paid for I can come.",
        "action": "submit",
    }
    data.update(extra)
    return data


def test_carer_sees_open_schemes_they_can_apply_for(sign_in, carer, scheme):
    SchemeFactory(
        programme=scheme.programme,
        name="For professionals",
        eligible_perspectives=["health_professional"],
    )
    SchemeFactory(
        programme=scheme.programme,
        name="Closed scheme",
        opens_at=timezone.now() - datetime.timedelta(days=30),
        closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    SchemeFactory(programme=ProgrammeFactory(status="draft"), name="Draft programme scheme")

    response = sign_in(carer).get(reverse("bursaries:list"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Travel and care bursary" in text
    assert "For professionals" not in text
    assert "Closed scheme" not in text
    assert "Draft programme scheme" not in text


def test_workshop_link_shows_the_bursaries_for_that_workshop(sign_in, carer, scheme, programme):
    workshop = WorkshopFactory(programme=programme)
    other = WorkshopFactory(programme=programme)
    SchemeFactory(programme=programme, workshop=other, name="Only for the other workshop")

    response = sign_in(carer).get(reverse("bursaries:list"), {"workshop": workshop.pk})

    text = response.content.decode()
    assert "Travel and care bursary" in text
    assert "Only for the other workshop" not in text


def test_public_workshop_page_links_to_its_bursaries_when_they_are_available(client, programme):
    workshop = WorkshopFactory(programme=programme, bursaries_available=True)

    response = client.get(workshop.get_absolute_url())

    assert f"{reverse('bursaries:list')}?workshop={workshop.pk}" in response.content.decode()


def test_apply_page_shows_the_information_first_and_benefits_advice_before_payment(
    sign_in, carer, scheme
):
    scheme.information = "Claims are paid **within two weeks**."
    scheme.benefits_advice_url = "https://advice.example.org/benefits"
    scheme.save()

    response = sign_in(carer).get(reverse("bursaries:apply", args=[scheme.pk]))

    text = response.content.decode()
    assert response.status_code == 200
    assert "<strong>within two weeks</strong>" in text
    info, form = text.index("Read this first"), text.index('name="travel_amount"')
    advice = text.index("https://advice.example.org/benefits")
    choice = text.index('name="wants_payment"')
    assert info < form < advice < choice < text.index('name="involvement_amount"')
    assert text.index('name="care_amount"') < text.index("Payment for your time</h3>")


def test_carer_sends_an_application_with_costs_itemised(sign_in, carer, scheme):
    response = sign_in(carer).post(reverse("bursaries:apply", args=[scheme.pk]), apply_data())

    assert response.status_code == 302
    assert response.url == reverse("bursaries:mine")
    application = Application.objects.get(applicant=carer)
    assert application.status == Application.Status.SUBMITTED
    assert application.submitted_at
    items = {i.cost_type: i.amount for i in application.items.all()}
    assert items == {
        CostType.TRAVEL: Decimal("24.50"),
        CostType.CARE: Decimal("40.00"),
        CostType.INVOLVEMENT: Decimal("75.00"),
    }
    assert AuditEntry.objects.filter(action="bursaries.application.submitted").exists()


def test_draft_is_saved_then_changed_then_sent(sign_in, carer, scheme):
    client = sign_in(carer)
    client.post(reverse("bursaries:apply", args=[scheme.pk]), apply_data(action="draft"))
    application = Application.objects.get(applicant=carer)
    assert application.status == Application.Status.DRAFT

    # Opening the apply page again goes to the draft.
    response = client.get(reverse("bursaries:apply", args=[scheme.pk]))
    assert response.url == reverse("bursaries:edit", args=[application.pk])
    client.post(
        reverse("bursaries:edit", args=[application.pk]),
        apply_data(action="draft", travel_amount="30"),
    )
    assert application.items.get(cost_type=CostType.TRAVEL).amount == Decimal("30.00")

    response = client.post(reverse("bursaries:submit", args=[application.pk]))

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.status == Application.Status.SUBMITTED


def test_person_who_declines_payment_for_time_gets_expenses_only(sign_in, carer, scheme):
    response = sign_in(carer).post(
        reverse("bursaries:apply", args=[scheme.pk]),
        apply_data(wants_payment="no", involvement_amount=""),
    )

    assert response.status_code == 302
    application = Application.objects.get(applicant=carer)
    assert application.declines_payment
    assert CostType.INVOLVEMENT not in {i.cost_type for i in application.items.all()}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"travel_amount": "lots"}, "travel_amount", "Enter an amount in pounds"),
        ({"travel_amount": "-5"}, "travel_amount", "£0 or more"),
        ({"statement": ""}, "statement", "Tell us briefly why"),
        ({"wants_payment": "no"}, "involvement", "leave this at £0"),
        ({"travel_amount": "250"}, "", "The most this bursary can give one person is £300.00"),
    ],
    ids=["not-a-number", "negative", "no-statement", "declined-but-asked", "over-the-maximum"],
)
def test_bad_application_is_refused_with_a_clear_message_and_nothing_saved(
    sign_in, carer, scheme, data, field, message
):
    response = sign_in(carer).post(reverse("bursaries:apply", args=[scheme.pk]), apply_data(**data))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Application.objects.exists()
    assert not ApplicationItem.objects.exists()


def test_person_outside_the_eligible_groups_is_told_and_cannot_apply(sign_in, professional, scheme):
    client = sign_in(professional)

    page = client.get(reverse("bursaries:apply", args=[scheme.pk]))
    refused = client.post(reverse("bursaries:apply", args=[scheme.pk]), apply_data())

    assert "You can't apply for this bursary" in page.content.decode()
    assert 'name="travel_amount"' not in page.content.decode()
    assert refused.status_code == 403
    assert not Application.objects.exists()


def test_closed_scheme_takes_no_applications(sign_in, carer, scheme):
    scheme.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    scheme.opens_at = scheme.closes_at - datetime.timedelta(days=10)
    scheme.save()

    response = sign_in(carer).post(reverse("bursaries:apply", args=[scheme.pk]), apply_data())

    assert response.status_code == 403
    assert not Application.objects.exists()


def test_scheme_of_a_draft_programme_is_not_there(sign_in, carer):
    scheme = SchemeFactory(programme=ProgrammeFactory(status="draft"))

    assert sign_in(carer).get(reverse("bursaries:apply", args=[scheme.pk])).status_code == 404


def test_application_is_for_workshops_of_the_programme_only(sign_in, carer, scheme, programme):
    ours = WorkshopFactory(programme=programme)
    theirs = WorkshopFactory()
    client = sign_in(carer)

    refused = client.post(
        reverse("bursaries:apply", args=[scheme.pk]), apply_data(workshops=[theirs.pk])
    )
    accepted = client.post(
        reverse("bursaries:apply", args=[scheme.pk]), apply_data(workshops=[ours.pk])
    )

    assert refused.status_code == 400
    assert accepted.status_code == 302
    assert list(Application.objects.get().workshops.all()) == [ours]


def test_patient_partner_applies_as_part_of_their_pair(sign_in, patient, professional, scheme):
    pair = Pair.objects.create(
        programme=scheme.programme,
        cohort=CohortFactory(programme=scheme.programme),
        professional=professional,
        partner=patient,
        partner_name="Pat",
        partner_email=patient.email,
        partner_token="t" * 40,
        task="Redesign the clinic letter",
        organisation="Example Trust",
        organisation_support="Time",
        how_we_work="Fortnightly",
    )
    url = reverse("bursaries:apply", args=[scheme.pk]) + f"?pair={pair.pk}"
    client = sign_in(patient)

    page = client.get(url)
    response = client.post(url, apply_data())

    assert "part of your pair application" in page.content.decode()
    assert response.status_code == 302
    assert Application.objects.get().pair == pair


def test_someone_else_cannot_apply_as_a_pairs_partner(
    sign_in, carer, patient, professional, scheme
):
    pair = Pair.objects.create(
        programme=scheme.programme,
        cohort=CohortFactory(programme=scheme.programme),
        professional=professional,
        partner=patient,
        partner_name="Pat",
        partner_email=patient.email,
        partner_token="u" * 40,
        task="x",
        organisation="x",
        organisation_support="x",
        how_we_work="x",
    )
    url = reverse("bursaries:apply", args=[scheme.pk]) + f"?pair={pair.pk}"

    assert sign_in(carer).post(url, apply_data()).status_code == 404
    assert not Application.objects.exists()


def test_applicant_withdraws_their_application(sign_in, carer, scheme):
    application = ApplicationFactory(scheme=scheme, applicant=carer)

    response = sign_in(carer).post(reverse("bursaries:withdraw", args=[application.pk]))

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.status == Application.Status.WITHDRAWN


def test_nobody_else_can_change_send_or_withdraw_an_application(sign_in, patient, scheme):
    application = ApplicationFactory(scheme=scheme, status=Application.Status.DRAFT)
    client = sign_in(patient)

    for name in ("edit", "submit", "withdraw", "claim"):
        method = client.get if name in ("edit", "claim") else client.post
        assert method(reverse(f"bursaries:{name}", args=[application.pk])).status_code == 404
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


@pytest.mark.parametrize(
    ("name", "method"),
    [("list", "post"), ("mine", "post"), ("submit", "get"), ("withdraw", "get")],
)
def test_participant_pages_answer_only_their_method(sign_in, carer, scheme, name, method):
    application = ApplicationFactory(scheme=scheme, applicant=carer)
    args = [application.pk] if name in ("submit", "withdraw") else []

    response = getattr(sign_in(carer), method)(reverse(f"bursaries:{name}", args=args))

    assert response.status_code == 405


@pytest.mark.parametrize("name", ["list", "mine", "apply"])
def test_visitor_is_asked_to_sign_in(client, scheme, name):
    args = [scheme.pk] if name == "apply" else []

    response = client.get(reverse(f"bursaries:{name}", args=args))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
