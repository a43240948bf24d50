"""Pages about the people coming to a workshop: the registrants list and its CSV download,
check-in on the day, the table plan; attendance across a programme, and a participant's
certificate of participation.

The programme's organisers and site admins see everything. The programme's bursary reviewers
may read the registrants list, without ages and without young people's details; every other
page here is the organisers' alone (404 for anyone else on the team).
"""

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Case, CharField, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Lower, NullIf
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from codesign.core import audit, permissions
from codesign.core.cache import personal_page
from codesign.core.refusals import refusal_text
from programmes.models import Cohort, Programme, TeamRole
from workshops import registrants as people
from workshops.models import Registration, RegistrationEvent, TablePlan, Workshop
from workshops.services import registration_move, workshop_fill, workshops_with_fill

# Access


def _get_workshop_for_team(
    request: HttpRequest, pk: int, queryset: QuerySet[Workshop] | None = None
) -> tuple[Workshop, bool]:
    """The workshop, and whether this person sees everything (organisers, site admins) or the
    reviewers' limited view; 404 for anyone else, so other programmes' workshops are not even
    confirmed to exist."""
    queryset = queryset if queryset is not None else Workshop.objects.all()
    workshop = get_object_or_404(queryset.select_related("programme"), pk=pk)
    if permissions.can_organise(request.user, workshop.programme):
        return workshop, True
    if permissions.has_programme_role(request.user, workshop.programme, TeamRole.REVIEWER):
        return workshop, False
    raise Http404("No workshop here.")


def _get_workshop_for_organiser(
    request: HttpRequest, pk: int, queryset: QuerySet[Workshop] | None = None
) -> Workshop:
    workshop, full = _get_workshop_for_team(request, pk, queryset)
    if not full:
        raise Http404("No workshop here.")
    return workshop


def _show_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, field_errors in error.error_dict.items():
            for message in field_errors:
                form.add_error(name if name in form.fields else None, message)
    else:
        form.add_error(None, error)


# Registrants


def _registrants(workshop_pk: int, request: HttpRequest) -> tuple[Workshop, bool, Any]:
    """The workshop with its fill and cancellations counted, and who is on its list, in a fixed
    number of queries."""
    queryset = workshops_with_fill(Workshop.objects.all()).annotate(
        cancelled_count=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.CANCELLED)
        )
    )
    workshop, full = _get_workshop_for_team(request, workshop_pk, queryset)
    listed = people.registrants_for(workshop, full=full, cancelled=workshop.cancelled_count)
    return workshop, full, listed


HISTORY_LENGTH = 50
REGISTRANTS_PER_PAGE = 25
Status = Registration.Status


@dataclass(frozen=True)
class ShownGroup:
    """One status group as far as it is on this page; `total` counts the whole group."""

    status: str
    heading: str
    total: int
    people: list[people.Registrant]


def _mix_rows(workshop: Workshop) -> list[Any]:
    """Everyone holding a place, with only what the mix and the support summary read: light
    rows rather than models, as a big workshop has hundreds (people.mix_of)."""
    fields = (
        "perspectives",
        "companion_name",
        "user__profile__id",
        "user__profile__perspectives",
        "user__profile__support_needs",
        "user__profile__large_print",
        "user__profile__easy_read",
        "user__profile__support_other",
        "user__profile__dietary_needs",
    )
    rows = []
    for values in Registration.objects.filter(
        workshop=workshop, status__in=Registration.HOLDING
    ).values_list(*fields):
        (perspectives, companion, profile_id, *profile) = values
        profile_row = (
            SimpleNamespace(
                perspectives=profile[0] or [],
                support_needs=profile[1] or [],
                large_print=profile[2],
                easy_read=profile[3],
                support_other=profile[4] or "",
                dietary_needs=profile[5] or "",
            )
            if profile_id is not None
            else None
        )
        rows.append(
            SimpleNamespace(
                perspectives=perspectives or [],
                companion_name=companion or "",
                user=SimpleNamespace(profile=profile_row),
            )
        )
    return rows


