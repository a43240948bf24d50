"""A large fictional data set for the benchmark, loaded in a few minutes.

At full scale: 50 programmes of very different sizes, 3,000 workshops (two in three already
held), 100,000 participants, 300,000 registrations (some workshops full, with waiting lists),
200,000 feedback responses across every perspective, and 20,000 bursary applications.

Rows are written with PostgreSQL's COPY, with their ids chosen here so that rows can point at
each other without reading anything back; on SQLite (the fast tests) the same rows go through
bulk_create. Every person is made up (@bench.example.invalid) and can't sign in: the benchmark
makes sessions for the few it needs.
"""

import datetime
import io
import json
import math
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone

from bursaries.models import Application, ApplicationItem, BursaryScheme, CostType, Review
from codesign.accounts.models import User
from feedback.models import (
    Answer,
    FeedbackForm,
    FeedbackReceipt,
    Question,
    Response,
    ResponsePerspective,
)
from feedback.services import _default_questions
from participants.models import Consent, Perspective, Profile
from programmes.models import Membership, Programme, TeamRole
from workshops.models import Registration, Venue, Workshop

DOMAIN = "bench.example.invalid"
# An unusable password: nobody can sign in as the people made up here.
NO_PASSWORD = make_password(None)
COPY_CHUNK = 50_000
MARKER_TABLE = "bench_seed"


@dataclass(frozen=True)
class Scale:
    programmes: int
    workshops: int
    participants: int
    registrations: int
    responses: int
    applications: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


FULL = Scale(
    programmes=50,
    workshops=3_000,
    participants=100_000,
    registrations=300_000,
    responses=200_000,
    applications=20_000,
)
TINY = Scale(
    programmes=3,
    workshops=30,
    participants=400,
    registrations=1_200,
    responses=600,
    applications=60,
)
SCALES = {"full": FULL, "tiny": TINY}

# Who takes part, roughly as co-design programmes are made up (weights).
MIX: list[tuple[list[str], int]] = [
    ([Perspective.PATIENT], 28),
    ([Perspective.CARER], 14),
    ([Perspective.YOUNG_PERSON], 8),
    ([Perspective.FAMILY], 5),
    ([Perspective.PATIENT, Perspective.CARER], 3),
    ([Perspective.HEALTH_PROFESSIONAL], 24),
    ([Perspective.CARE_PROFESSIONAL], 6),
    ([Perspective.MANAGER], 5),
    ([Perspective.RESEARCHER], 3),
    ([Perspective.DIGITAL], 2),
    ([Perspective.OTHER], 2),
]
PROFESSIONAL = {
    Perspective.HEALTH_PROFESSIONAL,
    Perspective.CARE_PROFESSIONAL,
    Perspective.MANAGER,
    Perspective.RESEARCHER,
    Perspective.DIGITAL,
}
# The chance each group agrees with a statement about the workshop.
AGREEMENT = {
    Perspective.YOUNG_PERSON: 0.45,
    Perspective.CARER: 0.7,
    Perspective.PATIENT: 0.75,
    Perspective.HEALTH_PROFESSIONAL: 0.88,
}
TOPICS = [
    "Diabetes clinic letters",
    "Mental health crisis care",
    "Maternity journeys",
    "Young people's transition to adult care",
    "Dementia-friendly wards",
    "Stroke rehabilitation at home",
    "Carers' breaks",
    "Outpatient booking",
    "Cancer follow-up",
    "Discharge from hospital",
]
FIRST = ["Alex", "Sam", "Jo", "Priya", "Kwame", "Aisha", "Tom", "Mei", "Olu", "Ruth", "Dev", "Ana"]
LAST = ["Example", "Sample", "Fictional", "Madeup", "Placeholder", "Testwell", "Notreal"]
WRITTEN = [
    "Being listened to by the clinic staff.",
    "More breaks, please.",
    "The room was too noisy to hear each other.",
    "I liked working at small tables.",
    "Easy-read papers sent before the day would help.",
]


