"""The permission matrix: every URL of the site, asked for by every role, gets the answer this
table says: the page ("ok"), sign in first ("login"), refused ("403", where a page says "this is
for programme teams"), or not there ("404", for other people's things, so they are not even
confirmed to exist). Never a 500: the test client raises any error a view lets out.

A URL added to one of our apps without a row here fails `test_every_url_has_a_row`, so the
matrix stays complete. To add a row: copy the nearest one in ROWS, say how to fill in its
address from the world (tests/security/matrix_support.py) and who may open it.

Staff have an authenticator app, as the deployed site requires (STAFF_MFA_REQUIRED stays on,
as tests/conftest.py sets it): a staff page that sent anyone to set one up would read as "mfa"
and fail. Each URL is asked for once per role, with GET, or for the URLs that only take POST
with an empty form, which is harmless: a test's changes are rolled back when it ends.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.matrix_support import (
    ANONYMOUS,
    CONFLICTED_REVIEWER_A,
    FINANCE_A,
    FORBIDDEN,
    GUARDIAN,
    LOGIN,
    NAMES,
    NOT_FOUND,
    OK,
    ORGANISER_A,
    ORGANISER_B,
    PARTICIPANT,
    REVIEWER_A,
    ROLES,
    SIGNED_OUT,
    SITE_ADMIN,
    STAFF,
    YOUNG_PERSON,
    build_world,
    describe,
    outcome,
    session_keys,
)

# Who gets what


def everyone(answer: str = OK) -> dict[str, str]:
    return dict.fromkeys(ROLES, answer)


def signed_in(**answers: str) -> dict[str, str]:
    """Any account may open it (login_required); visitors and the guardian sign in first."""
    table = everyone(OK) | dict.fromkeys(SIGNED_OUT, LOGIN)
    return table | answers


def owner(*roles: str) -> dict[str, str]:
    """Someone's own things: theirs to open, not there for anyone else, site admins too."""
    return everyone(NOT_FOUND) | dict.fromkeys(SIGNED_OUT, LOGIN) | dict.fromkeys(roles, OK)


def staff(*allowed: str, others: str = NOT_FOUND, **answers: str) -> dict[str, str]:
    """A `staff_page`: visitors sign in, participants are refused, team members and site admins
    get in if they hold a role the page is for in that programme, and are told it is not there
    otherwise."""
    table = dict.fromkeys(SIGNED_OUT, LOGIN) | {PARTICIPANT: FORBIDDEN, YOUNG_PERSON: FORBIDDEN}
    table |= {role: OK if role in allowed else others for role in STAFF}
    return table | answers


ORGANISERS = staff(ORGANISER_A, SITE_ADMIN)
# Anyone who organises some programme (venues are shared), else refused.
ANY_ORGANISER = staff(ORGANISER_A, ORGANISER_B, SITE_ADMIN, others=FORBIDDEN)
# A data request recorded for programme A.
ONE_REQUEST = staff(ORGANISER_A, SITE_ADMIN, others=FORBIDDEN, organiser_b=NOT_FOUND)
TEAM_A = (ORGANISER_A, REVIEWER_A, CONFLICTED_REVIEWER_A, FINANCE_A, SITE_ADMIN)

# Where a URL's parts come from in the world


def no_args(w: Any) -> dict[str, Any]:
    return {}


def slug_a(w: Any) -> dict[str, Any]:
    return {"slug": w.a.slug}


def coming(w: Any) -> dict[str, Any]:
    return {"pk": w.coming.pk}


def ended(w: Any) -> dict[str, Any]:
    return {"pk": w.ended.pk}


def pair(w: Any) -> dict[str, Any]:
    return {"pk": w.pair.pk}


def application(w: Any) -> dict[str, Any]:
    return {"pk": w.application.pk}


def claim(w: Any) -> dict[str, Any]:
    return {"pk": w.claim.pk}


def scheme(w: Any) -> dict[str, Any]:
    return {"pk": w.scheme.pk}


def of_a(attribute: str) -> Callable[[Any], dict[str, Any]]:
    """Programme A's slug and the pk of one of its things."""

    def args(w: Any) -> dict[str, Any]:
        return {"slug": w.a.slug, "pk": getattr(w, attribute).pk}

    args.thing = attribute  # type: ignore[attr-defined]
    return args


