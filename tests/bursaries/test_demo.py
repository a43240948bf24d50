"""The demo has one scheme with applications in every status, a pending decision and paid
claims, and seeding twice adds nothing."""

from bursaries.demo import FINANCE_EMAIL, seed_bursaries
from bursaries.models import Application, Claim, Receipt
from codesign.core.models import OutboxMessage
from programmes.models import Membership, TeamRole
from tests.factories import MembershipFactory, ProfileFactory, UserFactory


def _users(programme):
    users = {}
    for email, perspectives in [
        ("organiser@example.org", ["manager"]),
        ("reviewer@example.org", ["researcher"]),
        ("carer@example.org", ["carer"]),
        ("patient@example.org", ["patient"]),
        ("parent@example.org", ["family"]),
    ]:
        users[email] = ProfileFactory(user=UserFactory(email=email), perspectives=perspectives).user
    MembershipFactory(programme=programme, user=users["organiser@example.org"])
    MembershipFactory(
        programme=programme, user=users["reviewer@example.org"], role=TeamRole.REVIEWER
    )
    return users


def test_demo_scheme_has_applications_in_every_status_and_sends_nothing(
    programme, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    users = _users(programme)

    scheme = seed_bursaries(programme, users)
    again = seed_bursaries(programme, users)

    assert again == scheme
    statuses = set(scheme.applications.values_list("status", flat=True))
    assert statuses == set(Application.Status.values)
    pending = scheme.applications.get(applicant__email="pen.ding@example.org")
    assert pending.decision_pending
    carer = scheme.applications.get(applicant=users["carer@example.org"])
    assert carer.outcome == "full" and carer.released_at
    assert scheme.applications.get(applicant=users["patient@example.org"]).outcome == "partial"
    assert Claim.objects.filter(status=Claim.Status.PAID).count() == 2
    assert Receipt.objects.count() == 2
    assert Membership.objects.filter(
        programme=programme, user__email=FINANCE_EMAIL, role=TeamRole.FINANCE
    ).exists()
    assert scheme.criteria.count() == 3
    assert not OutboxMessage.objects.exists()
