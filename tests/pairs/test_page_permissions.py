"""Who opens which pair page: the two partners their pair's pages, the programme's organisers
the review pages; everyone else a 404 (or, signed out, the sign-in page). Nothing changes
when someone is turned away, and the wrong method is refused."""

import pytest
from django.urls import reverse

from codesign.core.models import AuditEntry, OutboxMessage
from pairs import services
from pairs.models import LogEntry, Pair
from tests.pairs.support import decided, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(cohort, professional, partner, organiser):
    pair = decided(cohort, professional, partner, organiser, "accept")
    services.log_entry_add(
        pair=pair,
        author=partner,
        entry_date="2026-11-02",
        tried="We read the letters aloud.",
        learned="Half never say where to go.",
    )
    return pair


def _state():
    return (
        list(Pair.objects.values_list("pk", "status", "partner_token", "partner_invite_count")),
        list(LogEntry.objects.values_list("pk", "tried", "sharing")),
        OutboxMessage.objects.count(),
        AuditEntry.objects.count(),
    )


# (URL name, which kwargs, method)
PAIR_PAGES = [
    ("pairs:detail", "pair", "get"),
    ("pairs:submit", "pair", "post"),
    ("pairs:withdraw", "pair", "post"),
    ("pairs:resend", "pair", "post"),
    ("pairs:change_partner", "pair", "get"),
    ("pairs:change_partner", "pair", "post"),
    ("pairs:log", "pair", "get"),
    ("pairs:log", "pair", "post"),
    ("pairs:log_entry_edit", "entry", "get"),
    ("pairs:log_entry_edit", "entry", "post"),
]
REVIEW_PAGES = [
    ("pairs:review", "programme", "get"),
    ("pairs:review_cohort", "cohort", "get"),
    ("pairs:review_pair", "review", "get"),
    ("pairs:decide", "review", "post"),
]
POST_DATA = {
    "entry_date": "2026-11-03",
    "tried": "Something new",
    "learned": "Something else",
    "sharing": "cohort",
    "partner_name": "Sol",
    "partner_email": "sol@example.org",
    "decision": "decline",
    "reason": "No.",
}


def _url(name, which, pair):
    kwargs = {
        "pair": {"pk": pair.pk},
        "entry": {"pk": pair.pk, "entry_pk": pair.log_entries.get().pk},
        "programme": {"slug": pair.programme.slug},
        "cohort": {"slug": pair.programme.slug, "pk": pair.cohort_id},
        "review": {"slug": pair.programme.slug, "pk": pair.pk},
    }[which]
    return reverse(name, kwargs=kwargs)


def _send(client, method, url):
    return client.post(url, POST_DATA) if method == "post" else client.get(url)


def _ids(pages):
    return [f"{name.split(':')[1]}-{method}" for name, _, method in pages]


@pytest.mark.parametrize(("name", "which", "method"), PAIR_PAGES, ids=_ids(PAIR_PAGES))
@pytest.mark.parametrize(
    "who", ["outsider", "other_organiser", "reviewer", "carer", "young_person"]
)
def test_nobody_outside_the_pair_opens_its_pages(sign_in, person, pair, name, which, method, who):
    client = sign_in(person(who))
    before = _state()

    response = _send(client, method, _url(name, which, pair))

    assert response.status_code == 404
    assert _state() == before


@pytest.mark.parametrize(("name", "which", "method"), PAIR_PAGES, ids=_ids(PAIR_PAGES))
def test_organisers_are_sent_from_the_pairs_own_page_to_their_review_page_and_no_further(
    sign_in, organiser, pair, name, which, method
):
    client = sign_in(organiser)
    before = _state()

    response = _send(client, method, _url(name, which, pair))

    if name == "pairs:detail":
        assert response.status_code == 302
        assert response.url == reverse(
            "pairs:review_pair", kwargs={"slug": pair.programme.slug, "pk": pair.pk}
        )
    else:
        assert response.status_code == 404
    assert _state() == before


@pytest.mark.parametrize(
    ("name", "which", "method"), PAIR_PAGES + REVIEW_PAGES, ids=_ids(PAIR_PAGES + REVIEW_PAGES)
)
def test_visitors_are_asked_to_sign_in(client, pair, name, which, method):
    before = _state()

    response = _send(client, method, _url(name, which, pair))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert _state() == before


@pytest.mark.parametrize("who", ["professional", "partner"])
@pytest.mark.parametrize(
    ("name", "which"),
    [("pairs:detail", "pair"), ("pairs:log", "pair"), ("pairs:log_entry_edit", "entry")],
)
def test_both_partners_open_their_pairs_pages(sign_in, person, pair, who, name, which):
    response = sign_in(person(who)).get(_url(name, which, pair))

    assert response.status_code == 200


