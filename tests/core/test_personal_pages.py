"""Signed-in people's busiest pages are kept in the cache for them (codesign/core/cache.py,
`personal_page`): served again without the work of making them, made afresh at once after
any change, never shown to anyone else, with the visitor's own form token and the access
records the page writes."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from codesign.core import cache as versioned
from codesign.core.models import AuditEntry
from participants.models import SupportNeed
from programmes.models import Membership
from tests.factories import WorkshopFactory
from tests.workshops.registrants_support import registered
from workshops.models import Registration

Status = Registration.Status


@pytest.fixture(autouse=True)
def _kept(settings):
    settings.SIGNED_IN_CACHE = True


@pytest.fixture
def workshop(programme):
    return WorkshopFactory(programme=programme, title="Mapping the clinic visit", capacity=1)


def registrants(workshop):
    return reverse("workshops:registrants", args=[workshop.pk])


@pytest.fixture
def signed_in(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))
    return client


def _queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries]


def test_the_second_view_is_served_from_the_cache_and_still_recorded(
    signed_in, workshop, django_assert_max_num_queries
):
    registered(workshop, "Ade", support_needs=[SupportNeed.STEP_FREE])
    first = signed_in.get(registrants(workshop))

    # Session, the person, their team roles, their authenticator (staff pages ask for one)
    # and the access record: nothing about the page itself.
    with django_assert_max_num_queries(5) as captured:
        second = signed_in.get(registrants(workshop))

    assert not any("workshops_registration" in sql for sql in _queries(captured))
    assert second.status_code == 200
    assert "Ade" in second.content.decode() and "Step-free access" in second.content.decode()
    assert AuditEntry.objects.filter(action="viewed.support_needs").count() == 2
    kept = AuditEntry.objects.order_by("-id").first()
    assert kept.object_id == str(workshop.pk) and kept.data == {"page": "registrants"}
    assert first.content.count(b"csrfmiddlewaretoken") == second.content.count(
        b"csrfmiddlewaretoken"
    )


def test_a_change_shows_at_once(signed_in, workshop):
    person = registered(workshop, "Ade")
    assert "Step-free access" not in signed_in.get(registrants(workshop)).content.decode()

    profile = person.user.profile
    profile.support_needs = [SupportNeed.STEP_FREE]
    profile.save()

    assert "Step-free access" in signed_in.get(registrants(workshop)).content.decode()

    registered(workshop, "Bea", status=Status.WAITLISTED)

    assert "Bea" in signed_in.get(registrants(workshop)).content.decode()


def test_a_change_that_sends_no_signal_shows_after_the_request_that_made_it(
    signed_in, workshop, organiser
):
    person = registered(workshop, "Ade")
    signed_in.get(registrants(workshop))
    before = versioned.version(versioned.SIGNED_IN_PAGES)

    # A queryset update (no signal), as some services do, inside any POST request.
    Registration.objects.filter(pk=person.pk).update(status=Status.CANCELLED)
    assert "Ade" in signed_in.get(registrants(workshop)).content.decode()  # not told yet
    signed_in.post(reverse("workshops:my_feed_reset"))

    assert versioned.version(versioned.SIGNED_IN_PAGES) != before
    assert "1 person has cancelled." in signed_in.get(registrants(workshop)).content.decode()


def test_another_person_never_gets_someone_elses_kept_page(
    client, organiser, with_mfa, workshop, programme
):
    from tests.factories import MembershipFactory, UserFactory

    registered(workshop, "Ade")
    client.force_login(with_mfa(organiser))
    assert "organiser@example.org" in client.get(registrants(workshop)).content.decode()
    colleague = UserFactory(email="colleague@example.org")
    MembershipFactory(programme=programme, user=colleague, role="organiser")
    other = Client()
    other.force_login(with_mfa(colleague))

    page = other.get(registrants(workshop)).content.decode()

    assert "colleague@example.org" in page
    assert "organiser@example.org" not in page


def test_losing_a_role_closes_the_kept_page_at_once(signed_in, workshop, organiser):
    assert signed_in.get(registrants(workshop)).status_code == 200

    Membership.objects.filter(user=organiser).delete()

    assert signed_in.get(registrants(workshop)).status_code in (403, 404)


def test_the_form_token_on_a_kept_page_is_the_visitors_own(organiser, with_mfa, workshop):
    waiting = registered(workshop, "Bea", status=Status.WAITLISTED)
    registered(workshop, "Ade")
    first = Client(enforce_csrf_checks=True)
    first.force_login(with_mfa(organiser))
    first.get(registrants(workshop))
    # The same person in another browser: another CSRF secret, the same kept page.
    second = Client(enforce_csrf_checks=True)
    second.force_login(organiser)
    page = second.get(registrants(workshop)).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert "__codesign_csrf__" not in page

    response = second.post(
        reverse("workshops:waitlist_move", args=[workshop.pk]),
        {"csrfmiddlewaretoken": token, "registration": waiting.pk, "reason": "Needs a carer"},
    )

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Moved to the front of the waiting list. The reason is kept below."
    ]


def test_a_page_with_a_message_waiting_is_made_for_it_and_shows_it_once(client, patient):
    client.force_login(patient)
    client.get(reverse("workshops:mine"))

    shown = client.post(reverse("workshops:my_feed_reset"), follow=True)
    again = client.get(reverse("workshops:mine"))

    assert "Your private calendar address is ready" in shown.content.decode()
    assert "Your private calendar address is ready" not in again.content.decode()
    assert "/calendar/" in again.content.decode()


def test_htmx_partial_pages_are_never_kept(signed_in, workshop):
    registered(workshop, "Ade")
    full = signed_in.get(registrants(workshop))
    partial = signed_in.get(registrants(workshop), headers={"HX-Request": "true"})

    assert full.status_code == partial.status_code == 200
    again = signed_in.get(registrants(workshop))
    assert again.content.count(b"<html") == 1


def test_my_workshops_is_kept_per_person_and_shows_a_new_place_at_once(client, patient, programme):
    from tests.factories import RegistrationFactory

    client.force_login(patient)
    assert "Mapping the clinic visit" not in client.get(reverse("workshops:mine")).content.decode()

    workshop = WorkshopFactory(programme=programme, title="Mapping the clinic visit")
    RegistrationFactory(workshop=workshop, user=patient)

    assert "Mapping the clinic visit" in client.get(reverse("workshops:mine")).content.decode()


def test_off_every_view_makes_the_page(signed_in, workshop, settings):
    settings.SIGNED_IN_CACHE = False
    registered(workshop, "Ade")
    signed_in.get(registrants(workshop))
    Registration.objects.update(status=Status.CANCELLED)  # no signal, no request

    assert "1 person has cancelled." in signed_in.get(registrants(workshop)).content.decode()
