"""Organisers' pages: set up, change, publish and cancel workshops; venues; the calendar."""

import calendar
import datetime
from collections import defaultdict
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from codesign.core import permissions
from codesign.core.refusals import refusal_text
from programmes.models import Programme, TeamRole
from workshops import services
from workshops.forms import (
    AgendaFormSetFactory,
    CancelForm,
    MaterialForm,
    RescheduleForm,
    ReservationFormSetFactory,
    VenueForm,
    WorkshopForm,
)
from workshops.models import Material, Venue, Workshop

# Helpers


def _organised_programmes(user: Any) -> QuerySet[Programme]:
    """Programmes this person organises; every programme for a site admin."""
    if permissions.is_site_admin(user):
        return Programme.objects.all()
    ids = {pk for pk, role in permissions.team_roles(user) if role == TeamRole.ORGANISER}
    return Programme.objects.filter(pk__in=ids)


def _get_workshop_for_organiser(
    request: HttpRequest, pk: int, queryset: QuerySet[Workshop] | None = None
) -> Workshop:
    """The workshop if this person organises its programme; otherwise 404, so other
    programmes' workshops are not even confirmed to exist."""
    queryset = queryset if queryset is not None else Workshop.objects.all()
    workshop = get_object_or_404(queryset.select_related("programme"), pk=pk)
    if not permissions.can_organise(request.user, workshop.programme):
        raise Http404("No workshop here.")
    return workshop


def _require_venue_editor(request: HttpRequest) -> None:
    user = request.user
    if not (permissions.is_site_admin(user) or permissions.is_organiser_anywhere(user)):
        raise PermissionDenied("Only programme organisers can change venues.")


