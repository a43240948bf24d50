import factory
from allauth.account.models import EmailAddress
from django.conf import settings

from codesign.accounts.models import User
from participants.models import Perspective, Profile
from programmes.models import Membership, Programme, TeamRole

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    display_name = factory.Faker("first_name")
    perspectives = factory.LazyFunction(lambda: [Perspective.PATIENT.value])


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    title = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    summary = "A fictional programme for tests."
    status = Programme.Status.OPEN


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    programme = factory.SubFactory(ProgrammeFactory)
    user = factory.SubFactory(UserFactory)
    role = TeamRole.ORGANISER


__all__ = ["PASSWORD", "settings"]


# Workshops. Imported late so the names above stay first for the foundation's tests.
import datetime as _dt  # noqa: E402

from django.utils import timezone as _tz  # noqa: E402

from programmes.models import Cohort, Stage  # noqa: E402
from workshops.models import (  # noqa: E402
    AgendaItem,
    PlaceReservation,
    Registration,
    Venue,
    Workshop,
)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Stage {n}")
    position = factory.Sequence(lambda n: n)


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Community Hall {n}")
    address = "1 Example Street, Exampletown"
    postcode = "EX1 1AA"
    step_free = True
    hearing_loop = True


def _next_week() -> _dt.datetime:
    start = _tz.localtime() + _dt.timedelta(days=7)
    return start.replace(hour=10, minute=0, second=0, microsecond=0)


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Workshop {n}")
    description = "We will map what happens at the first clinic appointment."
    audience = "Young people, parents and clinic staff."
    starts_at = factory.LazyFunction(_next_week)
    ends_at = factory.LazyAttribute(lambda w: w.starts_at + _dt.timedelta(hours=3))
    format = Workshop.Format.IN_PERSON
    venue = factory.SubFactory(VenueFactory)
    capacity = 20
    status = Workshop.Status.PUBLISHED
    safeguarding_lead_name = "Sam Safe"
    safeguarding_lead_contact = "safeguarding@example.org"
    access_contact_name = "Alex Access"
    access_contact_details = "access@example.org"


class PlaceReservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlaceReservation

    workshop = factory.SubFactory(WorkshopFactory)
    perspectives = factory.LazyFunction(
        lambda: [Perspective.PATIENT.value, Perspective.CARER.value]
    )
    places = 8


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    workshop = factory.SubFactory(WorkshopFactory)
    starts_at = _dt.time(10, 0)
    ends_at = _dt.time(10, 30)
    title = "Welcome and introductions"
    facilitators = "Olu and Pat"
    lived_experience_role = AgendaItem.LivedExperienceRole.CO_LED


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    workshop = factory.SubFactory(WorkshopFactory)
    user = factory.SubFactory(UserFactory)
    status = Registration.Status.CONFIRMED
    perspectives = factory.LazyFunction(lambda: [Perspective.PATIENT.value])
