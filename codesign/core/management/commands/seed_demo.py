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
from django.utils import timezone

from bursaries.demo import seed_bursaries
from codesign.accounts.models import User
from codesign.core.models import OutboxMessage
from feedback.demo import seed_feedback
from pairs.demo import seed_pairs
from participants.models import Consent, Perspective, Profile, SupportNeed
from programmes.models import Cohort, Invitation, Programme, Stage, TeamRole
from programmes.services import membership_add
from programmes.terms import PROFESSIONAL_PERSPECTIVES
from workshops.models import (
    AgendaItem,
    PlaceReservation,
    Registration,
    Venue,
    Workshop,
)

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
        "email": "finance@example.org",
        "name": "Fin Finance",
        "role": "finance (pays bursary claims)",
        "team": TeamRole.FINANCE,
        "perspectives": [Perspective.MANAGER],
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
    "description": (
        "Moving from the children's diabetes clinic to the adult one can feel like falling off "
        "a cliff. In this programme **young people, parents and the clinic team** work out "
        "together what a good move looks like, and then make it happen.\n\n"
        "- Share what the move was like for you\n"
        "- Design a better first appointment together\n"
        "- Try the changes and tell us what worked"
    ),
    "places": 60,
    "lived_experience_term": "expert by experience",
    "lived_experience_term_plural": "experts by experience",
    "professional_term": "clinic team member",
    "professional_term_plural": "clinic team",
}

DRAFT_PROGRAMME = {
    "slug": "student-mental-health",
    "title": "Student mental health support",
    "summary": "Students and university support staff design a clearer way to ask for help.",
    "status": Programme.Status.DRAFT,
    "lived_experience_term": "student partner",
    "lived_experience_term_plural": "student partners",
    "professional_term": "support staff member",
    "professional_term_plural": "support staff",
}

STAGES = [
    ("Gather experiences", "Listen to what the move between clinics is like."),
    ("Co-design events", "Design the changes together."),
    ("Make changes", "Try the changes in clinic."),
    ("Celebrate", "Share what changed and thank everyone."),
]

VENUES = [
    {
        "name": "Riverside Community Centre",
        "address": "12 Mill Lane, Exampleton",
        "postcode": "EX1 2AB",
        "step_free": True,
        "hearing_loop": True,
        "quiet_room": True,
        "accessible_toilets": True,
        "parking": "Four blue-badge spaces by the main door.",
        "public_transport": "Bus 14 stops outside. Exampleton station is a 10 minute walk.",
    },
    {
        "name": "Example Children's Hospital, Education Centre",
        "address": "Level 2, Example Children's Hospital, Park Road, Exampleton",
        "postcode": "EX2 3CD",
        "step_free": True,
        "accessible_toilets": True,
        "parking": "Hospital car park; we pay for your parking ticket.",
        "public_transport": "Buses 3 and 7 stop at the main entrance.",
    },
    {
        "name": "The Old Library Youth Hub",
        "address": "5 Church Street, Exampleton",
        "postcode": "EX1 4EF",
        "quiet_room": True,
        "public_transport": "Two minutes from the bus station.",
        "access_notes": "The main room is up six steps. There is no lift.",
    },
]


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
            else:
                profile.date_of_birth = datetime.date(1975, 6, 1)
            if "guardian" in person:
                profile.guardian_name, profile.guardian_email = person["guardian"]
            if set(profile.perspectives) & PROFESSIONAL_PERSPECTIVES:
                profile.discipline = profile.discipline or "Diabetes nursing"
                profile.organisation = profile.organisation or "Example Health Trust"
                profile.job_role = profile.job_role or "Specialist nurse"
            profile.completed_at = profile.completed_at or timezone.now()
            profile.save()
            _agree_privacy(user)
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
        draft, _ = Programme.objects.get_or_create(
            slug=DRAFT_PROGRAMME["slug"],
            defaults={k: v for k, v in DRAFT_PROGRAMME.items() if k != "slug"},
        )
        membership_add(
            programme=draft,
            user=users["organiser@example.org"],
            role=TeamRole.ORGANISER,
            added_by=admin,
        )
        workshops = seed_workshops(programme, users)
        people = seed_participants(workshops)
        seed_invitations(programme, workshops[2], users["organiser@example.org"])
        seed_bursaries(programme, users)
        seed_pairs(programme, users)
        seed_feedback(programme, people, users)

    def print_logins(self) -> None:
        width = max(len(p["email"]) for p in PEOPLE)
        self.stdout.write("")
        self.stdout.write("Demo logins (all fictional), password: " + settings.DEMO_PASSWORD)
        for person in PEOPLE:
            self.stdout.write(f"  {person['email'].ljust(width)}  {person['role']}")
        self.stdout.write("")


