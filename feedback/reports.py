"""Feedback reports for organisers: who answered, and what people said, broken down by who said
it, for one workshop and across a programme.

Counting happens in the database. Answers are grouped by the set of perspectives the person
held when they answered (`Response.perspectives`, the same snapshot as the
`ResponsePerspective` rows), and people asked for feedback by the set on their registration.
Grouping by the whole set, rather than joining one row per perspective, gives exact numbers in
one pass for each perspective, for groups of perspectives (someone who is a patient and a carer
counts once among people with lived experience) and for what is left when some rows are
hidden. Python only adds up those grouped rows, never one row per response, so a report runs
the same queries over 100 responses or 100,000.

Nobody can be identified: a group of fewer than 5 people shows as "fewer than 5", never its
numbers. A row that covers other rows (everyone, or all professionals) is hidden too when
taking the rows shown inside it away from it would leave the answers of 1 to 4 people: the
small group could otherwise be worked out by subtraction.
"""

import csv
import datetime
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from codesign.core.audit import audit_log
from feedback.models import (
    AGREEMENT_SCALE,
    Answer,
    FeedbackForm,
    FeedbackReceipt,
    Question,
    Response,
    form_closes_at,
)
from feedback.services import DEFAULT_QUESTIONS, RESPONDING
from participants.models import Perspective
from programmes.models import Programme
from programmes.terms import (
    LIVED_EXPERIENCE_PERSPECTIVES,
    PROFESSIONAL_PERSPECTIVES,
    perspective_group_label,
    terms_for,
)
from workshops.models import Registration, Workshop
from workshops.registrants import safe_cell

MIN_GROUP = 5
FEWER = "fewer than 5"
# "Agree" and "Strongly agree" on the five-point scale.
AGREE_VALUES = frozenset({4, 5})
# The standard agreement questions every form asks, compared across a programme.
SCALE_KEYS = [d.key for d in DEFAULT_QUESTIONS if d.kind == Question.Kind.SCALE]
STANDARD_TEXT = {d.key: d.text for d in DEFAULT_QUESTIONS}
# The newest quotes a report shows; the CSV has no quotes (aggregates only).
QUOTES_SHOWN = 30

# Row states
SHOWN = "shown"
FEW = "few"
PROTECTED = "protected"

Perspectives = frozenset[str]


# Who: the rows of every breakdown


@dataclass(frozen=True)
class Who:
    """A row of a breakdown: everyone, a group of perspectives in the programme's words, or one
    perspective. `label` heads the table row; `name` goes in a sentence."""

    key: str
    label: str
    name: str
    members: frozenset[str] | None  # None: everyone
    level: int  # 0 everyone, 1 a group, 2 one perspective

    def matches(self, perspectives: Perspectives) -> bool:
        return self.members is None or bool(self.members & perspectives)

    def covers(self, other: "Who") -> bool:
        """Whether `other` is a smaller row inside this one."""
        if other.key == self.key or other.level <= self.level:
            return False
        return self.members is None or (other.members is not None and other.members <= self.members)

    def overlaps(self, other: "Who") -> bool:
        return self.members is None or other.members is None or bool(self.members & other.members)


SINGLE_NAMES = {
    Perspective.DIGITAL: "people in digital or technology roles",
    Perspective.OTHER: "people with another perspective",
}
SINGLE_LABELS = {
    Perspective.DIGITAL: "Digital or technology",
    Perspective.OTHER: "Another perspective",
}


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def whos_for(programme: Programme | None) -> list[Who]:
    """Everyone; the programme's lived-experience group and its perspectives; its professional
    group and theirs; then anyone else."""
    terms = terms_for(programme)
    rows = [Who("everyone", "Everyone", "everyone", None, 0)]

    def singles(perspectives: Iterable[str]) -> list[Who]:
        found = []
        for value in Perspective.values:
            if value not in perspectives:
                continue
            name = SINGLE_NAMES.get(value) or perspective_group_label([value], programme)
            label = SINGLE_LABELS.get(value) or _capfirst(name)
            found.append(Who(value, label, name, frozenset({value}), 2))
        return found

    rows.append(
        Who(
            "lived_experience",
            f"All {terms.lived_experience_plural}",
            terms.lived_experience_plural,
            frozenset(LIVED_EXPERIENCE_PERSPECTIVES),
            1,
        )
    )
    rows.extend(singles(LIVED_EXPERIENCE_PERSPECTIVES))
    rows.append(
        Who(
            "professional",
            f"All {terms.professional_plural}",
            terms.professional_plural,
            frozenset(PROFESSIONAL_PERSPECTIVES),
            1,
        )
    )
    rows.extend(singles(PROFESSIONAL_PERSPECTIVES))
    rows.extend(singles({Perspective.OTHER}))
    return rows


