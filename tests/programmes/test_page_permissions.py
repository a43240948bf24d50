"""Who may open the organisers' pages of a programme: its organisers and site admins. Everyone
else is refused, and nothing they send changes anything."""

import pytest
from django.urls import reverse

from codesign.core.models import AuditEntry
from programmes.models import Cohort, Membership, Programme, Stage
from tests.factories import CohortFactory, StageFactory

# (URL name, the object its pk comes from, the method the page answers to)
ORGANISER_PAGES = [
    ("programmes:manage", None, "get"),
    ("programmes:edit", None, "get"),
    ("programmes:edit", None, "post"),
    ("programmes:cohort_create", None, "get"),
    ("programmes:cohort_create", None, "post"),
    ("programmes:cohort_edit", "cohort", "get"),
    ("programmes:cohort_edit", "cohort", "post"),
    ("programmes:cohort_delete", "cohort", "post"),
    ("programmes:stages", None, "get"),
    ("programmes:stages", None, "post"),
    ("programmes:stage_edit", "stage", "get"),
    ("programmes:stage_edit", "stage", "post"),
    ("programmes:stage_move", "stage", "post"),
    ("programmes:stage_delete", "stage", "post"),
    ("programmes:stage_template", None, "post"),
    ("programmes:team", None, "get"),
    ("programmes:team", None, "post"),
    ("programmes:team_remove", "membership", "post"),
]
PAGE_IDS = [f"{name.split(':')[1]}-{method}" for name, _, method in ORGANISER_PAGES]
# What a POST would change if it were let through.
POST_DATA = {
    "title": "Taken over",
    "name": "Taken over",
    "status": "open",
    "lived_experience_term": "x",
    "lived_experience_term_plural": "x",
    "professional_term": "x",
    "professional_term_plural": "x",
    "direction": "down",
    "template": "double-diamond",
    "email": "patient@example.org",
    "role": "organiser",
}


@pytest.fixture
def things(programme, organiser, reviewer):
    return {
        "cohort": CohortFactory(programme=programme, name="September 2026 cohort"),
        "stage": StageFactory(programme=programme, name="Gather experiences"),
        "membership": Membership.objects.get(user=reviewer),
    }


def _url(name, pk_from, programme, things):
    kwargs = {"slug": programme.slug}
    if pk_from:
        kwargs["pk"] = things[pk_from].pk
    return reverse(name, kwargs=kwargs)


def _state(programme):
    programme.refresh_from_db()
    return (
        programme.title,
        list(Cohort.objects.values_list("name", flat=True)),
        list(Stage.objects.values_list("name", "position")),
        list(Membership.objects.values_list("user__email", "role")),
        AuditEntry.objects.count(),
    )


def _send(client, method, url):
    return client.post(url, POST_DATA) if method == "post" else client.get(url)


@pytest.mark.parametrize(("name", "pk_from", "method"), ORGANISER_PAGES, ids=PAGE_IDS)
def test_organiser_of_another_programme_is_told_the_page_is_not_there(
    sign_in, other_organiser, programme, things, name, pk_from, method
):
    client = sign_in(other_organiser)
    before = _state(programme)

    response = _send(client, method, _url(name, pk_from, programme, things))

    assert response.status_code == 404
    assert _state(programme) == before


@pytest.mark.parametrize(("name", "pk_from", "method"), ORGANISER_PAGES, ids=PAGE_IDS)
def test_bursary_reviewer_of_the_programme_cannot_change_it(
    sign_in, reviewer, programme, things, name, pk_from, method
):
    client = sign_in(reviewer)
    before = _state(programme)

    response = _send(client, method, _url(name, pk_from, programme, things))

    assert response.status_code == 404
    assert _state(programme) == before


@pytest.mark.parametrize(("name", "pk_from", "method"), ORGANISER_PAGES, ids=PAGE_IDS)
def test_participant_is_refused_the_organiser_pages(
    sign_in, patient, programme, things, name, pk_from, method
):
    client = sign_in(patient)
    before = _state(programme)

    response = _send(client, method, _url(name, pk_from, programme, things))

    assert response.status_code == 403
    assert _state(programme) == before


@pytest.mark.parametrize(("name", "pk_from", "method"), ORGANISER_PAGES, ids=PAGE_IDS)
def test_visitor_is_asked_to_sign_in_before_the_organiser_pages(
    client, programme, things, name, pk_from, method
):
    before = _state(programme)

    response = _send(client, method, _url(name, pk_from, programme, things))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert _state(programme) == before


@pytest.mark.parametrize(
    ("name", "pk_from", "method"),
    [page for page in ORGANISER_PAGES if page[2] == "get"],
    ids=[i for i, page in zip(PAGE_IDS, ORGANISER_PAGES, strict=True) if page[2] == "get"],
)
def test_organisers_and_site_admins_can_open_the_organiser_pages(
    sign_in, organiser, admin, programme, things, name, pk_from, method
):
    url = _url(name, pk_from, programme, things)

    for user in (organiser, admin):
        response = sign_in(user).get(url)

        assert response.status_code == 200
        assert response.content.count(b"<h1") == 1


@pytest.mark.parametrize(
    ("name", "pk_from"),
    sorted({(name, pk_from) for name, pk_from, method in ORGANISER_PAGES if method == "post"}),
)
def test_pages_that_only_take_a_form_refuse_a_plain_visit(
    sign_in, organiser, programme, things, name, pk_from
):
    response = sign_in(organiser).get(_url(name, pk_from, programme, things))

    if (name, pk_from, "get") in ORGANISER_PAGES:
        assert response.status_code == 200
    else:
        assert response.status_code == 405


@pytest.mark.parametrize(
    "name", ["programmes:manage", "programmes:detail", "programmes:edit", "programmes:team"]
)
def test_pages_refuse_methods_they_do_not_take(sign_in, organiser, programme, name):
    client = sign_in(organiser)
    url = reverse(name, args=[programme.slug])

    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405
    if name in ("programmes:manage", "programmes:detail"):
        assert client.post(url).status_code == 405


def test_public_list_and_the_dashboard_refuse_a_post(sign_in, organiser):
    client = sign_in(organiser)

    assert client.post(reverse("programmes:list")).status_code == 405
    assert client.post(reverse("programmes:dashboard")).status_code == 405


def test_a_cohort_stage_or_team_role_of_another_programme_is_not_found_through_this_one(
    sign_in, organiser, programme, other_programme, other_organiser
):
    cohort = CohortFactory(programme=other_programme)
    stage = StageFactory(programme=other_programme)
    membership = Membership.objects.get(user=other_organiser)
    client = sign_in(organiser)

    for name, pk in [
        ("programmes:cohort_edit", cohort.pk),
        ("programmes:stage_edit", stage.pk),
    ]:
        assert client.get(reverse(name, args=[programme.slug, pk])).status_code == 404
    for name, pk in [
        ("programmes:cohort_delete", cohort.pk),
        ("programmes:stage_delete", stage.pk),
        ("programmes:stage_move", stage.pk),
        ("programmes:team_remove", membership.pk),
    ]:
        assert client.post(reverse(name, args=[programme.slug, pk])).status_code == 404
    assert Cohort.objects.filter(pk=cohort.pk).exists()
    assert Stage.objects.filter(pk=stage.pk).exists()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_programme_that_does_not_exist_is_not_found(sign_in, admin):
    client = sign_in(admin)

    assert client.get(reverse("programmes:manage", args=["no-such-thing"])).status_code == 404
    assert not Programme.objects.filter(slug="no-such-thing").exists()
