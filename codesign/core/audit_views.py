"""The audit trail page (core:audit): for site admins only.

One list, newest first, of what codesign/core/audit.py records: recorded actions and downloads
(AuditEntry), access records ("viewed."), and the change history of support needs, equality
answers and bursary decisions (TrackedHistory). The sources are merged in the database with one
UNION, so a page costs the same number of queries however long the trail is.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import dateformat, timezone
from django.views.decorators.http import require_GET

from bursaries.models import Application
from codesign.core import audit, permissions
from codesign.core.models import AuditEntry
from codesign.core.notices import display_name
from participants.models import EqualityMonitoring, Profile

PER_PAGE = 50
ABOUT_MAX = 100

# Each history source: the tracked model, and the field naming the person the record is about.
HISTORY = {
    "support": (Profile, "user"),
    "equality": (EqualityMonitoring, "user"),
    "bursary": (Application, "applicant"),
}

KINDS = [
    ("", "Everything"),
    ("viewed", "Viewed someone's details"),
    ("exported", "Downloaded a report"),
    ("support", "Changed support needs"),
    ("equality", "Changed equality answers"),
    ("bursary", "Changed a bursary application or decision"),
    ("other", "Other recorded actions"),
]
KIND_LABELS = {
    "viewed": "Viewed",
    "exported": "Download",
    "support": "Change",
    "equality": "Change",
    "bursary": "Change",
    "other": "Action",
}


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="What happened",
        required=False,
        choices=KINDS,
        error_messages={"invalid_choice": "Choose what happened from the list."},
    )
    who = forms.CharField(
        label="Who did it",
        required=False,
        max_length=ABOUT_MAX,
        help_text="Part of their name or email address.",
        error_messages={"max_length": f"Use no more than {ABOUT_MAX} characters."},
    )
    about = forms.CharField(
        label="What or whom it was about",
        required=False,
        max_length=ABOUT_MAX,
        help_text=(
            "Part of a workshop or programme title, a record's number, or the name or email "
            "address of the person whose details they were."
        ),
        error_messages={"max_length": f"Use no more than {ABOUT_MAX} characters."},
    )
    start = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the first day as a date, like 2026-11-21."},
    )
    end = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the last day as a date, like 2026-11-21."},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The last day is before the first day. Choose a later day.")
            cleaned.pop("end", None)
        return cleaned


@dataclass
class TrailRow:
    when: dt.datetime
    kind: str
    actor: str
    actor_email: str
    sentence: str
    details: list[str] = field(default_factory=list)
    code: str = ""


# Filters


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _person_matches(prefix: str, text: str) -> Q:
    return Q(**{f"{prefix}__email__icontains": text}) | Q(
        **{f"{prefix}__profile__display_name__icontains": text}
    )


def _when(queryset: QuerySet[Any], name: str, chosen: dict[str, Any]) -> QuerySet[Any]:
    if chosen.get("start"):
        queryset = queryset.filter(**{f"{name}__gte": _day_start(chosen["start"])})
    if chosen.get("end"):
        end = _day_start(chosen["end"] + dt.timedelta(days=1))
        queryset = queryset.filter(**{f"{name}__lt": end})
    return queryset


def _entries(kind: str, chosen: dict[str, Any]) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.all()
    if kind == "viewed":
        entries = entries.filter(action__startswith=audit.ACCESS_PREFIX)
    elif kind == "exported":
        entries = entries.filter(action__endswith=audit.EXPORT_SUFFIX)
    elif kind == "other":
        entries = entries.exclude(action__startswith=audit.ACCESS_PREFIX).exclude(
            action__endswith=audit.EXPORT_SUFFIX
        )
    if who := chosen.get("who"):
        entries = entries.filter(_person_matches("actor", who))
    if about := chosen.get("about"):
        entries = entries.filter(
            Q(object_repr__icontains=about) | Q(object_id=about) | Q(action__icontains=about)
        )
    return _when(entries, "created_at", chosen)


def _history(source: str, chosen: dict[str, Any]) -> QuerySet[Any]:
    model, person = HISTORY[source]
    rows = model.history.all()
    if who := chosen.get("who"):
        rows = rows.filter(_person_matches("history_user", who))
    if about := chosen.get("about"):
        matches = _person_matches(person, about)
        if about.isdigit() and len(about) <= 9:  # a record's number, within any int column
            matches |= Q(id=int(about))
        rows = rows.filter(matches)
    return _when(rows, "history_date", chosen)


def _trail(chosen: dict[str, Any]) -> QuerySet[Any]:
    """(source, key, when) for every row that matches, newest first, as one UNION query."""
    kind = chosen.get("kind") or ""
    parts = []
    if kind in ("", "viewed", "exported", "other"):
        parts.append(
            _entries(kind, chosen)
            .order_by()
            .annotate(source=Value("audit"), key=F("id"), at=F("created_at"))
            .values_list("source", "key", "at")
        )
    for source in HISTORY:
        if kind in ("", source):
            parts.append(
                _history(source, chosen)
                .order_by()
                .annotate(source=Value(source), key=F("history_id"), at=F("history_date"))
                .values_list("source", "key", "at")
            )
    first, *rest = parts
    combined = first.union(*rest, all=True) if rest else first
    return combined.order_by("-at", "source", "-key")


# Wording

PAGE_WORDS = {
    "registrants": "on the registrants list",
    "check-in": "on the check-in list",
    "pair": "on a collaborative pair's application",
}
EXPORT_WORDS = {
    "workshops.registrants.exported": "downloaded the registrants list (CSV) for",
    "bursaries.scheme.exported": "downloaded the bursary awards and payments (CSV) for",
    "feedback.report.exported": "downloaded the feedback report (CSV) for",
    "privacy.request.exported": "downloaded everything held about a person (JSON) for",
    "privacy.data.exported": "downloaded everything held about an account (JSON)",
}
# Where "<verb> the <noun>" from the dotted code reads badly.
ACTION_WORDS = {
    "programmes.team.added": "added someone to the team of",
    "programmes.team.removed": "removed someone from the team of",
    "participants.reminders.unsubscribed": "turned reminders off",
    "participants.consent.changed": "changed a consent answer",
    "privacy.person.erased": "erased an account",
}
FIELD_WORDS = {
    "support_needs": "support needs",
    "support_other": "other things to arrange",
    "dietary_needs": "food and drink needs",
    "large_print": "large print",
    "easy_read": "easy read",
    "age_band": "age",
    "ethnicity": "ethnic group",
    "disability": "disability or long-term condition",
    "sex": "sex",
    "gender_same_as_sex_at_birth": "gender identity",
    "status": "status",
    "outcome": "decision",
    "awarded": "amount awarded",
    "decision_reason": "reason",
    "decided_by": "decided by",
    "released_at": "told the applicant",
}


def _who(user: Any) -> tuple[str, str]:
    if user is None:
        return "The system", ""
    return display_name(user), user.email


def _data_lines(data: dict[str, Any]) -> list[str]:
    lines = []
    for key, value in list(data.items())[:8]:
        if key == "page":
            continue
        text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        lines.append(f"{key.replace('_', ' ').capitalize()}: {text[:200]}")
    return lines


def _access_sentence(entry: AuditEntry) -> str:
    about = entry.object_repr or "a record since deleted"
    page = PAGE_WORDS.get(entry.data.get("page", ""), "")
    return {
        audit.VIEWED_SUPPORT_NEEDS: f"viewed the support needs {page} for {about}".replace(
            "  ", " "
        ),
        audit.VIEWED_EQUALITY: f"viewed equality monitoring totals for {about}",
        audit.VIEWED_BURSARY_APPLICATION: f"viewed the bursary application: {about}",
        audit.VIEWED_BURSARY_APPLICATIONS: f"viewed the list of bursary applications for {about}",
        audit.VIEWED_BURSARY_CLAIMS: f"viewed the bursary claims for {about}",
        audit.VIEWED_BURSARY_RECEIPT: f"downloaded a receipt from {about}",
        audit.VIEWED_DATA_REQUEST: f"viewed the records held for {about}",
    }.get(entry.action, f"viewed {about}")


def _entry_row(entry: AuditEntry) -> TrailRow:
    actor, email = _who(entry.actor)
    about = entry.object_repr
    if entry.action.startswith(audit.ACCESS_PREFIX):
        kind, sentence = "viewed", _access_sentence(entry)
    elif entry.action.endswith(audit.EXPORT_SUFFIX):
        words = EXPORT_WORDS.get(entry.action, "downloaded a report about")
        kind, sentence = "exported", f"{words} {about}".strip()
    else:
        *_app, noun, verb = ["", "", *entry.action.split(".")]
        sentence = f"{verb.replace('_', ' ')} the {noun.replace('_', ' ')}".strip()
        if entry.action in ACTION_WORDS:
            sentence = f"{ACTION_WORDS[entry.action]} {about}".strip()
        elif about:
            sentence = f"{sentence}: {about}"
        kind = "other"
    return TrailRow(
        when=entry.created_at,
        kind=KIND_LABELS[kind],
        actor=actor,
        actor_email=email,
        sentence=f"{actor} {sentence}",
        details=_data_lines(entry.data),
        code=entry.action,
    )


def _whose(row: Any, person: Any) -> str:
    if person is not None and row.history_user_id == person.pk:
        return "their own"
    if person is None:
        return "a deleted account's"
    return f"{display_name(person)}'s"


def _value_words(row: Any, name: str) -> str:
    if name == "awarded":
        return f"£{row.awarded:.2f}" if row.awarded is not None else "none"
    if name == "released_at":
        return (
            dateformat.format(timezone.localtime(row.released_at), "j M Y, H:i")
            if row.released_at
            else "not yet (held back)"
        )
    if name == "decided_by":
        return display_name(row.decided_by) if row.decided_by else "nobody"
    if name in ("status", "outcome"):
        return getattr(row, f"get_{name}_display")() or "none"
    return str(getattr(row, name) or "none")


def _history_row(source: str, row: Any) -> TrailRow:
    actor, email = _who(row.history_user)
    changed = [FIELD_WORDS.get(name, name.replace("_", " ")) for name in row.changed_fields]
    details: list[str] = []
    if source == "bursary":
        person = row.applicant
        what = f"bursary application {row.id} ({row.scheme.name if row.scheme else 'a scheme'}"
        what += f", from {display_name(person) if person else 'a deleted account'})"
        verb = {"+": "created", "-": "deleted"}.get(row.history_type, "changed")
        sentence = f"{verb} {what}"
        details = [
            f"{FIELD_WORDS.get(name, name)}: {_value_words(row, name)}"
            for name in row.changed_fields
        ]
    else:
        whose = _whose(row, row.user)
        thing = "support needs" if source == "support" else "equality monitoring answers"
        if row.history_type == "-":
            sentence = (
                f"deleted {whose} profile"
                if source == "support"
                else f"deleted {whose} equality monitoring answers"
            )
        else:
            verb = "gave" if row.history_type == "+" else "changed"
            sentence = f"{verb} {whose} {thing}"
        if changed:
            label = "Answers changed for" if source == "equality" else "What changed"
            details = [f"{label}: {', '.join(changed)}"]
    return TrailRow(
        when=row.history_date,
        kind=KIND_LABELS[source],
        actor=actor,
        actor_email=email,
        sentence=f"{actor} {sentence}",
        details=details,
    )


def _rows(keys: list[tuple[str, int, dt.datetime]]) -> list[TrailRow]:
    """The page's rows in order: one query for each source on the page."""
    wanted: dict[str, list[int]] = {}
    for source, key, _at in keys:
        wanted.setdefault(source, []).append(key)
    found: dict[tuple[str, int], TrailRow] = {}
    if wanted.get("audit"):
        for entry in AuditEntry.objects.select_related("actor__profile").filter(
            pk__in=wanted["audit"]
        ):
            found["audit", entry.pk] = _entry_row(entry)
    for source, (model, person) in HISTORY.items():
        if not wanted.get(source):
            continue
        related = ["history_user__profile", f"{person}__profile"]
        if source == "bursary":
            related += ["scheme", "decided_by__profile"]
        for row in (
            model.history.select_related(*related).filter(history_id__in=wanted[source]).iterator()
        ):
            found[source, row.history_id] = _history_row(source, row)
    return [found[source, key] for source, key, _at in keys if (source, key) in found]


@require_GET
@permissions.staff_page
def audit_trail(request: HttpRequest) -> HttpResponse:
    """Who viewed, downloaded or changed sensitive data, and when. Site admins only."""
    if not permissions.is_site_admin(request.user):
        raise PermissionDenied("This page is for site admins.")
    form = AuditFilterForm(request.GET or None)
    chosen: dict[str, Any] = {}
    if form.is_bound:
        # A filter that is fine still applies when another one is not.
        form.is_valid()
        chosen = form.cleaned_data
    page = Paginator(_trail(chosen), PER_PAGE).get_page(request.GET.get("page"))
    rows = _rows(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "is_filtered": any(chosen.get(name) for name in form.fields),
        },
    )