def _show_errors(form: Form, error: ValidationError) -> None:
    """Put a service's refusal next to the field it is about, or above the form."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            target = field if field in form.fields and not form.fields[field].disabled else None
            for message in field_errors:
                form.add_error(target, message)
    else:
        form.add_error(None, error)


def _error_summary(*parts: Any) -> list[dict[str, str]]:
    """Every problem on the page, each linking to its field, for the box at the top."""
    summary: list[dict[str, str]] = []
    for part in parts:
        forms = part.forms if hasattr(part, "forms") else [part]
        if hasattr(part, "non_form_errors"):
            summary += [{"href": "", "message": str(m)} for m in part.non_form_errors()]
        for form in forms:
            if not form.is_bound or (
                hasattr(part, "can_delete") and part.can_delete and part._should_delete_form(form)
            ):
                continue
            for name, field_errors in form.errors.items():
                if name == "__all__" or name not in form.fields:
                    summary += [{"href": "", "message": str(m)} for m in field_errors]
                    continue
                bound = form[name]
                href = f"#{bound.id_for_label or bound.auto_id}"
                summary += [{"href": href, "message": str(m)} for m in field_errors]
    return summary


# Creating and changing a workshop


def _workshop_form_page(
    request: HttpRequest, *, programme: Programme, workshop: Workshop | None
) -> HttpResponse:
    confirmed = workshop.places_taken() if workshop else 0
    times_locked = workshop is not None and (workshop.is_published or confirmed > 0)
    instance = workshop if workshop is not None else Workshop(programme=programme)
    form_kwargs = {"programme": programme}
    if request.method == "POST":
        form = WorkshopForm(
            request.POST, instance=instance, programme=programme, times_locked=times_locked
        )
        places = ReservationFormSetFactory(
            request.POST, instance=instance, prefix="places", form_kwargs=form_kwargs
        )
        agenda = AgendaFormSetFactory(
            request.POST, instance=instance, prefix="agenda", form_kwargs=form_kwargs
        )
        # Check every part, so every problem shows at once.
        valid = [form.is_valid(), places.is_valid(), agenda.is_valid()]
        if all(valid):
            try:
                if workshop is None:
                    saved = services.workshop_create(
                        programme=programme,
                        data=form.service_data(),
                        reservations=places.lines(),
                        agenda=agenda.lines(),
                        created_by=request.user,
                    )
                    messages.success(
                        request,
                        f"“{saved.title}” is saved as a draft. Check it, then publish it when "
                        "you are ready.",
                    )
                else:
                    saved = services.workshop_update(
                        workshop=workshop,
                        data=form.service_data(),
                        reservations=places.lines(),
                        agenda=agenda.lines(),
                        updated_by=request.user,
                    )
                    messages.success(request, f"Your changes to “{saved.title}” are saved.")
                return redirect("workshops:manage_detail", pk=saved.pk)
            except ValidationError as error:
                _show_errors(form, error)
    else:
        initial = {}
        venue_id = request.GET.get("venue", "")
        if venue_id.isdigit():
            initial["venue"] = int(venue_id)
        form = WorkshopForm(
            instance=instance, programme=programme, times_locked=times_locked, initial=initial
        )
        places = ReservationFormSetFactory(
            instance=instance, prefix="places", form_kwargs=form_kwargs
        )
        agenda = AgendaFormSetFactory(instance=instance, prefix="agenda", form_kwargs=form_kwargs)
    return render(
        request,
        "workshops/organise/workshop_form.html",
        {
            "programme": programme,
            "workshop": workshop,
            "form": form,
            "places": places,
            "agenda": agenda,
            "confirmed": confirmed,
            "times_locked": times_locked,
            "errors": _error_summary(form, places, agenda),
        },
    )


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def workshop_new(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("programme", "")
    if slug:
        programme = permissions.get_programme_for_organiser(request, slug)
    else:
        programmes = list(_organised_programmes(request.user))
        if not programmes:
            raise PermissionDenied("Only programme organisers can add workshops.")
        if len(programmes) > 1:
            return render(
                request, "workshops/organise/choose_programme.html", {"programmes": programmes}
            )
        programme = programmes[0]
    return _workshop_form_page(request, programme=programme, workshop=None)


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def workshop_edit(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_organiser(request, pk)
    if workshop.is_cancelled:
        messages.error(
            request,
            "This workshop was cancelled, so it can't be changed. Duplicate it to set up a new "
            "one like it.",
        )
        return redirect("workshops:manage_detail", pk=workshop.pk)
    return _workshop_form_page(request, programme=workshop.programme, workshop=workshop)


def _detail_page(
    request: HttpRequest, workshop_pk: int, *, material_form: MaterialForm | None = None
) -> HttpResponse:
    workshop = _get_workshop_for_organiser(
        request,
        workshop_pk,
        services.workshops_with_fill(Workshop.objects.all()).select_related(
            "cohort", "stage", "venue"
        ),
    )
    changes = workshop.changes.select_related("changed_by")
    return render(
        request,
        "workshops/organise/workshop_detail.html",
        {
            "workshop": workshop,
            "programme": workshop.programme,
            "fill": services.workshop_fill(workshop),
            "agenda": workshop.agenda.all(),
            "materials": workshop.materials.all(),
            "changes": changes,
            "material_form": material_form or MaterialForm(),
            "can_publish": workshop.status == Workshop.Status.DRAFT
            and workshop.starts_at > timezone.now(),
        },
        status=400 if material_form is not None and material_form.errors else 200,
    )


@require_GET
@permissions.staff_page
def workshop_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, pk)


# Status changes


@require_POST
@permissions.staff_page
def workshop_publish(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_organiser(request, pk)
    try:
        services.workshop_publish(workshop=workshop, published_by=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, f"“{workshop.title}” is published. People can now find it.")
    return redirect("workshops:manage_detail", pk=workshop.pk)


@require_POST
@permissions.staff_page
def workshop_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_organiser(request, pk)
    try:
        services.workshop_unpublish(workshop=workshop, unpublished_by=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(
            request,
            f"“{workshop.title}” is a draft again. Only your team can see it. People who "
            "already have a place keep it.",
        )
    return redirect("workshops:manage_detail", pk=workshop.pk)


@require_POST
@permissions.staff_page
def workshop_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_organiser(request, pk)
    copy = services.workshop_duplicate(workshop=workshop, duplicated_by=request.user)
    messages.success(
        request,
        "This is a copy, saved as a draft. Change the date and anything else, then save it.",
    )
    return redirect("workshops:manage_edit", pk=copy.pk)


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def workshop_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_organiser(request, pk)
    if workshop.is_cancelled:
        messages.error(request, "This workshop was cancelled, so it can't be moved.")
        return redirect("workshops:manage_detail", pk=workshop.pk)
    if request.method == "POST":
        form = RescheduleForm(request.POST)
        if form.is_valid():
            try:
                services.workshop_reschedule(
                    workshop=workshop,
                    starts_at=form.cleaned_data["starts_at"],
                    ends_at=form.cleaned_data["ends_at"],
                    reason=form.cleaned_data["reason"],
                    rescheduled_by=request.user,
                )
            except ValidationError as error:
                _show_errors(form, error)
            else:
                messages.success(
                    request,
                    f"“{workshop.title}” has moved. People who are coming will be told.",
                )
                return redirect("workshops:manage_detail", pk=workshop.pk)
    else:
        form = RescheduleForm(
            initial={"starts_at": workshop.starts_at, "ends_at": workshop.ends_at}
        )
    return render(
        request,
        "workshops/organise/workshop_reschedule.html",
        {
            "workshop": workshop,
            "programme": workshop.programme,
            "form": form,
            "confirmed": workshop.places_taken(),
        },
    )


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def workshop_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_organiser(request, pk)
    if workshop.is_cancelled:
        messages.error(request, "This workshop is already cancelled.")
        return redirect("workshops:manage_detail", pk=workshop.pk)
    if request.method == "POST":
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                services.workshop_cancel(
                    workshop=workshop,
                    reason=form.cleaned_data["reason"],
                    cancelled_by=request.user,
                )
            except ValidationError as error:
                _show_errors(form, error)
            else:
                messages.success(
                    request,
                    f"“{workshop.title}” is cancelled. People who were coming will be told.",
                )
                return redirect("workshops:manage_detail", pk=workshop.pk)
    else:
        form = CancelForm()
    return render(
        request,
        "workshops/organise/workshop_cancel.html",
        {
            "workshop": workshop,
            "programme": workshop.programme,
            "form": form,
            "confirmed": workshop.places_taken(),
        },
    )


# Materials


@require_POST
@permissions.staff_page
def material_upload(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_organiser(request, pk)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            material = services.material_add(
                workshop=workshop,
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                uploaded_by=request.user,
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, f"“{material.title}” is added.")
            return redirect(reverse("workshops:manage_detail", args=[workshop.pk]) + "#materials")
    return _detail_page(request, workshop.pk, material_form=form)


@require_POST
@permissions.staff_page
def material_delete(request: HttpRequest, pk: int, material_pk: int) -> HttpResponse:
    workshop = _get_workshop_for_organiser(request, pk)
    material = get_object_or_404(Material, pk=material_pk, workshop=workshop)
    services.material_delete(material=material, deleted_by=request.user)
    messages.success(request, f"“{material.title}” is removed.")
    return redirect(reverse("workshops:manage_detail", args=[workshop.pk]) + "#materials")


@require_GET
def material_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A material as a download, never as a page of this site: the stored type was checked
    from the file's content, browsers may not guess another, and it may run nothing."""
    material = get_object_or_404(
        Material.objects.select_related("workshop", "workshop__programme"), pk=pk
    )
    workshop = material.workshop
    is_public = workshop.is_published and workshop.programme.is_public
    if not is_public:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        is_team = permissions.is_site_admin(user) or any(
            programme_id == workshop.programme_id
            for programme_id, _ in permissions.team_roles(user)
        )
        if not is_team:
            raise Http404("No file here.")
        if settings.STAFF_MFA_REQUIRED and not is_mfa_enabled(user):
            return redirect("mfa_activate_totp")
    is_image = material.content_type in services.IMAGE_TYPES
    response = FileResponse(
        material.file.open("rb"),
        as_attachment=not is_image,
        filename=material.file.name.rsplit("/", 1)[-1],
        content_type=material.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=300" if is_public else "private, no-store"
    return response


# Venues


@require_GET
@permissions.staff_page
def venue_list(request: HttpRequest) -> HttpResponse:
    _require_venue_editor(request)
    venues = Venue.objects.annotate(workshop_count=Count("workshops")).order_by("name")
    return render(request, "workshops/organise/venue_list.html", {"venues": venues})


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def venue_new(request: HttpRequest) -> HttpResponse:
    _require_venue_editor(request)
    next_url = _safe_next(request)
    form = VenueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            venue = services.venue_create(data=form.cleaned_data, created_by=request.user)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, f"“{venue.name}” is added to the venues.")
            if next_url:
                separator = "&" if "?" in next_url else "?"
                return redirect(f"{next_url}{separator}venue={venue.pk}")
            return redirect("workshops:venue_list")
    return render(
        request,
        "workshops/organise/venue_form.html",
        {"form": form, "venue": None, "next_url": next_url},
    )


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def venue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_venue_editor(request)
    venue = get_object_or_404(Venue, pk=pk)
    form = VenueForm(request.POST or None, instance=venue)
    if request.method == "POST" and form.is_valid():
        try:
            services.venue_update(venue=venue, data=form.cleaned_data, updated_by=request.user)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, f"Your changes to “{form.cleaned_data['name']}” are saved.")
            return redirect("workshops:venue_list")
    return render(
        request,
        "workshops/organise/venue_form.html",
        {"form": form, "venue": venue, "next_url": ""},
    )


