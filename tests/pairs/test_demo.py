"""seed_pairs: fictional pairs in every status for the demo, added once."""

import pytest

from pairs.demo import seed_pairs
from pairs.models import LogEntry, Pair
from pairs.services import pair_entries_shared_with_programme
from tests.pairs.support import cohort_of

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_cohort_with_pairs_in_every_status_and_a_shared_log(
    programme, professional, patient, organiser
):
    cohort_of(programme, places=4)
    users = {u.email: u for u in (professional, patient, organiser)}

    seed_pairs(programme, users)
    seed_pairs(programme, users)

    pairs = Pair.objects.filter(programme=programme)
    assert pairs.count() == 6
    assert set(pairs.values_list("status", flat=True)) == {
        "forming",
        "submitted",
        "accepted",
        "waitlisted",
        "declined",
    }
    forming = pairs.get(status="forming")
    assert forming.partner is None and forming.partner_email.endswith("@example.org")
    demo = pairs.get(professional=professional)
    assert (demo.partner, demo.status) == (patient, "accepted")
    assert set(demo.log_entries.values_list("sharing", flat=True)) == set(LogEntry.Sharing.values)
    assert pair_entries_shared_with_programme(programme).count() == 3
    emails = set(pairs.values_list("professional__email", flat=True))
    assert all(email.endswith("@example.org") for email in emails)
    assert Pair.objects.filter(programme=programme, status="accepted").count() <= 4


def test_the_demo_makes_a_cohort_when_the_programme_has_none(programme, professional, patient):
    seed_pairs(programme, {u.email: u for u in (professional, patient)})

    assert programme.cohorts.count() == 1
    assert Pair.objects.filter(programme=programme).count() == 6
