"""Programme pages: the public list and page of each programme, and the organisers' pages for
setting one up (details, cohorts, stages, team).

Staff pages open through `permissions.staff_page`, then `get_programme_for_organiser`, which
gives a 404 to anyone who does not run that programme.
"""

import copy
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from codesign.core import permissions
from programmes import services
from programmes.forms import ROLE_WITH_ARTICLE, CohortForm, ProgrammeForm, StageForm, TeamAddForm
from programmes.models import Cohort, Membership, Programme, Stage, TeamRole
from programmes.terms import LIVED_EXPERIENCE_PERSPECTIVES
from workshops.models import Workshop
from workshops.services import MixLine, WorkshopFill, workshop_fill, workshops_with_fill


@dataclass(frozen=True)
class WorkshopRow:
    """A workshop with how full it is, for the organisers' pages."""

    workshop: Workshop
    url: str
    fill: WorkshopFill
    behind: list[MixLine]
    kept_for_lived_experience: int


def _workshop_rows(workshops: QuerySet[Workshop], user: Any) -> list[WorkshopRow]:
    """Each workshop links to its organiser page for those who organise it, otherwise (for
    bursary reviewers) to the list of who is coming."""
    rows = []
    for workshop in workshops_with_fill(workshops):
        if permissions.can_organise(user, workshop.programme):
            url = reverse("workshops:manage_detail", kwargs={"pk": workshop.pk})
        else:
            url = reverse("workshops:registrants", kwargs={"pk": workshop.pk})
        fill = workshop_fill(workshop)
        kept = sum(
            reservation.places
            for reservation in workshop.reservations.all()
            if reservation.perspectives
            and set(reservation.perspectives) <= LIVED_EXPERIENCE_PERSPECTIVES
        )
        behind = [line for line in fill.mix if line.is_behind]
        rows.append(WorkshopRow(workshop, url, fill, behind, kept))
    return rows


def _can_create_programmes(user: Any) -> bool:
    return permissions.is_site_admin(user) or permissions.is_organiser_anywhere(user)


# Pages for everyone


