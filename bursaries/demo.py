"""Demo bursaries for seed_demo: one scheme with applications in every status. All fictional.

Decisions are released by setting the date, not through the outbox, so seeding sends no email.
"""

import datetime
import struct
import zlib
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bursaries import services
from bursaries.models import Application, BursaryScheme, CostType
from participants.models import Perspective, Profile
from programmes.models import Programme, TeamRole
from programmes.services import membership_add

SCHEME_NAME = "Travel, care and time bursary"
FINANCE_EMAIL = "finance@example.org"
INFORMATION = """\
Nobody should be out of pocket for taking part in **Diabetes care together**.

- **Expenses:** travel (train, bus, taxi or 45p a mile), an overnight stay if you live far away,
  and the cost of care for someone you look after while you are with us.
- **Payment for your time:** £25 an hour of workshop time. You can say no to this and still
  have your expenses paid, for example to protect your benefits.
- **How and when it is paid:** claim after the workshop with photos of your receipts; we pay
  into your bank account within two weeks. If you need the money before, say so and we will
  pay in advance.
"""

# (email, name, perspectives)
APPLICANTS = [
    ("dee.draft@example.org", "Dee Draft", [Perspective.PATIENT]),
    ("sam.sent@example.org", "Sam Sent", [Perspective.PATIENT]),
    ("una.review@example.org", "Una Review", [Perspective.CARER]),
    ("dec.lined@example.org", "Dec Lined", [Perspective.PATIENT]),
    ("wil.drawn@example.org", "Wil Drawn", [Perspective.FAMILY]),
    ("pen.ding@example.org", "Pen Ding", [Perspective.CARER]),
]


