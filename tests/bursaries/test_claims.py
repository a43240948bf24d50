"""After attending, a bursary holder claims with receipts (PDF, JPEG or PNG, checked by their
content, up to 10 MB). A reviewer approves or returns the claim; finance marks it paid and
downloads the scheme's money as CSV. Receipts are served only to those who may see them."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bursaries.models import Application, Claim, Receipt
from bursaries.services import bursary_decide, claim_approve, claim_submit
from codesign.core.models import AuditEntry
from tests.bursaries.factories import HTML, JPEG, PDF, ApplicationFactory, png_bytes
from tests.factories import ProfileFactory, UserFactory


@pytest.fixture
def award(carer, organiser, scheme):
    application = ApplicationFactory(scheme=scheme, applicant=carer, amount=Decimal("80.00"))
    return bursary_decide(
        application=application, decided_by=organiser, outcome="full", reason="Yes", release=True
    )


def receipt(name="ticket.png", content=None):
    return SimpleUploadedFile(name, png_bytes() if content is None else content)


def claim_data(**extra):
    return {"travel_amount": "45.60", "travel_details": "Return train", **extra}


def submit(client, award, files=None, **extra):
    data = claim_data(**extra)
    data["receipts"] = files if files is not None else [receipt()]
    return client.post(reverse("bursaries:claim", args=[award.pk]), data)


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("scan.pdf", PDF, "application/pdf"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("shot.png", None, "image/png"),
    ],
)
def test_holder_claims_with_a_receipt_checked_by_its_content(
    sign_in, carer, award, name, content, mime
):
    response = submit(sign_in(carer), award, files=[receipt(name, content)])

    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.status == Claim.Status.SUBMITTED
    assert [(i.cost_type, i.amount) for i in claim.items.all()] == [("travel", Decimal("45.60"))]
    stored = Receipt.objects.get()
    assert stored.content_type == mime
    assert stored.original_name == name
    assert name not in stored.file.name


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([receipt("receipt.png", HTML)], "is not a PDF, JPEG or PNG file"),
        ([receipt("receipt.pdf", b"MZ\x90\x00 not a pdf")], "is not a PDF, JPEG or PNG file"),
        ([], "Add a photo or scan of your receipts"),
    ],
    ids=["html-called-png", "exe-called-pdf", "no-receipt"],
)
def test_wrong_receipts_are_refused_and_nothing_is_saved(sign_in, carer, award, files, message):
    response = submit(sign_in(carer), award, files=files)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Claim.objects.exists()
    assert not Receipt.objects.exists()


def test_receipt_over_the_size_limit_is_refused(sign_in, carer, award, settings):
    settings.RECEIPT_MAX_BYTES = 1024

    response = submit(sign_in(carer), award, files=[receipt("big.pdf", PDF + b"0" * 2048)])

    assert response.status_code == 400
    assert "Receipts can be up to 0" in response.content.decode()
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"travel_amount": "80.01"}, "Your award has £80.00 left to claim; this claim is £80.01"),
        ({"travel_amount": "0"}, "Enter what you spent"),
        ({"travel_amount": "abc"}, "Enter an amount in pounds"),
    ],
    ids=["more-than-the-award", "nothing", "not-a-number"],
)
def test_claims_stay_within_the_award(sign_in, carer, award, data, message):
    response = submit(sign_in(carer), award, **data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Claim.objects.exists()


def test_a_second_claim_can_only_take_what_is_left(sign_in, carer, award):
    client = sign_in(carer)
    submit(client, award, travel_amount="60")

    response = submit(client, award, travel_amount="25")

    assert response.status_code == 400
    assert "£20.00 left to claim" in response.content.decode()


def test_costs_not_awarded_cannot_be_claimed(sign_in, carer, award):
    response = submit(sign_in(carer), award, care_amount="10")

    # The form has no box for care: it was not asked for, so it is not part of the award.
    assert response.status_code == 302
    assert [i.cost_type for i in Claim.objects.get().items.all()] == ["travel"]


def test_nobody_can_claim_before_the_award_is_told(sign_in, carer, organiser, scheme):
    application = ApplicationFactory(scheme=scheme, applicant=carer)
    bursary_decide(application=application, decided_by=organiser, outcome="full", reason="Yes")

    response = sign_in(carer).get(reverse("bursaries:claim", args=[application.pk]))

    assert response.status_code == 404


def test_reviewer_approves_and_finance_marks_paid(sign_in, carer, reviewer, finance, award):
    submit(sign_in(carer), award)
    claim = Claim.objects.get()

    approved = sign_in(reviewer).post(reverse("bursaries:claim_approve", args=[claim.pk]))
    claim.refresh_from_db()
    assert approved.status_code == 302
    assert claim.status == Claim.Status.APPROVED

    paid = sign_in(finance).post(
        reverse("bursaries:claim_paid", args=[claim.pk]), {"reference": "BACS-1234"}
    )
    claim.refresh_from_db()
    assert paid.status_code == 302
    assert claim.status == Claim.Status.PAID
    assert claim.paid_by == finance
    assert claim.payment_reference == "BACS-1234"
    mine = sign_in(carer).get(reverse("bursaries:mine")).content.decode()
    assert "Paid" in mine


def test_reviewer_returns_a_claim_with_a_note_and_the_holder_can_claim_again(
    sign_in, carer, reviewer, award
):
    submit(sign_in(carer), award, travel_amount="80")
    claim = Claim.objects.get()

    refused = sign_in(reviewer).post(
        reverse("bursaries:claim_return", args=[claim.pk]), {"note": ""}
    )
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SUBMITTED
    assert refused.status_code == 302

    sign_in(reviewer).post(
        reverse("bursaries:claim_return", args=[claim.pk]), {"note": "The receipt is unreadable"}
    )
    claim.refresh_from_db()
    assert claim.status == Claim.Status.RETURNED
    client = sign_in(carer)
    assert "The receipt is unreadable" in client.get(reverse("bursaries:mine")).content.decode()
    assert submit(client, award, travel_amount="80").status_code == 302


def test_payment_needs_a_reference_and_an_approved_claim(sign_in, carer, finance, reviewer, award):
    submit(sign_in(carer), award)
    claim = Claim.objects.get()
    client = sign_in(finance)

    too_early = client.post(reverse("bursaries:claim_paid", args=[claim.pk]), {"reference": "X1"})
    claim_approve(claim=claim, by=reviewer)
    no_reference = client.post(reverse("bursaries:claim_paid", args=[claim.pk]), {"reference": " "})

    claim.refresh_from_db()
    assert too_early.status_code == no_reference.status_code == 302
    assert claim.status == Claim.Status.APPROVED


@pytest.mark.parametrize(
    ("who", "action", "expected"),
    [
        ("finance", "claim_approve", 404),
        ("reviewer", "claim_paid", 404),
        ("other_organiser", "claim_approve", 404),
        ("other_organiser", "claim_paid", 404),
        ("patient", "claim_paid", 403),
    ],
)
def test_only_the_right_role_approves_or_pays(sign_in, person, carer, award, who, action, expected):
    submit(sign_in(carer), award)
    claim = Claim.objects.get()
    if action == "claim_paid":
        Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.APPROVED)
    before = Claim.objects.get().status

    response = sign_in(person(who)).post(
        reverse(f"bursaries:{action}", args=[claim.pk]), {"reference": "X"}
    )

    assert response.status_code == expected
    assert Claim.objects.get().status == before


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("carer", 200),
        ("reviewer", 200),
        ("organiser", 200),
        ("finance", 200),
        ("admin", 200),
        ("patient", 404),
        ("other_organiser", 404),
    ],
)
def test_receipts_are_served_only_to_the_holder_and_the_programme_team(
    sign_in, person, carer, award, who, expected
):
    submit(sign_in(carer), award)
    stored = Receipt.objects.get()

    response = sign_in(person(who)).get(reverse("bursaries:receipt", args=[stored.pk]))

    assert response.status_code == expected
    if expected == 200:
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content) == png_bytes()


def test_conflicted_reviewer_cannot_download_receipts(sign_in, carer, reviewer, award):
    from bursaries.services import conflict_declare

    submit(sign_in(carer), award)
    conflict_declare(application=award, reviewer=reviewer)

    response = sign_in(reviewer).get(reverse("bursaries:receipt", args=[Receipt.objects.get().pk]))

    assert response.status_code == 404


def test_visitor_is_asked_to_sign_in_for_a_receipt(client, sign_in, carer, award):
    submit(sign_in(carer), award)
    client.logout()

    response = client.get(reverse("bursaries:receipt", args=[Receipt.objects.get().pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_finance_exports_awards_claims_and_payments_safe_for_spreadsheets(
    sign_in, finance, organiser, reviewer, scheme
):
    applicant = ProfileFactory(
        user=UserFactory(email="formula@example.org"),
        display_name='=HYPERLINK("http://evil.example")',
        perspectives=["carer"],
    ).user
    application = ApplicationFactory(scheme=scheme, applicant=applicant, amount=Decimal("50"))
    bursary_decide(
        application=application, decided_by=organiser, outcome="full", reason="Yes", release=True
    )
    Application.objects.filter(pk=application.pk).update(payment_in_advance=True)
    claim = claim_submit(
        application=application,
        by=applicant,
        items={"travel": (Decimal("30"), "Bus")},
    )
    claim_approve(claim=claim, by=reviewer)
    ApplicationFactory(scheme=scheme)  # not awarded: not in the export

    response = sign_in(finance).get(reverse("bursaries:export", args=[scheme.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="bursaries-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Scheme", "Application", "Applicant"]
    assert len(rows) == 2
    assert rows[1][2] == '\'=HYPERLINK("http://evil.example")'
    assert rows[1][5] == "50.00"
    assert rows[1][9] == "Approved"
    assert rows[1][10] == "30.00"
    entry = AuditEntry.objects.get(action="bursaries.scheme.exported")
    assert entry.actor == finance


@pytest.mark.parametrize(
    ("who", "expected"), [("reviewer", 404), ("other_organiser", 404), ("patient", 403)]
)
def test_only_organisers_and_finance_export(sign_in, person, scheme, who, expected):
    response = sign_in(person(who)).get(reverse("bursaries:export", args=[scheme.pk]))

    assert response.status_code == expected
    assert not AuditEntry.objects.filter(action="bursaries.scheme.exported").exists()


def test_withdrawn_award_frees_its_money(sign_in, carer, award, scheme):
    client = sign_in(carer)
    client.post(reverse("bursaries:withdraw", args=[award.pk]))

    award.refresh_from_db()
    assert award.status == Application.Status.WITHDRAWN