def next_clock_change(after: datetime.date) -> datetime.date:
    """The next day UK clocks change: the last Sunday of March or of October."""
    for year in (after.year, after.year + 1):
        for month in (3, 10):
            last = datetime.date(year, month, 31)
            day = last - datetime.timedelta(days=(last.weekday() + 1) % 7)
            if day > after:
                return day
    raise AssertionError("unreachable")


def local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def seed_workshops(programme: Programme, users: dict[str, User]) -> list[Workshop]:
    """Cohorts, stages, venues and workshops across every format, one of them running across a
    clock change, with a few registrations so the organiser pages have something to show."""
    today = timezone.localdate()
    spring, _ = Cohort.objects.get_or_create(
        programme=programme,
        name="Winter 2026 cohort",
        defaults={
            "starts_on": today,
            "ends_on": today + datetime.timedelta(days=120),
            "places": 30,
        },
    )
    autumn, _ = Cohort.objects.get_or_create(
        programme=programme,
        name="Spring 2027 cohort",
        defaults={
            "starts_on": today + datetime.timedelta(days=121),
            "ends_on": today + datetime.timedelta(days=240),
            "places": 30,
        },
    )
    stages = []
    for position, (name, description) in enumerate(STAGES):
        stage, _ = Stage.objects.get_or_create(
            programme=programme,
            name=name,
            defaults={"description": description, "position": position},
        )
        stages.append(stage)
    venues = []
    for data in VENUES:
        venue, _ = Venue.objects.get_or_create(
            name=data["name"], defaults={k: v for k, v in data.items() if k != "name"}
        )
        venues.append(venue)

    contacts = {
        "safeguarding_lead_name": "Sam Okafor",
        "safeguarding_lead_contact": "safeguarding@example.org or 01632 960 001",
        "access_contact_name": "Alex Morgan",
        "access_contact_details": "access@example.org or 01632 960 002",
    }
    change_day = next_clock_change(today)
    plans = [
        # (days from today, start hour, hours, title, format, venue, cohort, stage, extra)
        (6, 10, 3, "Your story of moving clinics", "in_person", 0, spring, 0, {}),
        (9, 18, 2, "Evening online story circle", "online", None, spring, 0, {}),
        (13, 10, 4, "Mapping the first adult appointment", "hybrid", 1, spring, 1, {}),
        (20, 13, 3, "Young people's design lab", "in_person", 2, spring, 1, {}),
        (27, 10, 3, "Parents and carers: what helps", "in_person", 0, spring, 1, {}),
        (34, 16, 2, "Clinic team check-in", "online", None, spring, 2, {}),
        (48, 10, 5, "Trying the new welcome pack", "hybrid", 1, autumn, 2, {}),
        (62, 14, 3, "Celebration and next steps", "in_person", 0, autumn, 3, {}),
        (
            75,
            10,
            3,
            "Planning the autumn cohort (draft)",
            "in_person",
            0,
            autumn,
            0,
            {"status": Workshop.Status.DRAFT},
        ),
    ]
    workshops = []
    for days, hour, hours, title, fmt, venue_index, cohort, stage_index, extra in plans:
        day = today + datetime.timedelta(days=days)
        starts = local(day, hour)
        workshop, _ = Workshop.objects.get_or_create(
            programme=programme,
            title=title,
            defaults={
                "cohort": cohort,
                "stage": stages[stage_index],
                "description": "We will share experiences in small groups, then design "
                "changes together. There are breaks every hour and a quiet room.",
                "audience": "Young people aged 14 to 25 with diabetes, parents and carers, "
                "and the clinic team.",
                "starts_at": starts,
                "ends_at": starts + datetime.timedelta(hours=hours),
                "format": fmt,
                "venue": venues[venue_index] if venue_index is not None else None,
                "joining_url": "https://video.example.org/join/diabetes-demo"
                if fmt != "in_person"
                else "",
                "capacity": 20,
                "registration_opens_at": timezone.now() - datetime.timedelta(days=7),
                "registration_closes_at": starts - datetime.timedelta(days=1),
                "bursaries_available": True,
                "payment_details": "Travel and care costs paid. £25 voucher for your time.",
                "status": extra.get("status", Workshop.Status.PUBLISHED),
                **contacts,
            },
        )
        workshops.append(workshop)

    # A weekend residential that runs across the night the clocks change.
    weekend, _ = Workshop.objects.get_or_create(
        programme=programme,
        title="Co-design weekend",
        defaults={
            "cohort": autumn,
            "stage": stages[1],
            "description": "Two days to design the new transition clinic together. Rooms "
            f"are booked for Saturday night. Remember: the clocks change on {change_day:%-d %B}.",
            "audience": "Everyone in the programme.",
            "starts_at": local(change_day - datetime.timedelta(days=1), 10),
            "ends_at": local(change_day, 16),
            "format": Workshop.Format.IN_PERSON,
            "venue": venues[0],
            "capacity": 30,
            "bursaries_available": True,
            "payment_details": "Travel, your room and meals paid. Care costs paid.",
            "status": Workshop.Status.PUBLISHED,
            **contacts,
        },
    )
    workshops.append(weekend)

    for workshop in workshops:
        if workshop.reservations.exists():
            continue
        PlaceReservation.objects.create(
            workshop=workshop,
            perspectives=["patient", "carer", "family", "young_person"],
            places=8,
        )
        PlaceReservation.objects.create(workshop=workshop, perspectives=["young_person"], places=4)
        start = timezone.localtime(workshop.starts_at).time()
        AgendaItem.objects.create(
            workshop=workshop,
            starts_at=start,
            ends_at=(
                datetime.datetime.combine(today, start) + datetime.timedelta(minutes=30)
            ).time(),
            title="Welcome and how today works",
            facilitators="Olu Organiser and Pat Patient",
            lived_experience_role=AgendaItem.LivedExperienceRole.CO_LED,
        )
        AgendaItem.objects.create(
            workshop=workshop,
            starts_at=(
                datetime.datetime.combine(today, start) + datetime.timedelta(minutes=30)
            ).time(),
            ends_at=(
                datetime.datetime.combine(today, start) + datetime.timedelta(minutes=90)
            ).time(),
            title="Stories in small groups",
            facilitators="Yan Young",
            lived_experience_role=AgendaItem.LivedExperienceRole.LED,
        )

    first = workshops[0]
    lived_experience_places = first.reservations.order_by("id").first()
    for email, status in [
        ("patient@example.org", Registration.Status.CONFIRMED),
        ("carer@example.org", Registration.Status.CONFIRMED),
        ("professional@example.org", Registration.Status.CONFIRMED),
        ("parent@example.org", Registration.Status.WAITLISTED),
    ]:
        user = users[email]
        Registration.objects.get_or_create(
            workshop=first,
            user=user,
            defaults={
                "status": status,
                "perspectives": user.profile.perspectives,
                "reservation": lived_experience_places
                if set(user.profile.perspectives) & set(lived_experience_places.perspectives)
                else None,
            },
        )
    return workshops


