"""The registrants page: who is coming, grouped by status, with what to arrange for them and
the mix against the places kept, shown on a need-to-know basis."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import AgeBand, SupportNeed
from tests.factories import PlaceReservationFactory, WorkshopFactory
from tests.workshops.registrants_support import (
    CARER,
    PATIENT,
    PROFESSIONAL,
    YOUNG,
    registered,
    sixteen_years_ago,
)
from workshops.models import GuardianConsent, Registration, Workshop
from workshops.views.registrants import REGISTRANTS_PER_PAGE

Status = Registration.Status


@pytest.fixture
def workshop(programme):
    return WorkshopFactory(programme=programme, title="Mapping the clinic visit", capacity=20)


def url(workshop):
    return reverse("workshops:registrants", args=[workshop.pk])


@pytest.fixture
def signed_in(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))
    return client


def test_organiser_sees_people_grouped_by_status_with_their_own_words(signed_in, workshop):
    registered(
        workshop,
        "Ade",
        [PATIENT],
        described_as="expert by experience",
        support_needs=[SupportNeed.STEP_FREE],
        dietary_needs="Vegetarian",
        companion_name="Bola",
    )
    registered(workshop, "Cai", [PROFESSIONAL], described_as="GP", status=Status.OFFERED)
    registered(workshop, "Dee", [CARER], status=Status.CANCELLED)

    response = signed_in.get(url(workshop))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "Confirmed (1)" in page
    assert "Offered a place, not answered yet (1)" in page
    assert "Ade" in page and "“expert by experience”" in page
    assert "Bola" in page
    assert "Step-free access" in page
    assert "Vegetarian" in page
    assert "Dee" not in page
    assert "1 person has cancelled." in page
    assert '<th scope="col">Name, and how they want to be described</th>' in page
    assert "<caption>" in page


def test_waiting_list_is_in_queue_order_with_positions(signed_in, workshop):
    now = timezone.now()
    late = registered(workshop, "Late", status=Status.WAITLISTED)
    early = registered(workshop, "Early", status=Status.WAITLISTED)
    moved_up = registered(workshop, "Moved up", status=Status.WAITLISTED)
    Registration.objects.filter(pk=late.pk).update(queued_at=now)
    Registration.objects.filter(pk=early.pk).update(queued_at=now - dt.timedelta(hours=2))
    Registration.objects.filter(pk=moved_up.pk).update(queued_at=now, queue_priority=-1)

    page = signed_in.get(url(workshop)).content.decode()

    section = page.split("On the waiting list, in queue order (3)")[1]
    assert section.index("Moved up") < section.index("Early") < section.index("Late")
    assert "<td>1</td>" in section and "<td>3</td>" in section


def test_mix_shows_kept_places_and_places_held_per_group(signed_in, workshop, programme):
    programme.lived_experience_term_plural = "patient partners"
    programme.save()
    PlaceReservationFactory(workshop=workshop, perspectives=[PATIENT, CARER], places=8)
    kept = workshop.reservations.get()
    # Registrations count against kept places through their reservation.
    registered(workshop, "Ade", [PATIENT], companion_name="Bola")
    registered(workshop, "Cai", [CARER])
    registered(workshop, "Eve", [PROFESSIONAL])
    Registration.objects.exclude(user__profile__display_name="Eve").update(reservation=kept)

    page = signed_in.get(url(workshop)).content.decode()

    assert "4 of 20 places taken" in page
    assert '<th scope="row">Patients and carers</th><td>8</td><td>3</td>' in page
    assert '<th scope="row">Patient partners</th><td>2</td>' in page
    assert '<th scope="row">Professionals</th><td>1</td>' in page
    assert '<th scope="row">Health professional</th><td>1</td>' in page


def test_support_summary_counts_needs_in_words_and_groups_food_case_insensitively(
    signed_in, workshop
):
    for name in ("Ade", "Bea", "Cai"):
        registered(
            workshop, name, support_needs=[SupportNeed.STEP_FREE], dietary_needs="vegetarian"
        )
    registered(workshop, "Dee", support_needs=[SupportNeed.BSL], dietary_needs="Vegetarian.")
    registered(workshop, "Eve", dietary_needs="Halal")
    # Waiting or cancelled people don't need anything arranged yet.
    registered(workshop, "Fin", support_needs=[SupportNeed.BSL], status=Status.WAITLISTED)

    page = signed_in.get(url(workshop)).content.decode()

    assert "3 need step-free access, 1 needs a BSL interpreter, 4 vegetarian, 1 halal." in page


def test_support_needs_show_what_to_arrange_never_a_reason(signed_in, workshop):
    registered(
        workshop,
        "Ade",
        support_needs=[SupportNeed.HEARING_LOOP, SupportNeed.QUIET_SPACE],
        support_other="A chair with arms",
    )

    page = signed_in.get(url(workshop)).content.decode()

    assert "Hearing loop" in page and "Quiet space" in page and "A chair with arms" in page
    assert "1 needs a hearing loop, 1 needs a quiet space, 1 asked for: a chair with arms." in page


def test_organiser_sees_young_peoples_details_age_and_guardian(signed_in, workshop):
    young = registered(
        workshop,
        "Young Yas",
        [YOUNG],
        status=Status.AWAITING_GUARDIAN,
        date_of_birth=sixteen_years_ago(),
    )
    GuardianConsent.objects.create(
        registration=young, guardian_name="Gil", guardian_email="gil@example.org", token="t1"
    )

    page = signed_in.get(url(workshop)).content.decode()

    assert "Young Yas" in page
    assert "young.yas@example.org" in page
    assert "<td>16</td>" in page
    assert "Gil (gil@example.org), not agreed yet" in page
    assert "Young person (details hidden)" not in page


def test_site_admin_sees_everything(client, admin, with_mfa, workshop):
    registered(workshop, "Young Yas", [YOUNG], age_band=AgeBand.AGE_16_17)
    client.force_login(with_mfa(admin))

    page = client.get(url(workshop)).content.decode()

    assert "Young Yas" in page
    assert "16 or 17" in page


def test_reviewer_sees_no_ages_and_young_people_only_as_hidden(
    client, reviewer, with_mfa, workshop
):
    registered(
        workshop,
        "Young Yas",
        [YOUNG],
        date_of_birth=sixteen_years_ago(),
        guardian_name="Gil",
        dietary_needs="No nuts",
        described_as="young carer",
    )
    registered(workshop, "Adult Ade", [PATIENT], date_of_birth=dt.date(1980, 1, 1))
    client.force_login(with_mfa(reviewer))

    response = client.get(url(workshop))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Young person (details hidden)" in page
    for secret in ("Young Yas", "young.yas@example.org", "Gil", "young carer"):
        assert secret not in page
    assert "Adult Ade" in page
    assert "adult.ade@example.org" not in page
    assert '<th scope="col">Age</th>' not in page
    assert str(timezone.localdate().year - 1980) not in page.split("Confirmed (2)")[1]
    # Links to pages reviewers can't open are not shown.
    assert reverse("workshops:registrants_csv", args=[workshop.pk]) not in page
    assert reverse("workshops:checkin", args=[workshop.pk]) not in page


def test_other_programmes_organiser_finds_nothing(client, other_organiser, with_mfa, workshop):
    client.force_login(with_mfa(other_organiser))

    assert client.get(url(workshop)).status_code == 404


def test_participant_is_refused(client, patient, workshop):
    client.force_login(patient)

    assert client.get(url(workshop)).status_code == 403


def test_visitor_is_asked_to_sign_in(client, workshop):
    response = client.get(url(workshop))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_wrong_method_is_refused(signed_in, workshop):
    assert signed_in.post(url(workshop)).status_code == 405


def test_workshop_page_links_to_the_pages_about_people(signed_in, workshop):
    page = signed_in.get(reverse("workshops:manage_detail", args=[workshop.pk])).content.decode()

    for name in ("registrants", "checkin", "table_plan"):
        assert reverse(f"workshops:{name}", args=[workshop.pk]) in page
    assert reverse("workshops:attendance") in page


@pytest.mark.parametrize("count", [5, 100])
def test_registrants_page_runs_the_same_number_of_queries_however_many_people(
    signed_in, workshop, count, django_assert_num_queries
):
    PlaceReservationFactory(workshop=workshop, perspectives=[PATIENT, CARER], places=8)
    statuses = [Status.CONFIRMED, Status.WAITLISTED, Status.OFFERED, Status.CANCELLED]
    for i in range(count):
        young = registered(
            workshop,
            f"Person {i}",
            [PATIENT, CARER, PROFESSIONAL, YOUNG][i % 4],
            status=statuses[i % 4],
            support_needs=[SupportNeed.STEP_FREE],
            dietary_needs="Vegan",
            companion_name="Pal" if i % 5 == 0 else "",
            age_band=AgeBand.AGE_16_17 if i % 4 == 3 else "",
        )
        if i % 4 == 3:
            GuardianConsent.objects.create(
                registration=young, guardian_name="G", guardian_email="g@example.org", token=f"{i}"
            )

    # session, user, roles, MFA, workshop with its fill, access record, reservations,
    # people per status, the page of people, everyone's needs for the mix, history (11: the
    # list is paged, so the mix and the page are read apart)
    with django_assert_num_queries(11):
        response = signed_in.get(url(workshop))

    assert response.status_code == 200
    listed = count - count // 4  # a quarter cancelled
    shown = min(listed, REGISTRANTS_PER_PAGE)
    assert response.content.decode().count('<th scope="row">\n                  Person ') == shown


def test_organiser_moves_someone_to_the_front_with_a_reason_shown_in_the_history(
    signed_in, workshop
):
    # Full, so moving someone changes the queue rather than giving them a place.
    registered(workshop, "Holder", status=Status.CONFIRMED)
    Workshop.objects.filter(pk=workshop.pk).update(capacity=1)
    first = registered(workshop, "First", status=Status.WAITLISTED)
    second = registered(workshop, "Second", status=Status.WAITLISTED)
    Registration.objects.filter(pk=first.pk).update(
        queued_at=timezone.now() - dt.timedelta(hours=1)
    )
    Registration.objects.filter(pk=second.pk).update(queued_at=timezone.now())
    move = reverse("workshops:waitlist_move", args=[workshop.pk])

    refused = signed_in.post(move, {"registration": second.pk, "reason": ""}, follow=True)
    assert "Say why" in refused.content.decode()
    second.refresh_from_db()
    assert second.queue_priority == 0

    signed_in.post(move, {"registration": second.pk, "reason": "Only carer who can come"})

    page = signed_in.get(url(workshop)).content.decode()
    # The last: the heading of the group, after the link to show only that group.
    section = page.split("On the waiting list, in queue order (2)")[-1]
    assert section.index("Second") < section.index("First")
    history = page.split('id="history-heading"')[1]
    assert "Moved on the waiting list by an organiser" in history
    assert "Only carer who can come" in history


def test_reviewers_cannot_move_people_on_the_waiting_list(client, reviewer, with_mfa, workshop):
    waiting = registered(workshop, "Waiting", status=Status.WAITLISTED)
    client.force_login(with_mfa(reviewer))

    response = client.post(
        reverse("workshops:waitlist_move", args=[workshop.pk]),
        {"registration": waiting.pk, "reason": "Because"},
    )

    assert response.status_code == 404
    waiting.refresh_from_db()
    assert waiting.queue_priority == 0