def _listed(workshop: Workshop, *, full: bool, statuses: list[str]) -> QuerySet[Registration]:
    """The people in `statuses`, in the page's order: status groups in order; each group by
    name, the waiting list in queue order. Reviewers see each group in the order people
    registered instead, so where a hidden young person stands says nothing about their name."""
    group = Case(
        *[When(status=status, then=Value(n)) for n, status in enumerate(people.GROUPS)],
        output_field=IntegerField(),
    )
    name = (
        Lower(
            Coalesce(
                NullIf("user__profile__display_name", Value("")),
                "user__email",
                output_field=CharField(),
            )
        )
        if full
        else Value("")
    )
    return (
        people.registrations_for_list(workshop)
        .filter(status__in=statuses)
        .annotate(
            list_group=group,
            list_name=Case(
                When(status=Status.WAITLISTED, then=Value("")),
                default=name,
                output_field=CharField(),
            ),
        )
        .order_by("list_group", "list_name", "queue_priority", "queue_time", "id")
    )


def _shown_groups(
    page: Page, *, full: bool, counts: dict[str, int], statuses: list[str]
) -> list[ShownGroup]:
    # A waiting person's place in the queue follows from how many are listed before the queue.
    waiting_group = people.GROUPS.index(Status.WAITLISTED)
    before_waiting = sum(
        counts.get(s, 0) for s in statuses if people.GROUPS.index(s) < waiting_group
    )
    groups: list[ShownGroup] = []
    for index, registration in enumerate(page.object_list, start=page.start_index()):
        position = index - before_waiting if registration.status == Status.WAITLISTED else None
        person = people.registrant(registration, full=full, position=position)
        if not groups or groups[-1].status != registration.status:
            groups.append(
                ShownGroup(
                    status=registration.status,
                    heading=people.GROUP_HEADINGS[registration.status],
                    total=counts.get(registration.status, 0),
                    people=[],
                )
            )
        groups[-1].people.append(person)
    return groups


@require_GET
@permissions.staff_page
@personal_page()
def registrants(request: HttpRequest, pk: int) -> HttpResponse:
    """Who is coming: the mix and what to arrange for everyone with a place, then the people
    themselves a page at a time, all of them or one status group (?status=)."""
    workshop, full = _get_workshop_for_team(request, pk, workshops_with_fill(Workshop.objects))
    audit.audit_access(request, audit.VIEWED_SUPPORT_NEEDS, target=workshop, page="registrants")
    counts = dict(
        Registration.objects.filter(workshop=workshop)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    chosen = request.GET.get("status", "")
    if chosen not in people.GROUPS:
        chosen = ""
    statuses = [chosen] if chosen else list(people.GROUPS)
    paginator = Paginator(_listed(workshop, full=full, statuses=statuses), REGISTRANTS_PER_PAGE)
    # Known already: saves counting the rows again.
    paginator.count = sum(counts.get(s, 0) for s in statuses)
    page = paginator.get_page(request.GET.get("page"))
    groups = _shown_groups(page, full=full, counts=counts, statuses=statuses)
    history = (
        RegistrationEvent.objects.filter(registration__workshop=workshop)
        .select_related("registration__user__profile", "by")
        .order_by("-created_at", "-id")[:HISTORY_LENGTH]
        if full
        else []
    )
    return render(
        request,
        "workshops/registrants/registrants.html",
        {
            "workshop": workshop,
            "programme": workshop.programme,
            "full": full,
            "mix": people.mix_of(workshop, _mix_rows(workshop)),
            "groups": groups,
            "page": page,
            "status": chosen,
            "query": urlencode({"status": chosen}) if chosen else "",
            "filters": [
                (status, people.GROUP_HEADINGS[status], counts[status])
                for status in people.GROUPS
                if counts.get(status)
            ],
            "listed": sum(counts.get(s, 0) for s in people.GROUPS),
            "waiting": [p for g in groups if g.status == Status.WAITLISTED for p in g.people],
            "cancelled": counts.get(Status.CANCELLED, 0),
            "fill": workshop_fill(workshop),
            "history": history,
            "move_form": MoveForm(),
        },
    )


class MoveForm(forms.Form):
    registration = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why are you moving them?",
        max_length=300,
        error_messages={"required": "Say why you are moving this person, so the list stays fair."},
    )


