"""Data rights pages.

For everyone signed in, about their own records only (no URL carries anyone's id): "Your data"
(privacy:mine), its JSON download, and erasure. For site admins and organisers: requests that
reached them another way, with a copy or an erasure of what is held against an address.
"""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Case, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from codesign.core import permissions
from codesign.core.audit import audit_log
from privacy import services
from privacy.export import Subject, collect
from privacy.forms import DataRequestForm, EraseForm, RequestEraseForm
from privacy.models import DataRequest
from privacy.registry import holdings_for_page
from programmes.models import Programme

REQUESTS_PER_PAGE = 50


def _json_download(data: dict[str, Any], filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False, sort_keys=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data: never kept by a shared cache or the browser's.
    patch_cache_control(response, no_store=True, private=True)
    return response


# The person's own data


@require_GET
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    sections = collect(Subject.of(request.user))
    return render(
        request,
        "privacy/mine.html",
        {
            "sections": sections,
            "total": sum(filled.count for filled in sections),
            "refusal": services.erasure_refusal(request.user),
        },
    )


@require_GET
@login_required
def download(request: HttpRequest) -> HttpResponse:
    data = services.person_export(user=request.user, by=request.user)
    return _json_download(data, f"your-data-{timezone.localdate():%Y-%m-%d}.json")


@require_http_methods(["GET", "POST"])
@login_required
def erase(request: HttpRequest) -> HttpResponse:
    refusal = services.erasure_refusal(request.user)
    form = EraseForm(
        request.POST if request.method == "POST" and not refusal else None, request=request
    )
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            services.self_erase(user=request.user)
        except services.PrivacyRefused as error:
            refusal = error.messages[0]
        else:
            logout(request)
            return redirect("privacy:erased")
    return render(
        request,
        "privacy/erase.html",
        {
            "form": form,
            "refusal": refusal,
            "holdings": holdings_for_page(),
            "retention_months": services.retention_months(),
        },
    )


@require_GET
def erased(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("privacy:mine")
    return render(request, "privacy/erased.html")


# Requests recorded by the team


def _check_can_handle(request: HttpRequest) -> None:
    if not services.can_handle_requests(request.user):
        raise PermissionDenied("This page is for programme organisers and site admins.")


def _get_request_for_staff(request: HttpRequest, pk: int) -> DataRequest:
    """The request if this person may act on it; otherwise 404, so others' requests are not
    even confirmed to exist."""
    _check_can_handle(request)
    return get_object_or_404(
        services.data_requests_visible_to(request.user).select_related(
            "programme", "user", "recorded_by", "completed_by"
        ),
        pk=pk,
    )


@require_GET
@permissions.staff_page
def requests(request: HttpRequest) -> HttpResponse:
    _check_can_handle(request)
    listed = services.data_requests_visible_to(request.user).select_related(
        "programme", "recorded_by"
    )
    # Those still to do first: they have a deadline.
    listed = listed.annotate(
        done=Case(When(status=DataRequest.Status.DONE, then=1), default=0)
    ).order_by("done", "-created_at", "-id")
    page = Paginator(listed, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "privacy/requests.html", {"page": page})


def _programmes_for_form(user: Any) -> list[Programme] | None:
    if permissions.is_site_admin(user):
        return None
    return list(
        Programme.objects.filter(pk__in=services.organised_programme_ids(user)).order_by(
            "title", "id"
        )
    )


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def request_new(request: HttpRequest) -> HttpResponse:
    _check_can_handle(request)
    form = DataRequestForm(request.POST or None, programmes=_programmes_for_form(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            created = services.data_request_record(
                by=request.user,
                kind=form.cleaned_data["kind"],
                email=form.cleaned_data["email"],
                programme=form.chosen_programme,
                identity_check=form.cleaned_data["identity_check"],
                received_on=form.cleaned_data["received_on"],
            )
        except services.PrivacyRefused as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, "The request is recorded. Now carry it out below.")
            return redirect("privacy:request_detail", pk=created.pk)
    return render(request, "privacy/request_new.html", {"form": form})


def _render_detail(
    request: HttpRequest, data_request: DataRequest, erase_form: RequestEraseForm
) -> HttpResponse:
    sections = []
    if not (data_request.kind == DataRequest.Kind.ERASURE and data_request.is_done):
        sections = collect(services.request_subject(data_request))
        # Someone on the team saw another person's records.
        audit_log(actor=request.user, action="viewed.data_request", target=data_request)
    return render(
        request,
        "privacy/request_detail.html",
        {
            "data_request": data_request,
            "sections": sections,
            "total": sum(filled.count for filled in sections),
            "erase_form": erase_form,
        },
    )


@require_GET
@permissions.staff_page
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _get_request_for_staff(request, pk), RequestEraseForm())


@require_GET
@permissions.staff_page
def request_download(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = _get_request_for_staff(request, pk)
    try:
        data = services.data_request_export(request=data_request, by=request.user)
    except services.PrivacyRefused as error:
        messages.error(request, error.messages[0])
        return redirect("privacy:request_detail", pk=data_request.pk)
    return _json_download(
        data, f"data-request-{data_request.pk}-{timezone.localdate():%Y-%m-%d}.json"
    )


@require_POST
@permissions.staff_page
def request_erase(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = _get_request_for_staff(request, pk)
    form = RequestEraseForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, data_request, form)
    try:
        services.data_request_erase(request=data_request, by=request.user)
    except services.PrivacyRefused as error:
        messages.error(request, f"Nothing was erased. {error.messages[0]}")
    else:
        messages.success(request, "Their data is erased.")
    return redirect("privacy:request_detail", pk=data_request.pk)