def _png() -> bytes:
    """A 1 by 1 white PNG, standing in for a photo of a receipt."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _person(email: str, name: str, perspectives: list[str]) -> Any:
    from codesign.accounts.models import User

    user, created = User.objects.get_or_create(email=email)
    if created:
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    profile, _ = Profile.objects.get_or_create(user=user)
    profile.display_name = name
    profile.perspectives = [str(p) for p in perspectives]
    profile.completed_at = profile.completed_at or timezone.now()
    profile.save()
    return user


def _apply(
    scheme: BursaryScheme,
    user: Any,
    items: dict[str, tuple[Decimal, str]],
    statement: str,
    *,
    submit: bool = True,
    **extra: Any,
) -> Application:
    application = services.application_save(
        scheme=scheme, applicant=user, statement=statement, items=items, **extra
    )
    if submit:
        application = services.application_submit(application=application, by=user)
    return application


def _review(
    application: Application,
    reviewer: Any,
    score: int,
    recommendation: str,
    *,
    by: Any,
    amount: Decimal | None = None,
) -> None:
    services.application_assign(application=application, reviewer=reviewer, by=by)
    services.review_save(
        application=application,
        reviewer=reviewer,
        scores={c.pk: score for c in application.scheme.criteria.all()},
        recommendation=recommendation,
        recommended_amount=amount,
        comments="Clear costs, and the bursary makes taking part possible.",
    )


def _decide(
    application: Application,
    by: Any,
    outcome: str,
    reason: str,
    *,
    amount: Decimal | None = None,
    told: bool = True,
) -> Application:
    application = services.bursary_decide(
        application=application, decided_by=by, outcome=outcome, reason=reason, amount=amount
    )
    if told:
        Application.objects.filter(pk=application.pk).update(released_at=timezone.now())
        application.refresh_from_db()
    return application


def _paid_claim(
    application: Application, items: dict[str, tuple[Decimal, str]], reviewer: Any, finance: Any
) -> None:
    receipt = SimpleUploadedFile("receipt.png", _png(), content_type="image/png")
    claim = services.claim_submit(
        application=application,
        by=application.applicant,
        items=items,
        note="Receipt attached.",
        receipts=[receipt],
    )
    services.claim_approve(claim=claim, by=reviewer)
    services.claim_mark_paid(claim=claim, by=finance, reference="BACS-DEMO-" + str(claim.pk))


def seed_bursaries(programme: Programme, users: dict[str, Any]) -> BursaryScheme:
    """One open scheme for the programme with applications in every status, a pending
    decision, and claims paid, approved and waiting. Runs once: a second call changes nothing."""
    existing = BursaryScheme.objects.filter(programme=programme, name=SCHEME_NAME).first()
    if existing is not None:
        return existing
    organiser = users["organiser@example.org"]
    reviewer = users["reviewer@example.org"]
    finance = users.get(FINANCE_EMAIL) or _person(FINANCE_EMAIL, "Fin Finance", [])
    membership_add(programme=programme, user=finance, role=TeamRole.FINANCE, added_by=organiser)
    now = timezone.now()
    scheme = services.scheme_save(
        programme=programme,
        data={
            "name": SCHEME_NAME,
            "workshop": None,
            "budget": Decimal("2000.00"),
            "max_award": Decimal("300.00"),
            "eligible_perspectives": [
                Perspective.PATIENT,
                Perspective.CARER,
                Perspective.FAMILY,
                Perspective.YOUNG_PERSON,
            ],
            "covers": [
                CostType.TRAVEL,
                CostType.OVERNIGHT,
                CostType.CARE,
                CostType.INVOLVEMENT,
                CostType.LOSS_OF_EARNINGS,
            ],
            "involvement_rate": Decimal("25.00"),
            "involvement_rate_unit": "per hour",
            "opens_at": now - datetime.timedelta(days=14),
            "closes_at": now + datetime.timedelta(days=30),
            "information": INFORMATION,
            "benefits_advice_url": "https://www.gov.uk/benefits-calculators",
            "blind_review": False,
        },
        criteria=[
            services.CriterionLine("How much the bursary helps them take part", weight=2),
            services.CriterionLine("How clearly the costs are explained", weight=1),
            services.CriterionLine("Brings a voice we hear too rarely", weight=1),
        ],
        by=organiser,
    )
    people = {email: _person(email, name, p) for email, name, p in APPLICANTS}
    travel = CostType.TRAVEL
    care = CostType.CARE
    time = CostType.INVOLVEMENT

    _apply(
        scheme,
        people["dee.draft@example.org"],
        {travel: (Decimal("18.40"), "Return bus fare")},
        "I'd like to come but the bus is expensive.",
        submit=False,
    )
    _apply(
        scheme,
        people["sam.sent@example.org"],
        {travel: (Decimal("42.00"), "Return train from Exampleton")},
        "The train fare is the only thing stopping me.",
    )
    under_review = _apply(
        scheme,
        people["una.review@example.org"],
        {care: (Decimal("60.00"), "Sitter for my mum, 4 hours")},
        "I care for my mum and need someone with her while I'm at the workshop.",
    )
    _review(under_review, reviewer, 4, "full", by=organiser)

    carer = users["carer@example.org"]
    full = _apply(
        scheme,
        carer,
        {
            travel: (Decimal("24.00"), "Taxi both ways"),
            care: (Decimal("75.00"), "Respite care, 5 hours"),
            time: (Decimal("75.00"), "3 hours"),
        },
        "I look after my son. With care paid for, I can take part in every workshop.",
        payment_in_advance=True,
    )
    _review(full, reviewer, 5, "full", by=organiser)
    full = _decide(full, organiser, "full", "Meets every criterion; care costs are essential.")
    _paid_claim(
        full,
        {travel: (Decimal("24.00"), "Taxi both ways"), care: (Decimal("75.00"), "Respite")},
        reviewer,
        finance,
    )

    patient = users["patient@example.org"]
    partial = _apply(
        scheme,
        patient,
        {
            travel: (Decimal("120.00"), "Return train"),
            CostType.OVERNIGHT: (Decimal("95.00"), "Hotel the night before"),
        },
        "I live two hours away and the first workshop starts at 9.",
    )
    _review(partial, reviewer, 3, "partial", by=organiser, amount=Decimal("120.00"))
    partial = _decide(
        partial,
        organiser,
        "partial",
        "Travel in full; the workshop now starts at 11, so no overnight stay is needed.",
        amount=Decimal("120.00"),
    )
    _paid_claim(partial, {travel: (Decimal("118.60"), "Return train")}, reviewer, finance)

    declined = _apply(
        scheme,
        people["dec.lined@example.org"],
        {travel: (Decimal("15.00"), "Parking")},
        "Parking at the hospital.",
    )
    _review(declined, reviewer, 2, "decline", by=organiser)
    _decide(declined, organiser, "decline", "Parking is already free for workshop participants.")

    parent = users["parent@example.org"]
    waitlisted = _apply(
        scheme,
        parent,
        {travel: (Decimal("30.00"), "Bus fares for two"), time: (Decimal("50.00"), "2 hours")},
        "I'd come with my daughter; the fares add up.",
    )
    _review(waitlisted, reviewer, 3, "waitlist", by=organiser)
    _decide(waitlisted, organiser, "waitlist", "We will fund this if money is left in March.")

    withdrawn = _apply(
        scheme,
        people["wil.drawn@example.org"],
        {travel: (Decimal("12.00"), "Bus")},
        "Bus fare.",
    )
    services.application_withdraw(application=withdrawn, by=withdrawn.applicant)

    pending = _apply(
        scheme,
        people["pen.ding@example.org"],
        {care: (Decimal("90.00"), "Childminder, 6 hours")},
        "A childminder for my two children while I take part.",
    )
    _review(pending, reviewer, 4, "full", by=organiser)
    _decide(pending, organiser, "full", "Care costs make taking part possible.", told=False)
    return scheme
