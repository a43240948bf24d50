"""Bursaries, end to end in Chromium: a carer applies from the workshop page, a reviewer scores
the application, the organiser decides, holds the decision and releases it, the carer claims
with real receipts after the workshop, a reviewer approves the claim and finance pays it. And a
reviewer with a conflict of interest who can no longer open the application. Every page passes
axe-core, on a phone and on a laptop."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from bursaries.models import Application, Claim, Receipt
from programmes.models import TeamRole
from tests.browser.accessibility import assert_accessible
from tests.browser.test_accounts_journey import sign_in, sign_out
from tests.bursaries.factories import (
    PDF,
    ApplicationFactory,
    CriterionFactory,
    SchemeFactory,
    png_bytes,
)
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    ProfileFactory,
    UserFactory,
    WorkshopFactory,
)
from workshops.models import Workshop


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.STAFF_MFA_REQUIRED = False
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def finance(programme):
    user = ProfileFactory(
        user=UserFactory(email="finance@example.org"), display_name="Fin Finance", perspectives=[]
    ).user
    MembershipFactory(programme=programme, user=user, role=TeamRole.FINANCE)
    return user


@pytest.fixture
def scheme(programme):
    scheme = SchemeFactory(
        programme=programme,
        name="Travel and care bursary",
        information="We pay travel and care **within two weeks** of your claim.",
        benefits_advice_url="https://advice.example.org/benefits",
    )
    CriterionFactory(scheme=scheme, name="Helps them take part", weight=2, position=0)
    CriterionFactory(scheme=scheme, name="Costs are clear", weight=1, position=1)
    return scheme


def heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)
    assert_accessible(page)


def status_message(page: Page):
    return page.get_by_role("main").get_by_role("status")


def test_carer_goes_from_bursary_application_to_approved_award_to_paid_claim(
    page: Page, programme, organiser, reviewer, carer, finance, scheme, tmp_path
):
    workshop = WorkshopFactory(
        programme=programme, title="Redesigning the clinic letter", bursaries_available=True
    )
    carer.profile.display_name = "Cam Carer"
    carer.profile.support_needs = ["companion"]
    carer.profile.save()

    # The carer finds the bursary from the workshop page and reads the information first.
    sign_in(page, carer.email, PASSWORD)
    page.goto(workshop.get_absolute_url())
    page.get_by_role("link", name="Find out about bursaries and apply").click()
    heading(page, "Bursaries")
    page.get_by_role("link", name="Read about Travel and care bursary and apply").click()
    heading(page, "Apply for a bursary: Travel and care bursary")
    expect(page.get_by_text("within two weeks")).to_be_visible()
    expect(page.get_by_role("link", name="benefits advice")).to_have_attribute(
        "href", "https://advice.example.org/benefits"
    )

    page.get_by_label(re.compile("Redesigning the clinic letter")).check()
    page.get_by_label("Travel (£)").fill("24.50")
    page.get_by_label("Travel: what it is for").fill("Return train")
    page.get_by_label("Carer, childcare or replacement care (£)").fill("60")
    page.get_by_label("Carer, childcare or replacement care: what it is for").fill(
        "A sitter for my son, 4 hours"
    )
    page.get_by_label("No, thank you: don't pay me for my time").check()
    page.get_by_label("Why would this help you take part?").fill(
        "I care for my son. With a sitter paid for I can come."
    )
    page.get_by_role("button", name="Send my application").click()
    heading(page, "My bursaries")
    expect(status_message(page)).to_contain_text("Your application is sent")
    expect(page.get_by_text("Where it stands: Submitted")).to_be_visible()
    sign_out(page)

    # The reviewer scores it against the weighted criteria.
    sign_in(page, reviewer.email, PASSWORD)
    page.goto(f"/bursaries/review/{programme.slug}/")
    heading(page, "Bursary applications")
    expect(page.get_by_text("£1,000.00 left")).to_be_visible()
    page.get_by_role("link", name="Cam Carer").click()
    heading(page, "Application from Cam Carer")
    expect(page.get_by_text("A companion or carer coming with them")).to_be_visible()
    page.get_by_role("group", name=re.compile("Helps them take part")).get_by_label("5").check()
    page.get_by_role("group", name=re.compile("Costs are clear")).get_by_label("4").check()
    page.get_by_label("Approve in full").check()
    page.get_by_label("Comments for the decision-maker").fill("Care costs are essential.")
    page.get_by_role("button", name="Save your review").click()
    expect(status_message(page)).to_contain_text("Your review is saved")
    assert_accessible(page)
    sign_out(page)

    # The organiser sees the review, decides, holds it as pending, then releases.
    sign_in(page, organiser.email, PASSWORD)
    page.goto(f"/bursaries/review/{programme.slug}/")
    heading(page, "Bursary applications")
    page.get_by_role("link", name="Cam Carer").click()
    heading(page, "Application from Cam Carer")
    reviews = page.get_by_role("table", name=re.compile("scores, recommendation"))
    expect(reviews).to_contain_text("Care costs are essential.")
    expect(reviews).to_contain_text("4.67")
    page.get_by_role("group", name="Decision").get_by_label("Approve in full").check()
    page.get_by_label("Reason").fill("Meets every criterion: care costs make taking part possible.")
    page.get_by_role("button", name="Decide and hold as pending").click()
    expect(status_message(page)).to_contain_text("held as pending")
    budget = page.get_by_role("region", name="Budget")
    expect(budget).to_contain_text("Decided, not yet told (pending): £84.50 (1 pending decision)")
    assert_accessible(page)
    assert not [m for m in mail.outbox if m.to == [carer.email]]
    budget.get_by_role("button", name="Release all pending decisions").click()
    expect(status_message(page)).to_contain_text("1 decision is released")
    expect(page.get_by_role("region", name="Budget")).to_contain_text("Awarded and told: £84.50")
    assert_accessible(page)
    told = [m for m in mail.outbox if m.to == [carer.email]]
    assert len(told) == 1 and "Your bursary is approved" in told[0].subject
    sign_out(page)

    # The workshop happens.
    now = timezone.now()
    Workshop.objects.filter(pk=workshop.pk).update(
        starts_at=now - dt.timedelta(hours=3), ends_at=now - dt.timedelta(hours=1)
    )

    # The carer claims with a photo of the ticket and a scanned invoice.
    ticket = tmp_path / "train-ticket.png"
    ticket.write_bytes(png_bytes())
    invoice = tmp_path / "sitter-invoice.pdf"
    invoice.write_bytes(PDF)
    sign_in(page, carer.email, PASSWORD)
    page.goto("/bursaries/mine/")
    heading(page, "My bursaries")
    expect(page.get_by_text("Approved: £84.50.")).to_be_visible()
    expect(page.get_by_text("care costs make taking part possible")).to_be_visible()
    page.get_by_role("link", name="Claim what you spent").click()
    heading(page, "Claim your bursary")
    page.get_by_label("Travel (£)").fill("24.50")
    page.get_by_label("Carer, childcare or replacement care (£)").fill("60")
    page.get_by_label("Receipts or tickets").set_input_files([str(ticket), str(invoice)])
    page.get_by_role("button", name="Send my claim").click()
    heading(page, "My bursaries")
    expect(status_message(page)).to_contain_text("Your claim is sent")
    claim = Claim.objects.get()
    assert sorted(Receipt.objects.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/png",
    ]
    sign_out(page)

    # A reviewer approves the claim.
    sign_in(page, reviewer.email, PASSWORD)
    page.goto(f"/bursaries/review/{programme.slug}/claims/")
    heading(page, "Bursary claims")
    page.get_by_role("button", name=f"Approve claim {claim.pk}").click()
    expect(status_message(page)).to_contain_text("approved")
    assert_accessible(page)
    sign_out(page)

    # Finance marks it paid.
    sign_in(page, finance.email, PASSWORD)
    page.goto(f"/bursaries/review/{programme.slug}/claims/")
    heading(page, "Bursary claims")
    page.get_by_label(f"Payment reference for claim {claim.pk}").fill("BACS-2026-0042")
    page.get_by_role("button", name=f"Mark claim {claim.pk} as paid").click()
    expect(status_message(page)).to_contain_text("marked as paid")
    assert_accessible(page)
    sign_out(page)

    sign_in(page, carer.email, PASSWORD)
    page.goto("/bursaries/mine/")
    heading(page, "My bursaries")
    expect(page.get_by_text(re.compile(r"for £84\.50: Paid on"))).to_be_visible()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PAID
    assert claim.payment_reference == "BACS-2026-0042"
    assert Application.objects.get(applicant=carer).awarded == Decimal("84.50")


def test_reviewer_with_a_conflict_cannot_open_the_conflicted_application(
    page: Page, programme, reviewer, scheme
):
    known = ProfileFactory(
        user=UserFactory(email="kim@example.org"), display_name="Kim Known", perspectives=["carer"]
    ).user
    other = ProfileFactory(
        user=UserFactory(email="lee@example.org"), display_name="Lee Other", perspectives=["carer"]
    ).user
    application = ApplicationFactory(scheme=scheme, applicant=known)
    ApplicationFactory(scheme=scheme, applicant=other)

    sign_in(page, reviewer.email, PASSWORD)
    page.goto(f"/bursaries/review/{programme.slug}/")
    heading(page, "Bursary applications")
    page.get_by_role("link", name="Kim Known").click()
    heading(page, "Application from Kim Known")
    page.get_by_text("Declare a conflict of interest").first.click()
    page.get_by_label("What is the conflict? (optional)").fill("Kim is my neighbour")
    page.get_by_role("button", name="Declare a conflict of interest").click()

    heading(page, "Bursary applications")
    expect(status_message(page)).to_contain_text("declaring a conflict of interest")
    expect(page.get_by_role("link", name="Lee Other")).to_be_visible()
    expect(page.get_by_role("link", name="Kim Known")).to_have_count(0)
    response = page.goto(f"/bursaries/review/applications/{application.pk}/")
    assert response is not None and response.status == 404


def test_organiser_sets_up_a_scheme_with_weighted_criteria(page: Page, programme, organiser):
    sign_in(page, organiser.email, PASSWORD)
    page.goto(f"/bursaries/manage/{programme.slug}/")
    heading(page, "Bursary schemes")
    page.get_by_role("link", name="Add a bursary scheme").click()
    heading(page, "Add a bursary scheme")

    page.get_by_label("Name of the scheme").fill("Spring travel bursary")
    page.get_by_label("Total budget (£)").fill("1500")
    page.get_by_label("Most one person can be awarded (£)").fill("250")
    opens = timezone.localtime() - dt.timedelta(days=1)
    page.get_by_label("Applications open").fill(opens.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Applications close").fill(
        (opens + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    )
    who = page.get_by_role("group", name="Who can apply")
    who.get_by_label("Patient", exact=True).check()
    who.get_by_label("Carer", exact=True).check()
    covers = page.get_by_role("group", name="What it pays for")
    covers.get_by_label("Travel").check()
    covers.get_by_label("Carer, childcare or replacement care").check()
    page.get_by_label("What applicants read first").fill("We pay **travel and care**.")
    page.get_by_role("button", name="Save the scheme").click()

    heading(page, "Bursary schemes")
    expect(status_message(page)).to_contain_text("“Spring travel bursary” is saved")
    expect(page.get_by_role("heading", name="Spring travel bursary")).to_be_visible()