def who_choices(programme: Programme | None) -> list[tuple[str, str]]:
    return [(who.key, who.label) for who in whos_for(programme)]


def _key(perspectives: Any) -> Perspectives:
    """A grouped row's perspectives as a set: the same set may come in any order."""
    return frozenset(p for p in (perspectives or []) if isinstance(p, str))


def count_by_who(whos: Sequence[Who], by_set: dict[Perspectives, int]) -> dict[str, int]:
    return {
        who.key: sum(n for perspectives, n in by_set.items() if who.matches(perspectives))
        for who in whos
    }


def row_states(whos: Sequence[Who], by_set: dict[Perspectives, int]) -> dict[str, str]:
    """SHOWN, FEW (1 to 4 people) or PROTECTED (a wider row that would give away a small
    group by subtraction) for each row with anyone in it."""
    counts = count_by_who(whos, by_set)
    shown = {who.key for who in whos if counts[who.key] >= MIN_GROUP}
    changed = True
    while changed:
        changed = False
        for who in whos:
            if who.key not in shown or who.level == 2:
                continue
            inner = [other for other in whos if other.key in shown and who.covers(other)]
            left = sum(
                n
                for perspectives, n in by_set.items()
                if who.matches(perspectives)
                and not any(other.matches(perspectives) for other in inner)
            )
            if 0 < left < MIN_GROUP:
                shown.discard(who.key)
                changed = True
    states = {}
    for who in whos:
        if counts[who.key] == 0:
            continue
        if who.key in shown:
            states[who.key] = SHOWN
        else:
            states[who.key] = FEW if counts[who.key] < MIN_GROUP else PROTECTED
    return states


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


# Counts of people by perspective (who answered, who has not yet)


@dataclass(frozen=True)
class PeopleRow:
    who: Who
    answered: int | None  # None when fewer than 5 (but some)
    waiting: int | None
    answered_few: bool
    waiting_few: bool


def _small(count: int) -> tuple[int | None, bool]:
    """A count as shown: (count, False), or (None, True) for 1 to 4 people."""
    if 0 < count < MIN_GROUP:
        return None, True
    return count, False


def people_rows(
    whos: Sequence[Who],
    answered: dict[Perspectives, int],
    waiting: dict[Perspectives, int],
) -> list[PeopleRow]:
    """How many of each group answered and have not yet: counts of 1 to 4 show as "fewer
    than 5". Rows with nobody in either are left out."""
    answered_by = count_by_who(whos, answered)
    waiting_by = count_by_who(whos, waiting)
    rows = []
    for who in whos:
        if who.level == 0 or not (answered_by[who.key] or waiting_by[who.key]):
            continue
        a, a_few = _small(answered_by[who.key])
        w, w_few = _small(waiting_by[who.key])
        rows.append(PeopleRow(who, a, w, a_few, w_few))
    return rows


# One question's answers, by who


@dataclass(frozen=True)
class Cell:
    count: int
    percent: int


@dataclass(frozen=True)
class Row:
    who: Who
    state: str
    answered: int
    cells: list[Cell]  # one per option, in order; empty unless shown
    agreed: int | None  # per cent agreeing, for a scale; None unless shown

    @property
    def is_shown(self) -> bool:
        return self.state == SHOWN

    @property
    def is_few(self) -> bool:
        return self.state == FEW


@dataclass(frozen=True)
class Bar:
    label: str
    percent: int | None  # None: not shown
    text: str
    width: int = 0


