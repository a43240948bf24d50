from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from codesign.core import notices, permissions
from codesign.core.context_processors import menu_urls
from codesign.core.models import OutboxMessage
from programmes.models import Programme, TeamRole
from workshops.models import Workshop

HOME_WORKSHOPS = 3


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    upcoming = (
        Workshop.objects.published()
        .upcoming()
        .select_related("programme", "venue")
        .with_counts()
        .order_by("starts_at", "id")[:HOME_WORKSHOPS]
    )
    return render(request, "core/home.html", {"upcoming_workshops": upcoming})


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and uptime checks: the web process answers. It touches neither the
    database nor the cache, so it is also the benchmark's ceiling for a Django page."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


# The messages page: what the outbox sent, and what it could not, for the people who can act.

MESSAGES_PER_PAGE = 50
# Failed first: those are the ones someone needs to act on.
STATUS_ORDER = [
    OutboxMessage.Status.FAILED,
    OutboxMessage.Status.PENDING,
    OutboxMessage.Status.SENT,
    OutboxMessage.Status.SKIPPED,
]


class MessageFilterForm(forms.Form):
    programme = forms.ChoiceField(
        label="Programme",
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "Choose a programme from the list."},
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
        choices=[("", "Any status, failed first")]
        + [(status.value, status.label) for status in STATUS_ORDER],
        error_messages={"invalid_choice": "Choose a status from the list."},
    )

    def __init__(self, *args: Any, programmes: list[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programmes = {str(programme.pk): programme for programme in programmes}
        self.fields["programme"].choices = [
            ("", "All your programmes"),
            *((str(programme.pk), programme.title) for programme in programmes),
        ]


def _messages_visible_to(user: Any) -> tuple[Any, list[Programme]]:
    """The messages this person may see, and the programmes they see them for. Site admins see
    every message (a welcome email belongs to no programme); organisers those of the programmes
    they organise. Anyone else is refused."""
    if permissions.is_site_admin(user):
        return OutboxMessage.objects.all(), list(Programme.objects.order_by("title", "id"))
    organised = {pk for pk, role in permissions.team_roles(user) if role == TeamRole.ORGANISER}
    if not organised:
        raise PermissionDenied("This page is for programme organisers.")
    programmes = list(Programme.objects.filter(pk__in=organised).order_by("title", "id"))
    return OutboxMessage.objects.filter(programme_id__in=organised), programmes


@require_GET
@permissions.staff_page
def outbox_messages(request: HttpRequest) -> HttpResponse:
    """Every email sent for the programmes someone runs, failed ones first, with a way to try
    a failed one again. The same number of queries however many there are."""
    visible, programmes = _messages_visible_to(request.user)
    form = MessageFilterForm(request.GET or None, programmes=programmes)
    chosen: dict[str, Any] = {}
    if form.is_bound:
        # A filter that is fine still applies when the other one is not.
        form.is_valid()
        chosen = form.cleaned_data
    programme = form.programmes.get(chosen.get("programme") or "")
    if programme is not None:
        visible = visible.filter(programme=programme)
    counts = dict.fromkeys(STATUS_ORDER, 0)
    counts.update(visible.order_by().values_list("status").annotate(n=Count("id")))
    status = chosen.get("status") or ""
    listed = visible.filter(status=status) if status else visible
    listed = listed.annotate(
        status_rank=Case(
            *(When(status=value, then=rank) for rank, value in enumerate(STATUS_ORDER)),
            default=len(STATUS_ORDER),
        )
    ).order_by("status_rank", "-created_at", "-id")
    page = Paginator(
        listed.select_related("workshop", "programme", "user__profile"), MESSAGES_PER_PAGE
    ).get_page(request.GET.get("page"))
    for message in page.object_list:
        message.kind_words = notices.kind_words(message.kind)
        message.error_words = notices.failure_words(message.last_error)
        message.copy_for = notices.display_name(message.user) if message.is_copy else ""
    query = request.GET.copy()
    query.pop("page", None)
    by_status = request.GET.copy()
    by_status.pop("page", None)
    by_status.pop("status", None)
    return render(
        request,
        "core/messages.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "status_query": by_status.urlencode(),
            "counts": [
                (value, OutboxMessage.Status(value).label, counts[value]) for value in STATUS_ORDER
            ],
            "total": sum(counts.values()),
            "status": status,
            "programme": programme,
            "is_filtered": bool(programme or status),
        },
    )


@require_POST
@permissions.staff_page
def outbox_message_retry(request: HttpRequest, pk: int) -> HttpResponse:
    visible, _programmes = _messages_visible_to(request.user)
    message = get_object_or_404(visible, pk=pk)
    if notices.outbox_retry(message=message):
        messages.success(request, f"We are trying again to send the message to {message.to}.")
    else:
        messages.info(request, f"The message to {message.to} is no longer failed.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("core:messages")
    return redirect(next_url)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 page, with the site's name and menu: it is made without the request's
    context (the request is one we could not read), so nothing from it is used."""
    content = loader.get_template("400.html").render(
        {"site_name": settings.SITE_NAME, "menu": menu_urls()}
    )
    return HttpResponse(content, status=400)
