"""Who is coming to a workshop, as the organisers need to know it: the list of registrants,
what to arrange for them, check-in on the day, the table plan, and attendance across a
programme.

Need to know: support needs are shown as what to arrange ("step-free access", "BSL
interpreter"), never a reason behind them. A young person's name, email, age and guardian are
shown only to the programme's organisers (and site admins); anyone else who may see the list
sees "Young person (details hidden)".
"""

import csv
import io
import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone

from codesign.core.audit import audit_log
from participants.models import AgeBand, Perspective, Profile, SupportNeed
from programmes.models import Cohort, Programme
from programmes.terms import LIVED_EXPERIENCE_PERSPECTIVES, PROFESSIONAL_PERSPECTIVES, terms_for
from workshops.models import Registration, RegistrationEvent, Seat, TablePlan, Workshop

Status = Registration.Status

# The order the registrants page lists people in; cancelled people are only counted.
GROUPS = (
    Status.CONFIRMED,
    Status.ATTENDED,
    Status.NO_SHOW,
    Status.OFFERED,
    Status.AWAITING_GUARDIAN,
    Status.WAITLISTED,
)
GROUP_HEADINGS = {
    Status.CONFIRMED: "Confirmed",
    Status.ATTENDED: "Came (checked in)",
    Status.NO_SHOW: "Did not come",
    Status.OFFERED: "Offered a place, not answered yet",
    Status.AWAITING_GUARDIAN: "Waiting for a parent or guardian to agree",
    Status.WAITLISTED: "On the waiting list, in queue order",
}
# Who gets a seat at a table and a line on the check-in list.
SEATED = (Status.CONFIRMED, Status.ATTENDED)
CHECK_IN_LIST = (Status.CONFIRMED, Status.ATTENDED, Status.NO_SHOW)

HIDDEN_YOUNG_PERSON = "Young person (details hidden)"
PERSPECTIVE_LABELS = dict(Perspective.choices)
PERSPECTIVE_ORDER = {value: index for index, value in enumerate(Perspective.values)}
# One person, more than one person. Counted people are listed in this order.
NEED_WORDS: dict[str, tuple[str, str]] = {
    SupportNeed.STEP_FREE: ("needs step-free access", "need step-free access"),
    SupportNeed.BSL: ("needs a BSL interpreter", "need a BSL interpreter"),
    SupportNeed.HEARING_LOOP: ("needs a hearing loop", "need a hearing loop"),
    SupportNeed.LARGE_PRINT: ("needs large print", "need large print"),
    "easy_read": ("needs easy-read materials", "need easy-read materials"),
    SupportNeed.QUIET_SPACE: ("needs a quiet space", "need a quiet space"),
    SupportNeed.COMPANION: (
        "is coming with a companion or carer",
        "are coming with a companion or carer",
    ),
}
SUPPORT_LABELS = dict(SupportNeed.choices)
PLURALS = {
    "patient": "patients",
    "carer": "carers",
    "parent or family member": "parents or family members",
    "young person": "young people",
    "health professional": "health professionals",
    "care professional": "care professionals",
    "manager": "managers",
    "researcher": "researchers",
    "digital or technology": "digital or technology people",
    "other": "others",
}


def _profile(user: Any) -> Profile | None:
    # A person without a profile reads as None (select_related caches the missing row).
    return getattr(user, "profile", None)


def _perspective_values(registration: Registration) -> list[str]:
    """What the person said they bring when they registered, else what their profile says."""
    values = list(registration.perspectives or [])
    if not values:
        profile = _profile(registration.user)
        values = list(profile.perspectives) if profile else []
    return values


def perspective_words(value: str, count: int = 1) -> str:
    """'patient' for one, 'patients' for more."""
    word = PERSPECTIVE_LABELS.get(value, value).lower()
    return word if count == 1 else PLURALS.get(word, word)


def main_perspective(registration: Registration) -> str:
    values = _perspective_values(registration)
    return values[0] if values else Perspective.OTHER.value


def person_name(registration: Registration, *, full: bool) -> str:
    profile = _profile(registration.user)
    if profile and profile.display_name:
        return profile.display_name
    return registration.user.email if full else "Name not given"


def is_young_person(registration: Registration) -> bool:
    """Under 18 by their date of birth or age band, or asked for a guardian's consent."""
    profile = _profile(registration.user)
    if profile and profile.is_under_18:
        return True
    return registration.status == Status.AWAITING_GUARDIAN or (
        getattr(registration, "guardian_consent", None) is not None
    )