@dataclass
class Tally:
    """Grouped counts for one question: people who answered, and how often each option was
    chosen, by the set of perspectives the people held."""

    answerers: Counter[Perspectives] = field(default_factory=Counter)
    values: dict[Perspectives, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    # People who agreed to be quoted, for written answers.
    quotable: int = 0

    def add(self, perspectives: Perspectives, value: int, count: int) -> None:
        self.values[perspectives][value] += count


@dataclass
class QuestionResult:
    key: str
    text: str
    kind: str
    options: list[tuple[int, str]]
    rows: list[Row]
    summary: str
    bars: list[Bar]
    answered: int
    anchor: str
    quotable: int = 0
    # What the chart's bars show, e.g. "How many agreed or strongly agreed:".
    chart_note: str = ""

    @property
    def is_scale(self) -> bool:
        return self.kind == Question.Kind.SCALE

    @property
    def shown_any(self) -> bool:
        return any(row.is_shown for row in self.rows)

    @property
    def columns(self) -> int:
        """Table cells after "Who" and "Answered", for a hidden row to span."""
        return len(self.options) + (1 if self.is_scale else 0)


def as_they(text: str) -> str:
    """A first-person statement as said of others, for a summary: "I felt listened to" →
    "they felt listened to", "My experience was respected" → "their experience was
    respected"."""
    words = [
        (r"\bI am\b", "they are"),
        (r"\bI was\b", "they were"),
        (r"\bI'm\b", "they're"),
        (r"\bI\b", "they"),
        (r"\bmyself\b", "themselves"),
        (r"\b[Mm]y\b", "their"),
        (r"\bme\b", "them"),
    ]
    said = text.strip().rstrip(".")
    for pattern, replacement in words:
        said = re.sub(pattern, replacement, said)
    if len(said) > 1 and said[0].isupper() and not said[1].isupper():
        said = said[0].lower() + said[1:]
    return said


def _agreement_phrase(text: str) -> str:
    """'that they felt listened to', or 'with “Was it fun?”' for a question."""
    if text.strip().endswith("?"):
        return f"with “{text.strip()}”"
    return f"that {as_they(text)}"


def _scale_summary(text: str, rows: list[Row]) -> str:
    shown = [row for row in rows if row.is_shown and row.agreed is not None]
    if not shown:
        return "Fewer than 5 people in any group answered, so the answers are not shown."
    phrase = _agreement_phrase(text)
    groups = [row for row in shown if row.who.level > 0]
    # The widest gap between two groups with nobody in common. On a tie, name the narrowest
    # group that agreed least (young people, not everyone with lived experience) and the
    # widest that agreed most, as a baseline.
    best: tuple[tuple[int, int, int], Row, Row] | None = None
    for low in groups:
        for high in groups:
            if low is high or low.who.overlaps(high.who):
                continue
            gap = (high.agreed or 0) - (low.agreed or 0)
            score = (gap, low.who.level, -high.who.level)
            if gap >= 0 and (best is None or score > best[0]):
                best = (score, low, high)
    if best is not None:
        (gap, _, _), low, high = best
        if gap == 0:
            return _capfirst(
                f"{low.who.name} and {high.who.name} agreed equally often {phrase} ({low.agreed}%)."
            )
        return _capfirst(
            f"{low.who.name} agreed less often than {high.who.name} {phrase} "
            f"({low.agreed}% vs {high.agreed}%)."
        )
    # One group: the one most people answered in, named as narrowly as it can be.
    row = max(shown, key=lambda r: (r.answered, r.who.level))
    return _capfirst(f"{row.agreed}% of {row.who.name} agreed {phrase}.")


def _choice_focus(rows: list[Row]) -> Row | None:
    """The row a choice question's chart and summary are about: everyone if shown, otherwise
    the group most people answered in."""
    shown = [row for row in rows if row.is_shown]
    return max(shown, key=lambda r: (r.who.level == 0, r.answered)) if shown else None


def _choice_who(row: Row) -> str:
    return "everyone who answered" if row.who.level == 0 else row.who.name


def _choice_summary(options: list[tuple[int, str]], rows: list[Row]) -> str:
    row = _choice_focus(rows)
    if row is None:
        return "Fewer than 5 people in any group answered, so the answers are not shown."
    top = max(cell.count for cell in row.cells) if row.cells else 0
    if top == 0:
        return "Nobody chose any of the answers."
    chosen = [
        label for (_value, label), cell in zip(options, row.cells, strict=True) if cell.count == top
    ]
    percent = _percent(top, row.answered)
    who = _choice_who(row)
    if len(chosen) == 1:
        return f"The answer chosen most often was “{chosen[0]}” ({percent}% of {who})."
    names = ", ".join(f"“{c}”" for c in chosen[:-1]) + f" and “{chosen[-1]}”"
    return f"{names} were chosen most often ({percent}% of {who} each)."


def question_result(
    *,
    key: str,
    text: str,
    kind: str,
    options: list[tuple[int, str]],
    tally: Tally,
    whos: Sequence[Who],
    anchor: str,
) -> QuestionResult:
    states = row_states(whos, tally.answerers)
    answered = count_by_who(whos, tally.answerers)
    rows = []
    for who in whos:
        state = states.get(who.key)
        if state is None:
            continue
        cells: list[Cell] = []
        agreed = None
        if state == SHOWN:
            counts: Counter[int] = Counter()
            for perspectives, values in tally.values.items():
                if who.matches(perspectives):
                    counts.update(values)
            whole = answered[who.key]
            cells = [Cell(counts[value], _percent(counts[value], whole)) for value, _ in options]
            if kind == Question.Kind.SCALE:
                agreed = _percent(sum(counts[v] for v in AGREE_VALUES), whole)
        rows.append(Row(who, state, answered[who.key], cells, agreed))
    total = answered[whos[0].key] if whos else 0
    if kind == Question.Kind.SCALE:
        summary = _scale_summary(text, rows)
        bars = [_agreed_bar(row) for row in rows]
        chart_note = "How many agreed or strongly agreed:"
    else:
        summary = _choice_summary(options, rows)
        focus = _choice_focus(rows)
        bars = []
        chart_note = ""
        if focus is not None:
            bars = [
                Bar(label, cell.percent, f"{cell.percent}% ({_people(cell.count)})", cell.percent)
                for (_value, label), cell in zip(options, focus.cells, strict=True)
            ]
            chart_note = f"How often each answer was chosen by {_choice_who(focus)}:"
    return QuestionResult(
        key, text, kind, options, rows, summary, bars, total, anchor, chart_note=chart_note
    )


def _agreed_bar(row: Row) -> Bar:
    if row.is_shown and row.agreed is not None:
        return Bar(
            row.who.label,
            row.agreed,
            f"{row.agreed}% agreed ({row.answered} answered)",
            row.agreed,
        )
    if row.is_few:
        return Bar(row.who.label, None, "Fewer than 5 answered: not shown")
    return Bar(row.who.label, None, "Not shown, so a smaller group can't be worked out")


# Who was asked and who answered


@dataclass(frozen=True)
class WorkshopRate:
    workshop: Workshop
    asked: int
    answered: int
    form_open: bool

    @property
    def percent(self) -> int:
        return _percent(self.answered, self.asked)

    @property
    def waiting(self) -> int:
        return self.asked - self.answered


def _registration_counts(
    registrations: QuerySet[Registration], receipts: QuerySet[FeedbackReceipt] | None = None
) -> list[tuple[int, Perspectives, bool, int]]:
    """(workshop id, perspectives, has answered, people) for people who were asked for
    feedback: one grouped query. `receipts` narrows the receipts looked through (PostgreSQL
    hashes all of them otherwise)."""
    receipts = receipts if receipts is not None else FeedbackReceipt.objects.all()
    responded = receipts.filter(
        form__workshop_id=OuterRef("workshop_id"), user_id=OuterRef("user_id")
    )
    rows = (
        registrations.filter(status__in=RESPONDING)
        .annotate(has_answered=Exists(responded))
        .values("workshop_id", "perspectives", "has_answered")
        .annotate(people=Count("id"))
        .order_by()
    )
    return [
        (row["workshop_id"], _key(row["perspectives"]), bool(row["has_answered"]), row["people"])
        for row in rows
    ]


def _answered_by_set(responses: QuerySet[Response]) -> dict[Perspectives, int]:
    counts: Counter[Perspectives] = Counter()
    for row in responses.values("perspectives").annotate(people=Count("id")).order_by():
        counts[_key(row["perspectives"])] += row["people"]
    return dict(counts)


# Quotes


@dataclass(frozen=True)
class Quote:
    text: str
    question: str
    workshop: Workshop | None


def _quotes(answers: QuerySet[Answer], *, with_workshop: bool) -> list[Quote]:
    """Written answers from people who agreed to be quoted, newest first, never with a name."""
    related = ["question__form__workshop"] if with_workshop else ["question"]
    chosen = (
        answers.filter(
            question__kind=Question.Kind.TEXT, response__quote_consent=True, value__isnull=True
        )
        .exclude(text="")
        .select_related(*related)
        .order_by("-response__created_at", "question__position", "id")[:QUOTES_SHOWN]
    )
    return [
        Quote(
            answer.text,
            answer.question.text,
            answer.question.form.workshop if with_workshop else None,
        )
        for answer in chosen
    ]


# One workshop


@dataclass
class WorkshopReport:
    workshop: Workshop
    form: FeedbackForm | None
    whos: list[Who]
    asked: int
    answered: int
    responses: int
    people: list[PeopleRow]
    questions: list[QuestionResult]
    texts: list[QuestionResult]
    quotes: list[Quote]
    form_open: bool

    @property
    def percent(self) -> int:
        return _percent(self.answered, self.asked)

    @property
    def waiting(self) -> int:
        return self.asked - self.answered


def _tallies(answers: QuerySet[Answer], group: str) -> dict[Any, Tally]:
    """A Tally for each `group` (a question id or key) from two grouped queries: how often
    each option was chosen, and how many different people answered."""
    tallies: dict[Any, Tally] = defaultdict(Tally)
    chosen = (
        answers.filter(value__isnull=False)
        .values(group, "value", "response__perspectives")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in chosen:
        tallies[row[group]].add(_key(row["response__perspectives"]), row["value"], row["n"])
    people = (
        answers.values(group, "response__perspectives")
        .annotate(
            n=Count("response_id", distinct=True),
            quotable=Count("response_id", distinct=True, filter=Q(response__quote_consent=True)),
        )
        .order_by()
    )
    for row in people:
        tally = tallies[row[group]]
        tally.answerers[_key(row["response__perspectives"])] += row["n"]
        tally.quotable += row["quotable"]
    return tallies


def workshop_report(*, workshop: Workshop, now: datetime.datetime | None = None) -> WorkshopReport:
    """One workshop's feedback, in a fixed number of queries."""
    now = now or timezone.now()
    programme = workshop.programme
    whos = whos_for(programme)
    form = FeedbackForm.objects.filter(workshop=workshop).first()
    asked = answered = 0
    waiting: Counter[Perspectives] = Counter()
    for _workshop_id, perspectives, has_answered, n in _registration_counts(
        Registration.objects.filter(workshop=workshop)
    ):
        asked += n
        if has_answered:
            answered += n
        else:
            waiting[perspectives] += n
    if form is None:
        return WorkshopReport(
            workshop,
            None,
            whos,
            asked,
            answered,
            0,
            people_rows(whos, {}, dict(waiting)),
            [],
            [],
            [],
            False,
        )
    responses = Response.objects.filter(form=form)
    answered_sets = _answered_by_set(responses)
    questions = list(form.questions.all())
    answers = Answer.objects.filter(response__form=form)
    tallies = _tallies(answers, "question_id")
    closed: list[QuestionResult] = []
    texts: list[QuestionResult] = []
    for question in questions:
        tally = tallies.get(question.pk, Tally())
        anchor = f"question-{question.pk}"
        if question.kind == Question.Kind.TEXT:
            written = sum(tally.answerers.values())
            texts.append(
                QuestionResult(
                    question.key,
                    question.text,
                    question.kind,
                    [],
                    [],
                    "",
                    [],
                    written,
                    anchor,
                    quotable=tally.quotable,
                )
            )
            continue
        closed.append(
            question_result(
                key=question.key or str(question.pk),
                text=question.text,
                kind=question.kind,
                options=question.options(),
                tally=tally,
                whos=whos,
                anchor=anchor,
            )
        )
    quotes = _quotes(answers, with_workshop=False)
    form.workshop = workshop
    return WorkshopReport(
        workshop=workshop,
        form=form,
        whos=whos,
        asked=asked,
        answered=answered,
        responses=sum(answered_sets.values()),
        people=people_rows(whos, answered_sets, dict(waiting)),
        questions=closed,
        texts=texts,
        quotes=quotes,
        form_open=form.is_open(now),
    )


# A programme


@dataclass(frozen=True)
class TrendPoint:
    workshop: Workshop
    state: str | None  # None: nobody in the group answered
    answered: int
    agreed: int | None


@dataclass
class Trend:
    key: str
    text: str
    who: Who
    points: list[TrendPoint]
    summary: str
    bars: list[Bar]


@dataclass
class ProgrammeReport:
    programme: Programme
    whos: list[Who]
    workshops: list[WorkshopRate]
    responses: int
    people: list[PeopleRow]
    waiting_closed: int
    questions: list[QuestionResult]
    trend: Trend
    quotes: list[Quote]

    @property
    def asked(self) -> int:
        return sum(rate.asked for rate in self.workshops)

    @property
    def answered(self) -> int:
        return sum(rate.answered for rate in self.workshops)

    @property
    def percent(self) -> int:
        return _percent(self.answered, self.asked)

    @property
    def open_forms(self) -> int:
        return sum(1 for rate in self.workshops if rate.form_open)


def reported_workshops(
    programme: Programme, now: datetime.datetime | None = None
) -> QuerySet[Workshop]:
    """The programme's workshops that took place: published, and ended."""
    return Workshop.objects.filter(
        programme=programme, status=Workshop.Status.PUBLISHED, ends_at__lte=now or timezone.now()
    )


def _scope(prefix: str, programme: Programme, now: datetime.datetime) -> dict[str, Any]:
    """Filters that keep rows reached through `prefix` (e.g. "response__form__workshop") to
    the reported workshops, joined rather than listed, so the query stays one size."""
    return {
        f"{prefix}__programme": programme,
        f"{prefix}__status": Workshop.Status.PUBLISHED,
        f"{prefix}__ends_at__lte": now,
    }


def _rates(
    workshops: list[Workshop], counts: list[tuple[int, Perspectives, bool, int]], now: Any
) -> list[WorkshopRate]:
    asked: Counter[int] = Counter()
    answered: Counter[int] = Counter()
    for workshop_id, _perspectives, has_answered, n in counts:
        asked[workshop_id] += n
        if has_answered:
            answered[workshop_id] += n
    rates = []
    for workshop in workshops:
        form = getattr(workshop, "feedback_form", None)
        closes_at = form_closes_at(workshop, form.days_open if form else None)
        rates.append(
            WorkshopRate(workshop, asked[workshop.pk], answered[workshop.pk], now < closes_at)
        )
    return rates


def _trend(
    *,
    key: str,
    who: Who,
    whos: Sequence[Who],
    workshops: list[Workshop],
    tallies: dict[Any, Tally],
) -> Trend:
    text = STANDARD_TEXT.get(key, key)
    points = []
    for workshop in workshops:
        tally = tallies.get(workshop.pk, Tally())
        states = row_states(whos, tally.answerers)
        state = states.get(who.key)
        answered = count_by_who([who], tally.answerers)[who.key]
        agreed = None
        if state == SHOWN:
            counts: Counter[int] = Counter()
            for perspectives, values in tally.values.items():
                if who.matches(perspectives):
                    counts.update(values)
            agreed = _percent(sum(counts[v] for v in AGREE_VALUES), answered)
        points.append(TrendPoint(workshop, state, answered, agreed))
    shown = [point for point in points if point.agreed is not None]
    phrase = _agreement_phrase(text)
    if len(shown) < 2:
        summary = (
            f"There are not yet two workshops where 5 or more of {who.name} answered, so "
            "there is no trend to show."
        )
    else:
        first, last = shown[0], shown[-1]
        if first.agreed == last.agreed:
            change = f"stayed at {first.agreed}%"
        else:
            change = f"went from {first.agreed}% to {last.agreed}%"
        summary = _capfirst(
            f"the share of {who.name} who agreed {phrase} {change} between "
            f"{first.workshop.title} and {last.workshop.title}."
        )
    bars = []
    for point in points:
        label = f"{point.workshop.title}, {timezone.localtime(point.workshop.starts_at):%-d %b %Y}"
        if point.agreed is not None:
            bars.append(
                Bar(
                    label,
                    point.agreed,
                    f"{point.agreed}% agreed ({point.answered} answered)",
                    point.agreed,
                )
            )
        elif point.state is None:
            bars.append(Bar(label, None, "Nobody in this group answered"))
        elif point.state == FEW:
            bars.append(Bar(label, None, "Fewer than 5 answered: not shown"))
        else:
            bars.append(Bar(label, None, "Not shown, so a smaller group can't be worked out"))
    return Trend(key, text, who, points, summary, bars)


def _standard_answers(programme: Programme, now: datetime.datetime) -> QuerySet[Answer]:
    return Answer.objects.filter(
        question__is_default=True,
        question__key__in=SCALE_KEYS,
        value__isnull=False,
        **_scope("response__form__workshop", programme, now),
    )


def _standard_tallies(answers: QuerySet[Answer], *groups: str) -> dict[Any, Tally]:
    """Tallies for the standard scale questions, each person answering each once, so the
    people who answered are the sum of the options chosen: one grouped query."""
    tallies: dict[Any, Tally] = defaultdict(Tally)
    rows = (
        answers.values(*groups, "value", "response__perspectives")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        group = tuple(row[g] for g in groups) if len(groups) > 1 else row[groups[0]]
        perspectives = _key(row["response__perspectives"])
        tally = tallies[group]
        tally.add(perspectives, row["value"], row["n"])
        tally.answerers[perspectives] += row["n"]
    return tallies


def programme_report(
    *,
    programme: Programme,
    trend_key: str = SCALE_KEYS[0],
    trend_who: str = "everyone",
    now: datetime.datetime | None = None,
) -> ProgrammeReport:
    """A programme's feedback across the workshops that took place, in a fixed number of
    queries however many workshops and responses there are."""
    now = now or timezone.now()
    whos = whos_for(programme)
    workshops = list(
        reported_workshops(programme, now)
        .select_related("feedback_form")
        .order_by("starts_at", "pk")
    )
    counts = _registration_counts(
        Registration.objects.filter(**_scope("workshop", programme, now)),
        FeedbackReceipt.objects.filter(form__workshop__programme=programme),
    )
    rates = _rates(workshops, counts, now)
    open_ids = {rate.workshop.pk for rate in rates if rate.form_open}
    waiting: Counter[Perspectives] = Counter()
    waiting_closed = 0
    for workshop_id, perspectives, has_answered, n in counts:
        if has_answered:
            continue
        if workshop_id in open_ids:
            waiting[perspectives] += n
        else:
            waiting_closed += n
    answered_sets = _answered_by_set(
        Response.objects.filter(**_scope("form__workshop", programme, now))
    )
    answers = _standard_answers(programme, now)
    tallies = _standard_tallies(answers, "question__key")
    questions = [
        question_result(
            key=key,
            text=STANDARD_TEXT[key],
            kind=Question.Kind.SCALE,
            options=list(enumerate(AGREEMENT_SCALE, start=1)),
            tally=tallies.get(key, Tally()),
            whos=whos,
            anchor=f"question-{key}",
        )
        for key in SCALE_KEYS
    ]
    who = next((w for w in whos if w.key == trend_who), whos[0])
    trend_tallies = _standard_tallies(
        answers.filter(question__key=trend_key), "response__form__workshop_id"
    )
    trend = _trend(key=trend_key, who=who, whos=whos, workshops=workshops, tallies=trend_tallies)
    quotes = _quotes(
        Answer.objects.filter(**_scope("response__form__workshop", programme, now)),
        with_workshop=True,
    )
    return ProgrammeReport(
        programme=programme,
        whos=whos,
        workshops=rates,
        responses=sum(answered_sets.values()),
        people=people_rows(whos, answered_sets, dict(waiting)),
        waiting_closed=waiting_closed,
        questions=questions,
        trend=trend,
        quotes=quotes,
    )


# CSV: aggregates only, with the same rule for small groups

CSV_HEADER = [
    "Workshop",
    "Date",
    "Question",
    "Who",
    "People who answered",
    "Answer",
    "Number",
    "Per cent",
]
NOT_SHOWN = "not shown (it would give away a group of fewer than 5)"


def _date(workshop: Workshop | None) -> str:
    return f"{timezone.localtime(workshop.starts_at):%Y-%m-%d}" if workshop else ""


def _rate_rows(name: str, date: str, asked: int, answered: int) -> list[list[Any]]:
    return [
        [name, date, "Had a place and were asked", "Everyone", "", "", asked, ""],
        [name, date, "Answered the form", "Everyone", "", "", answered, _percent(answered, asked)],
    ]


def _people_csv_rows(name: str, date: str, people: list[PeopleRow]) -> list[list[Any]]:
    rows = []
    for row in people:
        rows.append(
            [
                name,
                date,
                "Answered the form",
                row.who.label,
                "",
                "",
                FEWER if row.answered_few else row.answered,
                "",
            ]
        )
        rows.append(
            [
                name,
                date,
                "Not answered yet",
                row.who.label,
                "",
                "",
                FEWER if row.waiting_few else row.waiting,
                "",
            ]
        )
    return rows


def _question_csv_rows(name: str, date: str, result: QuestionResult) -> list[list[Any]]:
    rows = []
    for row in result.rows:
        if not row.is_shown:
            people = FEWER if row.is_few else NOT_SHOWN
            rows.append([name, date, result.text, row.who.label, people, "", "", ""])
            continue
        for (_value, label), cell in zip(result.options, row.cells, strict=True):
            rows.append(
                [
                    name,
                    date,
                    result.text,
                    row.who.label,
                    row.answered,
                    label,
                    cell.count,
                    cell.percent,
                ]
            )
        if row.agreed is not None:
            rows.append(
                [
                    name,
                    date,
                    result.text,
                    row.who.label,
                    row.answered,
                    "Agreed or strongly agreed",
                    "",
                    row.agreed,
                ]
            )
    return rows


def workshop_csv_rows(report: WorkshopReport) -> list[list[str]]:
    name, date = report.workshop.title, _date(report.workshop)
    rows: list[list[Any]] = [CSV_HEADER]
    rows += _rate_rows(name, date, report.asked, report.answered)
    rows += _people_csv_rows(name, date, report.people)
    for result in report.questions:
        rows += _question_csv_rows(name, date, result)
    for result in report.texts:
        rows.append(
            [
                name,
                date,
                result.text,
                "Everyone",
                result.answered,
                "Wrote an answer",
                result.answered,
                "",
            ]
        )
        rows.append(
            [
                name,
                date,
                result.text,
                "Everyone",
                result.answered,
                "Agreed to be quoted",
                result.quotable,
                "",
            ]
        )
    return [[safe_cell(cell) for cell in row] for row in rows]


def programme_csv_rows(
    report: ProgrammeReport, *, now: datetime.datetime | None = None
) -> list[list[str]]:
    """Everything on the programme report as numbers, plus each workshop's answers to the
    standard questions by who answered (one more grouped query)."""
    now = now or timezone.now()
    everywhere = "All workshops"
    rows: list[list[Any]] = [CSV_HEADER]
    rows += _rate_rows(everywhere, "", report.asked, report.answered)
    for rate in report.workshops:
        rows += _rate_rows(rate.workshop.title, _date(rate.workshop), rate.asked, rate.answered)
    rows += _people_csv_rows(everywhere, "", report.people)
    for result in report.questions:
        rows += _question_csv_rows(everywhere, "", result)
    tallies = _standard_tallies(
        _standard_answers(report.programme, now), "response__form__workshop_id", "question__key"
    )
    for rate in report.workshops:
        workshop = rate.workshop
        for key in SCALE_KEYS:
            tally = tallies.get((workshop.pk, key))
            if tally is None:
                continue
            result = question_result(
                key=key,
                text=STANDARD_TEXT[key],
                kind=Question.Kind.SCALE,
                options=list(enumerate(AGREEMENT_SCALE, start=1)),
                tally=tally,
                whos=report.whos,
                anchor="",
            )
            rows += _question_csv_rows(workshop.title, _date(workshop), result)
    return [[safe_cell(cell) for cell in row] for row in rows]


def report_export(*, rows: list[list[str]], target: Any, by: Any) -> str:
    """CSV text of a report's numbers, recorded in the audit log."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    audit_log(
        actor=by,
        action="feedback.report.exported",
        target=target,
        data={"rows": len(rows) - 1},
    )
    return buffer.getvalue()