def pk_of(attribute: str) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"pk": getattr(w, attribute).pk}


def token(attribute: str) -> Callable[[Any], dict[str, Any]]:
    """An emailed link's key: whoever holds the link may use it, so these rows are open to
    everyone, and a made-up key finds nothing."""

    def args(w: Any) -> dict[str, Any]:
        return {"token": getattr(w, attribute)}

    args.token_attribute = attribute  # type: ignore[attr-defined]
    return args


@dataclass(frozen=True)
class Row:
    args: Callable[[Any], dict[str, Any]]
    expect: dict[str, str]
    method: str = "get"
    query: str = ""
    # A role that should get another answer but does not yet: {role: reason}; strict xfail.
    known_bugs: dict[str, str] = field(default_factory=dict)


def get(args: Callable[[Any], dict[str, Any]], expect: dict[str, str], **kw: Any) -> Row:
    return Row(args, expect, "get", **kw)


def post(args: Callable[[Any], dict[str, Any]], expect: dict[str, str], **kw: Any) -> Row:
    return Row(args, expect, "post", **kw)


# URL name → the row. A name with "#" is a second look at the same URL with other data (a draft,
# a query string); the part before "#" is the URL name.
ROWS: dict[str, Row] = {
    # Core
    "core:home": get(no_args, everyone()),
    "core:healthz": get(no_args, everyone()),
    "core:privacy": get(no_args, everyone()),
    "core:accessibility": get(no_args, everyone()),
    # Messages are for organisers (their programmes' messages) and site admins (all).
    "core:messages": get(no_args, staff(ORGANISER_A, ORGANISER_B, SITE_ADMIN, others=FORBIDDEN)),
    "core:audit": get(no_args, staff(SITE_ADMIN, others=FORBIDDEN)),
    "core:message_retry": post(
        pk_of("failed_message"),
        staff(ORGANISER_A, SITE_ADMIN, others=FORBIDDEN, organiser_b=NOT_FOUND),
    ),
    # Programmes: public pages
    "programmes:list": get(no_args, everyone()),
    "programmes:detail": get(slug_a, everyone()),
    # The invitation's own pages: the link is the key, no account needed to read or say no.
    "programmes:invitation": get(token("invitation_token"), everyone()),
    # Signed out, accepting goes on to sign up (or in), then back.
    "programmes:invitation_accept": post(token("invitation_token"), signed_in()),
    "programmes:invitation_decline": post(token("invitation_token"), everyone()),
    "programmes:invitation_continue": get(no_args, signed_in()),
    # Programmes: for teams
    "programmes:dashboard": get(no_args, staff(*STAFF)),
    "programmes:create": get(no_args, ANY_ORGANISER),
    "programmes:manage": get(slug_a, ORGANISERS),
    "programmes:edit": get(slug_a, ORGANISERS),
    "programmes:cohort_create": get(slug_a, ORGANISERS),
    "programmes:cohort_edit": get(of_a("cohort"), ORGANISERS),
    "programmes:cohort_delete": post(of_a("cohort"), ORGANISERS),
    "programmes:stages": get(slug_a, ORGANISERS),
    "programmes:stage_template": post(slug_a, ORGANISERS),
    "programmes:stage_edit": get(of_a("stage"), ORGANISERS),
    "programmes:stage_move": post(of_a("stage"), ORGANISERS),
    "programmes:stage_delete": post(of_a("stage"), ORGANISERS),
    "programmes:team": get(slug_a, ORGANISERS),
    "programmes:team_remove": post(of_a("membership"), ORGANISERS),
    "programmes:invitations": get(slug_a, ORGANISERS),
    "programmes:invitation_new": get(slug_a, ORGANISERS),
    "programmes:invitations_remind": post(slug_a, ORGANISERS),
    "programmes:invitation_batch": get(of_a("batch"), ORGANISERS),
    "programmes:invitation_batch_send": post(of_a("batch"), ORGANISERS),
    "programmes:invitation_resend": post(of_a("invitation"), ORGANISERS),
    "programmes:invitation_withdraw": post(of_a("invitation"), ORGANISERS),
    # Workshops: public pages. A draft is for its programme's organisers and reviewers only.
    "workshops:list": get(no_args, everyone()),
    "workshops:detail": get(coming, everyone()),
    "workshops:detail#draft": get(
        pk_of("draft"),
        everyone(NOT_FOUND)
        | dict.fromkeys((ORGANISER_A, REVIEWER_A, CONFLICTED_REVIEWER_A, SITE_ADMIN), OK),
    ),
    "workshops:ics": get(coming, everyone()),
    "workshops:ics#draft": get(
        pk_of("draft"),
        everyone(NOT_FOUND)
        | dict.fromkeys((ORGANISER_A, REVIEWER_A, CONFLICTED_REVIEWER_A, SITE_ADMIN), OK),
    ),
    "workshops:programme_feed": get(slug_a, everyone()),
    "workshops:material_download": get(pk_of("public_material"), everyone()),
    "workshops:material_download#draft": get(
        pk_of("draft_material"),
        dict.fromkeys(SIGNED_OUT, LOGIN)
        | {PARTICIPANT: NOT_FOUND, YOUNG_PERSON: NOT_FOUND, ORGANISER_B: NOT_FOUND}
        | dict.fromkeys(TEAM_A, OK),
    ),
    # Workshops: a participant's own
    "workshops:register": post(coming, signed_in()),
    "workshops:mine": get(no_args, signed_in()),
    "workshops:my_feed_reset": post(no_args, signed_in()),
    "workshops:my_feed": get(token("feed_token"), everyone()),  # a private address, no sign-in
    "workshops:registration_cancel": post(pk_of("registration"), owner(PARTICIPANT)),
    "workshops:registration_accept": post(pk_of("registration"), owner(PARTICIPANT)),
    "workshops:guardian_consent": get(token("guardian_token"), everyone()),
    "workshops:certificate": get(slug_a, owner(PARTICIPANT)),  # only who attended
    # Workshops: organisers
    "workshops:manage_new": get(no_args, ANY_ORGANISER),
    "workshops:manage_new#other-programme": get(no_args, ORGANISERS, query="programme={w.a.slug}"),
    # The calendar shows each person the workshops of the programmes they organise: none for
    # reviewers and finance officers, and another programme's calendar to nobody.
    "workshops:calendar": get(no_args, staff(*STAFF)),
    "workshops:calendar#other-programme": get(no_args, ORGANISERS, query="programme={w.a.slug}"),
    "workshops:calendar_list": get(no_args, staff(*STAFF)),
    "workshops:calendar_list#other-programme": get(
        no_args, ORGANISERS, query="programme={w.a.slug}"
    ),
    "workshops:venue_list": get(no_args, ANY_ORGANISER),
    "workshops:venue_new": get(no_args, ANY_ORGANISER),
    "workshops:venue_edit": get(pk_of("venue"), ANY_ORGANISER),  # venues are shared
    "workshops:manage_detail": get(coming, ORGANISERS),
    "workshops:manage_edit": get(coming, ORGANISERS),
    "workshops:manage_publish": post(pk_of("draft"), ORGANISERS),
    "workshops:manage_unpublish": post(coming, ORGANISERS),
    "workshops:manage_duplicate": post(coming, ORGANISERS),
    "workshops:manage_reschedule": get(coming, ORGANISERS),
    "workshops:manage_cancel": get(coming, ORGANISERS),
    "workshops:material_upload": post(coming, ORGANISERS),
    "workshops:material_delete": post(
        lambda w: {"pk": w.coming.pk, "material_pk": w.public_material.pk}, ORGANISERS
    ),
    # Who is coming: reviewers read the list (without young people's details), nothing more.
    "workshops:registrants": get(
        coming, staff(ORGANISER_A, REVIEWER_A, CONFLICTED_REVIEWER_A, SITE_ADMIN)
    ),
    "workshops:registrants_csv": get(coming, ORGANISERS),
    "workshops:waitlist_move": post(coming, ORGANISERS),
    "workshops:attendance": get(
        no_args,
        ANY_ORGANISER
        | {REVIEWER_A: NOT_FOUND, CONFLICTED_REVIEWER_A: NOT_FOUND, FINANCE_A: NOT_FOUND},
    ),
    "workshops:attendance#other-programme": get(no_args, ORGANISERS, query="programme={w.a.slug}"),
    "workshops:checkin": get(coming, ORGANISERS),
    "workshops:checkin_no_shows": post(coming, ORGANISERS),
    "workshops:checkin_person": post(
        lambda w: {"pk": w.coming.pk, "registration_pk": w.registration.pk}, ORGANISERS
    ),
    "workshops:checkin_undo": post(
        lambda w: {"pk": w.coming.pk, "registration_pk": w.registration.pk}, ORGANISERS
    ),
    "workshops:table_plan": get(coming, ORGANISERS),
    "workshops:table_plan_move": post(coming, ORGANISERS),
    # Participants: only ever the signed-in person's own profile; no URL takes anyone's id.
    "participants:profile": get(no_args, signed_in()),
    "participants:profile_step": get(lambda w: {"step": "about-you"}, signed_in()),
    "participants:equality": get(no_args, signed_in()),
    "participants:equality_delete": post(no_args, signed_in()),
    "participants:unsubscribe": get(token("unsubscribe_token"), everyone()),
    # Pairs: only the two partners open a pair's pages (the participant is its professional).
    "pairs:mine": get(no_args, signed_in()),
    "pairs:start": get(slug_a, signed_in()),
    "pairs:join_continue": get(no_args, signed_in()),
    "pairs:join": get(token("partner_token"), everyone()),
    "pairs:join_account": post(token("partner_token"), everyone()),
    "pairs:join_decline": post(token("partner_token"), everyone()),
    # The programme's organisers are sent on to the pair's application.
    "pairs:detail": get(pair, owner(PARTICIPANT, ORGANISER_A, SITE_ADMIN)),
    "pairs:submit": post(pair, owner(PARTICIPANT)),
    "pairs:withdraw": post(pair, owner(PARTICIPANT)),
    "pairs:resend": post(pair, owner(PARTICIPANT)),
    "pairs:change_partner": get(pair, owner(PARTICIPANT)),
    "pairs:log": get(pair, owner(PARTICIPANT)),
    "pairs:log_entry_edit": get(
        lambda w: {"pk": w.pair.pk, "entry_pk": w.entry.pk}, owner(PARTICIPANT)
    ),
    "pairs:cohort_log": get(pk_of("cohort"), owner(PARTICIPANT, ORGANISER_A, SITE_ADMIN)),
    "pairs:review": get(slug_a, ORGANISERS),
    "pairs:review_cohort": get(of_a("cohort"), ORGANISERS),
    "pairs:review_pair": get(of_a("pair"), ORGANISERS),
    "pairs:decide": post(of_a("pair"), ORGANISERS),
    # Bursaries: a participant's own (the participant holds the award)
    "bursaries:list": get(no_args, signed_in()),
    "bursaries:mine": get(no_args, signed_in()),
    "bursaries:apply": get(scheme, signed_in()),
    # Applying as the partner of a pair that is not yours: not there.
    "bursaries:apply#someone-elses-pair": get(scheme, owner(), query="pair={w.pair.pk}"),
    "bursaries:edit": get(application, owner(PARTICIPANT)),
    "bursaries:submit": post(application, owner(PARTICIPANT)),
    "bursaries:withdraw": post(application, owner(PARTICIPANT)),
    "bursaries:claim": get(application, owner(PARTICIPANT)),
    # A receipt: its owner and the programme's team, not a reviewer with a conflict.
    "bursaries:receipt": get(
        pk_of("receipt"), owner(PARTICIPANT, ORGANISER_A, REVIEWER_A, FINANCE_A, SITE_ADMIN)
    ),
    # Bursaries: organisers set schemes up; reviewers review; finance pays.
    "bursaries:schemes": get(slug_a, staff(*TEAM_A)),
    "bursaries:scheme_new": get(slug_a, ORGANISERS),
    "bursaries:scheme_edit": get(scheme, ORGANISERS),
    "bursaries:release": post(scheme, ORGANISERS),
    "bursaries:export": get(scheme, staff(ORGANISER_A, FINANCE_A, SITE_ADMIN)),
    "bursaries:queue": get(
        slug_a, staff(ORGANISER_A, REVIEWER_A, CONFLICTED_REVIEWER_A, SITE_ADMIN)
    ),
    "bursaries:claims": get(slug_a, staff(*TEAM_A)),
    "bursaries:application": get(
        application, staff(ORGANISER_A, REVIEWER_A, FINANCE_A, SITE_ADMIN)
    ),
    "bursaries:review": post(application, staff(REVIEWER_A, SITE_ADMIN)),
    "bursaries:conflict": post(application, staff(REVIEWER_A, SITE_ADMIN)),
    "bursaries:assign": post(application, staff(ORGANISER_A, SITE_ADMIN)),
    "bursaries:decide": post(application, staff(ORGANISER_A, SITE_ADMIN)),
    "bursaries:claim_approve": post(claim, staff(ORGANISER_A, REVIEWER_A, SITE_ADMIN)),
    "bursaries:claim_return": post(claim, staff(ORGANISER_A, REVIEWER_A, SITE_ADMIN)),
    "bursaries:claim_paid": post(claim, staff(FINANCE_A, SITE_ADMIN)),
    # Feedback: from the emailed link (the link is the key) or from My workshops (own place).
    "feedback:give": get(token("feedback_token"), everyone()),
    "feedback:give_thanks": get(token("feedback_token"), everyone()),
    "feedback:respond": get(ended, owner(PARTICIPANT)),
    "feedback:respond_thanks": get(ended, owner(PARTICIPANT)),
    # Feedback: organisers
    "feedback:manage_form": get(ended, ORGANISERS),
    "feedback:manage_settings": post(ended, ORGANISERS),
    "feedback:preview": get(ended, ORGANISERS),
    "feedback:question_new": get(ended, ORGANISERS),
    "feedback:question_edit": get(pk_of("question"), ORGANISERS),
    "feedback:question_remove": post(pk_of("question"), ORGANISERS),
    "feedback:workshop_report": get(ended, ORGANISERS),
    "feedback:workshop_report_csv": get(ended, ORGANISERS),
    "feedback:programme_report": get(slug_a, ORGANISERS),
    "feedback:programme_report_csv": get(slug_a, ORGANISERS),
    "feedback:actions": get(slug_a, ORGANISERS),
    "feedback:action_new": get(slug_a, ORGANISERS),
    "feedback:action_edit": get(of_a("action"), ORGANISERS),
    "feedback:action_publish": post(of_a("action"), ORGANISERS),
    "feedback:action_remove": post(of_a("action"), ORGANISERS),
    "feedback:learning": get(slug_a, everyone()),
    # Data rights: each person's own data (no URL takes anyone's id); requests recorded by
    # organisers (for their programmes) and site admins (for everything).
    "privacy:mine": get(no_args, signed_in()),
    "privacy:download": get(no_args, signed_in()),
    "privacy:erase": get(no_args, signed_in()),
    "privacy:erased": get(no_args, everyone()),
    "privacy:requests": get(no_args, ANY_ORGANISER),
    "privacy:request_new": get(no_args, ANY_ORGANISER),
    "privacy:request_detail": get(pk_of("data_request"), ONE_REQUEST),
    "privacy:request_download": get(pk_of("data_request"), ONE_REQUEST),
    "privacy:request_erase": post(pk_of("data_request"), ONE_REQUEST),
    # Django admin, in a few rows: only site admins (is_staff) get in; everyone else is sent
    # to its sign-in page, which tells a signed-in person they may not use it.
    "admin:index": get(no_args, everyone(LOGIN) | {SITE_ADMIN: OK}),
    "admin:app_list": get(
        lambda w: {"app_label": "participants"}, everyone(LOGIN) | {SITE_ADMIN: OK}
    ),
    "admin:accounts_user_changelist": get(no_args, everyone(LOGIN) | {SITE_ADMIN: OK}),
    "admin:participants_profile_changelist": get(no_args, everyone(LOGIN) | {SITE_ADMIN: OK}),
    "admin:core_auditentry_changelist": get(no_args, everyone(LOGIN) | {SITE_ADMIN: OK}),
    "admin:accounts_user_change": get(
        lambda w: {"object_id": w.people.participant.pk}, everyone(LOGIN) | {SITE_ADMIN: OK}
    ),
    # django-allauth, in a few rows: signing in and up for everyone (signed-in people are sent
    # on), the account's own pages for the signed-in person only.
    "account_login": get(no_args, everyone()),
    "account_signup": get(no_args, everyone()),
    "account_logout": get(no_args, everyone()),
    "account_email": get(no_args, signed_in()),
    "mfa_index": get(no_args, signed_in()),
}