def _age(profile: Profile | None) -> str:
    if profile is None:
        return ""
    if profile.age is not None:
        return str(profile.age)
    return AgeBand(profile.age_band).label if profile.age_band else ""


def _guardian(registration: Registration, profile: Profile | None) -> str:
    consent = getattr(registration, "guardian_consent", None)
    if consent is not None:
        agreed = "agreed" if consent.confirmed_at else "not agreed yet"
        return f"{consent.guardian_name} ({consent.guardian_email}), {agreed}"
    if profile and profile.guardian_name:
        return f"{profile.guardian_name} ({profile.guardian_email or 'no email given'})"
    return ""


def arrangements(profile: Profile | None) -> list[str]:
    """What to arrange for this person, in a facilitator's words."""
    if profile is None:
        return []
    needs = [SUPPORT_LABELS.get(value, value) for value in profile.support_needs]
    if profile.large_print and SupportNeed.LARGE_PRINT not in profile.support_needs:
        needs.append(SUPPORT_LABELS[SupportNeed.LARGE_PRINT])
    if profile.easy_read:
        needs.append("Easy-read materials")
    if profile.support_other:
        needs.append(profile.support_other)
    return needs


@dataclass(frozen=True)
class Registrant:
    """One line of the registrants list, with only what this viewer may see."""

    registration: Registration
    hidden: bool
    is_young_person: bool
    name: str
    described_as: str
    email: str
    age: str
    guardian: str
    perspective_values: list[str]
    perspectives: list[str]
    companion: str
    arrange: list[str]
    food: str
    position: int | None = None

    @property
    def pk(self) -> int:
        return self.registration.pk

    @property
    def status(self) -> str:
        return self.registration.get_status_display()


def registrant(
    registration: Registration, *, full: bool, position: int | None = None
) -> Registrant:
    profile = _profile(registration.user)
    young = is_young_person(registration)
    values = _perspective_values(registration)
    if young and not full:
        return Registrant(
            registration=registration,
            hidden=True,
            is_young_person=True,
            name=HIDDEN_YOUNG_PERSON,
            described_as="",
            email="",
            age="",
            guardian="",
            perspective_values=values,
            perspectives=[],
            companion="",
            arrange=[],
            food="",
            position=position,
        )
    return Registrant(
        registration=registration,
        hidden=False,
        is_young_person=young,
        name=person_name(registration, full=full),
        described_as=profile.described_as if profile else "",
        email=registration.user.email if full else "",
        age=_age(profile) if full else "",
        guardian=_guardian(registration, profile) if full and young else "",
        perspective_values=values,
        perspectives=[PERSPECTIVE_LABELS.get(v, v) for v in values],
        companion=registration.companion_name,
        arrange=arrangements(profile),
        food=profile.dietary_needs.strip() if profile else "",
        position=position,
    )


def _sort_name(person: Registrant) -> tuple[str, int]:
    return (person.name.casefold(), person.pk)


@dataclass(frozen=True)
class StatusGroup:
    status: str
    heading: str
    people: list[Registrant]


@dataclass(frozen=True)
class PerspectiveCount:
    label: str
    count: int


@dataclass(frozen=True)
class Registrants:
    groups: list[StatusGroup]
    cancelled: int
    perspectives: list[PerspectiveCount]
    lived_experience: PerspectiveCount
    professionals: PerspectiveCount
    companions: int
    support: "SupportSummary"

    @property
    def listed(self) -> list[Registrant]:
        return [person for group in self.groups for person in group.people]


def registrations_for_list(workshop: Workshop) -> QuerySet[Registration]:
    """Everyone but cancelled people, with what the list shows, in one query; the waiting
    list comes in queue order."""
    return (
        Registration.objects.filter(workshop=workshop)
        .exclude(status=Status.CANCELLED)
        .select_related("user__profile", "guardian_consent")
        .annotate(queue_time=Coalesce("queued_at", "created_at"))
        .order_by("queue_priority", "queue_time", "id")
    )


