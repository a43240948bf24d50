"""The programme's learning page: everyone reads the published “you said, we did”; learning log
entries pairs shared with the programme team show only to its organisers, and entries shared
with a cohort only to that cohort's accepted pairs and the organisers."""

import datetime as dt

import pytest
from django.urls import reverse

from feedback.services import action_create, action_publish
from pairs.models import LogEntry
from pairs.services import log_entry_add
from programmes.models import Programme
from tests.feedback.support import text
from tests.pairs.support import cohort_of, decided, partner_n, professional_n, submitted

pytestmark = pytest.mark.django_db

TEAM, COHORT, PAIR = LogEntry.Sharing.TEAM, LogEntry.Sharing.COHORT, LogEntry.Sharing.PAIR


def _action(programme, heard, publish=True):
    action = action_create(
        programme=programme,
        heard=heard,
        changed=f"We changed something about: {heard}",
        changed_on=dt.date.today(),
        created_by=None,
    )
    if publish:
        action_publish(action=action, published_by=None)
    return action


def _entry(pair, learned, sharing):
    return log_entry_add(
        pair=pair,
        author=pair.professional,
        entry_date=dt.date.today(),
        tried="We tried a new letter.",
        learned=learned,
        sharing=sharing,
    )


@pytest.fixture
def pairs(programme, organiser):
    """Two accepted pairs in the spring cohort, one in the autumn cohort, one not decided."""
    spring = cohort_of(programme, name="Spring", places=5)
    autumn = cohort_of(programme, name="Autumn", places=5)
    mine = decided(spring, professional_n(1), partner_n(1), organiser, "accept")
    neighbour = decided(spring, professional_n(2), partner_n(2), organiser, "accept")
    other_cohort = decided(autumn, professional_n(3), partner_n(3), organiser, "accept")
    waiting = submitted(spring, professional_n(4), partner_n(4))
    _entry(neighbour, "Shared with our cohort.", COHORT)
    _entry(neighbour, "Shared with the programme team.", TEAM)
    _entry(neighbour, "Just the two of us.", PAIR)
    _entry(other_cohort, "Shared with the autumn cohort.", COHORT)
    # As if it had been accepted once: only accepted pairs can write.
    LogEntry.objects.create(
        pair=waiting,
        author=waiting.professional,
        entry_date=dt.date.today(),
        tried="We tried a new letter.",
        learned="From a pair not yet accepted.",
        sharing=COHORT,
    )
    return {"mine": mine, "waiting": waiting}


def _page(client, programme, user=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("feedback:learning", args=[programme.slug]))
    assert response.status_code == 200
    return text(response)


def test_everyone_reads_what_was_published_and_not_drafts(client, programme):
    _action(programme, "The room was too noisy.")
    _action(programme, "A secret draft.", publish=False)

    page = _page(client, programme)

    assert "The room was too noisy." in page
    assert "A secret draft." not in page
    assert "What collaborative pairs learned" not in page


def test_the_programme_page_links_to_the_learning_page(client, programme):
    page = text(client.get(programme.get_absolute_url()))

    assert f'href="{reverse("feedback:learning", args=[programme.slug])}"' in page


def test_organisers_see_what_pairs_shared_with_the_team_or_a_cohort(
    client, programme, organiser, pairs
):
    page = _page(client, programme, organiser)

    assert "Shared with our cohort." in page
    assert "Shared with the programme team." in page
    assert "Shared with the autumn cohort." in page
    assert "Just the two of us." not in page
    assert "Only the programme team sees this part of the page." in page


def test_a_pair_sees_what_their_cohort_shared_and_nothing_shared_only_with_the_team(
    client, programme, pairs
):
    for member in (pairs["mine"].professional, pairs["mine"].partner):
        page = _page(client, programme, member)

        assert "Shared with our cohort." in page
        assert "Shared with the programme team." not in page
        assert "Just the two of us." not in page
        assert "Shared with the autumn cohort." not in page
        assert "From a pair not yet accepted." not in page


def test_a_pair_not_yet_accepted_sees_only_the_public_part(client, programme, pairs):
    page = _page(client, programme, pairs["waiting"].professional)

    assert "What collaborative pairs learned" not in page
    assert "Shared with our cohort." not in page


@pytest.mark.parametrize("who", ["reviewer", "patient", "other_organiser"])
def test_others_see_only_the_public_part(client, programme, pairs, request, who):
    page = _page(client, programme, request.getfixturevalue(who))

    assert "What collaborative pairs learned" not in page
    assert "Shared with" not in page


def test_a_draft_programmes_page_is_only_for_its_team(client, programme, organiser, reviewer):
    programme.status = Programme.Status.DRAFT
    programme.save()
    url = reverse("feedback:learning", args=[programme.slug])

    assert client.get(url).status_code == 404
    for member in (organiser, reviewer):
        client.force_login(member)
        assert client.get(url).status_code == 200


def test_the_page_refuses_the_wrong_method_and_unknown_programmes(client, programme):
    assert client.post(reverse("feedback:learning", args=[programme.slug])).status_code == 405
    assert client.get(reverse("feedback:learning", args=["nope"])).status_code == 404


def test_the_page_runs_the_same_queries_however_much_there_is(
    client, programme, organiser, django_assert_num_queries
):
    spring = cohort_of(programme, name="Spring", places=40)
    url = reverse("feedback:learning", args=[programme.slug])

    def load(user, queries):
        client.logout()
        if user is not None:
            client.force_login(user)
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200

    def fill(n):
        _action(programme, f"Heard {n}")
        pair = decided(spring, professional_n(100 + n), partner_n(100 + n), organiser, "accept")
        _entry(pair, f"Learned {n}", COHORT)
        return pair

    first = fill(0)
    # Programme, the count and page of published ones.
    load(None, 3)
    # Session, user, roles; programme; actions' count and page; entries' count and page.
    load(organiser, 8)
    # Session, user, roles; programme; actions' count and page; their cohorts; entries' count
    # and page.
    load(first.partner, 9)
    for n in range(1, 14):
        fill(n)
    load(None, 3)
    load(organiser, 8)
    load(first.partner, 9)


def test_someone_in_pairs_in_two_cohorts_sees_what_both_cohorts_shared(
    client, programme, organiser
):
    spring = cohort_of(programme, name="Spring", places=5)
    autumn = cohort_of(programme, name="Autumn", places=5)
    pro = professional_n(1)
    decided(spring, pro, partner_n(1), organiser, "accept")
    decided(autumn, pro, partner_n(2), organiser, "accept")
    _entry(decided(spring, professional_n(3), partner_n(3), organiser, "accept"), "Spring.", COHORT)
    _entry(decided(autumn, professional_n(4), partner_n(4), organiser, "accept"), "Autumn.", COHORT)

    page = _page(client, programme, pro)

    assert "Spring." in page and "Autumn." in page
