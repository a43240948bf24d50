"""Pages anyone can open: the list of upcoming workshops, a workshop's page, and calendar files.

A workshop is public when its programme is public and it is published, or it was published and
has since been cancelled (people who planned to come must be able to read why). Its programme's
team and site admins also see drafts, with a banner saying nobody else can.
"""

import datetime as dt
from typing import Any

from django import forms
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Max, OuterRef, Q, Subquery, Value
from django.db.models.lookups import Exact
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from codesign.core import permissions
from codesign.core.cache import PUBLIC_WORKSHOPS, anonymous_page
from programmes.models import Programme, TeamRole
from workshops import ical
from workshops.forms import RegisterForm
from workshops.models import AgendaItem, Registration, Workshop, WorkshopChange, WorkshopQuerySet
from workshops.services import waitlist_position
from workshops.templatetags.workshop_words import UK_TIME

PER_PAGE = 20
MONTHS_AHEAD = 12
FEED_KEEPS_PAST_DAYS = 90
FEED_CACHE_SECONDS = 10 * 60
# Signed-out visitors' pages are kept until a workshop, its programme or its registrations
# change (codesign/core/cache.py), and at most this long, for what changes with time alone.
PAGE_CACHE_SECONDS = 60


class WorkshopFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        help_text="A word from the title, who it is for, or the place.",
    )
    programme = forms.ChoiceField(
        label="Programme",
        required=False,
        error_messages={"invalid_choice": "Choose a programme from the list."},
    )
    format = forms.ChoiceField(
        label="In person or online",
        required=False,
        choices=[("", "Any"), *Workshop.Format.choices],
        error_messages={"invalid_choice": "Choose in person, online or hybrid from the list."},
    )
    month = forms.ChoiceField(
        label="Month",
        required=False,
        error_messages={"invalid_choice": "Choose a month from the list."},
    )

    def __init__(
        self, *args: Any, programmes: list[Programme], months: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [
            ("", "All programmes"),
            *((p.slug, p.title) for p in programmes),
        ]
        self.fields["month"].choices = [("", "Any month"), *months]


def _next_months(now: dt.datetime) -> list[tuple[str, str]]:
    """This month and the next 11 as ("2026-11", "November 2026")."""
    today = now.astimezone(UK_TIME).date()
    months = []
    for n in range(MONTHS_AHEAD):
        year, month = divmod(today.month - 1 + n, 12)
        first = dt.date(today.year + year, month + 1, 1)
        months.append((f"{first:%Y-%m}", f"{first:%B %Y}"))
    return months


def _month_range(value: str) -> tuple[dt.datetime, dt.datetime]:
    year, month = (int(part) for part in value.split("-"))
    start = dt.datetime(year, month, 1, tzinfo=UK_TIME)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UK_TIME)
    return start, end


def _filter(workshops: WorkshopQuerySet, data: dict[str, Any]) -> WorkshopQuerySet:
    if data.get("programme"):
        workshops = workshops.filter(programme__slug=data["programme"])
    if data.get("format"):
        workshops = workshops.filter(format=data["format"])
    if data.get("month"):
        start, end = _month_range(data["month"])
        workshops = workshops.filter(starts_at__gte=start, starts_at__lt=end)
    if query := (data.get("q") or "").strip():
        workshops = workshops.filter(
            Q(title__icontains=query)
            | Q(description__icontains=query)
            | Q(audience__icontains=query)
            | Q(venue__name__icontains=query)
        )
    return workshops


@require_GET
@anonymous_page(PUBLIC_WORKSHOPS, PAGE_CACHE_SECONDS)
def workshop_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    programmes = list(Programme.objects.public().only("slug", "title").order_by("title"))
    form = WorkshopFilterForm(request.GET or None, programmes=programmes, months=_next_months(now))
    filters: dict[str, Any] = {}
    if form.is_bound:
        # Filters that are fine still apply when another one is not.
        form.is_valid()
        filters = form.cleaned_data
    workshops = _filter(
        Workshop.objects.published().upcoming().order_by("starts_at", "id"), filters
    )
    # Count places only for the page shown: summed over every upcoming workshop, the counts
    # cost more than the rest of the page together.
    page = Paginator(workshops.values_list("pk", flat=True), PER_PAGE).get_page(
        request.GET.get("page")
    )
    shown = (
        Workshop.objects.filter(pk__in=list(page.object_list))
        .select_related("programme", "venue")
        .with_counts()
        .in_bulk()
    )
    page.object_list = [shown[pk] for pk in page.object_list if pk in shown]
    return render(
        request,
        "workshops/public/list.html",
        {
            "form": form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_ends=1),
            "is_filtered": any(filters.values()),
        },
    )


def _publicly_visible() -> Q:
    # A cancelled workshop stays public only if it was public when it was cancelled: a draft
    # someone cancelled was never meant to be seen.
    last_listing = (
        WorkshopChange.objects.filter(
            workshop=OuterRef("pk"),
            kind__in=[WorkshopChange.Kind.PUBLISHED, WorkshopChange.Kind.UNPUBLISHED],
        )
        .order_by("-created_at", "-id")
        .values("kind")[:1]
    )
    was_public = Q(Exact(Subquery(last_listing), Value(WorkshopChange.Kind.PUBLISHED.value)))
    return Q(programme__status__in=Programme.public_statuses()) & (
        Q(status=Workshop.Status.PUBLISHED) | (Q(status=Workshop.Status.CANCELLED) & was_public)
    )