# Third-party URLs the rows above stand for, and why the rest need no row of their own.
EXCLUDED = {
    "admin": "Django admin: every admin view is wrapped in AdminSite.admin_view, which lets in "
    "only active is_staff users; the admin rows check that gate (and MFA) for every role.",
    "allauth": "django-allauth: its views check the signed-in person themselves and act only on "
    "that person's own account; tests/accounts and tests/security/test_accounts_security.py "
    "cover how we use them. The account rows check the public and signed-in ones.",
}


def url_name(key: str) -> str:
    return key.split("#", 1)[0]


# The URL resolver, walked


@dataclass(frozen=True)
class Route:
    name: str | None
    route: str
    group: str  # "ours", "admin" or "allauth"


def all_routes() -> list[Route]:
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str | None, group: str) -> None:
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                module = getattr(pattern.urlconf_module, "__name__", "")
                inner = group
                if pattern.namespace == "admin":
                    inner = "admin"
                elif module.startswith("allauth"):
                    inner = "allauth"
                spaces = [part for part in (namespace, pattern.namespace) if part]
                walk(pattern, route, ":".join(spaces) or None, inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name and (
                    f"{namespace}:{pattern.name}" if namespace else pattern.name
                )
                found.append(Route(name, route, group))

    walk(get_resolver(), "", None, "ours")
    return found


# The world, made once for this file


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Made once, inside a transaction rolled back at the end; each test runs in a savepoint
    of its own inside it (pytest-django's `db`), as Django's setUpTestData does."""
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("matrix-media")))
    media.enable()
    with django_db_blocker.unblock():
        with transaction.atomic():
            made = build_world()
            made.sessions = session_keys(made)
            yield made
            transaction.set_rollback(True)
    media.disable()


def _client_for(client: Any, world: Any, role: str) -> Any:
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    elif role == GUARDIAN:
        # The guardian has no account: only the link from their email, opened first.
        opened = client.get(reverse("workshops:guardian_consent", args=[world.guardian_token]))
        assert opened.status_code == 200
    return client


def _address(key: str, row: Row, world: Any) -> str:
    url = reverse(url_name(key), kwargs=row.args(world))
    if row.query:
        url += "?" + row.query.format(w=world)
    return url


def _ask(client: Any, key: str, row: Row, world: Any, url: str | None = None) -> Any:
    url = url or _address(key, row, world)
    return client.post(url) if row.method == "post" else client.get(url)


# The matrix

CASES = []
for _key, _row in ROWS.items():
    for _role in ROLES:
        marks = []
        if _role in _row.known_bugs:
            marks.append(pytest.mark.xfail(strict=True, reason=_row.known_bugs[_role]))
        CASES.append(pytest.param(_key, _role, id=f"{_key}-{_role}", marks=marks))


@pytest.mark.parametrize(("key", "role"), CASES)
def test_each_role_gets_the_answer_the_matrix_gives(db, client, world, key, role):
    row = ROWS[key]
    expected = row.expect[role]

    response = _ask(_client_for(client, world, role), key, row, world)

    got = outcome(response)
    assert got == expected, (
        f"{row.method.upper()} {_address(key, row, world)} ({key}) as {role}: expected "
        f"{expected}, got {got} ({describe(response)})"
    )


def test_every_row_says_what_each_role_gets():
    incomplete = {key: set(ROLES) - set(row.expect) for key, row in ROWS.items()}
    assert not {key: roles for key, roles in incomplete.items() if roles}


def test_every_url_has_a_row():
    """Fails when a URL of our apps has no row in ROWS (add one: copy the nearest row), or when
    a row names a URL that no longer exists (remove it)."""
    routes = all_routes()
    ours = [route for route in routes if route.group == "ours"]
    unnamed = [route.route for route in ours if not route.name]
    assert not unnamed, f"These URLs have no name, so the matrix can't list them: {unnamed}"
    rows = {url_name(key) for key in ROWS}
    missing = sorted({route.name for route in ours} - rows)
    assert not missing, (
        f"These URLs have no row in the permission matrix: {missing}. Add a row for each to "
        "ROWS in tests/security/test_permission_matrix.py, saying who may open it."
    )
    known = {route.name for route in routes}
    stale = sorted(rows - known)
    assert not stale, f"These rows name URLs that no longer exist; remove them: {stale}"
    for group in EXCLUDED:
        covered = {route.name for route in routes if route.group == group} & rows
        assert covered, f"The {group} URLs need at least one row of their own."


SWAPPABLE = [key for key, row in ROWS.items() if hasattr(row.args, "thing")]


@pytest.mark.parametrize("key", SWAPPABLE)
def test_organiser_of_another_programme_cannot_reach_its_things_through_their_own(
    db, client, world, key
):
    """Programme B's organiser, with B's address and the id of one of A's things: not there."""
    row = ROWS[key]
    url = reverse(url_name(key), kwargs=row.args(world) | {"slug": world.b.slug})

    response = _ask(_client_for(client, world, ORGANISER_B), key, row, world, url)

    assert outcome(response) == NOT_FOUND, f"{url}: {describe(response)}"


# Someone's own page, with the id of a thing from somewhere else in it: not there.
MIXED = {
    "workshops:material_delete": (
        ORGANISER_A,
        lambda w: {"pk": w.coming.pk, "material_pk": w.b_material.pk},
        {},
    ),
    "workshops:checkin_person": (
        ORGANISER_A,
        lambda w: {"pk": w.coming.pk, "registration_pk": w.b_registration.pk},
        {},
    ),
    "workshops:checkin_undo": (
        ORGANISER_A,
        lambda w: {"pk": w.coming.pk, "registration_pk": w.b_registration.pk},
        {},
    ),
    "workshops:waitlist_move": (
        ORGANISER_A,
        coming,
        {"registration": "{w.b_registration.pk}", "reason": "Needs the step-free room"},
    ),
    "workshops:table_plan_move": (
        ORGANISER_A,
        coming,
        {"registration": "{w.b_registration.pk}", "round": "1", "table": "1"},
    ),
    "pairs:log_entry_edit": (
        PARTICIPANT,
        lambda w: {"pk": w.pair.pk, "entry_pk": w.b_entry.pk},
        {},
    ),
}


@pytest.mark.parametrize("key", list(MIXED))
def test_a_thing_from_elsewhere_is_not_there_on_your_own_page(db, client, world, key):
    role, args, data = MIXED[key]
    row = ROWS[key]
    url = reverse(key, kwargs=args(world))
    client = _client_for(client, world, role)
    filled = {name: value.format(w=world) for name, value in data.items()}

    response = client.post(url, filled) if row.method == "post" else client.get(url)

    assert outcome(response) == NOT_FOUND, f"{url} as {role}: {describe(response)}"


# Pages a role may open, which must still not show them what is not theirs: (URL, query, who
# sees the text, who must not, the text).
NOT_SHOWN = {
    "conflicted reviewer's queue": (
        "bursaries:queue",
        "",
        REVIEWER_A,
        CONFLICTED_REVIEWER_A,
        "/bursaries/review/applications/{w.application.pk}/",
    ),
    "conflicted reviewer's claims": (
        "bursaries:claims",
        "",
        REVIEWER_A,
        CONFLICTED_REVIEWER_A,
        "/bursaries/review/claims/{w.claim.pk}/approve/",
    ),
    "conflicted reviewer's queue, by name": (
        "bursaries:queue",
        "",
        REVIEWER_A,
        CONFLICTED_REVIEWER_A,
        NAMES["participant"],
    ),
    "a participant's email address to a reviewer": (
        "workshops:registrants",
        "",
        ORGANISER_A,
        REVIEWER_A,
        "participant@example.org",
    ),
    "a young person's guardian to a reviewer": (
        "workshops:registrants",
        "",
        ORGANISER_A,
        REVIEWER_A,
        "gina.guardian@example.org",
    ),
    "programme A's data requests to B's organiser": (
        "privacy:requests",
        "",
        ORGANISER_A,
        ORGANISER_B,
        "no.account@example.org",
    ),
    "programme A's messages to B's organiser, asked for by programme": (
        "core:messages",
        "programme={w.a.pk}",
        ORGANISER_A,
        ORGANISER_B,
        "bounced@example.org",
    ),
    "young person's name to a reviewer": (
        "workshops:registrants",
        "",
        ORGANISER_A,
        REVIEWER_A,
        NAMES["young"],
    ),
    "programme A's messages to B's organiser": (
        "core:messages",
        "",
        ORGANISER_A,
        ORGANISER_B,
        "bounced@example.org",
    ),
    "programme A's workshops on B's organiser's dashboard": (
        "programmes:dashboard",
        "",
        ORGANISER_A,
        ORGANISER_B,
        "Matrix coming workshop",
    ),
    "programme A's workshops on a reviewer's calendar": (
        "workshops:calendar_list",
        "month={w.coming.starts_at:%Y-%m}",
        ORGANISER_A,
        REVIEWER_A,
        "Matrix coming workshop",
    ),
    "programme A's workshops on B's organiser's calendar": (
        "workshops:calendar_list",
        "month={w.coming.starts_at:%Y-%m}",
        ORGANISER_A,
        ORGANISER_B,
        "Matrix coming workshop",
    ),
    "a pair's entry shared with the team, to a participant outside the pair": (
        "feedback:learning",
        "",
        ORGANISER_A,
        YOUNG_PERSON,
        "Shorter letters get read.",
    ),
    "a pair's entry shared with the team, to another programme's organiser": (
        "feedback:learning",
        "",
        ORGANISER_A,
        ORGANISER_B,
        "Shorter letters get read.",
    ),
}


@pytest.mark.parametrize("case", list(NOT_SHOWN))
def test_a_page_you_may_open_does_not_show_what_is_not_yours(db, client, world, case):
    key, query, sees, must_not, text = NOT_SHOWN[case]
    row = ROWS[key]
    url = reverse(key, kwargs=row.args(world))
    if query:
        url += "?" + query.format(w=world)
    text = text.format(w=world)

    seen = _client_for(client, world, sees).get(url)
    client.cookies.clear()
    hidden = _client_for(client, world, must_not).get(url)

    assert seen.status_code == 200
    assert text in seen.content.decode(), f"{sees} should see {text!r} on {url}"
    assert hidden.status_code == 200
    assert text not in hidden.content.decode(), f"{must_not} sees {text!r} on {url}"


TOKEN_ROWS = [key for key, row in ROWS.items() if hasattr(row.args, "token_attribute")]


@pytest.mark.parametrize("role", [ANONYMOUS, PARTICIPANT])
@pytest.mark.parametrize("key", TOKEN_ROWS)
def test_a_link_with_a_made_up_key_is_not_there(db, client, world, key, role):
    row = ROWS[key]
    url = reverse(url_name(key), kwargs={"token": "made-up-key-" + "x" * 30})

    response = _ask(_client_for(client, world, role), key, row, world, url)

    assert outcome(response) == NOT_FOUND, f"{url} as {role}: {describe(response)}"


def test_a_finance_officer_can_be_added_to_the_team_and_taken_off_it(db, client, world):
    """Found by the matrix: the team page crashed (a 500) naming the finance role."""
    client = _client_for(client, world, ORGANISER_A)
    team = reverse("programmes:team", args=[world.a.slug])

    added = client.post(team, {"email": "participant@example.org", "role": "finance"}, follow=True)
    removed = client.post(
        reverse("programmes:team_remove", args=[world.a.slug, world.membership.pk]), follow=True
    )

    assert "Added participant@example.org as a finance officer." in added.content.decode()
    assert "finance.a@example.org is no longer a finance officer of" in removed.content.decode()
