"""Collaborative pair pages.

For the pair: start an application from a programme, the partner's page their invitation links
to (readable without an account; joining needs one), the pair's page, My pairs, the learning
log and the cohort's shared log. Only the two partners open a pair's pages; everyone else gets
a 404, so others' pairs are not even confirmed to exist.

For organisers (through `permissions.staff_page`, then `get_programme_for_organiser`): the
pairs of each cohort with places taken, each pair's application, and the decision, always for
both partners together.
"""

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from codesign.accounts.links import sign_up_or_in_for_link
from codesign.core import audit, permissions
from codesign.core.refusals import refusal_text
from pairs import services
from pairs.forms import (
    REVIEW_STATUSES,
    DecisionForm,
    LogEntryForm,
    PairStartForm,
    PartnerChangeForm,
    PartnerDeclineForm,
    PartnerPartForm,
    ReviewFilterForm,
    open_cohorts,
)
from pairs.models import LogEntry, Pair
from programmes.models import Cohort, Programme

ALREADY_JOINED = "Someone has already joined this pair. If that is you, sign in to see your pair."
LOG_PAGE_SIZE = 50
REVIEW_PAGE_SIZE = 50
PAIR_RELATED = ("programme", "cohort", "professional__profile", "partner__profile")


def _posted(request: HttpRequest) -> Any:
    """The form data on a POST, even an empty one (so an empty form shows its errors)."""
    return request.POST if request.method == "POST" else None


def _addrefusal_text(form: Any, error: ValidationError) -> None:
    """Put a service's refusal on the fields it names, or at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _get_pair_for_member(request: HttpRequest, pk: int) -> Pair:
    """The pair if this person is one of the two partners; otherwise 404."""
    pair = get_object_or_404(Pair.objects.select_related(*PAIR_RELATED), pk=pk)
    if not pair.is_member(request.user):
        raise Http404("No pair here.")
    return pair


def bursary_links(pair: Pair, user: Any) -> list[tuple[str, str]]:
    """(scheme name, link) for each bursary open now that the partner can apply for as part of
    this pair. Only the partner: bursaries take `?pair=` from the pair's partner."""
    if user.pk != pair.partner_id or not pair.is_live:
        return []
    from bursaries.models import BursaryScheme
    from bursaries.services import is_eligible

    now = timezone.now()
    schemes = (
        BursaryScheme.objects.filter(programme=pair.programme_id, opens_at__lte=now)
        .filter(closes_at__gt=now)
        .select_related("workshop")
        .order_by("closes_at", "pk")
    )
    query = urlencode({"pair": pair.pk})
    return [
        (
            f"{scheme.name} ({scheme.workshop.title})" if scheme.workshop else scheme.name,
            f"{reverse('bursaries:apply', kwargs={'pk': scheme.pk})}?{query}",
        )
        for scheme in schemes
        if is_eligible(scheme=scheme, user=user)
    ]


# Starting an application


