"""Every page named in the performance issue, opened with lazy loads made to raise, runs the same
number of queries with 2 or 30 of what it lists, and no more than 15.

The apps' own tests count queries too, page by page; this file is the one place that covers
them all, and makes any field a view forgot to load fail loudly (tests/perf/support.py).
"""

import contextlib
import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import FieldFetchBlocked
from django.urls import reverse

from bursaries.models import Application
from bursaries.services import application_assign, review_save
from feedback.bench import bench_organiser, feedback_seed
from participants.models import AgeBand, Perspective, SupportNeed
from programmes.models import Programme, TeamRole
from tests.bursaries.factories import ApplicationFactory, CriterionFactory, SchemeFactory
from tests.factories import (
    AgendaItemFactory,
    CohortFactory,
    MembershipFactory,
    PlaceReservationFactory,
    ProfileFactory,
    ProgrammeFactory,
    RegistrationFactory,
    StageFactory,
    UserFactory,
    VenueFactory,
    WorkshopFactory,
)
from tests.feedback.report_support import answered, reported_workshop, waiting
from tests.feedback.support import ended_workshop, form_of
from tests.perf.support import lazy_loads_raise, same_queries_at_each_size
from tests.workshops.registrants_support import registered
from workshops.models import (
    CalendarFeed,
    GuardianConsent,
    Material,
    Registration,
    RegistrationEvent,
    Workshop,
    WorkshopChange,
)

pytestmark = pytest.mark.django_db

Status = Registration.Status


def _workshops(programme: Programme, count: int, **fields) -> list[Workshop]:
    """Workshops each with a venue, cohort and stage of its own, so every optional relation is
    there to be read and nothing is loaded once and shared."""
    return [
        WorkshopFactory(
            programme=programme,
            venue=VenueFactory(),
            cohort=CohortFactory(programme=programme),
            stage=StageFactory(programme=programme),
            **fields,
        )
        for _ in range(count)
    ]


def test_the_guard_blocks_and_names_every_lazy_load_then_steps_aside(programme):
    """If a Django upgrade stopped the guard working, every test below would pass for nothing."""
    RegistrationFactory(workshop=WorkshopFactory(programme=programme))

    with lazy_loads_raise() as blocked:
        registration = Registration.objects.get()
        with pytest.raises(FieldFetchBlocked):
            registration.workshop  # noqa: B018
        with contextlib.suppress(FieldFetchBlocked):  # as a template would swallow it
            registration.user  # noqa: B018
        with pytest.raises(FieldFetchBlocked):
            Registration.objects.only("pk").get().status  # noqa: B018
        assert Registration.objects.select_related("workshop").get().workshop.title

    assert blocked == ["Registration.workshop", "Registration.user", "Registration.status"]
    assert Registration.objects.get().workshop.programme == programme


# Pages anyone can open


@pytest.mark.parametrize("who", ["visitor", "patient"])
def test_the_workshop_list(client, request, who):
    if who != "visitor":
        client.force_login(request.getfixturevalue(who))

    def page(size):
        for _ in range(size):
            # A programme each, so the programme filter's choices grow too.
            workshop = _workshops(ProgrammeFactory(), 1, bursaries_available=True)[0]
            RegistrationFactory(workshop=workshop)
            RegistrationFactory(workshop=workshop, status=Status.WAITLISTED)
        return reverse("workshops:list") + "?q=workshop&format=in_person"

    same_queries_at_each_size(client, page)


@pytest.mark.parametrize("who", ["visitor", "patient", "organiser"])
def test_the_workshop_page(client, request, programme, who):
    user = None if who == "visitor" else request.getfixturevalue(who)
    if user is not None:
        client.force_login(user)
    # Organisers also see drafts; everyone else a published workshop they are waiting for.
    status = Workshop.Status.DRAFT if who == "organiser" else Workshop.Status.PUBLISHED
    workshop = _workshops(programme, 1, status=status, capacity=5)[0]
    if who == "patient":
        RegistrationFactory.create_batch(5, workshop=workshop)
        RegistrationFactory(workshop=workshop, user=user, status=Status.WAITLISTED)

    def page(size):
        for n in range(size):
            AgendaItemFactory(workshop=workshop, title=f"Part {n}")
            PlaceReservationFactory(workshop=workshop, places=1)
            Material.objects.create(
                workshop=workshop,
                title=f"Handout {n}",
                file=f"workshops/{workshop.pk}/materials/handout-{n}.pdf",
                content_type="application/pdf",
                size=2048,
                uploaded_by=UserFactory(),
            )
            WorkshopChange.objects.create(
                workshop=workshop, kind=WorkshopChange.Kind.PUBLISHED, changed_by=UserFactory()
            )
            RegistrationFactory(workshop=workshop, status=Status.WAITLISTED)
        return reverse("workshops:detail", args=[workshop.pk])

    same_queries_at_each_size(client, page)