def registrants_for(
    workshop: Workshop,
    *,
    full: bool,
    registrations: Iterable[Registration] | None = None,
    cancelled: int = 0,
) -> Registrants:
    """The registrants page's content. `full` is for the programme's organisers."""
    registrations = list(
        registrations if registrations is not None else registrations_for_list(workshop)
    )
    by_status: dict[str, list[Registrant]] = defaultdict(list)
    position = 0
    for registration in registrations:
        if registration.status == Status.WAITLISTED:
            position += 1
            by_status[registration.status].append(
                registrant(registration, full=full, position=position)
            )
        else:
            by_status[registration.status].append(registrant(registration, full=full))
    groups = []
    for status in GROUPS:
        people = by_status.get(status, [])
        if status != Status.WAITLISTED:
            people = sorted(people, key=_sort_name)
        if people:
            groups.append(StatusGroup(status=status, heading=GROUP_HEADINGS[status], people=people))

    mix = mix_of(
        workshop,
        [
            person.registration
            for group in groups
            if group.status in Registration.HOLDING
            for person in group.people
        ],
    )
    return Registrants(
        groups=groups,
        cancelled=cancelled,
        perspectives=mix.perspectives,
        lived_experience=mix.lived_experience,
        professionals=mix.professionals,
        companions=mix.companions,
        support=mix.support,
    )


@dataclass(frozen=True)
class Mix:
    perspectives: list[PerspectiveCount]
    lived_experience: PerspectiveCount
    professionals: PerspectiveCount
    companions: int
    support: "SupportSummary"


def mix_of(workshop: Workshop, coming: Sequence[Registration]) -> Mix:
    """Who is coming by what they bring, and what to arrange for them. Reads only each
    registration's perspectives and companion and its person's profile, so the registrants
    page can pass light rows for everyone while it shows a page of them."""
    counts: Counter[str] = Counter()
    lived = professionals = 0
    for registration in coming:
        values = set(_perspective_values(registration))
        counts.update(values)
        lived += bool(values & LIVED_EXPERIENCE_PERSPECTIVES)
        professionals += bool(values & PROFESSIONAL_PERSPECTIVES)
    terms = terms_for(workshop.programme)
    return Mix(
        perspectives=[
            PerspectiveCount(label=PERSPECTIVE_LABELS.get(value, value), count=counts[value])
            for value in sorted(counts, key=lambda v: PERSPECTIVE_ORDER.get(v, 99))
        ],
        lived_experience=PerspectiveCount(label=terms.lived_experience_plural, count=lived),
        professionals=PerspectiveCount(label=terms.professional_plural, count=professionals),
        companions=sum(1 for registration in coming if registration.companion_name),
        support=support_summary(coming),
    )


# The support-needs summary


@dataclass(frozen=True)
class SupportLine:
    count: int
    words: str

    def __str__(self) -> str:
        return f"{self.count} {self.words}"


@dataclass(frozen=True)
class SupportSummary:
    needs: list[SupportLine] = field(default_factory=list)
    other: list[SupportLine] = field(default_factory=list)
    food: list[SupportLine] = field(default_factory=list)

    @property
    def lines(self) -> list[SupportLine]:
        return [*self.needs, *self.other, *self.food]

    @property
    def sentence(self) -> str:
        """'3 need step-free access, 1 needs a BSL interpreter, 2 vegetarian.'"""
        lines = self.lines
        return (", ".join(str(line) for line in lines) + ".") if lines else ""


def _plain(text: str) -> str:
    """Free text as a phrase to count: one line, no full stop, lower case unless it starts
    with an abbreviation like 'BSL'."""
    text = re.sub(r"\s+", " ", text).strip().rstrip(".").strip()
    if len(text) > 1 and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text


def _grouped(texts: Iterable[str], *, prefix: str = "") -> list[SupportLine]:
    """Free-text answers counted case-insensitively, most common first."""
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for text in texts:
        phrase = _plain(text)
        if not phrase:
            continue
        key = phrase.casefold()
        counts[key] += 1
        shown.setdefault(key, phrase)
    ordered = sorted(counts, key=lambda key: (-counts[key], key))
    return [SupportLine(count=counts[key], words=f"{prefix}{shown[key]}") for key in ordered]


def support_summary(registrations: Iterable[Registration]) -> SupportSummary:
    """What to arrange for everyone coming, counted, in words, for planning."""
    needs: Counter[str] = Counter()
    others: list[str] = []
    food: list[str] = []
    for registration in registrations:
        profile = _profile(registration.user)
        chosen = set(profile.support_needs) if profile else set()
        if profile and profile.large_print:
            chosen.add(SupportNeed.LARGE_PRINT)
        if profile and profile.easy_read:
            chosen.add("easy_read")
        if registration.companion_name:
            chosen.add(SupportNeed.COMPANION)
        needs.update(value for value in chosen if value in NEED_WORDS)
        if profile and profile.support_other.strip():
            others.append(profile.support_other)
        if profile and profile.dietary_needs.strip():
            food.append(profile.dietary_needs)
    return SupportSummary(
        needs=[
            SupportLine(count=needs[value], words=NEED_WORDS[value][needs[value] != 1])
            for value in NEED_WORDS
            if needs[value]
        ],
        other=_grouped(others, prefix="asked for: "),
        food=_grouped(food),
    )


