"""A person's own profile: the summary page, the steps that fill it in, and the optional
equality monitoring questions.

Every page here works on the signed-in person's own records. No URL carries anyone's id, so
nobody can open someone else's profile.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from codesign.core.notices import unsubscribe_user_id
from participants import services
from participants.forms import STEP_PAGES, EqualityForm, Step
from participants.models import Consent, EqualityMonitoring, Profile

# Optional steps (nothing required in them) saved in this session, so "Finish your profile"
# can take people on to the step after, not back to one they have already seen.
SAVED_STEPS_KEY = "participants_steps_saved"


def _safe_next(request: HttpRequest) -> str:
    """The page to return to when the profile is done, if it is one of ours."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _step_url(slug: str, next_url: str) -> str:
    url = reverse("participants:profile_step", kwargs={"step": slug})
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _next_step(request: HttpRequest, profile: Profile, consents: dict[str, Consent]) -> str | None:
    """The first step still to do: one missing a required answer, or an optional one not yet
    saved. None when the profile is finished and nothing is missing."""
    unanswered = services.profile_unanswered_steps(profile, consents=consents)
    if profile.completed_at is not None:
        return unanswered[0] if unanswered else None
    saved = set(request.session.get(SAVED_STEPS_KEY, []))
    for step in services.profile_steps(profile):
        if step in unanswered or (step in services.OPTIONAL_STEPS and step not in saved):
            return step
    # Every answer is in, but the last step has not been saved since.
    return services.AGREEMENT


def _step_after(profile: Profile, slug: str) -> str | None:
    position = services.STEPS.index(slug)
    later = [
        step for step in services.profile_steps(profile) if services.STEPS.index(step) > position
    ]
    return later[0] if later else None


def _step_before(profile: Profile, slug: str) -> str | None:
    position = services.STEPS.index(slug)
    earlier = [
        step for step in services.profile_steps(profile) if services.STEPS.index(step) < position
    ]
    return earlier[-1] if earlier else None


@require_GET
@login_required
def summary(request: HttpRequest) -> HttpResponse:
    profile = services.profile_get_or_create(user=request.user)
    consents = services.consents_in_force(request.user)
    next_url = _safe_next(request)
    next_step = _next_step(request, profile, consents)
    steps = services.profile_steps(profile)
    return render(
        request,
        "participants/profile.html",
        {
            "profile": profile,
            "privacy": consents.get(Consent.Kind.PRIVACY),
            "privacy_agreed": services.privacy_agreed(consents),
            "contact": consents.get(Consent.Kind.CONTACT),
            "photos": consents.get(Consent.Kind.PHOTOS),
            "next_step": STEP_PAGES[next_step] if next_step else None,
            "next_step_number": steps.index(next_step) + 1 if next_step else None,
            "next_step_url": _step_url(next_step, next_url) if next_step else "",
            "step_count": len(steps),
            # Keyed with underscores, which templates can look up ("about_you").
            "change_urls": {slug.replace("-", "_"): _step_url(slug, "") for slug in steps},
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def profile_step(request: HttpRequest, step: str) -> HttpResponse:
    page: Step | None = STEP_PAGES.get(step)
    if page is None:
        raise Http404("There is no such step.")
    profile = services.profile_get_or_create(user=request.user)
    next_url = _safe_next(request)
    steps = services.profile_steps(profile)
    finished = profile.completed_at is not None
    if step not in steps:
        # Only the guardian step is ever skipped: it is for people under 18.
        if finished:
            return redirect("participants:profile")
        return redirect(_step_url(_step_after(profile, step) or services.AGREEMENT, next_url))
    consents = services.consents_in_force(request.user)
    # An empty POST (nothing ticked) must still be checked, so not `request.POST or None`.
    data = request.POST if request.method == "POST" else None
    form = page.form_class(data, profile=profile, consents=consents)
    if request.method == "POST" and form.is_valid():
        try:
            _save_step(request, profile, page, form)
        except ValidationError as error:
            # The form checks what the model does; this only catches what slips past it.
            form.add_error(None, error.messages)
        else:
            return _after_step(request, profile, step, next_url)
    before = None if finished else _step_before(profile, step)
    return render(
        request,
        page.template,
        {
            "form": form,
            "step": page,
            "profile": profile,
            "step_number": steps.index(step) + 1,
            "step_count": len(steps),
            "back_url": _step_url(before, next_url) if before else reverse("participants:profile"),
            "next_url": next_url,
            "is_last": step == steps[-1],
            "finished": finished,
        },
    )


def _save_step(request: HttpRequest, profile: Profile, page: Step, form: Any) -> None:
    if page.slug == services.AGREEMENT:
        services.consents_record(
            user=request.user,
            privacy=form.cleaned_data["privacy"],
            contact=form.cleaned_data["contact"],
            photos=form.cleaned_data["photos"],
        )
    else:
        services.profile_update(profile=profile, data=form.profile_data())
    if page.slug in services.OPTIONAL_STEPS:
        saved = set(request.session.get(SAVED_STEPS_KEY, []))
        request.session[SAVED_STEPS_KEY] = sorted(saved | {page.slug})


def _after_step(request: HttpRequest, profile: Profile, step: str, next_url: str) -> HttpResponse:
    """Go on to the next step; after the last one, finish the profile. People changing a
    finished profile go back to where they came from, unless something is still missing."""
    finished_before = profile.completed_at is not None
    following = _step_after(profile, step)
    if not finished_before and following is not None:
        return redirect(_step_url(following, next_url))
    consents = services.consents_in_force(request.user)
    unanswered = services.profile_unanswered_steps(profile, consents=consents)
    if unanswered:
        messages.info(request, f"Your answers are saved. Next: {STEP_PAGES[unanswered[0]].title}.")
        return redirect(_step_url(unanswered[0], next_url))
    services.profile_complete(profile=profile)
    request.session.pop(SAVED_STEPS_KEY, None)
    messages.success(
        request, "Your changes are saved." if finished_before else "Your profile is ready."
    )
    return redirect(next_url or "participants:profile")


# Equality monitoring


@require_http_methods(["GET", "POST"])
@login_required
def equality(request: HttpRequest) -> HttpResponse:
    monitoring = EqualityMonitoring.objects.filter(user=request.user).first()
    data = request.POST if request.method == "POST" else None
    form = EqualityForm(data, monitoring=monitoring)
    if request.method == "POST" and form.is_valid():
        services.equality_monitoring_save(user=request.user, data=form.cleaned_data)
        messages.success(request, "Thank you. Your answers are saved.")
        return redirect("participants:profile")
    return render(
        request, "participants/equality.html", {"form": form, "has_answers": monitoring is not None}
    )


@require_POST
@login_required
def equality_delete(request: HttpRequest) -> HttpResponse:
    if services.equality_monitoring_delete(user=request.user):
        messages.success(request, "Your equality answers are deleted.")
    return redirect("participants:profile")


# Reminders can be switched off from any email without signing in: the link carries a signed
# token for the person. Mail apps' own "unsubscribe" button posts to the same address
# (RFC 8058), without our form's CSRF token, so the token is what authorises the change.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user_id = unsubscribe_user_id(token)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return render(request, "participants/unsubscribe.html", {"bad_link": True}, status=404)
    if request.method == "POST":
        services.reminders_turn_off(profile=services.profile_get_or_create(user=user))
        return render(request, "participants/unsubscribe.html", {"done": True})
    # Looking changes nothing: mail scanners open links to check them.
    profile = Profile.objects.filter(user=user).first()
    already_off = profile is not None and not profile.reminders
    return render(request, "participants/unsubscribe.html", {"already_off": already_off})
