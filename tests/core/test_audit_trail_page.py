"""The audit trail page (core:audit): site admins read, newest first and in plain words, who
viewed, downloaded or changed sensitive details; filters narrow it down; nobody else gets in."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from codesign.core import audit
from codesign.core.audit_views import PER_PAGE, audit_trail
from codesign.core.models import AuditEntry
from participants.models import EqualityMonitoring, Profile
from tests.bursaries.factories import ApplicationFactory, SchemeFactory
from tests.factories import ProfileFactory, UserFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

URL = reverse("core:audit")


@pytest.fixture
def signed_in(client, with_mfa):
    from allauth.mfa.models import Authenticator

    def sign_in(user):
        if not Authenticator.objects.filter(user=user).exists():
            with_mfa(user)
        client.force_login(user)
        return client

    return sign_in


def text(response) -> str:
    return " ".join(strip_tags(response.content.decode()).split())


def records(response) -> str:
    """The list part of the page, after the introduction and the filters."""
    page = text(response)
    return page[page.index("Records") :]


def named(user, name: str):
    user.profile.display_name = name
    user.profile.save()
    return user


@pytest.fixture
def trail(signed_in, organiser, carer, patient, programme):
    """A view of support needs, a support-needs change, an equality change and a decision."""
    named(organiser, "Sam Organiser")
    named(carer, "Chris Carer")
    workshop = WorkshopFactory(programme=programme, title="Clinic letters")
    signed_in(organiser).get(reverse("workshops:registrants", args=[workshop.pk]))
    client = signed_in(carer)
    client.post(
        reverse("participants:profile_step", kwargs={"step": "support"}),
        {"support_needs": ["bsl"], "reminders": "yes"},
    )
    client.post(reverse("participants:equality"), {"ethnicity": "black", "sex": "female"})
    application = ApplicationFactory(
        scheme=SchemeFactory(programme=programme, name="Travel fund"),
        applicant=carer,
        amount=Decimal("100"),
    )
    signed_in(organiser).post(
        reverse("bursaries:decide", args=[application.pk]),
        {"outcome": "partial", "amount": "40", "reason": "Half the fare", "release": "hold"},
    )
    return application


def test_a_site_admin_reads_the_trail_newest_first_in_plain_words(signed_in, admin, trail):
    response = signed_in(admin).get(URL)

    assert response.status_code == 200
    page = text(response)
    assert page.count("Audit trail") >= 2  # the heading, and the menu link
    assert response.content.count(b"<h1") == 1
    viewed = "Sam Organiser viewed the support needs on the registrants list for Clinic letters"
    support = "Chris Carer changed their own support needs"
    equality = "Chris Carer changed their own equality monitoring answers"
    decision = f"Sam Organiser changed bursary application {trail.pk} (Travel fund, from Chris"
    for words in (viewed, support, equality, decision):
        assert words in page
    assert page.index(decision) < page.index(equality) < page.index(support) < page.index(viewed)
    assert "What changed: support needs" in page
    assert "Answers changed for: ethnic group, sex" in page
    assert "decision: Approve in part" in page
    assert "amount awarded: £40.00" in page
    assert "reason: Half the fare" in page
    assert "The system created bursary application" in page  # made by a factory, not a person
    # Equality answers and support needs are named, never shown.
    assert "Black" not in page and "Female" not in page
    assert "BSL" not in page


def test_only_site_admins_see_the_link_to_the_trail(signed_in, organiser, admin):
    assert "Audit trail" not in text(signed_in(organiser).get(reverse("core:home")))
    assert "Audit trail" in text(signed_in(admin).get(reverse("core:home")))


@pytest.mark.parametrize("who", ["patient", "organiser", "reviewer"])
def test_everyone_else_is_refused(signed_in, request, who):
    response = signed_in(request.getfixturevalue(who)).get(URL)

    assert response.status_code == 403


def test_a_visitor_is_asked_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_it_is_a_staff_page_so_a_site_admin_needs_an_authenticator_app(client, admin):
    client.force_login(admin)

    response = client.get(URL)

    assert audit_trail.staff_page is True
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_the_page_only_reads(signed_in, admin):
    assert signed_in(admin).post(URL).status_code == 405


def test_an_empty_trail_says_so(signed_in, admin):
    assert "Nothing recorded yet." in text(signed_in(admin).get(URL))


# Filters


def _entry(action: str, actor=None, repr_: str = "Clinic letters", days_ago: int = 0, **data):
    entry = audit.audit_log(actor=actor, action=action, data=data)
    AuditEntry.objects.filter(pk=entry.pk).update(
        object_repr=repr_,
        object_type="workshops.workshop",
        object_id="7",
        created_at=timezone.now() - dt.timedelta(days=days_ago),
    )
    return entry


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("viewed", ["viewed the support needs"]),
        ("exported", ["downloaded the registrants list (CSV)"]),
        ("support", ["changed their own support needs"]),
        ("equality", ["changed their own equality monitoring answers"]),
        ("bursary", ["changed bursary application"]),
        ("other", ["cancelled the workshop"]),
    ],
)
def test_what_happened_narrows_the_list_to_one_kind(signed_in, admin, trail, kind, expected):
    _entry("workshops.registrants.exported", rows=3)
    _entry("workshops.workshop.cancelled")
    everything = [
        "viewed the support needs",
        "downloaded the registrants list (CSV)",
        "changed their own support needs",
        "changed their own equality monitoring answers",
        "changed bursary application",
        "cancelled the workshop",
    ]

    page = records(signed_in(admin).get(URL, {"kind": kind}))

    assert [words for words in everything if words in page] == expected


def test_who_did_it_matches_a_name_or_an_email_address(signed_in, admin, trail, organiser):
    client = signed_in(admin)

    by_name = records(client.get(URL, {"who": "sam organ"}))
    by_email = records(client.get(URL, {"who": organiser.email}))

    for page in (by_name, by_email):
        assert "viewed the support needs" in page
        assert "changed bursary application" in page
        assert "Chris Carer changed" not in page


def test_about_matches_a_record_or_the_person_whose_details_they_were(
    signed_in, admin, trail, carer
):
    client = signed_in(admin)

    workshop = records(client.get(URL, {"about": "clinic lett"}))
    person = records(client.get(URL, {"about": "chris"}))
    number = records(client.get(URL, {"about": str(trail.pk), "kind": "bursary"}))

    assert "viewed the support needs" in workshop
    assert "changed their own" not in workshop and "bursary application" not in workshop
    assert "changed their own support needs" in person
    assert "changed bursary application" in person
    assert "viewed the support needs" not in person
    assert "changed bursary application" in number


def test_a_date_range_keeps_only_what_happened_between_those_days(signed_in, admin):
    _entry("workshops.workshop.cancelled", repr_="Long ago", days_ago=40)
    _entry("workshops.workshop.published", repr_="Last week", days_ago=7)
    _entry("workshops.workshop.updated", repr_="Today")
    today = timezone.localdate()

    page = text(
        signed_in(admin).get(
            URL, {"start": today - dt.timedelta(days=8), "end": today - dt.timedelta(days=1)}
        )
    )

    assert "published the workshop: Last week" in page
    assert "Long ago" not in page and "Today" not in page
    assert "1 record matches" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"kind": "everything-ever"}, "Choose what happened from the list."),
        ({"start": "yesterday"}, "Enter the first day as a date, like 2026-11-21."),
        ({"start": "today", "end": "ten days ago"}, "The last day is before the first day."),
        ({"who": "x" * 101}, "Use no more than 100 characters."),
    ],
)
def test_bad_filters_are_explained_and_the_rest_still_apply(signed_in, admin, query, message):
    _entry("workshops.workshop.cancelled", repr_="Clinic letters")
    today = timezone.localdate()
    days = {"today": today, "ten days ago": today - dt.timedelta(days=10)}
    query = {name: days.get(value, value) for name, value in query.items()}

    response = signed_in(admin).get(URL, query)

    assert response.status_code == 200
    assert message in text(response)
    assert "cancelled the workshop: Clinic letters" in records(response)


def test_no_matches_offer_the_whole_list_again(signed_in, admin):
    _entry("workshops.workshop.cancelled")

    page = records(signed_in(admin).get(URL, {"who": "nobody at all"}))

    assert "No records match. Show all records." in page


# Pages and queries


def _grow(rounds: int, actor, start: int = 0) -> None:
    """Each round: an access record, a support-needs change, an equality change, a decision."""
    scheme = SchemeFactory(name="Travel fund")
    for n in range(start, start + rounds):
        person = ProfileFactory(user=UserFactory(email=f"person{n}@example.org")).user
        audit.audit_log(actor=actor, action=audit.VIEWED_SUPPORT_NEEDS, data={"page": "check-in"})
        profile = Profile.objects.get(user=person)
        profile.support_needs = ["bsl"]
        profile._history_user = actor
        profile.save()
        EqualityMonitoring.objects.create(user=person, ethnicity="white")
        ApplicationFactory(scheme=scheme, applicant=person)


def test_the_page_takes_the_same_queries_for_5_or_50_rounds_of_records(
    signed_in, admin, organiser, django_assert_num_queries
):
    client = signed_in(admin)
    _grow(5, organiser)
    # session, user, team roles, MFA, count, page of keys, then one query for each kind on it
    with django_assert_num_queries(10):
        few = client.get(URL)
    _grow(45, organiser, start=5)
    with django_assert_num_queries(10):
        many = client.get(URL)
    with django_assert_num_queries(10):
        last = client.get(URL, {"page": 4})

    assert "20 records" in text(few)
    assert "200 records" in text(many)
    assert many.content.decode().count('class="list-group-item"') == PER_PAGE
    assert "Page 4 of 4" in text(last)


def test_django_admin_lists_audit_entries_read_only_for_site_admins_alone(signed_in, admin):
    from django.contrib.auth.models import Permission

    entry = _entry("workshops.workshop.cancelled")
    listing = reverse("admin:core_auditentry_changelist")
    detail = reverse("admin:core_auditentry_change", args=[entry.pk])
    client = signed_in(admin)

    assert client.get(listing).status_code == 200
    page = client.get(detail)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content

    staff = UserFactory(email="staff.member@example.org", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    client = signed_in(staff)
    assert client.get(listing).status_code == 403
    assert client.get(detail).status_code == 403


@pytest.mark.parametrize("query", [{"about": "9" * 30}, {"page": "last-but-one"}, {"page": "99"}])
def test_odd_queries_still_show_a_page(signed_in, admin, query):
    _entry("workshops.workshop.cancelled")

    assert signed_in(admin).get(URL, query).status_code == 200


@pytest.mark.parametrize(
    ("action", "about", "data", "words"),
    [
        (
            "workshops.registrants.exported",
            "Clinic letters",
            {"rows": 3},
            "downloaded the registrants list (CSV) for Clinic letters",
        ),
        (
            "bursaries.scheme.exported",
            "Travel fund",
            {"rows": 2},
            "downloaded the bursary awards and payments (CSV) for Travel fund",
        ),
        (
            "feedback.report.exported",
            "Clinic letters",
            {},
            "downloaded the feedback report (CSV) for Clinic letters",
        ),
        (
            "privacy.data.exported",
            "",
            {"records": 12},
            "downloaded everything held about an account (JSON)",
        ),
        (
            audit.VIEWED_DATA_REQUEST,
            "Data request 4 (access)",
            {},
            "viewed the records held for Data request 4 (access)",
        ),
        (
            audit.VIEWED_BURSARY_RECEIPT,
            "Claim 2 on application 9",
            {},
            "downloaded a receipt from Claim 2 on application 9",
        ),
        (
            "programmes.team.added",
            "Diabetes care together",
            {"email": "new.member@example.org", "role": "reviewer"},
            "added someone to the team of Diabetes care together",
        ),
    ],
)
def test_each_kind_of_record_reads_as_a_sentence(
    signed_in, admin, organiser, action, about, data, words
):
    named(organiser, "Sam Organiser")
    _entry(action, actor=organiser, repr_=about, **data)

    page = records(signed_in(admin).get(URL))

    assert f"Sam Organiser {words}" in page
    for key, value in data.items():
        assert f"{key.capitalize()}: {value}" in page
