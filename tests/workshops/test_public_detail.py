import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from programmes.models import Programme
from tests.factories import (
    AgendaItemFactory,
    PlaceReservationFactory,
    ProgrammeFactory,
    RegistrationFactory,
    UserFactory,
    VenueFactory,
    WorkshopFactory,
)
from workshops.models import AgendaItem, Material, Registration, Workshop, WorkshopChange

UK = ZoneInfo("Europe/London")
JOINING_URL = "https://meet.example.org/room-4471"


def detail(workshop):
    return reverse("workshops:detail", args=[workshop.pk])


def online_workshop(**kwargs):
    return WorkshopFactory(
        format=Workshop.Format.ONLINE, venue=None, joining_url=JOINING_URL, **kwargs
    )


def cancel(workshop, *, was_published=True, reason="The venue flooded."):
    if was_published:
        WorkshopChange.objects.create(workshop=workshop, kind=WorkshopChange.Kind.PUBLISHED)
    workshop.status = Workshop.Status.CANCELLED
    workshop.cancelled_reason = reason
    workshop.save()
    WorkshopChange.objects.create(workshop=workshop, kind=WorkshopChange.Kind.CANCELLED)
    return workshop


def test_a_published_workshop_shows_everything_a_person_needs_to_decide(client, programme):
    start = dt.datetime(2030, 11, 5, 10, tzinfo=UK)
    workshop = WorkshopFactory(
        programme=programme,
        title="Design the clinic letter",
        description="We will **rewrite** the letter together.\n\n- Bring your letters",
        audience="Young people aged 14 to 25 with diabetes, and clinic staff.",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3, minutes=30),
        venue=VenueFactory(
            name="Riverside Community Centre",
            address="12 River Road\nExampletown",
            postcode="EX2 2BB",
            step_free=True,
            hearing_loop=True,
            quiet_room=False,
            parking="3 blue-badge spaces by the door.",
            public_transport="Bus 12 stops outside.",
            access_notes="The lift is at the back.",
        ),
        capacity=20,
        bursaries_available=True,
        payment_details="Travel paid, lunch provided, £25 voucher for your time.",
        access_contact_name="Alex Access",
        access_contact_details="access@example.org",
        safeguarding_lead_name="Sam Safe",
        safeguarding_lead_contact="020 7946 0000",
    )
    PlaceReservationFactory(workshop=workshop, places=8)
    RegistrationFactory(workshop=workshop)

    response = client.get(detail(workshop))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    for heading in (
        "When",
        "Where",
        "What it involves",
        "Who it is for",
        "Agenda",
        "Places",
        "Costs and support",
        "Add to your calendar",
    ):
        assert f">{heading}</h2>" in page
    assert "Tuesday 5 November 2030, 10am to 1:30pm, UK time." in page
    assert "It lasts 3 hours and 30 minutes." in page
    assert "12 River Road<br>Exampletown<br>EX2 2BB" in page
    assert "<li>Step-free access</li>" in page
    assert "<li>Hearing loop</li>" in page
    assert "Quiet room" not in page
    assert "3 blue-badge spaces by the door." in page
    assert "Bus 12 stops outside." in page
    assert "The lift is at the back." in page
    assert "<strong>rewrite</strong>" in page
    assert "<li>Bring your letters</li>" in page
    assert "Young people aged 14 to 25 with diabetes, and clinic staff." in page
    assert "There are 20 places in all." in page
    assert "19 places left" in page
    assert "8 places are kept for patients and carers" in page
    assert "Bursaries are available." in page
    assert "£25 voucher for your time." in page
    assert '<a href="mailto:access@example.org">access@example.org</a>' in page
    assert '<a href="tel:02079460000">020 7946 0000</a>' in page
    assert "Sam Safe" in page
    assert reverse("workshops:ics", args=[workshop.pk]) in page
    assert f"/workshops/feeds/{programme.slug}.ics" in page
    assert "Draft: only your team can see this" not in page


def test_a_workshop_without_bursaries_says_so(client, programme):
    workshop = WorkshopFactory(programme=programme, bursaries_available=False)

    page = client.get(detail(workshop)).content.decode()

    assert "There are no bursaries for this workshop." in page


def test_a_past_published_workshop_still_opens_and_says_it_has_finished(client, programme):
    start = timezone.now() - dt.timedelta(days=3)
    workshop = WorkshopFactory(programme=programme, starts_at=start)

    page = client.get(detail(workshop)).content.decode()

    assert "This workshop has finished." in page


def test_the_page_says_when_registration_opens(client, programme):
    opens = dt.datetime(2030, 10, 1, 9, tzinfo=UK)
    workshop = WorkshopFactory(
        programme=programme,
        starts_at=dt.datetime(2030, 11, 5, 10, tzinfo=UK),
        registration_opens_at=opens,
        registration_closes_at=dt.datetime(2030, 11, 1, 17, tzinfo=UK),
    )

    page = client.get(detail(workshop)).content.decode()

    assert "Registration opens Tuesday 1 October 2030 at 9am." in page
    assert "Registration closes Friday 1 November 2030 at 5pm." in page