def test_my_workshops(client, programme, patient):
    client.force_login(patient)
    CalendarFeed.objects.create(user=patient, token="my-private-feed-token")

    def page(size):
        for n in range(size):
            other = ProgrammeFactory()
            coming, waiting_for = _workshops(other, 2, capacity=1)
            RegistrationFactory(workshop=coming, user=patient)
            RegistrationFactory(workshop=waiting_for)
            RegistrationFactory(workshop=waiting_for, user=patient, status=Status.WAITLISTED)
            # Past ones: feedback open on one, attended (a certificate) on the other.
            for ended, status in (
                (dt.timedelta(hours=2), Status.CONFIRMED),
                (dt.timedelta(days=40), Status.ATTENDED),
            ):
                past = ended_workshop(
                    programme=other, venue=VenueFactory(), ended=ended + dt.timedelta(minutes=n)
                )
                form_of(past)
                RegistrationFactory(workshop=past, user=patient, status=status)
        return reverse("workshops:mine")

    same_queries_at_each_size(client, page)


# Organisers and reviewers


@pytest.mark.parametrize("who", ["organiser", "reviewer", "admin"])
def test_the_organiser_dashboard(sign_in, request, who):
    user = request.getfixturevalue(who)
    client = sign_in(user)

    def page(size):
        for _ in range(size):
            programme = ProgrammeFactory(status=Programme.Status.DRAFT)
            if who != "admin":  # site admins see every programme
                role = TeamRole.ORGANISER if who == "organiser" else TeamRole.REVIEWER
                MembershipFactory(programme=programme, user=user, role=role)
            workshop = _workshops(programme, 1, capacity=10)[0]
            kept = PlaceReservationFactory(workshop=workshop)
            RegistrationFactory(workshop=workshop, perspectives=["patient"], reservation=kept)
            RegistrationFactory(workshop=workshop, status=Status.WAITLISTED)
        return reverse("programmes:dashboard")

    same_queries_at_each_size(client, page)


@pytest.mark.parametrize("who", ["organiser", "reviewer"])
def test_the_registrants_list(sign_in, request, programme, organiser, who):
    client = sign_in(request.getfixturevalue(who))
    workshop = _workshops(programme, 1, capacity=10)[0]
    kept = PlaceReservationFactory(workshop=workshop, places=4)
    perspectives = itertools.cycle(
        [
            Perspective.PATIENT,
            Perspective.CARER,
            Perspective.YOUNG_PERSON,
            Perspective.HEALTH_PROFESSIONAL,
            Perspective.FAMILY,
        ]
    )
    statuses = itertools.cycle(
        [
            Status.CONFIRMED,
            Status.WAITLISTED,
            Status.OFFERED,
            Status.CANCELLED,
            Status.AWAITING_GUARDIAN,
        ]
    )
    numbers = itertools.count()

    def page(size):
        for _ in range(size):
            n = next(numbers)
            perspective = next(perspectives)
            status = next(statuses)
            young = perspective == Perspective.YOUNG_PERSON
            registration = registered(
                workshop,
                f"Person {n}",
                [perspective],
                status=status,
                support_needs=[SupportNeed.STEP_FREE, SupportNeed.BSL],
                dietary_needs="Vegan",
                companion_name="Pal" if n % 3 == 0 else "",
                age_band=AgeBand.AGE_16_17 if young else "",
            )
            if n % 2:
                Registration.objects.filter(pk=registration.pk).update(reservation=kept)
            if status == Status.AWAITING_GUARDIAN:
                GuardianConsent.objects.create(
                    registration=registration,
                    guardian_name="Gill Guardian",
                    guardian_email="gill@example.org",
                    token=f"guardian-{n}",
                )
            RegistrationEvent.objects.create(
                registration=registration, kind=RegistrationEvent.Kind.REGISTERED
            )
            RegistrationEvent.objects.create(
                registration=registration,
                kind=RegistrationEvent.Kind.MOVED,
                reason="Needs this date",
                by=organiser,
            )
        return reverse("workshops:registrants", args=[workshop.pk])

    same_queries_at_each_size(client, page)