@require_http_methods(["GET", "POST"])
@login_required
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """A professional starts a pair application to one of the programme's cohorts."""
    programme = get_object_or_404(Programme.objects.public(), slug=slug)
    cohorts = list(open_cohorts(programme))
    if programme.status != Programme.Status.OPEN or not cohorts:
        return render(request, "pairs/start_closed.html", {"programme": programme}, status=200)
    if not services.is_professional(request.user):
        return render(request, "pairs/start_not_professional.html", {"programme": programme})
    initial: dict[str, Any] = {}
    if len(cohorts) == 1:
        initial["cohort"] = cohorts[0].pk
    profile = getattr(request.user, "profile", None)
    if profile is not None and profile.organisation:
        initial["organisation"] = profile.organisation
    form = PairStartForm(_posted(request), programme=programme, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pair = services.pair_start(
                cohort=data["cohort"],
                professional=request.user,
                partner_name=data["partner_name"],
                partner_email=data["partner_email"],
                task=data["task"],
                organisation=data["organisation"],
                organisation_support=data["organisation_support"],
                how_we_work=data["how_we_work"],
            )
        except ValidationError as error:
            _addrefusal_text(form, error)
        else:
            messages.success(
                request,
                f"Your application is started. We have emailed {pair.partner_name} a link to "
                "join it and add their part.",
            )
            return redirect("pairs:detail", pk=pair.pk)
    mine = (
        Pair.objects.filter(programme=programme, professional=request.user)
        .exclude(status=Pair.Status.WITHDRAWN)
        .select_related("cohort")
    )
    return render(
        request,
        "pairs/start.html",
        {"programme": programme, "form": form, "mine": list(mine)},
    )


# The pair's own pages


@require_GET
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    pairs = (
        Pair.objects.for_member(request.user)
        .select_related(*PAIR_RELATED)
        .order_by("-created_at", "-id")
    )
    return render(request, "pairs/mine.html", {"pairs": pairs})


@require_GET
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(Pair.objects.select_related(*PAIR_RELATED), pk=pk)
    if not pair.is_member(request.user):
        if permissions.can_organise(request.user, pair.programme):
            return redirect("pairs:review_pair", slug=pair.programme.slug, pk=pair.pk)
        raise Http404("No pair here.")
    is_professional = request.user.pk == pair.professional_id
    return render(
        request,
        "pairs/detail.html",
        {
            "pair": pair,
            "programme": pair.programme,
            "is_professional": is_professional,
            "other_name": pair.partner_display if is_professional else pair.professional_display,
            "can_submit": pair.is_forming and pair.partner_has_accepted,
            "can_invite": is_professional and pair.is_forming and not pair.partner_has_accepted,
            "bursaries": bursary_links(pair, request.user),
        },
    )


@require_POST
@login_required
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _get_pair_for_member(request, pk)
    try:
        services.pair_submit(pair=pair, by=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(
            request,
            "Your application has been sent to the programme team. We will tell you both what "
            "they decide.",
        )
    return redirect("pairs:detail", pk=pair.pk)


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _get_pair_for_member(request, pk)
    try:
        services.pair_withdraw(pair=pair, by=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, "Your application has been withdrawn. We have told you both.")
    return redirect("pairs:detail", pk=pair.pk)


def _get_pair_for_professional(request: HttpRequest, pk: int) -> Pair:
    pair = _get_pair_for_member(request, pk)
    if request.user.pk != pair.professional_id:
        raise Http404("No pair here.")
    return pair


@require_POST
@login_required
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _get_pair_for_professional(request, pk)
    try:
        services.pair_invite_partner(pair=pair, email=pair.partner_email, by=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, f"We are sending the invitation to {pair.partner_email} again.")
    return redirect("pairs:detail", pk=pair.pk)


@require_http_methods(["GET", "POST"])
@login_required
def change_partner(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite someone else, or fix a mistyped address. The old link stops working."""
    pair = _get_pair_for_professional(request, pk)
    if not pair.is_forming or pair.partner_has_accepted:
        messages.error(
            request,
            "The invitation can't change now: your partner has joined, or the application has moved on.",
        )
        return redirect("pairs:detail", pk=pair.pk)
    form = PartnerChangeForm(
        _posted(request),
        initial={"partner_name": pair.partner_name, "partner_email": pair.partner_email},
    )
    if request.method == "POST" and form.is_valid():
        try:
            pair = services.pair_invite_partner(
                pair=pair,
                email=form.cleaned_data["partner_email"],
                name=form.cleaned_data["partner_name"],
                by=request.user,
            )
        except ValidationError as error:
            _addrefusal_text(form, error)
        else:
            messages.success(
                request, f"We have emailed {pair.partner_name} an invitation to join your pair."
            )
            return redirect("pairs:detail", pk=pair.pk)
    return render(
        request,
        "pairs/change_partner.html",
        {"pair": pair, "programme": pair.programme, "form": form},
    )


# The partner's invitation


def _pair_by_token(token: str) -> Pair:
    pair = Pair.objects.select_related(*PAIR_RELATED).filter(partner_token=token).first()
    if pair is None:
        raise Http404("This link does not work.")
    return pair


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """What the partner is invited to, who invited them, and (once signed in) their part to
    fill in. Anyone with the link can read it: the link is the key."""
    pair = _pair_by_token(token)
    user = request.user if request.user.is_authenticated else None
    if user is not None and user.pk == pair.professional_id:
        messages.info(request, "This is the link your partner uses to join. Here is your pair.")
        return redirect("pairs:detail", pk=pair.pk)
    if (
        user is not None
        and pair.partner_id == user.pk
        and not pair.is_forming
        and request.method == "GET"
    ):
        return redirect("pairs:detail", pk=pair.pk)
    refusal = services.join_refusal(pair, user)
    if refusal is None and pair.partner_id and user is None:
        refusal = ALREADY_JOINED
    form = None
    if user is not None and refusal is None:
        form = PartnerPartForm(_posted(request), instance=copy.copy(pair))
    if request.method == "POST":
        if user is None:
            return redirect("pairs:join", token=token)
        if form is None:
            messages.error(request, refusal or "This link no longer works.")
            return redirect("pairs:join", token=token)
        if form.is_valid():
            joined_before = pair.partner_has_accepted
            try:
                services.pair_accept(
                    pair=pair,
                    partner=user,
                    statement=form.cleaned_data["partner_statement"],
                    support_needs=form.cleaned_data["partner_support_needs"],
                )
            except ValidationError as error:
                _addrefusal_text(form, error)
            else:
                if joined_before:
                    messages.success(request, "Your part is saved.")
                else:
                    messages.success(
                        request,
                        f"You have joined the pair. We have told {pair.professional_display}. "
                        "Either of you can now send the application.",
                    )
                return redirect("pairs:detail", pk=pair.pk)
    return render(
        request,
        "pairs/join.html",
        {
            "pair": pair,
            "programme": pair.programme,
            "refusal": refusal,
            "form": form,
            "decline_form": PartnerDeclineForm(),
            "answer": request.GET.get("answer", ""),
            "is_partner": user is not None and pair.partner_id == user.pk,
        },
    )


@require_POST
def join_account(request: HttpRequest, token: str) -> HttpResponse:
    """Signed out: remember the link, and on to create an account (the address is filled in and
    needs no check: the link proved it is theirs) or to sign in; then back to add their part."""
    pair = _pair_by_token(token)
    if request.user.is_authenticated:
        return redirect("pairs:join", token=token)
    if refusal := services.join_refusal(pair) or (ALREADY_JOINED if pair.partner_id else None):
        messages.error(request, refusal)
        return redirect("pairs:join", token=token)
    return sign_up_or_in_for_link(
        request,
        email=pair.partner_email,
        session_key=services.JOIN_SESSION_KEY,
        token=token,
        continue_url=reverse("pairs:join_continue"),
        action="join the pair",
    )


@require_GET
@login_required
def join_continue(request: HttpRequest) -> HttpResponse:
    """Where the partner lands after signing up or in: back to add their part."""
    token = request.session.pop(services.JOIN_SESSION_KEY, None)
    if not token or not Pair.objects.filter(partner_token=token).exists():
        messages.info(
            request, "We could not find your invitation. Open the link in the email again."
        )
        return redirect("core:home")
    return redirect("pairs:join", token=token)


@require_POST
def join_decline(request: HttpRequest, token: str) -> HttpResponse:
    pair = _pair_by_token(token)
    form = PartnerDeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [])))
        return redirect(f"{reverse('pairs:join', kwargs={'token': token})}?answer=decline")
    try:
        services.pair_partner_decline(
            pair=pair,
            reason=form.cleaned_data["reason"],
            user=request.user if request.user.is_authenticated else None,
        )
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    return redirect("pairs:join", token=token)


# The learning log


@require_http_methods(["GET", "POST"])
@login_required
def log(request: HttpRequest, pk: int) -> HttpResponse:
    """All the pair's entries, newest first, and a form to add one."""
    pair = _get_pair_for_member(request, pk)
    is_open = pair.status == Pair.Status.ACCEPTED
    form = LogEntryForm(_posted(request)) if is_open else None
    if request.method == "POST":
        if form is None:
            messages.error(request, "Your learning log opens when your pair is accepted.")
            return redirect("pairs:log", pk=pair.pk)
        if form.is_valid():
            try:
                services.log_entry_add(pair=pair, author=request.user, **form.cleaned_data)
            except ValidationError as error:
                _addrefusal_text(form, error)
            else:
                messages.success(request, "Your entry is saved.")
                return redirect("pairs:log", pk=pair.pk)
    entries = Paginator(
        pair.log_entries.select_related("author__profile").order_by("-entry_date", "-id"),
        LOG_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "pairs/log.html",
        {"pair": pair, "programme": pair.programme, "form": form, "page": entries},
    )


@require_http_methods(["GET", "POST"])
@login_required
def log_entry_edit(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    pair = _get_pair_for_member(request, pk)
    entry = get_object_or_404(LogEntry, pk=entry_pk, pair=pair)
    entry.pair = pair
    form = LogEntryForm(_posted(request), instance=copy.copy(entry))
    if request.method == "POST" and form.is_valid():
        try:
            services.log_entry_update(entry=entry, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _addrefusal_text(form, error)
        else:
            messages.success(request, "Your changes to the entry are saved.")
            return redirect("pairs:log", pk=pair.pk)
    return render(
        request,
        "pairs/log_entry_form.html",
        {"pair": pair, "programme": pair.programme, "form": form, "entry": entry},
    )


@require_GET
@login_required
def cohort_log(request: HttpRequest, pk: int) -> HttpResponse:
    """What the accepted pairs of a cohort share with each other. Open to those pairs and to
    the programme's organisers."""
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
    in_cohort = (
        Pair.objects.for_member(request.user)
        .filter(cohort=cohort, status=Pair.Status.ACCEPTED)
        .first()
    )
    if in_cohort is None and not permissions.can_organise(request.user, cohort.programme):
        raise Http404("No log here.")
    page = Paginator(services.log_entries_for_cohort(cohort), LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "pairs/cohort_log.html",
        {"cohort": cohort, "programme": cohort.programme, "page": page, "own_pair": in_cohort},
    )


# For organisers


@require_GET
@permissions.staff_page
def review(request: HttpRequest, slug: str) -> HttpResponse:
    """Each cohort with its places taken and how many pairs stand where."""
    programme = permissions.get_programme_for_organiser(request, slug)
    counts = {
        f"n_{status}": Count("pairs", filter=Q(pairs__status=status))
        for status in Pair.Status.values
    }
    cohorts = programme.cohorts.annotate(**counts)
    return render(
        request,
        "pairs/review.html",
        {"programme": programme, "cohorts": cohorts},
    )


@require_GET
@permissions.staff_page
def review_cohort(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The pairs who have sent an application to one cohort, by status."""
    programme = permissions.get_programme_for_organiser(request, slug)
    cohort = get_object_or_404(Cohort, pk=pk, programme=programme)
    form = ReviewFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    sent = Pair.objects.filter(cohort=cohort).exclude(status=Pair.Status.FORMING)
    counts = dict(
        Pair.objects.filter(cohort=cohort)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    pairs = sent.select_related("professional__profile", "partner__profile").order_by(
        "submitted_at", "id"
    )
    if status:
        pairs = pairs.filter(status=status)
    page = Paginator(pairs, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "pairs/review_cohort.html",
        {
            "programme": programme,
            "cohort": cohort,
            "form": form,
            "status": status,
            "page": page,
            "taken": counts.get(Pair.Status.ACCEPTED, 0),
            "forming": counts.get(Pair.Status.FORMING, 0),
            "states": [(key, label, counts.get(key, 0)) for key, label in REVIEW_STATUSES],
            "query": urlencode({"status": status}) if status else "",
        },
    )


def _review_page(
    request: HttpRequest, pair: Pair, form: DecisionForm, status: int = 200
) -> HttpResponse:
    entries = pair.log_entries.shared_with_team().select_related("author__profile")
    return render(
        request,
        "pairs/review_pair.html",
        {
            "programme": pair.programme,
            "cohort": pair.cohort,
            "pair": pair,
            "form": form,
            "taken": services.places_taken(pair.cohort),
            "entries": entries,
        },
        status=status,
    )


def _pair_for_organiser(request: HttpRequest, slug: str, pk: int) -> Pair:
    programme = permissions.get_programme_for_organiser(request, slug)
    pair = get_object_or_404(
        Pair.objects.select_related(*PAIR_RELATED, "decided_by__profile").exclude(
            status=Pair.Status.FORMING
        ),
        pk=pk,
        programme=programme,
    )
    return pair


@require_GET
@permissions.staff_page
def review_pair(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pair = _pair_for_organiser(request, slug, pk)
    audit.audit_access(
        request, audit.VIEWED_SUPPORT_NEEDS, target=pair, page="pair", subject=pair.partner_id
    )
    return _review_page(request, pair, DecisionForm())


@require_POST
@permissions.staff_page
def decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pair = _pair_for_organiser(request, slug, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            pair = services.pair_decide(
                pair=pair,
                decided_by=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _addrefusal_text(form, error)
        else:
            messages.success(
                request,
                f"{pair.professional_display} and {pair.partner_display}: "
                f"{pair.get_status_display().lower()}. We are telling them both.",
            )
            return redirect("pairs:review_pair", slug=slug, pk=pair.pk)
    return _review_page(request, pair, form)