# The CSV download

CSV_HEADER = [
    "Name",
    "How they want to be described",
    "Perspectives",
    "Companion",
    "What to arrange",
    "Food and drink",
    "Status",
    "Place on the waiting list",
]
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text, never runs: "=1+1" becomes "'=1+1"."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def registrant_csv_rows(registrants: Registrants) -> list[list[str]]:
    rows = [CSV_HEADER]
    for person in registrants.listed:
        rows.append(
            [
                safe_cell(value)
                for value in (
                    person.name,
                    person.described_as,
                    "; ".join(person.perspectives),
                    person.companion,
                    "; ".join(person.arrange),
                    person.food,
                    person.status,
                    person.position or "",
                )
            ]
        )
    return rows


def registrants_export(*, workshop: Workshop, registrants: Registrants, by: Any) -> str:
    """The registrants as CSV text (need-to-know columns only), recorded in the audit log."""
    rows = registrant_csv_rows(registrants)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    audit_log(
        actor=by,
        action="workshops.registrants.exported",
        target=workshop,
        data={"rows": len(rows) - 1},
    )
    return buffer.getvalue()


# Check-in on the day


def check_in_opens(workshop: Workshop) -> bool:
    """People can be checked in from the start of the workshop's day (UK time)."""
    return timezone.localdate() >= timezone.localtime(workshop.starts_at).date()


def _locked_registration(registration: Registration, workshop: Workshop) -> Registration:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("user__profile")
        .get(pk=registration.pk, workshop=workshop)
    )


@transaction.atomic
def registration_check_in(*, registration: Registration, by: Any) -> bool:
    """Mark someone as here. False, and nothing changes, if they are already checked in."""
    workshop = registration.workshop
    locked = _locked_registration(registration, workshop)
    if locked.status == Status.ATTENDED:
        return False
    if workshop.is_cancelled:
        raise ValidationError("This workshop was cancelled, so nobody can be checked in.")
    if not check_in_opens(workshop):
        raise ValidationError("Check-in opens on the day of the workshop.")
    if locked.status not in CHECK_IN_LIST:
        raise ValidationError(
            f"{person_name(locked, full=True)} doesn't have a confirmed place, so can't be "
            "checked in."
        )
    locked.status = Status.ATTENDED
    locked.checked_in_at = timezone.now()
    locked.save(update_fields=["status", "checked_in_at", "updated_at"])
    RegistrationEvent.objects.create(
        registration=locked, kind=RegistrationEvent.Kind.CHECKED_IN, by=by
    )
    registration.status, registration.checked_in_at = locked.status, locked.checked_in_at
    return True


@transaction.atomic
def registration_undo_check_in(*, registration: Registration, by: Any) -> bool:
    """Take back a check-in made by mistake. False if they weren't checked in."""
    locked = _locked_registration(registration, registration.workshop)
    if locked.status != Status.ATTENDED:
        return False
    locked.status = Status.CONFIRMED
    locked.checked_in_at = None
    locked.save(update_fields=["status", "checked_in_at", "updated_at"])
    RegistrationEvent.objects.create(
        registration=locked, kind=RegistrationEvent.Kind.CHECK_IN_UNDONE, by=by
    )
    audit_log(
        actor=by,
        action="workshops.registration.check_in_undone",
        target=locked,
        data={"workshop": locked.workshop_id},
    )
    registration.status, registration.checked_in_at = locked.status, None
    return True


@transaction.atomic
def workshop_mark_no_shows(*, workshop: Workshop, by: Any) -> int:
    """Everyone confirmed who wasn't checked in did not come. Only once the workshop has
    started; returns how many were marked."""
    locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if locked.starts_at > timezone.now():
        raise ValidationError("The workshop hasn't started yet, so everyone may still come.")
    missing = Registration.objects.select_for_update().filter(
        workshop=locked, status=Status.CONFIRMED, checked_in_at__isnull=True
    )
    ids = list(missing.values_list("pk", flat=True))
    if ids:
        Registration.objects.filter(pk__in=ids).update(
            status=Status.NO_SHOW, updated_at=timezone.now()
        )
        RegistrationEvent.objects.bulk_create(
            RegistrationEvent(registration_id=pk, kind=RegistrationEvent.Kind.MARKED_NO_SHOW, by=by)
            for pk in ids
        )
        audit_log(
            actor=by,
            action="workshops.registrants.no_shows_marked",
            target=locked,
            data={"registrations": ids},
        )
    return len(ids)


