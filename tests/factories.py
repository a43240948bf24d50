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
