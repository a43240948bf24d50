import pytest
from django.urls import reverse

PUBLIC_PAGES = ["core:home", "core:privacy", "core:accessibility"]
# The home page lists the next few workshops in one query, however many there are.
QUERIES = {"core:home": 1, "core:privacy": 0, "core:accessibility": 0}


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_open_for_everyone_in_a_fixed_number_of_queries(
    client, db, name, django_assert_num_queries
):
    with django_assert_num_queries(QUERIES[name]):
        response = client.get(reverse(name))

    assert response.status_code == 200
    assert response.content.count(b"<h1") == 1


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_refuse_a_post(client, db, name):
    assert client.post(reverse(name)).status_code == 405


def test_home_page_says_what_the_platform_is_for(client, db):
    page = client.get(reverse("core:home")).content.decode()

    assert "design services side by side" in page
    assert "Create an account" in page


def test_home_page_lists_the_next_three_published_workshops_in_one_query(
    client, programme, django_assert_num_queries
):
    import datetime as dt

    from django.utils import timezone

    from tests.factories import WorkshopFactory
    from workshops.models import Workshop

    soon = timezone.now() + dt.timedelta(days=2)
    WorkshopFactory(programme=programme, title="Not yet public", starts_at=soon, status="draft")
    for day in range(1, 6):
        WorkshopFactory(
            programme=programme,
            title=f"Workshop on day {day}",
            starts_at=soon + dt.timedelta(days=day),
        )
    WorkshopFactory(programme=programme, starts_at=soon - dt.timedelta(days=9))

    with django_assert_num_queries(1):
        page = client.get(reverse("core:home")).content.decode()

    assert [f"Workshop on day {day}" in page for day in range(1, 6)] == [True] * 3 + [False] * 2
    assert "Not yet public" not in page
    assert Workshop.objects.count() == 7
    assert reverse("workshops:list") in page


def test_header_shows_who_is_signed_in_and_the_menu_for_their_roles(client, organiser):
    client.force_login(organiser)

    page = client.get(reverse("core:home")).content.decode()

    assert "Signed in as <strong>organiser@example.org</strong>" in page
    assert "(organiser)" in page
    assert reverse("programmes:dashboard") in page
    assert reverse("admin:index") not in page


def test_participants_see_no_staff_menu(client, patient):
    client.force_login(patient)

    page = client.get(reverse("core:home")).content.decode()

    assert "Signed in as <strong>patient@example.org</strong>" in page
    assert reverse("programmes:dashboard") not in page
    assert reverse("admin:index") not in page


def test_site_admins_see_the_site_admin_link(client, admin):
    client.force_login(admin)

    page = client.get(reverse("core:home")).content.decode()

    assert reverse("admin:index") in page
    assert "(site admin)" in page


def test_signed_in_pages_cost_the_same_queries_however_many_roles(
    client, organiser, django_assert_max_num_queries
):
    from tests.factories import MembershipFactory, ProgrammeFactory

    client.force_login(organiser)
    with django_assert_max_num_queries(4) as small:
        client.get(reverse("core:home"))
    for _ in range(20):
        MembershipFactory(programme=ProgrammeFactory(), user=organiser)
    with django_assert_max_num_queries(4) as large:
        client.get(reverse("core:home"))

    assert len(small.captured_queries) == len(large.captured_queries)


def test_pages_send_a_content_security_policy_without_inline_scripts(client, db):
    response = client.get(reverse("core:home"))

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert b"<script>" not in response.content
    assert response.headers["X-Frame-Options"] == "DENY"


def test_static_files_come_from_our_own_server(client, db):
    page = client.get(reverse("core:home")).content.decode()

    assert "/static/vendor/bootstrap/bootstrap.min.css" in page
    assert "/static/vendor/htmx/htmx.min.js" in page
    assert "cdn" not in page.lower()