def check_in_list(workshop: Workshop, query: str = "") -> QuerySet[Registration]:
    """People who can be checked in, by name; `query` matches their name or email."""
    people = (
        Registration.objects.filter(workshop=workshop, status__in=CHECK_IN_LIST)
        .select_related("user__profile")
        .order_by(
            Lower(Coalesce(NullIf("user__profile__display_name", Value("")), "user__email")),
            "id",
        )
    )
    query = query.strip()
    if query:
        people = people.filter(
            Q(user__profile__display_name__icontains=query) | Q(user__email__icontains=query)
        )
    return people


@dataclass(frozen=True)
class CheckInPerson:
    registration: Registration
    name: str
    arrange: list[str]

    @property
    def pk(self) -> int:
        return self.registration.pk

    @property
    def is_here(self) -> bool:
        return self.registration.status == Status.ATTENDED


def check_in_person(registration: Registration) -> CheckInPerson:
    profile = _profile(registration.user)
    return CheckInPerson(
        registration=registration,
        name=person_name(registration, full=True),
        arrange=arrangements(profile),
    )


def check_in_counts(workshop: Workshop) -> dict[str, int]:
    """How many are expected and how many are here, in one query."""
    return Registration.objects.filter(workshop=workshop).aggregate(
        expected=Count("pk", filter=Q(status__in=CHECK_IN_LIST)),
        here=Count("pk", filter=Q(status=Status.ATTENDED)),
        missing=Count("pk", filter=Q(status=Status.CONFIRMED, checked_in_at__isnull=True)),
    )


# The table plan


@dataclass(frozen=True)
class Unit:
    """Who sits together: a person, and their companion if one comes (size 2)."""

    id: int
    size: int
    group: str


MIX_WEIGHT = 1000  # a fairer mix always wins over fewer repeated meetings
MAX_PASSES = 20
# Each round is worked out from a few starting orders and the best kept: more for small
# workshops, where it is cheap, and fewer for big ones.
WORK_BUDGET = 4000


class _Round:
    """One round's seating while it is being worked out."""

    def __init__(self, tables: int, met: dict[int, set[int]]) -> None:
        self.met = met
        self.members: list[set[int]] = [set() for _ in range(tables)]
        self.seats = [0] * tables
        self.groups: list[Counter[str]] = [Counter() for _ in range(tables)]
        self.table_of: dict[int, int] = {}

    def repeats(self, unit_id: int, table: int, without: int | None = None) -> int:
        met = self.met[unit_id]
        return sum(1 for other in self.members[table] if other != without and other in met)

    def place(self, unit: Unit, table: int) -> None:
        self.members[table].add(unit.id)
        self.seats[table] += unit.size
        self.groups[table][unit.group] += 1
        self.table_of[unit.id] = table

    def remove(self, unit: Unit) -> int:
        table = self.table_of.pop(unit.id)
        self.members[table].discard(unit.id)
        self.seats[table] -= unit.size
        self.groups[table][unit.group] -= 1
        return table

    def cost(self) -> int:
        """Uneven mix (the sum of squared perspective counts per table) first, then how many
        pairs sit together again."""
        mix = sum(count * count for groups in self.groups for count in groups.values())
        repeats = sum(self.repeats(unit_id, table) for unit_id, table in self.table_of.items())
        return MIX_WEIGHT * mix + repeats // 2

    def move_gain(self, u: Unit, b: int) -> int:
        a = self.table_of[u.id]
        mix = (2 * self.groups[b][u.group] + 1) - (2 * self.groups[a][u.group] - 1)
        return -(MIX_WEIGHT * mix + self.repeats(u.id, b) - self.repeats(u.id, a))

    def swap_gain(self, u: Unit, v: Unit) -> int:
        a, b = self.table_of[u.id], self.table_of[v.id]
        mix = 0
        if u.group != v.group:
            ca, cb = self.groups[a], self.groups[b]
            # The change in the sum of squared group counts at both tables.
            mix = (2 * ca[v.group] + 2 - 2 * ca[u.group]) + (2 * cb[u.group] + 2 - 2 * cb[v.group])
        before = self.repeats(u.id, a) + self.repeats(v.id, b)
        after = self.repeats(u.id, b, without=v.id) + self.repeats(v.id, a, without=u.id)
        return -(MIX_WEIGHT * mix + after - before)