def _is_team(user: Any, programme: Programme) -> bool:
    return permissions.has_programme_role(
        user, programme, TeamRole.ORGANISER
    ) or permissions.has_programme_role(user, programme, TeamRole.REVIEWER)


def _get_workshop_for_visitor(
    request: HttpRequest, pk: int, workshops: WorkshopQuerySet
) -> tuple[Workshop, bool]:
    """The workshop, and whether only its team may see it; 404 for anyone else, so drafts are
    not even confirmed to exist."""
    workshop = get_object_or_404(
        workshops.select_related("programme", "venue").annotate(is_public=_publicly_visible()),
        pk=pk,
    )
    if workshop.is_public:
        return workshop, False
    if _is_team(request.user, workshop.programme):
        return workshop, True
    raise Http404("No workshop here.")


def _registration_state(workshop: Workshop) -> str:
    """What the page says about registering; the register button comes with registration."""
    now = timezone.now()
    if workshop.is_cancelled:
        return "cancelled"
    if workshop.is_past:
        return "finished"
    if workshop.registration_is_open:
        return "open"
    if workshop.registration_opens_at and now < workshop.registration_opens_at:
        return "not_yet"
    if workshop.starts_at <= now:
        return "started"
    return "closed" if workshop.is_published else "draft"


@require_GET
@anonymous_page(PUBLIC_WORKSHOPS, PAGE_CACHE_SECONDS)
def workshop_detail(request: HttpRequest, pk: int) -> HttpResponse:
    workshop, team_only = _get_workshop_for_visitor(
        request,
        pk,
        Workshop.objects.with_counts().prefetch_related("agenda", "reservations", "materials"),
    )
    agenda = list(workshop.agenda.all())
    user = request.user
    my_registration = (
        # Through the workshop's manager, so the registration knows its workshop (the queue
        # position reads it) without loading it again.
        workshop.registrations.filter(user=user)
        .exclude(status=Registration.Status.CANCELLED)
        .first()
        if user.is_authenticated
        else None
    )
    has_confirmed_place = (
        workshop.is_online
        and my_registration is not None
        and my_registration.status == Registration.Status.CONFIRMED
    )
    return render(
        request,
        "workshops/public/detail.html",
        {
            "workshop": workshop,
            "programme": workshop.programme,
            "team_only": team_only,
            "agenda": agenda,
            "lived_experience_parts": sum(
                1
                for item in agenda
                if item.lived_experience_role != AgendaItem.LivedExperienceRole.NONE
            ),
            "show_joining_link": has_confirmed_place and not workshop.is_cancelled,
            "registration": _registration_state(workshop),
            "my_registration": my_registration,
            "my_position": waitlist_position(my_registration) if my_registration else None,
            "register_form": RegisterForm(),
            "feed_url": ical.absolute_url(
                reverse("workshops:programme_feed", args=[workshop.programme.slug])
            ),
        },
    )


@require_GET
def workshop_ics(request: HttpRequest, pk: int) -> HttpResponse:
    workshop, _ = _get_workshop_for_visitor(request, pk, ical.for_calendar(Workshop.objects.all()))
    content = ical.workshops_calendar([workshop], name=workshop.title)
    return ical.calendar_response(content, f"{slugify(workshop.title) or 'workshop'}.ics")


@require_GET
def programme_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """A feed people subscribe to in their calendar app: the programme's workshops from the
    last 90 days on. Drafts stay out even for the team: calendar apps don't sign in."""
    programme = get_object_or_404(Programme.objects.public(), slug=slug)
    # Calendar apps fetch feeds often and a national programme's feed has hundreds of events:
    # the file is kept until a workshop of the programme or the programme itself changes
    # (their times of change are in the key), and at most FEED_CACHE_SECONDS.
    latest = programme.workshops.aggregate(n=Count("pk"), last=Max("updated_at"))
    stamp = latest["last"].timestamp() if latest["last"] else 0
    key = f"workshops:feed:{programme.pk}:{programme.updated_at.timestamp()}:{latest['n']}:{stamp}"
    content = cache.get(key)
    if content is None:
        since = timezone.now() - dt.timedelta(days=FEED_KEEPS_PAST_DAYS)
        workshops = ical.for_calendar(
            programme.workshops.filter(_publicly_visible(), ends_at__gte=since).order_by(
                "starts_at", "id"
            )
        )
        content = ical.workshops_calendar(workshops, name=f"{programme.title} workshops")
        cache.set(key, content, FEED_CACHE_SECONDS)
    return ical.calendar_response(content, f"{programme.slug}.ics")


urlpatterns = [
    path("", workshop_list, name="list"),
    path("<int:pk>/", workshop_detail, name="detail"),
    path("<int:pk>/calendar.ics", workshop_ics, name="ics"),
    path("feeds/<slug:slug>.ics", programme_feed, name="programme_feed"),
]
