"""The learning log: private to the pair unless an entry is shared with the programme team or
the cohort. Partners see all theirs; the programme's organisers see what is shared with the
team or the cohort; other accepted pairs in the cohort see what is shared with the cohort;
nobody else sees anything."""

import datetime as dt

import pytest
from django.urls import reverse

from pairs import services
from pairs.models import LogEntry, Pair
from pairs.services import PairRefused, pair_entries_shared_with_programme
from tests.pairs.support import cohort_of, decided, joined, partner_n, professional_n, submitted
from tests.programmes.helpers import page_text

pytestmark = pytest.mark.django_db

WORDS = {
    LogEntry.Sharing.PAIR: "Only-us entry",
    LogEntry.Sharing.TEAM: "Team entry",
    LogEntry.Sharing.COHORT: "Cohort entry",
}


def _write(pair: Pair, author, prefix: str = "") -> dict[str, LogEntry]:
    return {
        sharing: services.log_entry_add(
            pair=pair,
            author=author,
            entry_date=dt.date(2026, 11, 2),
            tried=f"{prefix}{words}: tried",
            learned=f"{prefix}{words}: learned",
            sharing=sharing,
        )
        for sharing, words in WORDS.items()
    }


@pytest.fixture
def logged(cohort, professional, partner, organiser):
    pair = decided(cohort, professional, partner, organiser, "accept")
    _write(pair, partner)
    return pair


@pytest.fixture
def neighbour(cohort, organiser):
    """Another accepted pair in the same cohort."""
    pro = professional_n(7)
    return pro, decided(cohort, pro, partner_n(7), organiser, "accept")


def _seen(text: str) -> set[str]:
    return {words for words in WORDS.values() if f"{words}: learned" in text}


def test_both_partners_see_every_entry_in_their_log(client, logged, professional, partner):
    for user in (professional, partner):
        client.force_login(user)
        text = page_text(client.get(reverse("pairs:log", args=[logged.pk])))
        assert _seen(text) == set(WORDS.values())


def test_organisers_see_entries_shared_with_the_team_or_the_cohort(
    client, logged, organiser, with_mfa
):
    client.force_login(with_mfa(organiser))
    url = reverse("pairs:review_pair", args=[logged.programme.slug, logged.pk])

    assert _seen(page_text(client.get(url))) == {"Team entry", "Cohort entry"}
    cohort_page = page_text(client.get(reverse("pairs:cohort_log", args=[logged.cohort_id])))
    assert _seen(cohort_page) == {"Cohort entry"}


def test_other_accepted_pairs_in_the_cohort_see_only_what_is_shared_with_the_cohort(
    client, logged, neighbour
):
    pro, _ = neighbour
    client.force_login(pro)

    text = page_text(client.get(reverse("pairs:cohort_log", args=[logged.cohort_id])))

    assert _seen(text) == {"Cohort entry"}
    assert client.get(reverse("pairs:log", args=[logged.pk])).status_code == 404


def test_pairs_not_accepted_and_people_elsewhere_do_not_see_the_cohort_log(
    client, programme, logged, outsider, other_organiser, reviewer, organiser, with_mfa
):
    waiting_pro = professional_n(8)
    submitted(logged.cohort, waiting_pro, partner_n(8))
    elsewhere_pro = professional_n(9)
    decided(cohort_of(programme, name="Spring"), elsewhere_pro, partner_n(9), organiser, "accept")
    url = reverse("pairs:cohort_log", args=[logged.cohort_id])

    for user in (waiting_pro, elsewhere_pro, outsider, other_organiser, reviewer):
        client.force_login(with_mfa(user))
        assert client.get(url).status_code == 404, user
    client.logout()
    assert client.get(url).url.startswith(reverse("account_login"))


def test_the_cohort_log_leaves_out_pairs_no_longer_accepted(client, logged, neighbour, partner):
    pro, theirs = neighbour
    services.pair_withdraw(pair=logged, by=partner)
    client.force_login(pro)

    text = page_text(client.get(reverse("pairs:cohort_log", args=[theirs.cohort_id])))

    assert _seen(text) == set()


def test_sharing_an_entry_later_lets_the_team_read_it(client, logged, partner, organiser):
    entry = logged.log_entries.get(sharing=LogEntry.Sharing.PAIR)
    client.force_login(partner)

    response = client.post(
        reverse("pairs:log_entry_edit", args=[logged.pk, entry.pk]),
        {
            "entry_date": "2026-11-02",
            "tried": entry.tried,
            "learned": entry.learned,
            "sharing": LogEntry.Sharing.TEAM,
        },
    )

    assert response.url == reverse("pairs:log", args=[logged.pk])
    assert entry in pair_entries_shared_with_programme(logged.programme)


def test_the_programme_learning_page_gets_entries_shared_with_team_or_cohort_of_that_programme(
    programme, other_programme, logged, neighbour, organiser, other_organiser
):
    elsewhere = decided(
        cohort_of(other_programme), professional_n(5), partner_n(5), other_organiser, "accept"
    )
    _write(elsewhere, elsewhere.partner, prefix="Elsewhere ")

    entries = list(pair_entries_shared_with_programme(programme))

    assert {e.sharing for e in entries} == {LogEntry.Sharing.TEAM, LogEntry.Sharing.COHORT}
    assert {e.pair_id for e in entries} == {logged.pk}
    assert all(e.pair.programme_id == programme.pk for e in entries)


def test_a_partner_adds_an_entry_from_the_log_page(client, logged, professional):
    client.force_login(professional)
    url = reverse("pairs:log", args=[logged.pk])

    response = client.post(
        url,
        {
            "entry_date": "2026-11-20",
            "tried": "A new letter",
            "learned": "People came on time",
            "next_steps": "Use it for all",
            "sharing": LogEntry.Sharing.COHORT,
        },
    )

    assert response.url == url
    entry = logged.log_entries.get(tried="A new letter")
    assert (entry.author, entry.sharing) == (professional, LogEntry.Sharing.COHORT)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"learned": ""}, "learned"),
        ({"sharing": "everyone"}, "sharing"),
        ({"entry_date": "not a date"}, "entry_date"),
    ],
)
def test_an_entry_with_a_bad_answer_is_not_saved(client, logged, partner, change, field):
    client.force_login(partner)
    data = {"entry_date": "2026-11-20", "tried": "x", "learned": "y", "sharing": "pair"}

    response = client.post(reverse("pairs:log", args=[logged.pk]), {**data, **change})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert logged.log_entries.count() == 3


def test_the_log_opens_only_once_the_pair_is_accepted(client, cohort, professional, partner):
    pair = joined(cohort, professional, partner)
    client.force_login(partner)
    url = reverse("pairs:log", args=[pair.pk])

    assert "Your learning log opens when your pair is accepted." in page_text(client.get(url))
    client.post(url, {"entry_date": "2026-11-20", "tried": "x", "learned": "y", "sharing": "pair"})
    assert not LogEntry.objects.exists()
    with pytest.raises(PairRefused):
        services.log_entry_add(
            pair=pair, author=partner, entry_date=dt.date(2026, 11, 2), tried="x", learned="y"
        )


def test_only_the_pair_writes_in_its_log(logged, outsider):
    with pytest.raises(PairRefused, match="Only the pair"):
        services.log_entry_add(
            pair=logged, author=outsider, entry_date=dt.date(2026, 11, 2), tried="x", learned="y"
        )