def _group_order(units: Sequence[Unit]) -> dict[str, int]:
    """Bigger groups first, so they are spread before the small ones fill the gaps."""
    sizes = Counter(unit.group for unit in units)
    ordered = sorted(sizes, key=lambda g: (-sizes[g], PERSPECTIVE_ORDER.get(g, 99), g))
    return {group: index for index, group in enumerate(ordered)}


def seat_units(units: Sequence[Unit], *, tables: int, rounds: int) -> list[dict[int, int]]:
    """Per round, each unit's table (numbered from 1).

    Each unit goes, in turn, to the table where its perspective is least represented (then
    where it meets fewest people it has sat with before, then the emptiest table), never making
    a table more than one seat fuller than an even share. Then units move or swap tables
    while that improves the mix or cuts repeated meetings, keeping tables the same size. Each
    round is tried from a few starting orders and the best kept. The orders come from a fixed
    seed, so the same people always give the same plan.
    """
    if tables < 1:
        raise ValueError("At least one table is needed.")
    order_of = _group_order(units)
    base = sorted(units, key=lambda u: (order_of[u.group], -u.size, u.id))
    total = sum(unit.size for unit in units)
    cap = math.ceil(total / tables)
    starts = max(1, min(8, WORK_BUDGET // max(1, len(units) * len(units) // 10)))
    met: dict[int, set[int]] = {unit.id: set() for unit in units}
    plan: list[dict[int, int]] = []
    for number in range(rounds):
        best = min(
            (
                _seat_round(
                    _start_order(base, order_of, seed=number * 1000 + start) if start else base,
                    tables=tables,
                    cap=cap,
                    met=met,
                    total=total,
                )
                for start in range(starts)
            ),
            key=lambda seating: seating.cost(),
        )
        for members in best.members:
            for unit_id in members:
                met[unit_id] |= members - {unit_id}
        plan.append({unit.id: best.table_of[unit.id] + 1 for unit in base})
    return plan


def _start_order(base: Sequence[Unit], order_of: dict[str, int], *, seed: int) -> list[Unit]:
    """The units in another order, still bigger perspective groups first."""
    shuffler = random.Random(seed)  # noqa: S311 - a fixed seed for a repeatable plan
    keys = {unit.id: shuffler.random() for unit in base}
    return sorted(base, key=lambda u: (order_of[u.group], -u.size, keys[u.id]))


def _seat_round(
    order: Sequence[Unit], *, tables: int, cap: int, met: dict[int, set[int]], total: int
) -> _Round:
    seating = _Round(tables, met)
    for unit in order:
        fits = [t for t in range(tables) if seating.seats[t] + unit.size <= cap]
        fits = fits or [t for t in range(tables) if seating.seats[t] + unit.size <= cap + 1]
        fits = fits or list(range(tables))
        table = min(
            fits,
            key=lambda t: (
                seating.groups[t][unit.group],
                seating.repeats(unit.id, t),
                seating.seats[t],
                t,
            ),
        )
        seating.place(unit, table)
    # Moves and swaps keep every table between these sizes, as even as the greedy pass left it.
    low = min(total // tables, *seating.seats)
    high = max(cap, *seating.seats)
    _improve(seating, order, low=low, high=high)
    return seating


def _improve(seating: _Round, order: Sequence[Unit], *, low: int, high: int) -> None:
    tables = range(len(seating.seats))
    seats = seating.seats
    for _ in range(MAX_PASSES):
        improved = False
        for i, u in enumerate(order):
            a = seating.table_of[u.id]
            for b in tables:
                if b == a or seats[b] + u.size > high or seats[a] - u.size < low:
                    continue
                if seating.move_gain(u, b) > 0:
                    seating.remove(u)
                    seating.place(u, b)
                    a = b
                    improved = True
            for v in order[i + 1 :]:
                a, b = seating.table_of[u.id], seating.table_of[v.id]
                if a == b:
                    continue
                change = v.size - u.size
                if change and not (
                    low <= seats[a] + change <= high and low <= seats[b] - change <= high
                ):
                    continue
                if seating.swap_gain(u, v) > 0:
                    seating.remove(u)
                    seating.remove(v)
                    seating.place(u, b)
                    seating.place(v, a)
                    improved = True
        if not improved:
            return


def repeated_meetings(plan: Sequence[dict[int, int]]) -> int:
    """How many times two units sit together again after an earlier round."""
    seen: set[tuple[int, int]] = set()
    repeats = 0
    for seating in plan:
        tables: dict[int, list[int]] = defaultdict(list)
        for unit_id, table in seating.items():
            tables[table].append(unit_id)
        for members in tables.values():
            members.sort()
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    if (a, b) in seen:
                        repeats += 1
                    seen.add((a, b))
    return repeats


MAX_TABLES = 30
MAX_ROUNDS = 5


def _seated_registrations(workshop: Workshop) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(workshop=workshop, status__in=SEATED)
        .select_related("user__profile")
        .order_by("id")
    )


@transaction.atomic
def table_plan_build(*, workshop: Workshop, tables: int, rounds: int, by: Any) -> TablePlan:
    """Seat everyone with a confirmed place, replacing any earlier plan."""
    locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
    errors = {}
    if not 1 <= tables <= MAX_TABLES:
        errors["tables"] = f"Choose between 1 and {MAX_TABLES} tables."
    if not 1 <= rounds <= MAX_ROUNDS:
        errors["rounds"] = f"Choose between 1 and {MAX_ROUNDS} rounds."
    if errors:
        raise ValidationError(errors)
    if locked.is_cancelled:
        raise ValidationError("This workshop was cancelled, so there are no tables to plan.")
    registrations = list(_seated_registrations(locked))
    if not registrations:
        raise ValidationError("Nobody has a confirmed place yet, so there is nobody to seat.")
    if tables > len(registrations):
        people = "1 person has" if len(registrations) == 1 else f"{len(registrations)} people have"
        raise ValidationError(
            {
                "tables": f"{people} a confirmed place, so choose {len(registrations)} tables or fewer."
            }
        )
    units = [Unit(id=r.pk, size=r.places, group=main_perspective(r)) for r in registrations]
    seating = seat_units(units, tables=tables, rounds=rounds)
    TablePlan.objects.filter(workshop=locked).delete()
    plan = TablePlan.objects.create(
        workshop=locked,
        tables=tables,
        rounds=rounds,
        created_by=by if getattr(by, "pk", None) else None,
    )
    Seat.objects.bulk_create(
        Seat(plan=plan, registration_id=unit_id, round=number, table=table)
        for number, round_seating in enumerate(seating, start=1)
        for unit_id, table in sorted(round_seating.items())
    )
    audit_log(
        actor=by,
        action="workshops.table_plan.built",
        target=locked,
        data={"tables": tables, "rounds": rounds, "people": len(units)},
    )
    return plan


@transaction.atomic
def table_plan_move(
    *, plan: TablePlan, registration: Registration, round: int, table: int, by: Any
) -> Seat:
    """Move someone (and their companion) to another table for one round, or seat someone
    who got a place after the plan was made."""
    locked = TablePlan.objects.select_for_update().get(pk=plan.pk)
    errors = {}
    if not 1 <= round <= locked.rounds:
        errors["round"] = f"Choose a round from 1 to {locked.rounds}."
    if not 1 <= table <= locked.tables:
        errors["table"] = f"Choose a table from 1 to {locked.tables}."
    if errors:
        raise ValidationError(errors)
    if registration.workshop_id != locked.workshop_id or registration.status not in SEATED:
        raise ValidationError("This person doesn't have a confirmed place at this workshop.")
    seat, _ = Seat.objects.update_or_create(
        plan=locked, registration=registration, round=round, defaults={"table": table}
    )
    audit_log(
        actor=by,
        action="workshops.table_plan.moved",
        target=locked.workshop,
        data={"registration": registration.pk, "round": round, "table": table},
    )
    return seat


@dataclass
class PlanPerson:
    pk: int
    user: Any
    name: str
    described_as: str
    perspectives: list[str]
    group: str
    companion: str
    places: int
    tables: list[int | None] = field(default_factory=list)


@dataclass
class PlanTable:
    number: int
    people: list[PlanPerson]

    @property
    def seats(self) -> int:
        return sum(person.places for person in self.people)

    @property
    def mix(self) -> str:
        """'2 patients, 1 carer, 1 health professional and 1 companion'."""
        counts = Counter(person.group for person in self.people)
        parts = [
            f"{counts[g]} {perspective_words(g, counts[g])}"
            for g in sorted(counts, key=lambda g: (-counts[g], PERSPECTIVE_ORDER.get(g, 99)))
        ]
        companions = sum(1 for person in self.people if person.companion)
        if companions:
            parts.append(f"{companions} companion{'s' if companions != 1 else ''}")
        if len(parts) > 1:
            return ", ".join(parts[:-1]) + " and " + parts[-1]
        return "".join(parts) or "Nobody yet"


@dataclass
class PlanRound:
    number: int
    tables: list[PlanTable]


@dataclass
class PlanView:
    plan: TablePlan | None
    rounds: list[PlanRound]
    people: list[PlanPerson]
    unseated: list[PlanPerson]


def table_plan_view(workshop: Workshop) -> PlanView:
    """The saved plan as the page shows it, in three queries: people with a confirmed place
    now, the plan, and its seats. People who lost their place drop out; people who got one
    since are listed as not seated yet."""
    registrations = list(_seated_registrations(workshop))
    people = {
        r.pk: PlanPerson(
            pk=r.pk,
            user=r.user,
            name=person_name(r, full=True),
            described_as=(_profile(r.user).described_as if _profile(r.user) else ""),
            perspectives=[PERSPECTIVE_LABELS.get(v, v) for v in _perspective_values(r)],
            group=main_perspective(r),
            companion=r.companion_name,
            places=r.places,
        )
        for r in registrations
    }
    ordered = sorted(people.values(), key=lambda p: (p.name.casefold(), p.pk))
    plan = TablePlan.objects.filter(workshop=workshop).first()
    if plan is None:
        return PlanView(plan=None, rounds=[], people=ordered, unseated=ordered)
    for person in ordered:
        person.tables = [None] * plan.rounds
    rounds = [
        PlanRound(
            number=n, tables=[PlanTable(number=t, people=[]) for t in range(1, plan.tables + 1)]
        )
        for n in range(1, plan.rounds + 1)
    ]
    for registration_id, number, table in plan.seats.values_list(
        "registration_id", "round", "table"
    ):
        person = people.get(registration_id)
        if person is None or not (1 <= number <= plan.rounds and 1 <= table <= plan.tables):
            continue
        person.tables[number - 1] = table
        rounds[number - 1].tables[table - 1].people.append(person)
    for plan_round in rounds:
        for plan_table in plan_round.tables:
            plan_table.people.sort(key=lambda p: (p.name.casefold(), p.pk))
    unseated = [person for person in ordered if None in person.tables]
    return PlanView(plan=plan, rounds=rounds, people=ordered, unseated=unseated)


# Attendance across a programme


@dataclass
class AttendanceRow:
    user: Any
    name: str
    cells: list[str]
    attended: int


@dataclass
class AttendanceGrid:
    workshops: list[Workshop]
    rows: list[AttendanceRow]
    totals: list[int]


ATTENDANCE_CELLS = {
    Status.ATTENDED: "Attended",
    Status.NO_SHOW: "Did not come",
    Status.CONFIRMED: "Booked",
}


def attendance_grid(*, programme: Programme, cohort: Cohort | None = None) -> AttendanceGrid:
    """Person by workshop: who came to which of the programme's workshops that have started,
    in two queries."""
    workshops = Workshop.objects.filter(programme=programme, starts_at__lte=timezone.now()).exclude(
        status=Workshop.Status.CANCELLED
    )
    if cohort is not None:
        workshops = workshops.filter(cohort=cohort)
    workshops = list(workshops.order_by("starts_at", "id"))
    column = {workshop.pk: index for index, workshop in enumerate(workshops)}
    registrations = (
        Registration.objects.filter(workshop__in=[w.pk for w in workshops])
        .filter(status__in=list(ATTENDANCE_CELLS))
        .select_related("user__profile")
        .order_by("user_id")
    )
    by_person: dict[int, AttendanceRow] = {}
    totals = [0] * len(workshops)
    for registration in registrations:
        row = by_person.get(registration.user_id)
        if row is None:
            row = by_person[registration.user_id] = AttendanceRow(
                user=registration.user,
                name=person_name(registration, full=True),
                cells=[""] * len(workshops),
                attended=0,
            )
        index = column[registration.workshop_id]
        row.cells[index] = ATTENDANCE_CELLS[registration.status]
        if registration.status == Status.ATTENDED:
            row.attended += 1
            totals[index] += 1
    rows = sorted(by_person.values(), key=lambda row: row.name.casefold())
    return AttendanceGrid(workshops=workshops, rows=rows, totals=totals)


def attended_workshops(*, user: Any, programme: Programme) -> list[Registration]:
    """The programme's workshops this person came to, oldest first."""
    return list(
        Registration.objects.filter(
            user=user, workshop__programme=programme, status=Status.ATTENDED
        )
        .select_related("workshop", "workshop__stage", "workshop__venue")
        .order_by("workshop__starts_at", "workshop_id")
    )