# Calendar


def _month_from(request: HttpRequest) -> datetime.date:
    """The month asked for as ?month=2026-11; this month if absent or unreadable."""
    value = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in value.split("-"))
        if 1900 <= year <= 9000 and 1 <= month <= 12:
            return datetime.date(year, month, 1)
    except ValueError:
        pass
    return timezone.localdate().replace(day=1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _calendar_context(
    request: HttpRequest, *, first_day: datetime.date, last_day: datetime.date
) -> dict[str, Any]:
    """The person's programmes, the one chosen (if any), and their workshops between two
    dates (UK time), in a fixed number of queries."""
    programmes = _organised_programmes(request.user)
    slug = request.GET.get("programme", "")
    chosen = get_object_or_404(programmes, slug=slug) if slug else None
    start = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min)
    )
    workshops = (
        Workshop.objects.with_counts()
        .filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("programme", "venue")
        .order_by("starts_at", "id")
    )
    if chosen is not None:
        workshops = workshops.filter(programme=chosen)
    elif not permissions.is_site_admin(request.user):
        workshops = workshops.filter(programme__in=programmes)
    by_day: dict[datetime.date, list[Workshop]] = defaultdict(list)
    workshops = list(workshops)
    for workshop in workshops:
        by_day[timezone.localtime(workshop.starts_at).date()].append(workshop)
    return {
        "programmes": list(programmes),
        "chosen": chosen,
        "workshops": workshops,
        "by_day": by_day,
    }