def test_the_page_says_when_registration_closes_while_it_is_open(client, programme):
    workshop = WorkshopFactory(
        programme=programme,
        starts_at=dt.datetime(2030, 11, 5, 10, tzinfo=UK),
        registration_opens_at=timezone.now() - dt.timedelta(days=1),
        registration_closes_at=dt.datetime(2030, 11, 4, 12, tzinfo=UK),
    )

    page = client.get(detail(workshop)).content.decode()

    assert "Registration is open. Registration closes Monday 4 November 2030 at midday." in page


def test_an_online_workshop_says_the_link_comes_when_a_place_is_confirmed(client, programme):
    workshop = online_workshop(programme=programme)

    page = client.get(detail(workshop)).content.decode()

    assert "Online. We send the joining link when your place is confirmed." in page
    assert JOINING_URL not in page


def test_a_confirmed_registrant_sees_the_joining_link(client, programme, patient):
    workshop = online_workshop(programme=programme)
    RegistrationFactory(workshop=workshop, user=patient, status=Registration.Status.CONFIRMED)
    client.force_login(patient)

    page = client.get(detail(workshop)).content.decode()

    assert f'href="{JOINING_URL}"' in page
    assert "Online. We send the joining link" not in page


def test_a_hybrid_workshop_shows_the_link_to_a_confirmed_registrant(client, programme, patient):
    workshop = WorkshopFactory(
        programme=programme, format=Workshop.Format.HYBRID, joining_url=JOINING_URL
    )
    RegistrationFactory(workshop=workshop, user=patient)
    client.force_login(patient)

    page = client.get(detail(workshop)).content.decode()

    assert workshop.venue.name in page
    assert f'href="{JOINING_URL}"' in page


@pytest.mark.parametrize(
    "who",
    [
        "anonymous",
        "waitlisted",
        "awaiting_guardian",
        "cancelled_registration",
        "another_participant",
        "confirmed_elsewhere",
        "organiser",
    ],
)
def test_nobody_else_sees_the_joining_link(client, programme, organiser, patient, who):
    workshop = online_workshop(programme=programme)
    RegistrationFactory(workshop=workshop, user=UserFactory())  # someone else is confirmed
    statuses = {
        "waitlisted": Registration.Status.WAITLISTED,
        "awaiting_guardian": Registration.Status.AWAITING_GUARDIAN,
        "cancelled_registration": Registration.Status.CANCELLED,
    }
    if who in statuses:
        RegistrationFactory(workshop=workshop, user=patient, status=statuses[who])
    if who == "confirmed_elsewhere":
        RegistrationFactory(workshop=online_workshop(programme=programme), user=patient)
    if who == "organiser":
        client.force_login(organiser)
    elif who != "anonymous":
        client.force_login(patient)

    page = client.get(detail(workshop)).content.decode()

    assert JOINING_URL not in page
    assert "We send the joining link when your place is confirmed." in page


@pytest.mark.parametrize("persona", ["organiser", "reviewer", "admin"])
def test_the_programme_team_and_site_admins_can_see_a_draft_with_a_banner(
    client, programme, persona, request
):
    workshop = WorkshopFactory(programme=programme, status=Workshop.Status.DRAFT)
    client.force_login(request.getfixturevalue(persona))

    response = client.get(detail(workshop))

    assert response.status_code == 200
    assert "Draft: only your team can see this." in response.content.decode()


@pytest.mark.parametrize("persona", [None, "patient", "other_organiser"])
def test_everyone_else_gets_not_found_for_a_draft(client, programme, persona, request):
    workshop = WorkshopFactory(programme=programme, status=Workshop.Status.DRAFT)
    if persona:
        client.force_login(request.getfixturevalue(persona))

    assert client.get(detail(workshop)).status_code == 404
    assert client.get(reverse("workshops:ics", args=[workshop.pk])).status_code == 404


@pytest.mark.parametrize("persona", [None, "patient", "other_organiser"])
def test_a_published_workshop_of_a_draft_programme_is_not_found_for_outsiders(
    client, db, persona, request
):
    hidden = ProgrammeFactory(status=Programme.Status.DRAFT)
    workshop = WorkshopFactory(programme=hidden)
    if persona:
        client.force_login(request.getfixturevalue(persona))

    assert client.get(detail(workshop)).status_code == 404


def test_the_team_sees_a_workshop_of_their_draft_programme_with_the_banner(client, organiser):
    programme = organiser.memberships.get().programme
    programme.status = Programme.Status.DRAFT
    programme.save()
    workshop = WorkshopFactory(programme=programme)
    client.force_login(organiser)

    page = client.get(detail(workshop)).content.decode()

    assert "Draft: only your team can see this." in page
    assert "The programme is still a draft" in page


def test_a_workshop_that_does_not_exist_is_not_found(client, db):
    assert client.get(reverse("workshops:detail", args=[999999])).status_code == 404


def test_a_cancelled_workshop_says_so_with_the_reason(client, programme):
    workshop = cancel(WorkshopFactory(programme=programme), reason="The venue flooded.")

    response = client.get(detail(workshop))

    assert response.status_code == 200
    page = response.content.decode()
    assert ">Cancelled</h2>" in page
    assert "This workshop is cancelled. It will not happen." in page
    assert "The venue flooded." in page