@require_POST
@permissions.staff_page
def waitlist_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move someone to the front of the waiting list, with a reason everyone can see."""
    workshop = _get_workshop_for_organiser(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("workshops:registrants", pk=workshop.pk)
    registration = get_object_or_404(
        Registration, pk=form.cleaned_data["registration"], workshop=workshop
    )
    front = (
        workshop.registrations.filter(status=Registration.Status.WAITLISTED)
        .order_by("queue_priority")
        .values_list("queue_priority", flat=True)
        .first()
    )
    try:
        registration_move(
            registration=registration,
            by=request.user,
            priority=min(front or 0, registration.queue_priority) - 1,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(
            request, "Moved to the front of the waiting list. The reason is kept below."
        )
    return redirect(
        reverse("workshops:registrants", args=[workshop.pk]) + f"?status={Status.WAITLISTED}"
    )


@require_GET
@permissions.staff_page
def registrants_csv(request: HttpRequest, pk: int) -> HttpResponse:
    workshop, full, listed = _registrants(pk, request)
    if not full:
        raise Http404("No workshop here.")
    text = people.registrants_export(workshop=workshop, registrants=listed, by=request.user)
    name = f"registrants-{slugify(workshop.title)[:50] or 'workshop'}-{workshop.starts_at:%Y-%m-%d}"
    # A byte order mark, so spreadsheets read names with accents correctly.
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


# Check-in


def _checkin_url(workshop: Workshop, query: str, anchor: str = "") -> str:
    url = reverse("workshops:checkin", args=[workshop.pk])
    if query:
        url += "?" + urlencode({"q": query})
    return url + (f"#{anchor}" if anchor else "")


def _is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


@require_GET
@permissions.staff_page
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_organiser(request, pk)
    audit.audit_access(request, audit.VIEWED_SUPPORT_NEEDS, target=workshop, page="check-in")
    query = request.GET.get("q", "").strip()[:100]
    counts = people.check_in_counts(workshop)
    return render(
        request,
        "workshops/registrants/checkin.html",
        {
            "workshop": workshop,
            "programme": workshop.programme,
            "q": query,
            "people": [people.check_in_person(r) for r in people.check_in_list(workshop, query)],
            "counts": counts,
            "opens": people.check_in_opens(workshop) and not workshop.is_cancelled,
            "started": workshop.starts_at <= timezone.now(),
        },
    )


def _checkin_answer(
    request: HttpRequest, workshop: Workshop, registration: Registration, message: str, ok: bool
) -> HttpResponse:
    """The person's row with an announcement (htmx), or back to the list (no JavaScript)."""
    query = request.POST.get("q", "").strip()[:100]
    if _is_htmx(request):
        return render(
            request,
            "workshops/registrants/_checkin_answer.html",
            {
                "workshop": workshop,
                "person": people.check_in_person(registration),
                "q": query,
                "message": message,
                "counts": people.check_in_counts(workshop),
                "opens": people.check_in_opens(workshop) and not workshop.is_cancelled,
            },
        )
    (messages.success if ok else messages.error)(request, message)
    return redirect(_checkin_url(workshop, query, f"person-{registration.pk}"))


def _registration(workshop: Workshop, registration_pk: int) -> Registration:
    registration = get_object_or_404(
        Registration.objects.select_related("user__profile"),
        pk=registration_pk,
        workshop=workshop,
        status__in=people.CHECK_IN_LIST,
    )
    registration.workshop = workshop
    return registration


