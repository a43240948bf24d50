"""Programme pages: the public list and page of each programme, the organisers' pages for
setting one up (details, cohorts, stages, team) and inviting people, and the page an invitation
links to.

Staff pages open through `permissions.staff_page`, then `get_programme_for_organiser`, which
gives a 404 to anyone who does not run that programme.
"""

import copy
import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from codesign.accounts.links import sign_up_or_in_for_link
from codesign.core import permissions
from codesign.core.cache import personal_page
from codesign.core.refusals import refusal_text
from programmes import services
from programmes.forms import (
    INVITATION_SOURCE_FIELDS,
    ROLE_WITH_ARTICLE,
    WHOLE_PROGRAMME,
    CohortForm,
    InvitationDeclineForm,
    InvitationFilterForm,
    InvitationForm,
    ProgrammeForm,
    StageForm,
    TeamAddForm,
)
from programmes.models import (
    Cohort,
    Invitation,
    InvitationBatch,
    Membership,
    Programme,
    Stage,
    TeamRole,
)
from programmes.notices import invitation_context
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


DASHBOARD_PER_PAGE = 20


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


PUBLISHED_ACTIONS_SHOWN = 3


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
            # The newest published "you said, we did"; the learning page has them all.
            "actions": programme.feedback_actions.published().select_related("workshop")[
                :PUBLISHED_ACTIONS_SHOWN
            ],
        },
    )


# Pages for programme teams