@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    """Programmes anyone can see: open ones first, then running, then closed."""
    order = Case(
        When(status=Programme.Status.OPEN, then=Value(0)),
        When(status=Programme.Status.RUNNING, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    programmes = Programme.objects.public().order_by(order, "starts_on", "title")
    return render(request, "programmes/list.html", {"programmes": programmes})


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    is_team = permissions.is_site_admin(request.user) or any(
        pk == programme.pk for pk, _ in permissions.team_roles(request.user)
    )
    if not programme.is_public and not is_team:
        raise Http404("No programme here.")
    workshops = (
        Workshop.objects.filter(programme=programme)
        .published()
        .upcoming()
        .select_related("venue", "stage")
    )
    return render(
        request,
        "programmes/detail.html",
        {
            "programme": programme,
            "is_team": is_team,
            "can_organise": permissions.can_organise(request.user, programme),
            "cohorts": programme.cohorts.all(),
            "stages": programme.stages.all(),
            "workshops": workshops,
        },
    )


# Pages for programme teams


@require_GET
@permissions.staff_page
def dashboard(request: HttpRequest) -> HttpResponse:
    """The programmes this person helps run, and how full their coming workshops are."""
    programmes = list(
        permissions.programmes_for_team_member(request.user).prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(user=request.user),
                to_attr="my_memberships",
            )
        )
    )
    for programme in programmes:
        programme.can_organise = permissions.can_organise(request.user, programme)
    workshops = Workshop.objects.filter(
        programme__in=permissions.programmes_for_team_member(request.user)
    ).upcoming()
    return render(
        request,
        "programmes/dashboard.html",
        {
            "programmes": programmes,
            "rows": _workshop_rows(workshops, request.user),
            "can_create": _can_create_programmes(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def create(request: HttpRequest) -> HttpResponse:
    """Site admins, and people who already organise a programme, can set up a new one."""
    if not _can_create_programmes(request.user):
        raise PermissionDenied("Only organisers can set up programmes.")
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(created_by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{programme.title} is set up. You are its organiser.")
            return redirect("programmes:manage", slug=programme.slug)
    return render(request, "programmes/programme_form.html", {"form": form})


@require_GET
@permissions.staff_page
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.get_programme_for_organiser(request, slug)
    workshops = Workshop.objects.filter(programme=programme).upcoming().select_related("stage")
    team = programme.memberships.select_related("user__profile").order_by("role", "user__email")
    return render(
        request,
        "programmes/manage.html",
        {
            "programme": programme,
            "cohorts": programme.cohorts.all(),
            "stages": programme.stages.all(),
            "team": team,
            "rows": _workshop_rows(workshops, request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.get_programme_for_organiser(request, slug)
    # The form works on a copy, so a rejected title or address never shows up in the page's
    # heading and links.
    form = ProgrammeForm(request.POST or None, instance=copy.copy(programme))
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_update(
                programme=programme, updated_by=request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved the changes to {programme.title}.")
            return redirect("programmes:manage", slug=programme.slug)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": programme})


# Cohorts


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def cohort_create(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.get_programme_for_organiser(request, slug)
    form = CohortForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(
                programme=programme, created_by=request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Added {cohort.name}.")
            return redirect("programmes:manage", slug=programme.slug)
    return render(request, "programmes/cohort_form.html", {"form": form, "programme": programme})


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def cohort_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = permissions.get_programme_for_organiser(request, slug)
    cohort = get_object_or_404(Cohort, pk=pk, programme=programme)
    form = CohortForm(request.POST or None, instance=copy.copy(cohort), programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_update(
                cohort=cohort, updated_by=request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved the changes to {cohort.name}.")
            return redirect("programmes:manage", slug=programme.slug)
    return render(
        request,
        "programmes/cohort_form.html",
        {"form": form, "programme": programme, "cohort": cohort},
    )


@require_POST
@permissions.staff_page
def cohort_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = permissions.get_programme_for_organiser(request, slug)
    cohort = get_object_or_404(Cohort, pk=pk, programme=programme)
    services.cohort_delete(cohort=cohort, deleted_by=request.user)
    messages.success(request, f"Removed {cohort.name}. Its workshops are still there.")
    return redirect("programmes:manage", slug=programme.slug)


# Stages


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def stages(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's stages in order, with a form to add one, and templates to start from."""
    programme = permissions.get_programme_for_organiser(request, slug)
    form = StageForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            stage = services.stage_create(
                programme=programme,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                created_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Added the stage {stage.name}.")
            return redirect("programmes:stages", slug=programme.slug)
    stage_list = list(programme.stages.all())
    templates = [
        (key, template, template.stages_for(programme))
        for key, template in services.STAGE_TEMPLATES.items()
    ]
    return render(
        request,
        "programmes/stages.html",
        {
            "programme": programme,
            "stages": stage_list,
            "form": form,
            "templates": templates if not stage_list else [],
        },
    )


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def stage_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = permissions.get_programme_for_organiser(request, slug)
    stage = get_object_or_404(Stage, pk=pk, programme=programme)
    form = StageForm(request.POST or None, instance=copy.copy(stage), programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            stage = services.stage_update(
                stage=stage,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                updated_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved the stage {stage.name}.")
            return redirect("programmes:stages", slug=programme.slug)
    return render(
        request,
        "programmes/stage_form.html",
        {"form": form, "programme": programme, "stage": stage},
    )


@require_POST
@permissions.staff_page
def stage_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = permissions.get_programme_for_organiser(request, slug)
    stage = get_object_or_404(Stage, pk=pk, programme=programme)
    direction = request.POST.get("direction", "")
    try:
        services.stage_move(stage=stage, direction=direction, moved_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Moved {stage.name} {direction}.")
    return redirect("programmes:stages", slug=programme.slug)


@require_POST
@permissions.staff_page
def stage_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = permissions.get_programme_for_organiser(request, slug)
    stage = get_object_or_404(Stage, pk=pk, programme=programme)
    services.stage_delete(stage=stage, deleted_by=request.user)
    messages.success(request, f"Removed the stage {stage.name}. Its workshops are still there.")
    return redirect("programmes:stages", slug=programme.slug)


@require_POST
@permissions.staff_page
def stage_template(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.get_programme_for_organiser(request, slug)
    key = request.POST.get("template", "")
    try:
        services.stage_template_apply(programme=programme, template=key, applied_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        name = services.STAGE_TEMPLATES[key].name
        messages.success(request, f"Added the stages of {name}. You can change them below.")
    return redirect("programmes:stages", slug=programme.slug)


# Team


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def team(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.get_programme_for_organiser(request, slug)
    form = TeamAddForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_add(
                programme=programme,
                user=form.user,
                role=form.cleaned_data["role"],
                added_by=request.user,
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            role = ROLE_WITH_ARTICLE[membership.role]
            messages.success(request, f"Added {membership.user.email} as {role}.")
            return redirect("programmes:team", slug=programme.slug)
    members = list(
        programme.memberships.select_related("user__profile").order_by("role", "user__email")
    )
    organisers = [m for m in members if m.role == TeamRole.ORGANISER and m.user.is_active]
    return render(
        request,
        "programmes/team.html",
        {
            "programme": programme,
            "members": members,
            "only_organiser": organisers[0] if len(organisers) == 1 else None,
            "form": form,
        },
    )


@require_POST
@permissions.staff_page
def team_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = permissions.get_programme_for_organiser(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, programme=programme
    )
    try:
        services.team_member_remove(membership=membership, removed_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programmes:team", slug=programme.slug)
    role = ROLE_WITH_ARTICLE[membership.role]
    messages.success(request, f"{membership.user.email} is no longer {role} of {programme}.")
    permissions.forget_team_roles(request.user)
    if not permissions.can_organise(request.user, programme):
        # They took themselves off the team, so its pages are no longer theirs to see.
        if permissions.has_staff_role(request.user):
            return redirect("programmes:dashboard")
        return redirect("core:home")
    return redirect("programmes:team", slug=programme.slug)