@dataclass
class Seeded:
    """What the benchmark needs to find again: who runs the biggest programme, and so on."""

    scale: dict[str, int]
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)


# Writing rows


class _Ids:
    """The next free id of each table, so rows can refer to each other before they exist."""

    def __init__(self) -> None:
        self.next: dict[type[models.Model], int] = {}

    def take(self, model: type[models.Model], n: int) -> range:
        if model not in self.next:
            self.next[model] = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        start = self.next[model]
        self.next[model] = start + n
        return range(start, start + n)


def _text(value: Any) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return (
            value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "")
        )
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def _columns(
    model: type[models.Model], *, with_ids: bool = True
) -> tuple[list[models.Field], dict[str, Any]]:
    """The model's columns, and what each holds when a row leaves it out."""
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if with_ids or not f.primary_key]
    defaults: dict[str, Any] = {}
    for f in fields:
        if f.has_default():
            value = f.get_default()
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        elif f.null:
            value = None
        else:
            value = ""
        defaults[f.attname] = value
    return fields, defaults


def write(
    model: type[models.Model], rows: Iterable[dict[str, Any]], *, with_ids: bool = True
) -> int:
    """Insert rows (dicts by attribute name, e.g. `workshop_id`); COPY on PostgreSQL. Without
    ids, the database numbers the rows."""
    fields, defaults = _columns(model, with_ids=with_ids)
    written = 0
    if connection.vendor != "postgresql":
        for chunk in _chunks(rows, 2000):
            model.objects.bulk_create([model(**{**defaults, **row}) for row in chunk])
            written += len(chunk)
        return written
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    is_json = [isinstance(f, models.JSONField) for f in fields]
    attnames = [f.attname for f in fields]
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, COPY_CHUNK):
            buffer = io.StringIO()
            for row in chunk:
                values = []
                for name, json_field in zip(attnames, is_json, strict=True):
                    value = row.get(name, defaults[name])
                    if json_field and value is not None:
                        value = json.dumps(value)
                    values.append(_text(value))
                buffer.write("\t".join(values))
                buffer.write("\n")
            buffer.seek(0)
            cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)
            written += len(chunk)
    return written