@require_GET
@permissions.staff_page
@personal_page()
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
    coming = (
        Workshop.objects.filter(programme__in=permissions.programmes_for_team_member(request.user))
        .upcoming()
        .order_by("starts_at", "id")
    )
    # A national programme has hundreds of coming workshops: one page at a time, with the
    # places counted only for the page shown.
    page = Paginator(coming.values_list("pk", flat=True), DASHBOARD_PER_PAGE).get_page(
        request.GET.get("page")
    )
    workshops = Workshop.objects.filter(pk__in=list(page.object_list)).order_by("starts_at", "id")
    return render(
        request,
        "programmes/dashboard.html",
        {
            "programmes": programmes,
            "rows": _workshop_rows(workshops, request.user),
            "page": page,
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
    try:
        services.cohort_delete(cohort=cohort, deleted_by=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
        return redirect("programmes:manage", slug=programme.slug)
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
        messages.error(request, refusal_text(error))
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
        messages.error(request, refusal_text(error))
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
        messages.error(request, refusal_text(error))
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


# Invitations

INVITATIONS_PER_PAGE = 50
# How many of a checked list's good rows the preview shows; the problems are all shown.
PREVIEW_ROWS = 100
SOURCE_TABS = [
    (InvitationBatch.Source.ONE, "One address"),
    (InvitationBatch.Source.LIST, "A pasted list"),
    (InvitationBatch.Source.CSV, "A CSV file"),
    (InvitationBatch.Source.PARTICIPANTS, "People on the platform"),
]


def _invitable_workshops(programme: Programme) -> list[Workshop]:
    """Workshops people can be invited to: published and not started yet."""
    return list(
        Workshop.objects.filter(
            programme=programme, status=Workshop.Status.PUBLISHED, starts_at__gt=timezone.now()
        ).order_by("starts_at", "id")
    )


def _invitations_url(programme: Programme, workshop: Any = None) -> str:
    url = reverse("programmes:invitations", kwargs={"slug": programme.slug})
    return f"{url}?{urlencode({'workshop': workshop.pk})}" if workshop is not None else url


@require_GET
@permissions.staff_page
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    """Everyone invited to the programme or its workshops, with where each invitation stands.
    The same number of queries however many there are."""
    programme = permissions.get_programme_for_organiser(request, slug)
    workshops = list(Workshop.objects.filter(programme=programme).order_by("starts_at", "id"))
    form = InvitationFilterForm(request.GET or None, workshops=workshops)
    chosen: dict[str, Any] = {}
    if form.is_bound:
        # A filter that is fine still applies when the other one is not.
        form.is_valid()
        chosen = form.cleaned_data
    listed = Invitation.objects.filter(programme=programme)
    workshop = form.workshops.get(chosen.get("workshop") or "")
    if chosen.get("workshop") == WHOLE_PROGRAMME:
        listed = listed.filter(workshop__isnull=True)
    elif workshop is not None:
        listed = listed.filter(workshop=workshop)
    counts = services.invitation_counts(listed)
    state = chosen.get("state") or ""
    if state:
        listed = listed.filter(services.invitation_state_q(state, timezone.now()))
    page = Paginator(
        listed.select_related("workshop").order_by("-created_at", "-id"), INVITATIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programmes/invitations.html",
        {
            "programme": programme,
            "form": form,
            "counts": counts,
            "states": [
                (key, label, counts[key]) for key, label in services.INVITATION_STATES.items()
            ],
            "page": page,
            "query": query.urlencode(),
            "workshop": workshop,
            "remind_scope": chosen.get("workshop") or "",
            "is_filtered": bool(chosen.get("workshop") or state),
            "invite_url": reverse("programmes:invitation_new", kwargs={"slug": programme.slug})
            + (f"?{urlencode({'workshop': workshop.pk})}" if workshop is not None else ""),
        },
    )


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def invitation_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Invite people, one of four ways; the list is checked and shown before anything goes."""
    programme = permissions.get_programme_for_organiser(request, slug)
    source = request.POST.get("source") or request.GET.get("how") or InvitationBatch.Source.ONE
    if source not in InvitationBatch.Source.values:
        source = InvitationBatch.Source.ONE
    workshops = _invitable_workshops(programme)
    initial = {"target": request.GET.get("workshop") or WHOLE_PROGRAMME}
    form = InvitationForm(
        request.POST or None,
        request.FILES or None,
        source=source,
        programme=programme,
        workshops=workshops,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.invitation_batch_prepare(
                programme=programme,
                workshop=form.workshop,
                source=source,
                created_by=request.user,
                message=form.cleaned_data["message"],
                expires_at=timezone.now() + datetime.timedelta(days=form.cleaned_data["days"]),
                emails_text=form.addresses_text(),
                csv_file=form.cleaned_data.get("csv_file"),
                perspectives=form.cleaned_data.get("perspectives"),
            )
        except ValidationError as error:
            field = INVITATION_SOURCE_FIELDS[source][0]
            form.add_error(field if field in form.fields else None, error)
        else:
            return redirect("programmes:invitation_batch", slug=programme.slug, pk=batch.pk)
    target = request.GET.get("workshop") or ""
    return render(
        request,
        "programmes/invitation_new.html",
        {
            "programme": programme,
            "form": form,
            "source": source,
            "tabs": [
                (
                    key,
                    label,
                    "?" + urlencode({"how": key, **({"workshop": target} if target else {})}),
                )
                for key, label in SOURCE_TABS
            ],
            "source_label": dict(SOURCE_TABS)[source],
            "not_open": not programme.is_public,
            "target_missing": bool(target) and target not in form.workshops,
        },
    )


def _batch_for_organiser(request: HttpRequest, slug: str, pk: int) -> InvitationBatch:
    programme = permissions.get_programme_for_organiser(request, slug)
    return get_object_or_404(
        InvitationBatch.objects.select_related("programme", "workshop"), pk=pk, programme=programme
    )


@require_GET
@permissions.staff_page
def invitation_batch(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The checked list: who will be invited, and each row with a problem and why."""
    batch = _batch_for_organiser(request, slug, pk)
    good = [row for row in batch.rows if not row["problem"]]
    bad = [row for row in batch.rows if row["problem"]]
    again = reverse("programmes:invitation_new", kwargs={"slug": batch.programme.slug})
    again += "?" + urlencode(
        {"how": batch.source, **({"workshop": batch.workshop_id} if batch.workshop_id else {})}
    )
    return render(
        request,
        "programmes/invitation_batch.html",
        {
            "programme": batch.programme,
            "batch": batch,
            "good": good[:PREVIEW_ROWS],
            "good_count": len(good),
            "good_hidden": max(len(good) - PREVIEW_ROWS, 0),
            "bad": bad,
            "start_again_url": again,
        },
    )


@require_POST
@permissions.staff_page
def invitation_batch_send(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    batch = _batch_for_organiser(request, slug, pk)
    try:
        sent = services.invitation_batch_confirm(batch=batch, confirmed_by=request.user)
    except ValidationError as error:
        if error.messages == [services.BATCH_ALREADY_SENT]:
            # Pressed twice, or in two tabs: the first press sent them.
            messages.info(request, services.BATCH_ALREADY_SENT)
        else:
            messages.error(request, refusal_text(error))
            return redirect("programmes:invitation_batch", slug=slug, pk=batch.pk)
    else:
        count = len(sent)
        messages.success(
            request,
            f"Sending {count} invitation{'' if count == 1 else 's'}. Each one shows here as "
            "sent once it has gone.",
        )
    return redirect(_invitations_url(batch.programme, batch.workshop))


def _invitation_for_organiser(request: HttpRequest, slug: str, pk: int) -> Invitation:
    programme = permissions.get_programme_for_organiser(request, slug)
    return get_object_or_404(
        Invitation.objects.select_related("programme", "workshop"), pk=pk, programme=programme
    )


def _back_to_list(request: HttpRequest, programme: Programme) -> HttpResponse:
    """Back to the list as it was filtered, when the form says so."""
    url = reverse("programmes:invitations", kwargs={"slug": programme.slug})
    back = request.POST.get("next", "")
    if back.startswith(url) and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return redirect(back)
    return redirect(url)


@require_POST
@permissions.staff_page
def invitation_resend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    invitation = _invitation_for_organiser(request, slug, pk)
    try:
        services.invitation_resend(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, f"Sending the invitation to {invitation.email} again.")
    return _back_to_list(request, invitation.programme)


@require_POST
@permissions.staff_page
def invitation_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    invitation = _invitation_for_organiser(request, slug, pk)
    try:
        services.invitation_withdraw(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(
            request, f"Withdrew the invitation to {invitation.email}. Its link no longer works."
        )
    return _back_to_list(request, invitation.programme)


@require_POST
@permissions.staff_page
def invitations_remind(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.get_programme_for_organiser(request, slug)
    workshop = None
    chosen = request.POST.get("workshop", "")
    if chosen and chosen != WHOLE_PROGRAMME:
        if not chosen.isdigit():
            raise Http404("No workshop here.")
        workshop = get_object_or_404(Workshop, pk=chosen, programme=programme)
    count = services.invitations_remind(
        programme=programme,
        workshop=workshop,
        by=request.user,
        programme_only=chosen == WHOLE_PROGRAMME,
    )
    if count:
        messages.success(
            request,
            f"Reminding {count} person who has not answered."
            if count == 1
            else f"Reminding {count} people who have not answered.",
        )
    else:
        messages.info(
            request,
            "Nobody to remind: everyone has answered, their link has run out, or we sent them "
            "something in the last day.",
        )
    return _back_to_list(request, programme)


# The invitation's own page, for the person invited


def _invitation_by_token(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("programme", "workshop__venue", "invited_by__profile")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        raise Http404("This link does not work.")
    return invitation


@require_GET
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """What the person is invited to, and buttons to say yes or no. No account needed to read
    it or say no: the link is the key."""
    found = _invitation_by_token(token)
    context = invitation_context(found)
    context.update(
        {
            "refusal": services.invitation_refusal(found),
            "answer": request.GET.get("answer", ""),
            "decline_form": InvitationDeclineForm(),
            "next_url": _after_accept_url(found),
        }
    )
    return render(request, "programmes/invitation.html", context)


def _after_accept_url(invitation: Invitation) -> str:
    if invitation.workshop_id:
        return reverse("workshops:detail", kwargs={"pk": invitation.workshop_id})
    return invitation.programme.get_absolute_url()


def _after_accept(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """Straight on to registration: through the profile steps first if they are not done."""
    from participants.services import profile_missing_for_registration

    target = _after_accept_url(invitation)
    if invitation.workshop_id is None:
        messages.success(request, "Thank you for accepting. Here is the programme.")
        return redirect(target)
    if profile_missing_for_registration(request.user):
        messages.success(
            request,
            "Thank you for accepting. Before you register, please finish your profile. It "
            "takes a few minutes, and then we bring you back to the workshop.",
        )
        return redirect(f"{reverse('participants:profile')}?{urlencode({'next': target})}")
    messages.success(request, "Thank you for accepting. Now register below to take your place.")
    return redirect(target)


@require_POST
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Signed in: accepted, and on to registration. Signed out: remembered, and on to create
    an account (the address is filled in and needs no check: the link proved it is theirs) or
    to sign in."""
    found = _invitation_by_token(token)
    if request.user.is_authenticated:
        try:
            accepted = services.invitation_accept(invitation=found, user=request.user)
        except ValidationError as error:
            messages.error(request, refusal_text(error))
            return redirect("programmes:invitation", token=token)
        return _after_accept(request, accepted)
    if refusal := services.invitation_refusal(found):
        messages.error(request, refusal)
        return redirect("programmes:invitation", token=token)
    return sign_up_or_in_for_link(
        request,
        email=found.email,
        session_key=services.INVITATION_SESSION_KEY,
        token=token,
        continue_url=reverse("programmes:invitation_continue"),
        action="accept the invitation",
    )


@require_POST
def invitation_decline(request: HttpRequest, token: str) -> HttpResponse:
    found = _invitation_by_token(token)
    form = InvitationDeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [])))
        return redirect(
            f"{reverse('programmes:invitation', kwargs={'token': token})}?answer=decline"
        )
    try:
        services.invitation_decline(
            invitation=found,
            reason=form.cleaned_data["reason"],
            user=request.user if request.user.is_authenticated else None,
        )
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    return redirect("programmes:invitation", token=token)


@require_GET
@login_required
def invitation_continue(request: HttpRequest) -> HttpResponse:
    """Where someone lands after signing up or in to accept an invitation."""
    token = request.session.pop(services.INVITATION_SESSION_KEY, None)
    found = Invitation.objects.select_related("programme", "workshop").filter(token=token).first()
    if not token or found is None:
        messages.info(
            request, "We could not find the invitation. Open the link in the email again."
        )
        return redirect("core:home")
    try:
        accepted = services.invitation_accept(invitation=found, user=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
        return redirect("programmes:invitation", token=token)
    return _after_accept(request, accepted)
