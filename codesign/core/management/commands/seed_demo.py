"""Fictional demo data: one person for every role and perspective, and a programme they share.

Every issue that adds a feature extends this so the demo always shows it. Running it twice
changes nothing the second time.
"""

import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from codesign.accounts.models import User
from participants.models import Perspective, Profile
from programmes.models import Programme, TeamRole
from programmes.services import membership_add

# All fictional. example.org is reserved for examples and never delivers mail.
PEOPLE: list[dict[str, Any]] = [
    {
        "email": "admin@example.org",
        "name": "Ada Admin",
        "role": "site admin",
        "superuser": True,
        "perspectives": [],
    },
    {
        "email": "organiser@example.org",
        "name": "Olu Organiser",
        "role": "organiser",
        "team": TeamRole.ORGANISER,
        "perspectives": [Perspective.MANAGER],
    },
    {
        "email": "reviewer@example.org",
        "name": "Rae Reviewer",
        "role": "bursary reviewer",
        "team": TeamRole.REVIEWER,
        "perspectives": [Perspective.RESEARCHER],
    },
    {
        "email": "patient@example.org",
        "name": "Pat Patient",
        "role": "participant: patient",
        "perspectives": [Perspective.PATIENT],
        "described_as": "expert by experience",
    },
    {
        "email": "carer@example.org",
        "name": "Cam Carer",
        "role": "participant: carer",
        "perspectives": [Perspective.CARER],
        "described_as": "carer",
    },
    {
        "email": "parent@example.org",
        "name": "Par Parent",
        "role": "participant: parent",
        "perspectives": [Perspective.FAMILY],
        "described_as": "parent of a young person with diabetes",
    },
    {
        "email": "young@example.org",
        "name": "Yan Young",
        "role": "participant: young person (15, with a guardian)",
        "perspectives": [Perspective.YOUNG_PERSON, Perspective.PATIENT],
        "described_as": "young person",
        "age": 15,
        "guardian": ("Par Parent", "parent@example.org"),
    },
    {
        "email": "professional@example.org",
        "name": "Dr Prem Professional",
        "role": "participant: health professional",
        "perspectives": [Perspective.HEALTH_PROFESSIONAL],
        "described_as": "diabetes nurse",
    },
]

PROGRAMME = {
    "slug": "diabetes-care-together",
    "title": "Diabetes care together",
    "summary": "Young people, families and clinic staff redesign the move from children's to "
    "adult diabetes services.",
    "status": Programme.Status.OPEN,
}


class Command(BaseCommand):
    help = "Create fictional demo people and a programme, and print their logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (never on a real site).",
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a real site. Demo data is not added to real "
                "sites. If you are sure, run it again with --force."
            )
        with transaction.atomic():
            self.seed()
        self.print_logins()

    def seed(self) -> None:
        password = settings.DEMO_PASSWORD
        admin = None
        users: dict[str, User] = {}
        for person in PEOPLE:
            user, created = User.objects.get_or_create(email=person["email"])
            if created:
                user.set_password(password)
                user.is_superuser = user.is_staff = bool(person.get("superuser"))
                user.save()
            EmailAddress.objects.update_or_create(
                user=user,
                email=user.email,
                defaults={"verified": True, "primary": True},
            )
            profile, _ = Profile.objects.get_or_create(user=user)
            profile.display_name = person["name"]
            profile.perspectives = [str(p) for p in person["perspectives"]]
            profile.described_as = person.get("described_as", "")
            if "age" in person:
                today = datetime.date.today()
                profile.date_of_birth = today.replace(year=today.year - person["age"], day=1)
            if "guardian" in person:
                profile.guardian_name, profile.guardian_email = person["guardian"]
            profile.save()
            users[person["email"]] = user
            if person.get("superuser"):
                admin = user

        programme, _ = Programme.objects.get_or_create(
            slug=PROGRAMME["slug"],
            defaults={k: v for k, v in PROGRAMME.items() if k != "slug"},
        )
        for person in PEOPLE:
            if "team" in person:
                membership_add(
                    programme=programme,
                    user=users[person["email"]],
                    role=person["team"],
                    added_by=admin,
                )

    def print_logins(self) -> None:
        width = max(len(p["email"]) for p in PEOPLE)
        self.stdout.write("")
        self.stdout.write("Demo logins (all fictional), password: " + settings.DEMO_PASSWORD)
        for person in PEOPLE:
            self.stdout.write(f"  {person['email'].ljust(width)}  {person['role']}")
        self.stdout.write("")
