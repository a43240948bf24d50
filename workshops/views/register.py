"""A participant's side of registration: register, cancel, accept an offer, My workshops, the
private calendar feed, and the guardian's consent link."""

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from codesign.core.cache import personal_page
from codesign.core.refusals import refusal_text
from feedback.services import feedback_mark_open, with_feedback_state
from workshops import ical, services
from workshops.forms import RegisterForm
from workshops.models import CalendarFeed, GuardianConsent, Registration, Workshop

# Registering is limited per person: this many tries (sent forms, whatever the outcome) in
# this many seconds. Enough for anyone signing up to a whole programme's workshops at once.
REGISTER_TRIES = 20
REGISTER_WINDOW_SECONDS = 10 * 60
TOO_MANY_TRIES = "You have tried many times in a short time. Please wait a few minutes."


def _too_many_tries(user: Any) -> bool:
    """Count this try; True once the person has gone over the limit. The count starts with
    their first try and resets when the window ends."""
    key = f"workshops:register-tries:{user.pk}"
    cache.add(key, 0, timeout=REGISTER_WINDOW_SECONDS)
    try:
        tries = cache.incr(key)
    except ValueError:
        # The window ended between the two calls: this try starts a new one.
        cache.set(key, 1, timeout=REGISTER_WINDOW_SECONDS)
        tries = 1
    return tries > REGISTER_TRIES


@require_POST
@login_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    from participants.services import profile_missing_for_registration

    # Counted before anything else, so tries at workshops that do not exist count too.
    over_limit = _too_many_tries(request.user)
    workshop = get_object_or_404(Workshop.objects.select_related("programme"), pk=pk)
    if over_limit:
        messages.error(request, TOO_MANY_TRIES)
        return redirect(workshop)
    if profile_missing_for_registration(request.user):
        messages.info(
            request,
            "Before you register, please finish your profile. It takes a few minutes, and "
            "then we bring you back here.",
        )
        query = urlencode({"next": workshop.get_absolute_url()})
        return redirect(f"{reverse('participants:profile')}?{query}")
    form = RegisterForm(request.POST)
    if not form.is_valid():
        # A filled-in spam trap reads as the form's own plain, generic problem.
        problems = [*form.non_field_errors(), *form.errors.get("companion_name", [])]
        messages.error(request, " ".join(problems))
        return redirect(workshop)
    try:
        registration = services.registration_create(
            workshop=workshop,
            user=request.user,
            companion_name=form.cleaned_data["companion_name"],
        )
    except ValidationError as error:
        messages.error(request, refusal_text(error))
        return redirect(workshop)
    messages.success(request, _status_sentence(registration))
    return redirect(workshop)


def _status_sentence(registration: Registration) -> str:
    status = registration.status
    if status == Registration.Status.CONFIRMED:
        return "You have a place. We have added it to My workshops."
    if status == Registration.Status.AWAITING_GUARDIAN:
        return (
            "We are keeping a place for you. We have emailed your parent or guardian: your "
            "place is confirmed when they say yes."
        )
    position = services.waitlist_position(registration)
    return (
        f"The workshop is full, so you are on the waiting list. You are number {position}. "
        "We will tell you if a place comes up."
    )


def _own_registration(request: HttpRequest, pk: int) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("workshop__programme"), pk=pk, user=request.user
    )


@require_POST
@login_required
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _own_registration(request, pk)
    was_waiting = registration.status == Registration.Status.WAITLISTED
    try:
        services.registration_cancel(registration=registration, by=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(
            request,
            "You have left the waiting list."
            if was_waiting
            else "Your place is cancelled. Thank you for letting us know.",
        )
    return redirect("workshops:mine")


@require_POST
@login_required
def accept_offer(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _own_registration(request, pk)
    try:
        services.registration_accept_offer(registration=registration, by=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, "You have a place. See you there.")
    return redirect("workshops:mine")


@require_GET
@login_required
@personal_page()
def my_workshops(request: HttpRequest) -> HttpResponse:
    registrations = list(
        with_feedback_state(
            Registration.objects.filter(user=request.user)
            .exclude(status=Registration.Status.CANCELLED)
            .select_related("workshop__programme", "workshop__venue")
            .order_by("workshop__starts_at")
        )
    )
    now = timezone.now()
    upcoming = [r for r in registrations if r.workshop.ends_at >= now]
    past = [r for r in registrations if r.workshop.ends_at < now]
    feedback_mark_open(past, now=now)
    positions = services.waitlist_positions([r for r in upcoming if r.status == "waitlisted"])
    for registration in upcoming:
        registration.position = positions.get(registration.pk)
    attended_programmes = {
        r.workshop.programme.slug: r.workshop.programme
        for r in past
        if r.status == Registration.Status.ATTENDED
    }
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(
        request,
        "workshops/mine.html",
        {
            "upcoming": upcoming,
            "past": past,
            "certificates": list(attended_programmes.values()),
            "feed_url": ical.absolute_url(reverse("workshops:my_feed", args=[feed.token]))
            if feed
            else None,
        },
    )


@require_POST
@login_required
def feed_reset(request: HttpRequest) -> HttpResponse:
    """Make (or replace) the private calendar address; the old one stops working."""
    CalendarFeed.objects.update_or_create(
        user=request.user, defaults={"token": secrets.token_urlsafe(32)}
    )
    messages.success(
        request,
        "Your private calendar address is ready. Any address you had before no longer works.",
    )
    return redirect("workshops:mine")


@require_GET
def my_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    workshops = ical.for_calendar(
        Workshop.objects.filter(
            registrations__user=feed.user,
            registrations__status__in=[*Registration.HOLDING, Registration.Status.WAITLISTED],
        )
    )
    content = ical.workshops_calendar(workshops, name="My workshops")
    return ical.calendar_response(content, "my-workshops.ics")


@require_http_methods(["GET", "POST"])
def guardian_consent(request: HttpRequest, token: str) -> HttpResponse:
    """The page a parent or guardian opens from the email. No account needed: the link is
    the key."""
    consent = (
        GuardianConsent.objects.select_related(
            "registration__workshop__programme", "registration__user__profile"
        )
        .filter(token=token)
        .first()
    )
    if consent is None:
        raise Http404("This link does not work.")
    if request.method == "POST":
        try:
            services.guardian_consent_confirm(token=token)
        except ValidationError as error:
            messages.error(request, refusal_text(error))
        else:
            messages.success(request, "Thank you. Their place is confirmed.")
        return redirect("workshops:guardian_consent", token=token)
    return render(
        request,
        "workshops/guardian_consent.html",
        {
            "consent": consent,
            "workshop": consent.registration.workshop,
            "programme": consent.registration.workshop.programme,
            "young_person": consent.registration.user.profile.display_name or "your child",
        },
    )


urlpatterns = [
    path("<int:pk>/register/", register, name="register"),
    path("mine/", my_workshops, name="mine"),
    path("mine/calendar/reset/", feed_reset, name="my_feed_reset"),
    path("mine/calendar/<str:token>.ics", my_feed, name="my_feed"),
    path("registrations/<int:pk>/cancel/", cancel, name="registration_cancel"),
    path("registrations/<int:pk>/accept/", accept_offer, name="registration_accept"),
    path("guardian/<str:token>/", guardian_consent, name="guardian_consent"),
]