def _agree_privacy(user: User) -> None:
    if not Consent.objects.filter(user=user, kind=Consent.Kind.PRIVACY).exists():
        Consent.objects.create(
            user=user,
            kind=Consent.Kind.PRIVACY,
            granted=True,
            privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
        )


FIRST_NAMES = [
    "Amani", "Bea", "Cai", "Dev", "Ebo", "Fen", "Gus", "Hana", "Ivo", "Jas", "Kit", "Lulu",
    "Mo", "Nell", "Oz", "Pia", "Quin", "Rue", "Sol", "Tam",
]  # fmt: skip
LAST_NAMES = ["Ashby", "Brook", "Cove"]
GROUPS = [
    # (perspectives, described as, age, support needs, dietary)
    (["patient"], "patient", 34, ["step_free"], ""),
    (["carer"], "carer", 52, [], "vegetarian"),
    (["family"], "parent", 45, ["hearing_loop"], ""),
    (["young_person", "patient"], "young person", 16, ["quiet_space"], "vegan"),
    (["young_person"], "young expert", 19, [], ""),
    (["health_professional"], "diabetes nurse", 41, [], "vegetarian"),
    (["care_professional"], "support worker", 38, ["large_print"], ""),
    (["patient"], "expert by experience", 67, ["bsl"], "no nuts"),
    (["researcher"], "researcher", 29, [], ""),
    (["manager"], "service manager", 50, [], "halal"),
]