def test_a_draft_that_was_cancelled_before_anyone_saw_it_stays_hidden(client, programme):
    workshop = cancel(
        WorkshopFactory(programme=programme, status=Workshop.Status.DRAFT), was_published=False
    )

    assert client.get(detail(workshop)).status_code == 404


def test_a_workshop_taken_down_and_then_cancelled_stays_hidden(client, programme):
    workshop = WorkshopFactory(programme=programme)
    WorkshopChange.objects.create(workshop=workshop, kind=WorkshopChange.Kind.PUBLISHED)
    WorkshopChange.objects.create(workshop=workshop, kind=WorkshopChange.Kind.UNPUBLISHED)
    cancel(workshop, was_published=False)

    assert client.get(detail(workshop)).status_code == 404


def test_a_cancelled_workshop_never_shows_the_joining_link(client, programme, patient):
    workshop = cancel(online_workshop(programme=programme))
    RegistrationFactory(workshop=workshop, user=patient)
    client.force_login(patient)

    page = client.get(detail(workshop)).content.decode()

    assert JOINING_URL not in page


def test_the_agenda_shows_lived_experience_leadership_in_the_programmes_own_words(client, db):
    programme = ProgrammeFactory(
        lived_experience_term="patient partner", lived_experience_term_plural="patient partners"
    )
    workshop = WorkshopFactory(programme=programme)
    AgendaItemFactory(
        workshop=workshop,
        starts_at=dt.time(10, 0),
        ends_at=dt.time(10, 30),
        title="Welcome",
        lived_experience_role=AgendaItem.LivedExperienceRole.CO_LED,
    )
    AgendaItemFactory(
        workshop=workshop,
        starts_at=dt.time(10, 30),
        ends_at=dt.time(12, 0),
        title="Stories from the clinic",
        lived_experience_role=AgendaItem.LivedExperienceRole.LED,
    )
    AgendaItemFactory(
        workshop=workshop,
        starts_at=dt.time(12, 0),
        ends_at=dt.time(12, 30),
        title="Lunch",
        facilitators="",
        lived_experience_role=AgendaItem.LivedExperienceRole.NONE,
    )

    page = client.get(detail(workshop)).content.decode()

    assert "2 parts of this workshop are\n        led or co-led by patient partners." in page
    assert "Co-led by a patient partner" in page
    assert "Led by a patient partner" in page
    assert "<caption" in page
    assert "10am to 10:30am" in page
    assert "12:30pm" in page and "midday to 12:30pm" in page
    assert "lived experience" not in page


def test_the_lived_experience_badge_reads_well_with_any_term(client, db):
    programme = ProgrammeFactory(
        lived_experience_term="expert by experience",
        lived_experience_term_plural="experts by experience",
    )
    workshop = WorkshopFactory(programme=programme)
    AgendaItemFactory(workshop=workshop)

    page = client.get(detail(workshop)).content.decode()

    assert "Co-led by an expert by experience" in page
    assert "1 part of this workshop is\n        led or co-led by experts by experience." in page


def test_no_lived_experience_sentence_when_nobody_with_lived_experience_leads(client, programme):
    workshop = WorkshopFactory(programme=programme)
    AgendaItemFactory(workshop=workshop, lived_experience_role="")

    page = client.get(detail(workshop)).content.decode()

    assert "led or co-led by" not in page
    assert "Co-led by" not in page


def test_materials_are_listed_with_a_download_link(client, programme):
    workshop = WorkshopFactory(programme=programme)
    material = Material.objects.create(
        workshop=workshop,
        title="Easy-read guide",
        kind=Material.Kind.EASY_READ,
        file="workshops/1/materials/guide.pdf",
        content_type="application/pdf",
        size=2048,
    )

    page = client.get(detail(workshop)).content.decode()

    assert ">Materials</h2>" in page
    assert "Easy-read guide" in page
    try:
        download = reverse("workshops:material_download", args=[material.pk])
    except NoReverseMatch:  # the organiser pages add the download view
        return
    assert f'href="{download}"' in page


def test_the_workshop_page_refuses_a_post(client, programme):
    workshop = WorkshopFactory(programme=programme)

    assert client.post(detail(workshop)).status_code == 405


def test_the_workshop_page_runs_the_same_queries_for_10_and_200_workshops(
    client, programme, patient, django_assert_num_queries, django_assert_max_num_queries
):
    venue = VenueFactory()
    workshop = online_workshop(programme=programme)
    RegistrationFactory(workshop=workshop, user=patient)
    client.force_login(patient)

    def add(n):
        for other in WorkshopFactory.create_batch(n, programme=programme, venue=venue):
            AgendaItemFactory(workshop=workshop)
            PlaceReservationFactory(workshop=workshop, places=1)
            RegistrationFactory(workshop=other)

    add(10)
    with django_assert_max_num_queries(12) as small:
        client.get(detail(workshop))
    add(190)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(detail(workshop)).content.decode()

    assert page.count("Co-led by a person with lived experience") == 200