def _chunks[T](items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    """After rows arrived with their own ids, the next id the database hands out follows them."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models_:
            pk = model._meta.pk
            if not isinstance(pk, models.AutoField | models.BigAutoField):
                continue
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), "  # noqa: S608 - our own names
                f"COALESCE((SELECT MAX({connection.ops.quote_name(pk.column)}) FROM "
                f"{connection.ops.quote_name(table)}), 1))",
                [table, pk.column],
            )


# Marker: the scale already seeded, so a second `make bench` starts at once.


def seeded_scale() -> dict[str, Any] | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (scale TEXT NOT NULL, seconds REAL NOT NULL)"
        )
        cursor.execute(f"SELECT scale, seconds FROM {MARKER_TABLE}")  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        return None
    return {"scale": json.loads(row[0]), "seconds": row[1]}


def _mark(scale: Scale, seconds: float) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (scale, seconds) VALUES (%s, %s)",  # noqa: S608
            [json.dumps(scale.as_dict()), seconds],
        )


def empty_database() -> None:
    """Every row goes (TRUNCATE on PostgreSQL), the tables stay."""
    call_command("flush", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {MARKER_TABLE}")


class NotOurs(Exception):
    """The database holds someone's real data."""


def ensure_seeded(
    scale: Scale, *, force: bool = False, yes: bool = False, log: Callable[[str], None] = print
) -> Seeded:
    """Seed unless the database already holds this scale; returns the (first) seeding time."""
    found = seeded_scale()
    if found is None and not yes and Programme.objects.exclude(slug__startswith="bench-").exists():
        raise NotOurs(
            "This database holds programmes the benchmark did not make, and seeding empties "
            "it. Point DATABASE_URL at a database of its own, or say yes (--yes) to empty it."
        )
    if found and found["scale"] == scale.as_dict() and not force:
        log(f"Already seeded at this scale ({found['seconds']:.0f} s when it was seeded).")
        return Seeded(scale=found["scale"], seconds=found["seconds"])
    if found or force or Programme.objects.exists():
        log("Emptying the database first.")
        empty_database()
    started = time.perf_counter()
    counts = seed(scale, log=log)
    seconds = time.perf_counter() - started
    seeded_scale()  # makes the marker table
    _mark(scale, seconds)
    log(f"Seeded in {seconds:.0f} s.")
    return Seeded(scale=scale.as_dict(), seconds=seconds, counts=counts)


# The data


def _allocate(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split `total` in proportion to `weights`, each at least `minimum` (largest remainder)."""
    spare = total - minimum * len(weights)
    whole = sum(weights)
    raw = [spare * w / whole for w in weights]
    counts = [math.floor(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in by_remainder[: spare - sum(counts)]:
        counts[i] += 1
    return [c + minimum for c in counts]


def staff_email(role: str, number: int) -> str:
    return f"{role}-{number}@{DOMAIN}"


def seed(scale: Scale, *, log: Callable[[str], None] = print, seed: int = 2026) -> dict[str, int]:
    rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets
    now = timezone.now().replace(microsecond=0)
    ids = _Ids()
    counts: dict[str, int] = {}
    step = time.perf_counter()

    def done(what: str, n: int) -> None:
        nonlocal step
        counts[what] = n
        log(f"  {what}: {n:,} in {time.perf_counter() - step:.1f} s")
        step = time.perf_counter()

    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The rows are made here, consistent by construction: skip the foreign-key checks
            # (triggers) for this transaction, which would otherwise take longer than the load.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        # Programmes: a few big national ones, many small local ones.
        weights = [1 / (i + 1) ** 0.9 for i in range(scale.programmes)]
        workshops_per = _allocate(
            scale.workshops, weights, minimum=min(4, scale.workshops // scale.programmes)
        )
        programme_ids = list(ids.take(Programme, scale.programmes))
        write(
            Programme,
            (
                {
                    "id": pk,
                    "title": f"{TOPICS[i % len(TOPICS)]} {i + 1}",
                    "slug": f"bench-{i + 1:02d}",
                    "summary": "A fictional programme made for the benchmark.",
                    "status": Programme.Status.RUNNING if i % 3 else Programme.Status.OPEN,
                    "starts_on": (now - datetime.timedelta(days=365)).date(),
                    "ends_on": (now + datetime.timedelta(days=365)).date(),
                    "places": 50 * workshops_per[i],
                }
                for i, pk in enumerate(programme_ids)
            ),
        )
        done("programmes", scale.programmes)

        # The team: two organisers, two bursary reviewers and a finance officer each.
        team_roles = [
            (TeamRole.ORGANISER, "organiser"),
            (TeamRole.ORGANISER, "organiser2"),
            (TeamRole.REVIEWER, "reviewer"),
            (TeamRole.REVIEWER, "reviewer2"),
            (TeamRole.FINANCE, "finance"),
        ]
        staff_ids = list(ids.take(User, scale.programmes * len(team_roles)))
        staff: dict[tuple[int, str], int] = {}
        staff_rows = []
        for i, programme_id in enumerate(programme_ids):
            for j, (_role, name) in enumerate(team_roles):
                user_id = staff_ids[i * len(team_roles) + j]
                staff[(programme_id, name)] = user_id
                staff_rows.append({"id": user_id, "email": staff_email(name, i + 1)})
        write(User, ({**row, "password": NO_PASSWORD, "date_joined": now} for row in staff_rows))
        membership_ids = iter(ids.take(Membership, len(staff)))
        write(
            Membership,
            (
                {
                    "id": next(membership_ids),
                    "programme_id": programme_id,
                    "user_id": user_id,
                    "role": dict((n, r) for r, n in team_roles)[name],
                }
                for (programme_id, name), user_id in staff.items()
            ),
        )
        done("team members", len(staff))

        venue_count = max(3, scale.workshops // 50)
        venue_ids = list(ids.take(Venue, venue_count))
        write(
            Venue,
            (
                {
                    "id": pk,
                    "name": f"Community hall {n + 1}",
                    "address": f"{n + 1} Example Street, Sampleton",
                    "postcode": "EX1 1AA",
                    "step_free": n % 4 != 0,
                    "hearing_loop": n % 3 == 0,
                }
                for n, pk in enumerate(venue_ids)
            ),
        )

        # Workshops: two in three already held, the rest over the next six months.
        workshop_rows: list[dict[str, Any]] = []
        workshop_ids = iter(ids.take(Workshop, scale.workshops))
        for i, programme_id in enumerate(programme_ids):
            for n in range(workshops_per[i]):
                past = n % 3 != 2
                if past:
                    starts = now - datetime.timedelta(
                        days=rng.randint(2, 330), hours=rng.randint(0, 8)
                    )
                else:
                    starts = now + datetime.timedelta(
                        days=rng.randint(3, 180), hours=rng.randint(0, 8)
                    )
                kind = rng.random()
                fmt = (
                    Workshop.Format.IN_PERSON
                    if kind < 0.75
                    else Workshop.Format.ONLINE
                    if kind < 0.9
                    else Workshop.Format.HYBRID
                )
                workshop_rows.append(
                    {
                        "id": next(workshop_ids),
                        "programme_id": programme_id,
                        "title": f"{TOPICS[(i + n) % len(TOPICS)]}: session {n + 1}",
                        "description": "We look at what happens now and design what should "
                        "happen instead. **Fictional**, made for the benchmark.",
                        "audience": "Patients, carers, young people and staff.",
                        "starts_at": starts,
                        "ends_at": starts + datetime.timedelta(hours=3),
                        "format": fmt,
                        "venue_id": None
                        if fmt == Workshop.Format.ONLINE
                        else rng.choice(venue_ids),
                        "joining_url": ""
                        if fmt == Workshop.Format.IN_PERSON
                        else "https://meet.example.invalid/room",
                        "status": Workshop.Status.PUBLISHED,
                        "bursaries_available": n % 2 == 0,
                        "payment_details": "Travel paid, lunch provided.",
                        "safeguarding_lead_name": "Sam Safe",
                        "safeguarding_lead_contact": "safeguarding@example.invalid",
                        "access_contact_name": "Alex Access",
                        "access_contact_details": "access@example.invalid",
                        "_past": past,
                        "_programme": i,
                    }
                )
        # Registrations per workshop: most workshops middling, a few very popular.
        past_rows = [w for w in workshop_rows if w["_past"]]
        future_rows = [w for w in workshop_rows if not w["_past"]]
        past_total = round(scale.registrations * 0.8) if future_rows else scale.registrations
        for group, total in (
            (past_rows, past_total),
            (future_rows, scale.registrations - past_total),
        ):
            if not group:
                continue
            weights = [rng.lognormvariate(0, 0.6) for _ in group]
            for row, n in zip(group, _allocate(total, weights), strict=True):
                row["_count"] = n
        for row in workshop_rows:
            n = row["_count"]
            if row["_past"]:
                row["capacity"] = max(n, 10) + rng.randint(0, 10)
            else:
                # About a quarter are full and have people waiting.
                row["capacity"] = max(10, round(n * rng.uniform(0.75, 1.6)))
        write(
            Workshop, ({k: v for k, v in w.items() if not k.startswith("_")} for w in workshop_rows)
        )
        done("workshops", len(workshop_rows))

        # Participants: each belongs to one programme's pool, in proportion to its places.
        programme_load = [0] * scale.programmes
        for row in workshop_rows:
            programme_load[row["_programme"]] += row["_count"]
        pool_sizes = _allocate(scale.participants, [max(1, x) for x in programme_load])
        participant_ids = list(ids.take(User, scale.participants))
        perspectives_pool = [p for p, weight in MIX for _ in range(weight)]
        people: dict[int, list[str]] = {}
        pools: list[list[int]] = []
        start = 0
        for size in pool_sizes:
            pools.append(participant_ids[start : start + size])
            start += size
        for user_id in participant_ids:
            people[user_id] = [str(p) for p in rng.choice(perspectives_pool)]
        write(
            User,
            (
                {
                    "id": pk,
                    "email": f"person{n + 1}@{DOMAIN}",
                    "password": NO_PASSWORD,
                    "date_joined": now,
                }
                for n, pk in enumerate(participant_ids)
            ),
        )
        profile_ids = iter(ids.take(Profile, len(participant_ids) + len(staff_ids)))
        write(Profile, _profiles(rng, now, participant_ids, people, staff_ids, profile_ids))
        consent_ids = iter(ids.take(Consent, len(participant_ids) + len(staff_ids)))
        write(
            Consent,
            (
                {
                    "id": next(consent_ids),
                    "user_id": pk,
                    "kind": Consent.Kind.PRIVACY,
                    "granted": True,
                    "privacy_notice_version": settings.PRIVACY_NOTICE_VERSION,
                    "recorded_at": now - datetime.timedelta(days=400),
                }
                for pk in [*participant_ids, *staff_ids]
            ),
        )
        done("participants", len(participant_ids))

        # Registrations, in the order people registered.
        registrations: list[dict[str, Any]] = []
        registration_ids = iter(ids.take(Registration, scale.registrations))
        for row in workshop_rows:
            pool = pools[row["_programme"]]
            chosen = rng.sample(pool, min(row["_count"], len(pool)))
            opened = row["starts_at"] - datetime.timedelta(days=60)
            held = 0
            for k, user_id in enumerate(chosen):
                created = min(now, opened + datetime.timedelta(minutes=k * 37 + rng.randint(0, 30)))
                companion = "Chris Companion" if rng.random() < 0.02 else ""
                places = 2 if companion else 1
                if row["_past"]:
                    roll = rng.random()
                    status = (
                        Registration.Status.ATTENDED
                        if roll < 0.92
                        else Registration.Status.NO_SHOW
                        if roll < 0.97
                        else Registration.Status.CANCELLED
                    )
                elif held + places <= row["capacity"]:
                    status = Registration.Status.CONFIRMED
                else:
                    status = Registration.Status.WAITLISTED
                if status in Registration.HOLDING:
                    held += places
                registrations.append(
                    {
                        "id": next(registration_ids),
                        "workshop_id": row["id"],
                        "user_id": user_id,
                        "status": status,
                        "perspectives": people[user_id],
                        "companion_name": companion,
                        "queued_at": created if status == Registration.Status.WAITLISTED else None,
                        "checked_in_at": row["starts_at"]
                        if status == Registration.Status.ATTENDED
                        else None,
                        "cancelled_at": created
                        if status == Registration.Status.CANCELLED
                        else None,
                        "created_at": created,
                        "updated_at": created,
                    }
                )
        write(Registration, registrations)
        done("registrations", len(registrations))

        counts["responses"] = _feedback(
            rng, now, ids, scale, workshop_rows, registrations, people, done
        )
        counts["applications"] = _bursaries(
            rng, now, ids, scale, programme_ids, pools, staff, workshop_rows, done
        )
        _reset_sequences(ids.next)
        step = time.perf_counter()
    log(f"  committed in {time.perf_counter() - step:.1f} s")
    if connection.vendor == "postgresql":
        step = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        log(f"  analysed the tables in {time.perf_counter() - step:.1f} s")
    return counts


def _profiles(
    rng: random.Random,
    now: datetime.datetime,
    participant_ids: list[int],
    people: dict[int, list[str]],
    staff_ids: list[int],
    profile_ids: Iterator[int],
) -> Iterator[dict[str, Any]]:
    """Finished profiles: everyone may register straight away."""
    for user_id in [*participant_ids, *staff_ids]:
        perspectives = people.get(user_id, [Perspective.HEALTH_PROFESSIONAL.value])
        professional = bool(set(perspectives) & PROFESSIONAL)
        young = Perspective.YOUNG_PERSON in perspectives
        born = datetime.date(2009 if young else rng.randint(1950, 2000), rng.randint(1, 12), 1)
        roll = rng.random()
        yield {
            "id": next(profile_ids),
            "user_id": user_id,
            "display_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "perspectives": perspectives,
            "described_as": "patient partner" if not professional else "health professional",
            "discipline": "Nursing" if professional else "",
            "organisation": "Example Health Trust" if professional else "",
            "job_role": "Specialist nurse" if professional else "",
            "support_needs": ["step_free"] if roll < 0.08 else ["bsl"] if roll < 0.1 else [],
            "dietary_needs": "Vegetarian" if roll > 0.9 else "",
            "date_of_birth": born,
            "guardian_name": "Pat Guardian" if young else "",
            "guardian_email": f"guardian{user_id}@{DOMAIN}" if young else "",
            "completed_at": now - datetime.timedelta(days=400),
        }


def _agrees(rng: random.Random, perspectives: list[str]) -> int:
    chance = min((AGREEMENT.get(p, 0.75) for p in perspectives), default=0.75)
    return rng.choice((4, 5)) if rng.random() < chance else rng.choice((1, 2, 3))


class _Uuids:
    """Ids in increasing order: the indexes grow at one end, which is far faster to load than
    random ids (and is what UUIDv7 gives in production)."""

    def __init__(self, rng: random.Random) -> None:
        self.high = rng.getrandbits(64) << 64
        self.n = 0

    def __call__(self) -> uuid.UUID:
        self.n += 1
        return uuid.UUID(int=self.high | self.n)


def _feedback(
    rng: random.Random,
    now: datetime.datetime,
    ids: _Ids,
    scale: Scale,
    workshop_rows: list[dict[str, Any]],
    registrations: list[dict[str, Any]],
    people: dict[int, list[str]],
    done: Callable[[str, int], None],
) -> int:
    """A form with the standard questions for every held workshop, and answers from most of
    the people who came."""
    past = {w["id"]: w for w in workshop_rows if w["_past"]}
    new_uuid = _Uuids(rng)
    form_ids = dict(zip(past, ids.take(FeedbackForm, len(past)), strict=True))
    write(FeedbackForm, ({"id": form_ids[w], "workshop_id": w} for w in past))
    template = _default_questions(FeedbackForm())
    question_ids = iter(ids.take(Question, len(past) * len(template)))
    questions: dict[int, list[tuple[int, str]]] = {}
    question_rows = []
    for form_id in form_ids.values():
        for q in template:
            pk = next(question_ids)
            questions.setdefault(form_id, []).append((pk, q.kind))
            question_rows.append(
                {
                    "id": pk,
                    "form_id": form_id,
                    "position": q.position,
                    "kind": q.kind,
                    "text": q.text,
                    "easy_read_text": q.easy_read_text,
                    "choices": q.choices,
                    "easy_read_choices": q.easy_read_choices,
                    "required": q.required,
                    "is_default": True,
                    "key": q.key,
                }
            )
    write(Question, question_rows)
    came = [r for r in registrations if r["status"] == Registration.Status.ATTENDED]
    rng.shuffle(came)
    answered = came[: scale.responses]
    receipt_ids = iter(ids.take(FeedbackReceipt, len(answered)))
    responses = []
    for r in answered:
        workshop = past[r["workshop_id"]]
        at = min(now, workshop["ends_at"] + datetime.timedelta(hours=rng.randint(1, 72)))
        responses.append(
            {
                "id": new_uuid(),
                "form_id": form_ids[r["workshop_id"]],
                "user_id": r["user_id"],
                "perspectives": people[r["user_id"]],
                "quote_consent": rng.random() < 0.4,
                "created_at": at,
                "updated_at": at,
            }
        )
    write(
        FeedbackReceipt,
        (
            {
                "id": next(receipt_ids),
                "form_id": x["form_id"],
                "user_id": x["user_id"],
                "responded_at": x["created_at"],
            }
            for x in responses
        ),
    )
    write(Response, responses)
    write(
        ResponsePerspective,
        (
            {"id": new_uuid(), "response_id": x["id"], "form_id": x["form_id"], "perspective": p}
            for x in responses
            for p in x["perspectives"]
        ),
    )

    def answers() -> Iterator[dict[str, Any]]:
        for x in responses:
            for question_id, kind in questions[x["form_id"]]:
                if kind == Question.Kind.SCALE:
                    yield {
                        "id": new_uuid(),
                        "response_id": x["id"],
                        "question_id": question_id,
                        "value": _agrees(rng, x["perspectives"]),
                    }
                elif rng.random() < 0.2:
                    yield {
                        "id": new_uuid(),
                        "response_id": x["id"],
                        "question_id": question_id,
                        "value": None,
                        "text": rng.choice(WRITTEN),
                    }

    n_answers = write(Answer, answers())
    done("feedback responses", len(responses))
    done("feedback answers", n_answers)
    return len(responses)


def _bursaries(
    rng: random.Random,
    now: datetime.datetime,
    ids: _Ids,
    scale: Scale,
    programme_ids: list[int],
    pools: list[list[int]],
    staff: dict[tuple[int, str], int],
    workshop_rows: list[dict[str, Any]],
    done: Callable[[str, int], None],
) -> int:
    """Two schemes per programme and applications in every state, in proportion to size."""
    scheme_rows = []
    scheme_ids = iter(ids.take(BursaryScheme, len(programme_ids) * 2))
    for programme_id in programme_ids:
        for n, (name, opens) in enumerate(
            (("Travel and care costs", -200), ("Payment for your time", -60))
        ):
            scheme_rows.append(
                {
                    "id": next(scheme_ids),
                    "programme_id": programme_id,
                    "name": name,
                    "budget": Decimal("250000.00"),
                    "max_award": Decimal("500.00"),
                    "eligible_perspectives": [
                        Perspective.PATIENT,
                        Perspective.CARER,
                        Perspective.YOUNG_PERSON,
                        Perspective.FAMILY,
                    ],
                    "covers": [CostType.TRAVEL, CostType.CARE]
                    if n == 0
                    else [CostType.INVOLVEMENT, CostType.LOSS_OF_EARNINGS],
                    "involvement_rate": Decimal("25.00") if n else None,
                    "opens_at": now + datetime.timedelta(days=opens),
                    "closes_at": now + datetime.timedelta(days=opens + 365),
                    "information": "Fictional scheme made for the benchmark.",
                    "blind_review": n == 1,
                    "_programme": len(scheme_rows) // 2,
                }
            )
    write(
        BursaryScheme, ({k: v for k, v in s.items() if not k.startswith("_")} for s in scheme_rows)
    )
    per_programme = _allocate(scale.applications, [max(1, len(p)) for p in pools])
    statuses = [
        (Application.Status.SUBMITTED, 35),
        (Application.Status.UNDER_REVIEW, 25),
        (Application.Status.APPROVED, 20),
        (Application.Status.DECLINED, 8),
        (Application.Status.WAITLISTED, 5),
        (Application.Status.WITHDRAWN, 2),
        (Application.Status.DRAFT, 5),
    ]
    status_pool = [s for s, w in statuses for _ in range(w)]
    applications = []
    application_ids = iter(ids.take(Application, scale.applications))
    for i, programme_id in enumerate(programme_ids):
        schemes = scheme_rows[2 * i : 2 * i + 2]
        wanted = per_programme[i]
        # Each person applies to each scheme at most once.
        applicants = rng.sample(pools[i] * 2, min(wanted, 2 * len(pools[i])))
        seen: set[tuple[int, int]] = set()
        for user_id in applicants:
            scheme = rng.choice(schemes)
            if (scheme["id"], user_id) in seen:
                scheme = schemes[0] if scheme is schemes[1] else schemes[1]
            if (scheme["id"], user_id) in seen:
                continue
            seen.add((scheme["id"], user_id))
            status = rng.choice(status_pool)
            submitted = (
                None
                if status == Application.Status.DRAFT
                else now
                - datetime.timedelta(days=rng.randint(1, 150), minutes=rng.randint(0, 1440))
            )
            decided = status in (
                Application.Status.APPROVED,
                Application.Status.DECLINED,
                Application.Status.WAITLISTED,
            )
            applications.append(
                {
                    "id": next(application_ids),
                    "scheme_id": scheme["id"],
                    "applicant_id": user_id,
                    "statement": "It would pay for my train and for someone to look after my mum.",
                    "status": status,
                    "outcome": {
                        Application.Status.APPROVED: Application.Outcome.FULL,
                        Application.Status.DECLINED: Application.Outcome.DECLINE,
                        Application.Status.WAITLISTED: Application.Outcome.WAITLIST,
                    }.get(status, ""),
                    "awarded": Decimal("120.00") if status == Application.Status.APPROVED else None,
                    "decision_reason": "Meets the criteria." if decided else "",
                    "decided_by_id": staff[(programme_id, "organiser")] if decided else None,
                    "decided_at": submitted + datetime.timedelta(days=1)
                    if decided and submitted
                    else None,
                    "released_at": submitted + datetime.timedelta(days=2)
                    if decided and submitted
                    else None,
                    "submitted_at": submitted,
                    "withdrawn_at": now if status == Application.Status.WITHDRAWN else None,
                    "created_at": submitted or now,
                    "updated_at": submitted or now,
                    "_programme": programme_id,
                }
            )
    write(
        Application, ({k: v for k, v in a.items() if not k.startswith("_")} for a in applications)
    )
    item_ids = iter(ids.take(ApplicationItem, len(applications) * 3))
    write(
        ApplicationItem,
        (
            {
                "id": next(item_ids),
                "application_id": a["id"],
                "cost_type": cost,
                "amount": Decimal(rng.randint(10, 160)),
                "details": "Return train fare" if cost == CostType.TRAVEL else "",
            }
            for a in applications
            for cost in rng.sample(
                [CostType.TRAVEL, CostType.CARE, CostType.INVOLVEMENT], rng.randint(1, 3)
            )
        ),
    )
    reviewed = [
        a
        for a in applications
        if a["status"]
        not in (
            Application.Status.DRAFT,
            Application.Status.SUBMITTED,
            Application.Status.WITHDRAWN,
        )
    ]
    review_ids = iter(ids.take(Review, len(reviewed) * 2))
    write(
        Review,
        (
            {
                "id": next(review_ids),
                "application_id": a["id"],
                "reviewer_id": staff[(a["_programme"], who)],
                "recommendation": rng.choice(list(Review.Recommendation.values)),
                "comments": "Clear statement; costs look right.",
                "weighted_score": Decimal(rng.randint(100, 500)) / 100,
                "created_at": a["submitted_at"],
                "updated_at": a["submitted_at"],
            }
            for a in reviewed
            for who in ("reviewer", "reviewer2")
            if who == "reviewer" or rng.random() < 0.5
        ),
    )
    done("bursary applications", len(applications))
    return len(applications)