def seed_participants(workshops: list[Workshop]) -> list[User]:
    """About 60 fictional participants with registrations in every status and a waiting
    list, so organiser pages show a real mix."""
    people = []
    for index in range(60):
        first = FIRST_NAMES[index % len(FIRST_NAMES)]
        last = LAST_NAMES[index // len(FIRST_NAMES)]
        email = f"{first.lower()}.{last.lower()}@example.org"
        perspectives, described, age, needs, dietary = GROUPS[index % len(GROUPS)]
        user, created = User.objects.get_or_create(email=email)
        if created:
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            today = timezone.localdate()
            Profile.objects.create(
                user=user,
                display_name=f"{first} {last}",
                perspectives=perspectives,
                described_as=described,
                date_of_birth=today.replace(year=today.year - age, day=1),
                support_needs=[SupportNeed(n).value for n in needs],
                dietary_needs=dietary,
                guardian_name="A. Guardian" if age < 18 else "",
                guardian_email=f"guardian.{first.lower()}@example.org" if age < 18 else "",
                discipline="Nursing" if "health_professional" in perspectives else "",
                organisation="Example Health Trust"
                if set(perspectives) & PROFESSIONAL_PERSPECTIVES
                else "",
                job_role=described if set(perspectives) & PROFESSIONAL_PERSPECTIVES else "",
                completed_at=timezone.now(),
            )
            _agree_privacy(user)
        people.append(user)

    # Workshop 3 ("Mapping the first adult appointment") fills up with a waiting list;
    # others get a few people each, in every status.
    busy = workshops[2]
    statuses = [Registration.Status.CONFIRMED] * 17 + [Registration.Status.WAITLISTED] * 5
    for user, status in zip(people[:22], statuses, strict=True):
        profile = user.profile
        if profile.is_under_18 and status == Registration.Status.CONFIRMED:
            status = Registration.Status.AWAITING_GUARDIAN
        _register(busy, user, status)
    for offset, workshop in enumerate(workshops[3:8]):
        chosen = people[22 + offset * 6 : 28 + offset * 6]
        for user, status in zip(
            chosen,
            [
                Registration.Status.CONFIRMED,
                Registration.Status.CONFIRMED,
                Registration.Status.CONFIRMED,
                Registration.Status.OFFERED,
                Registration.Status.CANCELLED,
                Registration.Status.CONFIRMED,
            ],
            strict=False,
        ):
            _register(workshop, user, status)
    return people


def _register(workshop: Workshop, user: User, status: str) -> None:
    perspectives = user.profile.perspectives
    reservation = next(
        (r for r in workshop.reservations.all() if set(r.perspectives) & set(perspectives)),
        None,
    )
    Registration.objects.get_or_create(
        workshop=workshop,
        user=user,
        defaults={
            "status": status,
            "perspectives": perspectives,
            "reservation": reservation,
            "queued_at": timezone.now(),
            "offer_expires_at": timezone.now() + datetime.timedelta(hours=48)
            if status == Registration.Status.OFFERED
            else None,
            "cancelled_at": timezone.now() if status == Registration.Status.CANCELLED else None,
        },
    )


# Invitations to one workshop in every state an organiser sees, and one message that failed,
# so the invitations and messages pages have something to show. Nothing here is sent.
INVITEES = [
    ("Robin Ashdown", Invitation.Status.SENT, 2, ""),
    ("Sam Okafor", Invitation.Status.SENT, -1, ""),
    ("Jo Brightwell", Invitation.Status.ACCEPTED, 10, ""),
    ("Lee Hartnell", Invitation.Status.DECLINED, 10, ""),
    ("Alex Penrose", Invitation.Status.WITHDRAWN, 10, ""),
    ("Kim Varga", Invitation.Status.QUEUED, 14, ""),
    (
        "Charlie Moss",
        Invitation.Status.FAILED,
        14,
        "SMTPRecipientsRefused: the mail server said this address does not exist.",
    ),
]


def seed_invitations(programme: Programme, workshop: Workshop, organiser: User) -> None:
    now = timezone.now()
    for index, (name, status, days_left, error) in enumerate(INVITEES):
        email = f"invitee{index + 1}@example.org"
        invitation, created = Invitation.objects.get_or_create(
            programme=programme,
            workshop=workshop,
            email=email,
            defaults={
                "name": name,
                "status": status,
                "token": f"demo-invitation-{index + 1}-{programme.pk}",
                "message": "We would love you to come and share your experience.",
                "expires_at": now + datetime.timedelta(days=days_left),
                "invited_by": organiser,
                "send_count": 0 if status == Invitation.Status.QUEUED else 1,
                "sent_at": None if status == Invitation.Status.QUEUED else now,
                "responded_at": now
                if status in (Invitation.Status.ACCEPTED, Invitation.Status.DECLINED)
                else None,
                "last_error": error,
            },
        )
        if created and status == Invitation.Status.FAILED:
            OutboxMessage.objects.get_or_create(
                key=f"invitation:{invitation.pk}:1",
                defaults={
                    "kind": "invitation",
                    "template": "invitation",
                    "to": email,
                    "programme": programme,
                    "workshop": workshop,
                    "params": {"invitation_id": invitation.pk, "send_count": 1},
                    "status": OutboxMessage.Status.FAILED,
                    "attempts": 6,
                    "last_error": error,
                    "subject": f"You're invited: {workshop.title}",
                },
            )