def _month_links(month: datetime.date, chosen: Programme | None) -> dict[str, Any]:
    """Links to this month and the months either side, keeping the programme chosen."""

    def query(day: datetime.date) -> str:
        params = {"month": f"{day:%Y-%m}"}
        if chosen is not None:
            params["programme"] = chosen.slug
        return "?" + urlencode(params)

    previous_month = _add_months(month, -1)
    next_month = _add_months(month, 1)
    return {
        "month": month,
        "previous_month": previous_month,
        "next_month": next_month,
        "previous_query": query(previous_month),
        "next_query": query(next_month),
        "this_query": query(month),
    }


@require_GET
@permissions.staff_page
def calendar_month(request: HttpRequest) -> HttpResponse:
    month = _month_from(request)
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
        month.year, month.month
    )
    context = _calendar_context(request, first_day=weeks[0][0], last_day=weeks[-1][-1])
    by_day = context["by_day"]
    today = timezone.localdate()
    context["weeks"] = [
        [
            {
                "date": day,
                "in_month": day.month == month.month,
                "is_today": day == today,
                "workshops": by_day.get(day, []),
            }
            for day in week
        ]
        for week in weeks
    ]
    # Phones get the month as a list: a seven-column grid is too narrow to read there.
    context["days"] = [
        (day, by_day[day])
        for day in sorted(by_day)
        if day.month == month.month and day.year == month.year
    ]
    context.update(_month_links(month, context["chosen"]))
    return render(request, "workshops/organise/calendar_month.html", context)


@require_GET
@permissions.staff_page
def calendar_list(request: HttpRequest) -> HttpResponse:
    month = _month_from(request)
    last_day = _add_months(month, 1) - datetime.timedelta(days=1)
    context = _calendar_context(request, first_day=month, last_day=last_day)
    by_day = context["by_day"]
    context["days"] = [(day, by_day[day]) for day in sorted(by_day)]
    context.update(_month_links(month, context["chosen"]))
    return render(request, "workshops/organise/calendar_list.html", context)


urlpatterns = [
    path("manage/new/", workshop_new, name="manage_new"),
    path("manage/calendar/", calendar_month, name="calendar"),
    path("manage/calendar/list/", calendar_list, name="calendar_list"),
    path("manage/venues/", venue_list, name="venue_list"),
    path("manage/venues/new/", venue_new, name="venue_new"),
    path("manage/venues/<int:pk>/edit/", venue_edit, name="venue_edit"),
    path("manage/<int:pk>/", workshop_detail, name="manage_detail"),
    path("manage/<int:pk>/edit/", workshop_edit, name="manage_edit"),
    path("manage/<int:pk>/publish/", workshop_publish, name="manage_publish"),
    path("manage/<int:pk>/unpublish/", workshop_unpublish, name="manage_unpublish"),
    path("manage/<int:pk>/duplicate/", workshop_duplicate, name="manage_duplicate"),
    path("manage/<int:pk>/reschedule/", workshop_reschedule, name="manage_reschedule"),
    path("manage/<int:pk>/cancel/", workshop_cancel, name="manage_cancel"),
    path("manage/<int:pk>/materials/", material_upload, name="material_upload"),
    path(
        "manage/<int:pk>/materials/<int:material_pk>/delete/",
        material_delete,
        name="material_delete",
    ),
    path("materials/<int:pk>/download/", material_download, name="material_download"),
]
