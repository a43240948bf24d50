"""Who may open each staff page of the bursaries and do each thing: organisers of the programme
(and site admins), its reviewers, its finance officers. Anyone from another programme is told
the page is not there; participants are refused; visitors are asked to sign in; a reviewer with
a conflict of interest can neither see nor act on that application. Pages answer only their
own method."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bursaries.models import Application, Claim, ClaimItem, Conflict
from codesign.core.models import AuditEntry
from programmes.models import TeamRole
from tests.bursaries.factories import ApplicationFactory
from tests.factories import MembershipFactory, ProfileFactory, UserFactory

OK = "ok"
# URL name → (what its argument is, method, the roles it is for)
PAGES = {
    "schemes": ("slug", "get", {"organiser", "reviewer", "finance", "admin"}),
    "scheme_new": ("slug", "get", {"organiser", "admin"}),
    "scheme_edit": ("scheme", "get", {"organiser", "admin"}),
    "release": ("scheme", "post", {"organiser", "admin"}),
    "export": ("scheme", "get", {"organiser", "finance", "admin"}),
    "queue": ("slug", "get", {"organiser", "reviewer", "admin"}),
    "claims": ("slug", "get", {"organiser", "reviewer", "finance", "admin"}),
    "application": ("application", "get", {"organiser", "reviewer", "finance", "admin"}),
    "review": ("application", "post", {"reviewer", "admin"}),
    "conflict": ("application", "post", {"reviewer", "admin"}),
    "assign": ("application", "post", {"organiser", "admin"}),
    "decide": ("application", "post", {"organiser", "admin"}),
    "claim_approve": ("submitted_claim", "post", {"organiser", "reviewer", "admin"}),
    "claim_return": ("submitted_claim", "post", {"organiser", "reviewer", "admin"}),
    "claim_paid": ("approved_claim", "post", {"finance", "admin"}),
}
ROLES = ["organiser", "reviewer", "finance", "admin", "other_organiser"]
# Forms that answer GET and POST.
FORMS = {"scheme_new", "scheme_edit"}
APPLICATION_PAGES = [n for n, (arg, _, _) in PAGES.items() if arg != "slug" and arg != "scheme"]


@pytest.fixture
def things(programme, scheme, organiser, reviewer, finance):
    second = ProfileFactory(user=UserFactory(email="second@example.org"), perspectives=[]).user
    MembershipFactory(programme=programme, user=second, role=TeamRole.REVIEWER)
    application = ApplicationFactory(scheme=scheme, amount=Decimal("80"))
    award = ApplicationFactory(
        scheme=scheme,
        status=Application.Status.APPROVED,
        outcome="full",
        awarded=Decimal("100"),
        decided_at=timezone.now(),
        released_at=timezone.now(),
    )
    submitted_claim = Claim.objects.create(application=award)
    approved_claim = Claim.objects.create(application=award, status=Claim.Status.APPROVED)
    for claim in (submitted_claim, approved_claim):
        ClaimItem.objects.create(claim=claim, cost_type="travel", amount=Decimal("20"))
    return {
        "slug": programme.slug,
        "scheme": scheme.pk,
        "application": application.pk,
        "submitted_claim": submitted_claim.pk,
        "approved_claim": approved_claim.pk,
        "second": second,
        "criteria": list(scheme.criteria.all()),
    }


def _url(name, things):
    return reverse(f"bursaries:{name}", args=[things[PAGES[name][0]]])


def _post_data(things):
    data = {
        "reviewer": things["second"].pk,
        "outcome": "full",
        "reason": "Meets the criteria",
        "release": "hold",
        "recommendation": "full",
        "reference": "BACS-1",
        "note": "Please send the ticket",
    }
    data.update({f"criterion_{c.pk}": "4" for c in things["criteria"]})
    return data


def _send(client, name, things):
    url = _url(name, things)
    return client.post(url, _post_data(things)) if PAGES[name][1] == "post" else client.get(url)


def _state():
    return (
        list(Application.objects.order_by("pk").values_list("status", "outcome")),
        list(Claim.objects.order_by("pk").values_list("status", flat=True)),
        Conflict.objects.count(),
        AuditEntry.objects.count(),
    )


CASES = [(name, role) for name in PAGES for role in ROLES]


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_each_role_opens_only_its_pages(sign_in, person, things, name, role):
    client = sign_in(person(role))
    before = _state()

    response = _send(client, name, things)

    if role in PAGES[name][2]:
        assert response.status_code in (200, 302), response.content[:500]
        if response.status_code == 302:
            assert "/accounts/" not in response.url
    else:
        assert response.status_code == 404
        assert _state() == before


@pytest.mark.parametrize("name", list(PAGES))
def test_participant_is_refused_every_staff_page(sign_in, patient, things, name):
    before = _state()

    response = _send(sign_in(patient), name, things)

    assert response.status_code == 403
    assert _state() == before


@pytest.mark.parametrize("name", list(PAGES))
def test_visitor_is_asked_to_sign_in(client, things, name):
    before = _state()

    response = _send(client, name, things)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert _state() == before


@pytest.mark.parametrize("name", APPLICATION_PAGES)
def test_reviewer_with_a_conflict_is_told_the_application_is_not_there(
    sign_in, reviewer, things, name
):
    application = Application.objects.get(pk=things["application"])
    award = Claim.objects.get(pk=things["submitted_claim"]).application
    for conflicted in (application, award):
        Conflict.objects.create(application=conflicted, reviewer=reviewer)
    before = _state()

    response = _send(sign_in(reviewer), name, things)

    assert response.status_code == 404
    assert _state() == before


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_answer_only_their_own_method(sign_in, organiser, things, name):
    client = sign_in(organiser)
    url = _url(name, things)

    if name in FORMS:
        response = client.put(url)
    elif PAGES[name][1] == "post":
        response = client.get(url)
    else:
        response = client.post(url)

    assert response.status_code == 405


def test_staff_pages_need_an_authenticator_app(client, organiser, things):
    client.force_login(organiser)

    response = client.get(_url("queue", things))

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