@require_POST
@permissions.staff_page
def checkin_person(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    workshop = _get_workshop_for_organiser(request, pk)
    registration = _registration(workshop, registration_pk)
    name = people.person_name(registration, full=True)
    try:
        done = people.registration_check_in(registration=registration, by=request.user)
    except ValidationError as error:
        return _checkin_answer(request, workshop, registration, refusal_text(error), ok=False)
    if done:
        return _checkin_answer(request, workshop, registration, f"{name} is checked in.", True)
    return _checkin_answer(
        request, workshop, registration, f"Already checked in: {name}. Nothing changed.", True
    )


@require_POST
@permissions.staff_page
def checkin_undo(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    workshop = _get_workshop_for_organiser(request, pk)
    registration = _registration(workshop, registration_pk)
    name = people.person_name(registration, full=True)
    if people.registration_undo_check_in(registration=registration, by=request.user):
        message = f"{name} is no longer checked in."
    else:
        message = f"{name} wasn't checked in. Nothing changed."
    return _checkin_answer(request, workshop, registration, message, True)


@require_POST
@permissions.staff_page
def checkin_no_shows(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_organiser(request, pk)
    try:
        marked = people.workshop_mark_no_shows(workshop=workshop, by=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        if marked:
            who = "1 person" if marked == 1 else f"{marked} people"
            messages.success(request, f"{who} marked as did not attend.")
        else:
            messages.success(request, "Everyone with a place was checked in. Nothing changed.")
    return redirect("workshops:checkin", pk=workshop.pk)


# Table plan


class TablePlanForm(forms.Form):
    tables = forms.IntegerField(
        label="How many tables?",
        min_value=1,
        max_value=people.MAX_TABLES,
        help_text=f"From 1 to {people.MAX_TABLES}.",
        error_messages={
            "required": "Enter how many tables there are.",
            "invalid": "Enter the number of tables as a whole number, like 4.",
            "min_value": "Have at least 1 table.",
            "max_value": f"Have no more than {people.MAX_TABLES} tables.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    rounds = forms.IntegerField(
        label="How many rounds?",
        min_value=1,
        max_value=people.MAX_ROUNDS,
        initial=1,
        help_text=(
            "For example 3 rounds of 30 minutes. In each new round people move, so they sit "
            f"with people they haven't sat with yet. From 1 to {people.MAX_ROUNDS}."
        ),
        error_messages={
            "required": "Enter how many rounds there are. Enter 1 if people stay at one table.",
            "invalid": "Enter the number of rounds as a whole number, like 3.",
            "min_value": "Have at least 1 round.",
            "max_value": f"Have no more than {people.MAX_ROUNDS} rounds.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class SeatMoveForm(forms.Form):
    registration = forms.IntegerField(widget=forms.HiddenInput)
    round = forms.IntegerField(min_value=1)
    table = forms.IntegerField(min_value=1)


def _plan_page(
    request: HttpRequest, workshop: Workshop, form: TablePlanForm | None, status: int = 200
) -> HttpResponse:
    view = people.table_plan_view(workshop)
    plan = view.plan
    if form is None:
        initial = {"tables": plan.tables, "rounds": plan.rounds} if plan else {"rounds": 1}
        form = TablePlanForm(initial=initial)
    return render(
        request,
        "workshops/registrants/table_plan.html",
        {
            "workshop": workshop,
            "programme": workshop.programme,
            "form": form,
            "view": view,
            "plan": plan,
            "round_numbers": range(1, plan.rounds + 1) if plan else [],
            "table_numbers": range(1, plan.tables + 1) if plan else [],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def table_plan(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_organiser(request, pk)
    if request.method == "POST":
        form = TablePlanForm(request.POST)
        if form.is_valid():
            try:
                plan = people.table_plan_build(
                    workshop=workshop,
                    tables=form.cleaned_data["tables"],
                    rounds=form.cleaned_data["rounds"],
                    by=request.user,
                )
            except ValidationError as error:
                _show_errors(form, error)
            else:
                rounds = "1 round" if plan.rounds == 1 else f"{plan.rounds} rounds"
                messages.success(
                    request,
                    f"The table plan is ready: {plan.tables} tables, {rounds}. Move people "
                    "below if you need to.",
                )
                return redirect("workshops:table_plan", pk=workshop.pk)
        return _plan_page(request, workshop, form, status=400)
    return _plan_page(request, workshop, None)


@require_POST
@permissions.staff_page
def table_plan_move(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_organiser(request, pk)
    plan = get_object_or_404(TablePlan, workshop=workshop)
    form = SeatMoveForm(request.POST)
    back = reverse("workshops:table_plan", args=[workshop.pk])
    if not form.is_valid():
        messages.error(request, "Choose a round and a table, then press Move.")
        return redirect(back + "#by-person")
    registration = get_object_or_404(
        Registration.objects.select_related("user__profile"),
        pk=form.cleaned_data["registration"],
        workshop=workshop,
    )
    try:
        people.table_plan_move(
            plan=plan,
            registration=registration,
            round=form.cleaned_data["round"],
            table=form.cleaned_data["table"],
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        name = people.person_name(registration, full=True)
        with_companion = (
            f" with {registration.companion_name}" if registration.companion_name else ""
        )
        messages.success(
            request,
            f"{name}{with_companion} now sits at table {form.cleaned_data['table']} in round "
            f"{form.cleaned_data['round']}.",
        )
    return redirect(back + f"#person-{registration.pk}")


# Attendance across a programme


def _organised_programmes(user: Any) -> QuerySet[Programme]:
    if permissions.is_site_admin(user):
        return Programme.objects.all()
    ids = {pk for pk, role in permissions.team_roles(user) if role == TeamRole.ORGANISER}
    return Programme.objects.filter(pk__in=ids)


@require_GET
@permissions.staff_page
def attendance(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("programme", "")
    if slug:
        programme = permissions.get_programme_for_organiser(request, slug)
    else:
        programmes = list(_organised_programmes(request.user).order_by("title"))
        if not programmes:
            raise Http404("You don't organise a programme.")
        if len(programmes) > 1:
            return render(
                request, "workshops/registrants/attendance_choose.html", {"programmes": programmes}
            )
        programme = programmes[0]
    cohorts = list(Cohort.objects.filter(programme=programme))
    cohort = None
    cohort_id = request.GET.get("cohort", "")
    if cohort_id:
        cohort = next((c for c in cohorts if str(c.pk) == cohort_id), None)
        if cohort is None:
            raise Http404("No cohort here.")
    grid = people.attendance_grid(programme=programme, cohort=cohort)
    return render(
        request,
        "workshops/registrants/attendance.html",
        {"programme": programme, "cohorts": cohorts, "cohort": cohort, "grid": grid},
    )


@require_GET
@login_required
def certificate(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    attended = people.attended_workshops(user=request.user, programme=programme)
    if not attended:
        raise Http404("No workshops attended in this programme.")
    profile = getattr(request.user, "profile", None)
    # Hours in all, unless a workshop ran over several days: nights are not hours of work.
    same_day = all(
        timezone.localdate(r.workshop.starts_at) == timezone.localdate(r.workshop.ends_at)
        for r in attended
    )
    minutes = sum(
        int((r.workshop.ends_at - r.workshop.starts_at).total_seconds() // 60) for r in attended
    )
    return render(
        request,
        "workshops/registrants/certificate.html",
        {
            "programme": programme,
            "attended": attended,
            "name": (profile.display_name if profile else "") or request.user.email,
            "hours": round(minutes / 60, 1) if same_day else None,
            "issued_on": timezone.localdate(),
        },
    )


urlpatterns = [
    path("manage/<int:pk>/registrants/move/", waitlist_move, name="waitlist_move"),
    path("manage/attendance/", attendance, name="attendance"),
    path("manage/<int:pk>/registrants/", registrants, name="registrants"),
    path("manage/<int:pk>/registrants.csv", registrants_csv, name="registrants_csv"),
    path("manage/<int:pk>/checkin/", checkin, name="checkin"),
    path("manage/<int:pk>/checkin/no-shows/", checkin_no_shows, name="checkin_no_shows"),
    path("manage/<int:pk>/checkin/<int:registration_pk>/", checkin_person, name="checkin_person"),
    path("manage/<int:pk>/checkin/<int:registration_pk>/undo/", checkin_undo, name="checkin_undo"),
    path("manage/<int:pk>/tables/", table_plan, name="table_plan"),
    path("manage/<int:pk>/tables/move/", table_plan_move, name="table_plan_move"),
    path("certificate/<slug:slug>/", certificate, name="certificate"),
]