def test_the_workshop_feedback_report(sign_in, programme, organiser):
    client = sign_in(organiser)

    def page(size):
        workshop = reported_workshop(programme)
        for perspectives in (
            [Perspective.PATIENT],
            [Perspective.YOUNG_PERSON],
            [Perspective.PATIENT, Perspective.CARER],
        ):
            answered(workshop, perspectives, size, quote=True, written="Being listened to.")
        waiting(workshop, [Perspective.CARER], size)
        return reverse("feedback:workshop_report", args=[workshop.pk])

    same_queries_at_each_size(client, page)


def test_the_programme_feedback_report(client, sign_in):
    def page(size):
        # A programme of its own at each size, opened by its own organiser.
        programme = feedback_seed(responses=size * 10, workshops=size)
        sign_in(bench_organiser(programme))
        url = reverse("feedback:programme_report", args=[programme.slug])
        return f"{url}?question=listened&who=young_person"

    same_queries_at_each_size(client, page)


@pytest.mark.parametrize(
    ("who", "blind"), [("reviewer", False), ("reviewer", True), ("organiser", True)]
)
def test_the_bursary_queue(sign_in, request, programme, reviewer, organiser, who, blind):
    # Reviewers of a blind scheme see numbers; organisers, who decide, see names.
    client = sign_in(request.getfixturevalue(who))
    scheme = SchemeFactory(programme=programme, blind_review=blind)
    criteria = [
        CriterionFactory(scheme=scheme, weight=2, position=0),
        CriterionFactory(scheme=scheme, weight=1, position=1),
    ]
    other_scheme = SchemeFactory(programme=programme)

    def page(size):
        for n in range(size):
            for in_scheme in (scheme, other_scheme):
                applicant = ProfileFactory(
                    perspectives=["carer"], support_needs=[SupportNeed.COMPANION]
                ).user
                application = ApplicationFactory(
                    scheme=in_scheme, applicant=applicant, amount=Decimal(40 + n)
                )
                if in_scheme is scheme:
                    review_save(
                        application=application,
                        reviewer=reviewer,
                        scores={c.pk: 1 + n % 5 for c in criteria},
                        recommendation="full",
                        recommended_amount=None,
                        comments="",
                    )
                else:
                    application_assign(application=application, reviewer=reviewer, by=organiser)
        # One applicant without a profile, who must not break the list.
        ApplicationFactory(
            scheme=scheme, applicant=UserFactory(), status=Application.Status.SUBMITTED
        )
        return reverse("bursaries:queue", args=[programme.slug]) + "?sort=-score"

    same_queries_at_each_size(client, page)


# Calendar files


def test_a_workshops_calendar_file(client, programme, patient):
    client.force_login(patient)
    workshop = _workshops(programme, 1)[0]
    RegistrationFactory(workshop=workshop, user=patient)

    def page(size):
        for _ in range(size):
            WorkshopChange.objects.create(workshop=workshop, kind=WorkshopChange.Kind.RESCHEDULED)
            RegistrationFactory(workshop=workshop)
        return reverse("workshops:ics", args=[workshop.pk])

    same_queries_at_each_size(client, page)


def test_a_programmes_calendar_feed(client, programme):
    def page(size):
        for workshop in _workshops(programme, size):
            WorkshopChange.objects.create(workshop=workshop, kind=WorkshopChange.Kind.PUBLISHED)
            WorkshopChange.objects.create(workshop=workshop, kind=WorkshopChange.Kind.RESCHEDULED)
        cancelled = _workshops(programme, 1, status=Workshop.Status.CANCELLED)[0]
        WorkshopChange.objects.create(workshop=cancelled, kind=WorkshopChange.Kind.PUBLISHED)
        WorkshopChange.objects.create(workshop=cancelled, kind=WorkshopChange.Kind.CANCELLED)
        return reverse("workshops:programme_feed", args=[programme.slug])

    same_queries_at_each_size(client, page)


def test_a_persons_private_calendar_feed(client, patient):
    feed = CalendarFeed.objects.create(user=patient, token="private-feed-token")

    def page(size):
        for _ in range(size):
            programme = ProgrammeFactory()
            placed, queued = _workshops(programme, 2)
            RegistrationFactory(workshop=placed, user=patient)
            RegistrationFactory(workshop=queued, user=patient, status=Status.WAITLISTED)
            WorkshopChange.objects.create(workshop=queued, kind=WorkshopChange.Kind.RESCHEDULED)
        return reverse("workshops:my_feed", args=[feed.token])

    same_queries_at_each_size(client, page)