def test_only_the_professional_changes_or_resends_the_invitation(sign_in, partner, pair):
    client = sign_in(partner)
    before = _state()

    assert client.get(_url("pairs:change_partner", "pair", pair)).status_code == 404
    assert client.post(_url("pairs:resend", "pair", pair)).status_code == 404
    assert _state() == before


@pytest.mark.parametrize(("name", "which", "method"), REVIEW_PAGES, ids=_ids(REVIEW_PAGES))
@pytest.mark.parametrize(
    ("who", "status"),
    [("other_organiser", 404), ("reviewer", 404), ("professional", 403), ("partner", 403)],
)
def test_only_the_programmes_organisers_open_the_review_pages(
    sign_in, person, pair, name, which, method, who, status
):
    client = sign_in(person(who))
    before = _state()

    response = _send(client, method, _url(name, which, pair))

    assert response.status_code == status
    assert _state() == before


@pytest.mark.parametrize(("name", "which"), [(n, w) for n, w, m in REVIEW_PAGES if m == "get"])
def test_organisers_and_site_admins_open_the_review_pages(
    sign_in, organiser, admin, pair, name, which
):
    for user in (organiser, admin):
        assert sign_in(user).get(_url(name, which, pair)).status_code == 200


def test_a_forming_pair_is_not_shown_to_organisers(sign_in, organiser, cohort, outsider):
    from tests.pairs.support import professional_n, start

    forming = start(cohort, professional_n(1))
    client = sign_in(organiser)

    url = reverse("pairs:review_pair", kwargs={"slug": cohort.programme.slug, "pk": forming.pk})
    assert client.get(url).status_code == 404


def test_a_pair_in_another_programme_is_not_found_from_this_one(
    sign_in, organiser, other_organiser, other_programme, professional, partner
):
    from tests.pairs.support import cohort_of

    elsewhere = submitted(cohort_of(other_programme), professional, partner)
    client = sign_in(organiser)

    for slug in (other_programme.slug, "diabetes-care-together"):
        url = reverse("pairs:review_pair", kwargs={"slug": slug, "pk": elsewhere.pk})
        assert client.get(url).status_code == 404


WRONG_METHODS = [
    ("pairs:mine", None, "post"),
    ("pairs:detail", "pair", "post"),
    ("pairs:submit", "pair", "get"),
    ("pairs:withdraw", "pair", "get"),
    ("pairs:resend", "pair", "get"),
    ("pairs:change_partner", "pair", "put"),
    ("pairs:log", "pair", "delete"),
    ("pairs:cohort_log", "cohort_only", "post"),
    ("pairs:join_continue", None, "post"),
    ("pairs:start", "slug_only", "put"),
]


@pytest.mark.parametrize(("name", "which", "wrong"), WRONG_METHODS)
def test_the_wrong_method_is_refused(sign_in, professional, pair, name, which, wrong):
    kwargs = {
        None: {},
        "pair": {"pk": pair.pk},
        "cohort_only": {"pk": pair.cohort_id},
        "slug_only": {"slug": pair.programme.slug},
    }[which]
    before = _state()

    response = getattr(sign_in(professional), wrong)(reverse(name, kwargs=kwargs))

    assert response.status_code == 405
    assert _state() == before


@pytest.mark.parametrize(
    ("name", "wrong"),
    [
        ("pairs:review", "post"),
        ("pairs:review_cohort", "post"),
        ("pairs:review_pair", "post"),
        ("pairs:decide", "get"),
    ],
)
def test_the_review_pages_refuse_the_wrong_method(sign_in, organiser, pair, name, wrong):
    which = dict((n, w) for n, w, _ in REVIEW_PAGES)[name]
    before = _state()

    response = getattr(sign_in(organiser), wrong)(_url(name, which, pair))

    assert response.status_code == 405
    assert _state() == before


def test_the_join_links_refuse_the_wrong_method(client, cohort, professional):
    from tests.pairs.support import start

    pair = start(cohort, professional)
    token = pair.partner_token

    assert client.get(reverse("pairs:join_account", args=[token])).status_code == 405
    assert client.get(reverse("pairs:join_decline", args=[token])).status_code == 405
    assert client.put(reverse("pairs:join", args=[token])).status_code == 405
    pair.refresh_from_db()
    assert pair.partner_declined_at is None


def test_a_made_up_join_link_is_not_found(client, db):
    assert client.get(reverse("pairs:join", args=["made-up"])).status_code == 404
    assert client.post(reverse("pairs:join_account", args=["made-up"])).status_code == 404
    assert client.post(reverse("pairs:join_decline", args=["made-up"])).status_code == 404
