"""Bursary pages: applying and claiming (participants), schemes (organisers), the review queue
and the application page (reviewers, decision-makers and finance).

Staff pages open through `permissions.staff_page`, then an access helper that gives a 404 to
anyone without a role in that programme, and to a reviewer who declared a conflict of interest
with the application. Who does what:
- organisers (and site admins) set up schemes, assign reviewers, see reviews side by side,
  decide and release decisions;
- reviewers score and recommend, and approve or return claims;
- finance marks approved claims paid and exports the scheme's money as CSV.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bursaries import services
from bursaries.forms import (
    ApplicationForm,
    AssignForm,
    ClaimApproveForm,
    ClaimForm,
    ClaimPaidForm,
    ClaimReturnForm,
    ConflictForm,
    CriterionFormSet,
    DecisionForm,
    QueueFilterForm,
    ReviewForm,
    SchemeForm,
    criteria_initial,
)
from bursaries.models import (
    Application,
    ApplicationItem,
    Assignment,
    BursaryScheme,
    Claim,
    Conflict,
    CostType,
    Receipt,
    Review,
    cost_group,
)
from bursaries.people import applicant_label, cost_related_needs
from codesign.core import audit, permissions
from codesign.core.cache import personal_page
from codesign.core.markdown import render_markdown
from codesign.core.notices import display_name
from codesign.core.refusals import refusal_text
from participants.models import Perspective
from programmes.models import Membership, Programme, TeamRole

QUEUE_PER_PAGE = 25
HISTORY_WORDS = {
    "bursaries.application.saved": "Application saved as a draft",
    "bursaries.application.submitted": "Application sent",
    "bursaries.application.withdrawn": "Application withdrawn",
    "bursaries.application.assigned": "Reviewer assigned",
    "bursaries.conflict.declared": "Conflict of interest declared",
    "bursaries.review.saved": "Review saved",
    "bursaries.application.approved": "Decided: approved",
    "bursaries.application.declined": "Decided: declined",
    "bursaries.application.waitlisted": "Decided: waiting list",
    "bursaries.decision.released": "Decision told to the applicant",
    "bursaries.claim.submitted": "Claim sent",
    "bursaries.claim.approved": "Claim approved",
    "bursaries.claim.returned": "Claim returned",
    "bursaries.claim.paid": "Claim paid",
}
PERSPECTIVE_LABELS = dict(Perspective.choices)


def _show_errors(form: Form, error: ValidationError) -> None:
    """Put a service's refusal next to the field it is about, or above the form."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            target = field if field in form.fields and not form.fields[field].disabled else None
            for message in field_errors:
                form.add_error(target, message)
    else:
        form.add_error(None, error)


def _next_url(request: HttpRequest, default: str) -> str:
    url = request.POST.get("next", "")
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return default


# Who may do what in a programme


@dataclass(frozen=True)
class Access:
    programme: Programme
    decides: bool
    reviews: bool
    pays: bool

    @property
    def any(self) -> bool:
        return self.decides or self.reviews or self.pays

    @property
    def sees_reviews(self) -> bool:
        return self.decides or self.reviews

    def blind(self, scheme: BursaryScheme) -> bool:
        """Reviewers of a blind scheme see a number, not the applicant's name or email."""
        return scheme.blind_review and not self.decides and not self.pays


def _access(user: Any, programme: Programme) -> Access:
    return Access(
        programme=programme,
        decides=permissions.can_organise(user, programme),
        reviews=permissions.can_review_bursaries(user, programme),
        pays=permissions.can_pay_claims(user, programme),
    )


def _programme_access(request: HttpRequest, slug: str, *, need: str) -> Access:
    """The programme if this person holds a role that `need` allows; otherwise 404."""
    programme = get_object_or_404(Programme, slug=slug)
    access = _access(request.user, programme)
    allowed = {
        "review": access.decides or access.reviews,
        "claims": access.any,
        "organise": access.decides,
    }[need]
    if not allowed:
        raise Http404("No programme here.")
    return access


def _is_conflicted(user: Any, application_id: int) -> bool:
    return Conflict.objects.filter(application_id=application_id, reviewer=user).exists()


def _application_for_staff(request: HttpRequest, pk: int) -> tuple[Application, Access]:
    """An application sent to a programme this person helps run; 404 for anyone else, for
    drafts, and for a reviewer who declared a conflict with it."""
    application = get_object_or_404(
        Application.objects.select_related(
            "scheme__programme", "scheme__workshop", "applicant__profile", "pair"
        ).exclude(status=Application.Status.DRAFT),
        pk=pk,
    )
    access = _access(request.user, application.scheme.programme)
    if not access.any or _is_conflicted(request.user, application.pk):
        raise Http404("No application here.")
    return application, access


def _claim_for_staff(request: HttpRequest, pk: int) -> tuple[Claim, Access]:
    claim = get_object_or_404(Claim.objects.select_related("application__scheme__programme"), pk=pk)
    access = _access(request.user, claim.application.scheme.programme)
    if not access.any or _is_conflicted(request.user, claim.application_id):
        raise Http404("No claim here.")
    return claim, access


def _budgets(programme: Programme, scheme: BursaryScheme | None = None) -> list[services.Budget]:
    schemes = (
        [scheme]
        if scheme is not None
        else list(programme.bursary_schemes.select_related("workshop"))
    )
    return services.scheme_budgets(schemes)


# Participants: finding a bursary and applying


def _live_applications(user: Any) -> dict[int, Application]:
    return {
        a.scheme_id: a
        for a in Application.objects.filter(applicant=user).exclude(
            status=Application.Status.WITHDRAWN
        )
    }


@require_GET
@login_required
def open_schemes(request: HttpRequest) -> HttpResponse:
    """Bursaries open now that this person can apply for. `?workshop=` narrows to the ones for
    that workshop (or its whole programme)."""
    now = timezone.now()
    schemes = BursaryScheme.objects.filter(
        opens_at__lte=now,
        closes_at__gt=now,
        programme__status__in=Programme.public_statuses(),
    ).select_related("programme", "workshop")
    workshop = None
    workshop_id = request.GET.get("workshop", "")
    if workshop_id.isdigit():
        from workshops.models import Workshop

        workshop = (
            Workshop.objects.published().select_related("programme").filter(pk=workshop_id).first()
        )
        if workshop is not None:
            schemes = schemes.filter(programme=workshop.programme_id)
            schemes = [s for s in schemes if s.workshop_id in (None, workshop.pk)]
    eligible = [s for s in schemes if services.is_eligible(scheme=s, user=request.user)]
    applied = _live_applications(request.user)
    return render(
        request,
        "bursaries/open.html",
        {
            "rows": [(scheme, applied.get(scheme.pk)) for scheme in eligible],
            "workshop": workshop,
        },
    )


def _scheme_words(scheme: BursaryScheme) -> dict[str, Any]:
    covers = set(scheme.covers)
    labels = dict(CostType.choices)
    return {
        "information": render_markdown(scheme.information),
        "covers_expenses": [
            labels[t] for t in CostType.values if t in covers and cost_group(t) == "expense"
        ],
        "covers_payment": [
            labels[t] for t in CostType.values if t in covers and cost_group(t) == "payment"
        ],
        "covers_waiver": CostType.FEE_WAIVER in covers,
        "eligible_words": [
            PERSPECTIVE_LABELS.get(p, p).lower() for p in scheme.eligible_perspectives
        ],
    }


def _application_form_page(
    request: HttpRequest,
    *,
    scheme: BursaryScheme,
    application: Application | None,
    pair: Any = None,
) -> HttpResponse:
    workshops = services.scheme_workshops(scheme)
    if application is not None and application.pk:
        # A workshop already chosen stays listed, even once it has started.
        workshops = workshops | scheme.programme.workshops.filter(
            pk__in=application.workshops.values("pk")
        )
    workshops = workshops.distinct().order_by("starts_at")
    initial: dict[str, Any] = {}
    if application is not None:
        initial = ApplicationForm.initial_for(application)
    elif scheme.workshop_id:
        initial = {"workshops": [scheme.workshop_id]}
    form = ApplicationForm(
        request.POST if request.method == "POST" else None,
        scheme=scheme,
        workshops=workshops,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        sending = request.POST.get("action") == "submit"
        try:
            application = services.application_save(
                scheme=scheme,
                applicant=request.user,
                statement=form.cleaned_data["statement"],
                items=form.items(),
                payment_in_advance=form.cleaned_data["payment_in_advance"],
                declines_payment=form.declines_payment(),
                workshops=form.cleaned_data["workshops"],
                application=application,
                pair=pair,
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            if not sending:
                messages.success(
                    request,
                    "Your application is saved as a draft. Nobody else can see it until you "
                    "send it.",
                )
                return redirect("bursaries:mine")
            try:
                services.application_submit(application=application, by=request.user)
            except ValidationError as error:
                messages.error(
                    request, f"Your draft is saved, but it couldn't be sent: {refusal_text(error)}"
                )
                return redirect("bursaries:edit", pk=application.pk)
            messages.success(
                request,
                "Your application is sent. We will email you when there is a decision.",
            )
            return redirect("bursaries:mine")
    return render(
        request,
        "bursaries/apply.html",
        {
            "scheme": scheme,
            "programme": scheme.programme,
            "application": application,
            "pair": pair,
            "form": form,
            **_scheme_words(scheme),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    """The scheme's information first, then the short form. `?pair=` applies as the partner
    in a pair application."""
    scheme = get_object_or_404(
        BursaryScheme.objects.select_related("programme", "workshop").filter(
            programme__status__in=Programme.public_statuses()
        ),
        pk=pk,
    )
    pair = None
    pair_id = request.GET.get("pair", "")
    if pair_id:
        from pairs.models import Pair

        pair = Pair.objects.filter(
            pk=pair_id if pair_id.isdigit() else 0, partner=request.user
        ).first()
        if pair is None:
            raise Http404("No pair here.")
    existing = _live_applications(request.user).get(scheme.pk)
    if existing is not None:
        if existing.status == Application.Status.DRAFT:
            return redirect("bursaries:edit", pk=existing.pk)
        messages.info(request, "You have already applied for this bursary. It is listed here.")
        return redirect("bursaries:mine")
    refusal = ""
    if not services.is_eligible(scheme=scheme, user=request.user):
        refusal = "eligibility"
    elif not scheme.is_open:
        refusal = "not_yet" if scheme.opens_at > timezone.now() else "closed"
    if refusal:
        if request.method == "POST":
            messages.error(request, "You can't apply for this bursary.")
        return render(
            request,
            "bursaries/apply.html",
            {
                "scheme": scheme,
                "programme": scheme.programme,
                "refusal": refusal,
                **_scheme_words(scheme),
            },
            status=403 if request.method == "POST" else 200,
        )
    return _application_form_page(request, scheme=scheme, application=None, pair=pair)


def _own_application(request: HttpRequest, pk: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related("scheme__programme", "scheme__workshop", "pair"),
        pk=pk,
        applicant=request.user,
    )
    return application


@require_http_methods(["GET", "POST"])
@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    if application.status != Application.Status.DRAFT:
        messages.error(request, "This application has been sent, so it can't be changed now.")
        return redirect("bursaries:mine")
    return _application_form_page(
        request, scheme=application.scheme, application=application, pair=application.pair
    )


@require_POST
@login_required
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    try:
        services.application_submit(application=application, by=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(
            request, "Your application is sent. We will email you when there is a decision."
        )
    return redirect("bursaries:mine")


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    try:
        services.application_withdraw(application=application, by=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, f"Your application to {application.scheme.name} is withdrawn.")
    return redirect("bursaries:mine")


@require_GET
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """Each of this person's applications: where it stands, the decision once told, claims.
    The same number of queries however many there are."""
    applications = list(
        Application.objects.filter(applicant=request.user)
        .select_related("scheme__programme", "scheme__workshop")
        .prefetch_related(
            "items",
            "workshops",
            Prefetch(
                "claims",
                queryset=Claim.objects.prefetch_related("items", "receipts").order_by("created_at"),
            ),
        )
        .order_by("-created_at")
    )
    rows = []
    for application in applications:
        claims = list(application.claims.all())
        for c in claims:
            c.total = sum((i.amount for i in c.items.all()), Decimal("0"))
        claimed = sum((c.total for c in claims if c.status != Claim.Status.RETURNED), Decimal("0"))
        left = (application.awarded or Decimal("0")) - claimed
        opens = services.claim_opens_at(application) if application.is_awarded else None
        rows.append(
            {
                "application": application,
                "groups": _grouped(list(application.items.all())),
                "claims": claims,
                "left": left,
                "can_claim": application.is_awarded
                and left > 0
                and (opens is None or opens <= timezone.now()),
                "claim_opens": opens,
            }
        )
    return render(request, "bursaries/mine.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@login_required
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    if not application.is_awarded:
        raise Http404("No award here.")
    left = services.claim_allowed(application)
    form = ClaimForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        application=application,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_submit(
                application=application,
                by=request.user,
                items=form.items(),
                note=form.cleaned_data["note"],
                receipts=form.cleaned_data["receipts"],
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(
                request,
                "Your claim is sent. A reviewer will check it, then finance will pay it.",
            )
            return redirect("bursaries:mine")
    return render(
        request,
        "bursaries/claim.html",
        {
            "application": application,
            "scheme": application.scheme,
            "form": form,
            "left": left,
            "is_open": services.claim_is_open(application),
            "opens": services.claim_opens_at(application),
        },
        status=400 if form.errors else 200,
    )


@require_GET
@login_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """A receipt as a download, never as a page of this site, to its owner and the programme's
    team (not to a reviewer with a conflict)."""
    found = get_object_or_404(
        Receipt.objects.select_related("claim__application__scheme__programme"), pk=pk
    )
    application = found.claim.application
    user = request.user
    if application.applicant_id != user.pk:
        access = _access(user, application.scheme.programme)
        if not access.any or _is_conflicted(user, application.pk):
            raise Http404("No file here.")
        if settings.STAFF_MFA_REQUIRED and not is_mfa_enabled(user):
            return redirect("mfa_activate_totp")
        audit.audit_access(request, audit.VIEWED_BURSARY_RECEIPT, target=found.claim)
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        found.content_type, "bin"
    )
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=f"receipt-{found.pk}.{extension}",
        content_type=found.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# Organisers: schemes


@require_GET
@permissions.staff_page
def schemes(request: HttpRequest, slug: str) -> HttpResponse:
    access = _programme_access(request, slug, need="claims")
    programme = access.programme
    budgets = _budgets(programme)
    return render(
        request,
        "bursaries/schemes.html",
        {"programme": programme, "access": access, "budgets": budgets},
    )


def _scheme_form_page(
    request: HttpRequest, *, programme: Programme, scheme: BursaryScheme | None
) -> HttpResponse:
    scored = scheme is not None and Review.objects.filter(application__scheme=scheme).exists()
    if request.method == "POST":
        form = SchemeForm(request.POST, instance=scheme, programme=programme)
        criteria = CriterionFormSet(request.POST, prefix="criteria")
        valid = [form.is_valid(), scored or criteria.is_valid()]
        if all(valid):
            try:
                saved = services.scheme_save(
                    programme=programme,
                    data=form.service_data(),
                    criteria=[] if scored else criteria.lines(),
                    by=request.user,
                    scheme=scheme,
                )
            except ValidationError as error:
                _show_errors(form, error)
            else:
                messages.success(request, f"“{saved.name}” is saved.")
                return redirect("bursaries:schemes", slug=programme.slug)
    else:
        form = SchemeForm(instance=scheme, programme=programme)
        criteria = CriterionFormSet(prefix="criteria", initial=criteria_initial(scheme))
    if scheme is not None:
        # What was saved, not what was typed, for the page's headings and links.
        scheme.refresh_from_db()
    return render(
        request,
        "bursaries/scheme_form.html",
        {
            "programme": programme,
            "scheme": scheme,
            "form": form,
            "criteria": criteria,
            "scored": scored,
            "saved_criteria": list(scheme.criteria.all()) if scheme else [],
        },
        # Back here after a POST only when something needs fixing.
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def scheme_new(request: HttpRequest, slug: str) -> HttpResponse:
    access = _programme_access(request, slug, need="organise")
    return _scheme_form_page(request, programme=access.programme, scheme=None)


def _scheme_for(request: HttpRequest, pk: int, *, need: str) -> tuple[BursaryScheme, Access]:
    scheme = get_object_or_404(BursaryScheme.objects.select_related("programme"), pk=pk)
    access = _access(request.user, scheme.programme)
    allowed = {"organise": access.decides, "export": access.decides or access.pays}[need]
    if not allowed:
        raise Http404("No scheme here.")
    return scheme, access


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scheme, access = _scheme_for(request, pk, need="organise")
    return _scheme_form_page(request, programme=access.programme, scheme=scheme)


@require_POST
@permissions.staff_page
def release(request: HttpRequest, pk: int) -> HttpResponse:
    scheme, access = _scheme_for(request, pk, need="organise")
    told = services.decisions_release(scheme=scheme, by=request.user)
    if told:
        messages.success(
            request,
            f"{told} {'decision is' if told == 1 else 'decisions are'} released. "
            f"{'The applicant is' if told == 1 else 'Applicants are'} being told now.",
        )
    else:
        messages.info(request, "There were no pending decisions to release.")
    return redirect(
        _next_url(request, reverse("bursaries:queue", kwargs={"slug": access.programme.slug}))
    )


@require_GET
@permissions.staff_page
def export(request: HttpRequest, pk: int) -> HttpResponse:
    scheme, _access_ = _scheme_for(request, pk, need="export")
    text = services.scheme_export(scheme=scheme, by=request.user)
    name = f"bursaries-{slugify(scheme.name)[:50] or 'scheme'}-{timezone.localdate():%Y-%m-%d}"
    # A byte order mark, so spreadsheets read names with accents correctly.
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


# Reviewers: the queue


def _queue_rows(scheme_ids: list[int], user: Any) -> QuerySet[Application]:
    """The queue's rows, sortable in the database without joining applicants: a big programme
    has thousands of applications, and only the page shown needs names (see `queue`)."""
    money = DecimalField(max_digits=12, decimal_places=2)
    amount = (
        ApplicationItem.objects.filter(application=OuterRef("pk"))
        .values("application")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    score = (
        Review.objects.filter(application=OuterRef("pk"))
        .values("application")
        .annotate(mean=Avg("weighted_score"))
        .values("mean")
    )
    reviews = (
        Review.objects.filter(application=OuterRef("pk"))
        .values("application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Application.objects.filter(scheme_id__in=scheme_ids)
        .exclude(status=Application.Status.DRAFT)
        .exclude(Exists(Conflict.objects.filter(application=OuterRef("pk"), reviewer=user)))
        .annotate(
            amount=Coalesce(
                Subquery(amount, output_field=money), Value(Decimal("0")), output_field=money
            ),
            score=Subquery(score, output_field=DecimalField(max_digits=6, decimal_places=2)),
            review_count=Coalesce(Subquery(reviews), Value(0)),
            assigned_to_me=Exists(
                Assignment.objects.filter(application=OuterRef("pk"), reviewer=user)
            ),
            reviewed_by_me=Exists(Review.objects.filter(application=OuterRef("pk"), reviewer=user)),
        )
    )


SORTS = {
    "submitted": [F("submitted_at").asc(nulls_last=True), "pk"],
    "-submitted": [F("submitted_at").desc(nulls_last=True), "-pk"],
    "amount": ["amount", "pk"],
    "-amount": [F("amount").desc(), "-pk"],
    "score": [F("score").asc(nulls_last=True), "pk"],
    "-score": [F("score").desc(nulls_last=True), "-pk"],
}


@require_GET
@permissions.staff_page
@personal_page()
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's applications for its reviewers, with filters and sorting; the same
    number of queries however many there are. A reviewer never sees one they are conflicted
    with."""
    access = _programme_access(request, slug, need="review")
    programme = access.programme
    audit.audit_access(request, audit.VIEWED_BURSARY_APPLICATIONS, target=programme)
    schemes = list(programme.bursary_schemes.all())
    form = QueueFilterForm(
        request.GET or None,
        schemes=BursaryScheme.objects.filter(programme=programme),
    )
    chosen: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        chosen = form.cleaned_data
    rows = _queue_rows([s.pk for s in schemes], request.user)
    if chosen.get("status"):
        rows = rows.filter(status=chosen["status"])
    scheme = chosen.get("scheme")
    if scheme is not None:
        rows = rows.filter(scheme=scheme)
    if chosen.get("mine"):
        rows = rows.filter(assigned_to_me=True)
    if chosen.get("unreviewed"):
        rows = rows.filter(reviewed_by_me=False)
    sort = chosen.get("sort") or "-submitted"
    rows = rows.order_by(*SORTS.get(sort, SORTS["-submitted"]))
    page = Paginator(rows, QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    # Names for this page only: one query for its applicants and their profiles.
    page.object_list = list(page.object_list)
    applicants = (
        get_user_model()
        .objects.select_related("profile")
        .in_bulk({a.applicant_id for a in page.object_list})
    )
    by_id = {s.pk: s for s in schemes}
    for application in page.object_list:
        application.scheme = by_id[application.scheme_id]
        application.applicant = applicants[application.applicant_id]
        blind = access.blind(application.scheme)
        application.label = applicant_label(application, blind=blind)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "bursaries/queue.html",
        {
            "programme": programme,
            "access": access,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "budgets": services.scheme_budgets([scheme] if scheme else schemes),
            "is_filtered": any(chosen.get(k) for k in ("status", "scheme", "mine", "unreviewed")),
        },
    )


# Reviewers and decision-makers: one application


def _programme_reviewers(programme: Programme, application: Application) -> QuerySet[Any]:
    conflicted = Conflict.objects.filter(application=application).values("reviewer")
    assigned = Assignment.objects.filter(application=application).values("reviewer")
    return (
        get_user_model()
        .objects.filter(
            pk__in=Membership.objects.filter(programme=programme, role=TeamRole.REVIEWER).values(
                "user"
            )
        )
        .exclude(pk__in=conflicted)
        .exclude(pk__in=assigned)
        .select_related("profile")
        .order_by("email")
    )


def _grouped(items: list[Any]) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {"expense": [], "payment": [], "waiver": []}
    for item in items:
        groups[cost_group(item.cost_type)].append(item)
    return groups


def _application_page(
    request: HttpRequest,
    application: Application,
    access: Access,
    *,
    review_form: ReviewForm | None = None,
    decision_form: DecisionForm | None = None,
    assign_form: AssignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    scheme = application.scheme
    programme = scheme.programme
    blind = access.blind(scheme)
    criteria = list(scheme.criteria.all())
    items = list(application.items.all())
    cost_types = {item.cost_type for item in items}
    claims = list(application.claims.prefetch_related("items", "receipts").order_by("created_at"))
    for claim in claims:
        cost_types |= {item.cost_type for item in claim.items.all()}
    reviewing_open = application.status in (
        Application.Status.SUBMITTED,
        Application.Status.UNDER_REVIEW,
    )
    own_review = None
    if access.reviews:
        own_review = (
            Review.objects.prefetch_related("scores")
            .filter(application=application, reviewer=request.user)
            .first()
        )
        if review_form is None and reviewing_open:
            review_form = ReviewForm(initial=ReviewForm.initial_for(own_review), criteria=criteria)
    reviews: list[Review] = []
    score_rows: list[dict[str, Any]] = []
    if access.decides:
        reviews = list(
            application.reviews.select_related("reviewer__profile")
            .prefetch_related("scores")
            .order_by("created_at")
        )
        for criterion in criteria:
            score_rows.append(
                {
                    "criterion": criterion,
                    "values": [
                        next(
                            (s.value for s in r.scores.all() if s.criterion_id == criterion.pk),
                            None,
                        )
                        for r in reviews
                    ],
                }
            )
        if decision_form is None:
            decision_form = DecisionForm(
                initial={
                    "outcome": application.outcome,
                    "amount": application.awarded
                    if application.outcome == Application.Outcome.PARTIAL
                    else None,
                    "reason": application.decision_reason,
                }
            )
        if assign_form is None:
            assign_form = AssignForm(reviewers=_programme_reviewers(programme, application))
    can_decide = access.decides and (
        application.status not in (Application.Status.WITHDRAWN, Application.Status.DRAFT)
        and (not application.released_at or application.status == Application.Status.WAITLISTED)
    )
    assignments = list(
        application.assignments.select_related("reviewer__profile").order_by("created_at")
    )
    return render(
        request,
        "bursaries/application.html",
        {
            "application": application,
            "scheme": scheme,
            "programme": programme,
            "access": access,
            "blind": blind,
            "label": applicant_label(application, blind=blind),
            "email": "" if blind else application.applicant.email,
            "groups": _grouped(items),
            "total": sum((i.amount for i in items), Decimal("0")),
            "workshops": list(application.workshops.order_by("starts_at")),
            "needs": cost_related_needs(application, cost_types),
            "budgets": services.scheme_budgets([scheme]),
            "criteria": criteria,
            "review_form": review_form,
            "own_review": own_review,
            "reviewing_open": reviewing_open,
            "reviews": reviews,
            "score_rows": score_rows,
            "decision_form": decision_form,
            "can_decide": can_decide,
            "assign_form": assign_form,
            "assignments": assignments,
            "claims": [
                {
                    "claim": c,
                    "groups": _grouped(list(c.items.all())),
                    "total": sum((i.amount for i in c.items.all()), Decimal("0")),
                }
                for c in claims
            ],
            "left": services.claim_allowed(application) if application.awarded else None,
            "history": [
                (entry, HISTORY_WORDS.get(entry.action, entry.action))
                for entry in services.application_history(application)
            ],
            "conflict_form": ConflictForm(),
            "here": request.path,
        },
        status=status,
    )


@require_GET
@permissions.staff_page
def application(request: HttpRequest, pk: int) -> HttpResponse:
    found, access = _application_for_staff(request, pk)
    audit.audit_access(
        request, audit.VIEWED_BURSARY_APPLICATION, target=found, subject=found.applicant_id
    )
    return _application_page(request, found, access)


@require_POST
@permissions.staff_page
def review(request: HttpRequest, pk: int) -> HttpResponse:
    found, access = _application_for_staff(request, pk)
    if not access.reviews:
        raise Http404("No application here.")
    criteria = list(found.scheme.criteria.all())
    form = ReviewForm(request.POST, criteria=criteria)
    if form.is_valid():
        try:
            services.review_save(
                application=found,
                reviewer=request.user,
                scores=form.scores(),
                recommendation=form.cleaned_data["recommendation"],
                recommended_amount=form.cleaned_data["recommended_amount"],
                comments=form.cleaned_data["comments"],
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Your review is saved.")
            return redirect("bursaries:application", pk=found.pk)
    return _application_page(request, found, access, review_form=form, status=400)


@require_POST
@permissions.staff_page
def conflict(request: HttpRequest, pk: int) -> HttpResponse:
    found, access = _application_for_staff(request, pk)
    if not access.reviews:
        raise Http404("No application here.")
    form = ConflictForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.conflict_declare(application=found, reviewer=request.user, reason=reason)
    messages.success(
        request,
        "Thank you for declaring a conflict of interest. You won't see or score this "
        "application, and any review you had saved is removed.",
    )
    return redirect("bursaries:queue", slug=access.programme.slug)


@require_POST
@permissions.staff_page
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    found, access = _application_for_staff(request, pk)
    if not access.decides:
        raise Http404("No application here.")
    form = AssignForm(request.POST, reviewers=_programme_reviewers(access.programme, found))
    if form.is_valid():
        reviewer = form.cleaned_data["reviewer"]
        try:
            services.application_assign(application=found, reviewer=reviewer, by=request.user)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, f"{display_name(reviewer)} is asked to review it.")
            return redirect("bursaries:application", pk=found.pk)
    return _application_page(request, found, access, assign_form=form, status=400)


@require_POST
@permissions.staff_page
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    found, access = _application_for_staff(request, pk)
    if not access.decides:
        raise Http404("No application here.")
    form = DecisionForm(request.POST)
    if form.is_valid():
        tell_now = request.POST.get("release") == "now"
        try:
            decided = services.bursary_decide(
                application=found,
                decided_by=request.user,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                amount=form.cleaned_data["amount"],
                release=tell_now,
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            if tell_now:
                messages.success(
                    request, "The decision is saved, and the applicant is being told now."
                )
            else:
                messages.success(
                    request,
                    "The decision is saved and held as pending. The applicant hears when you "
                    "release pending decisions.",
                )
            return redirect("bursaries:application", pk=decided.pk)
    found.refresh_from_db()
    return _application_page(request, found, access, decision_form=form, status=400)


# Claims


@require_GET
@permissions.staff_page
def claims(request: HttpRequest, slug: str) -> HttpResponse:
    """Claims to check and pay, for the programme's reviewers, organisers and finance."""
    access = _programme_access(request, slug, need="claims")
    programme = access.programme
    audit.audit_access(request, audit.VIEWED_BURSARY_CLAIMS, target=programme)
    status = request.GET.get("status", "")
    if status not in Claim.Status.values:
        status = ""
    listed = (
        Claim.objects.filter(application__scheme__programme=programme)
        .exclude(
            Exists(
                Conflict.objects.filter(application=OuterRef("application"), reviewer=request.user)
            )
        )
        .select_related("application__scheme", "application__applicant__profile")
        .prefetch_related("items", "receipts")
        .order_by("-created_at", "-pk")
    )
    if status:
        listed = listed.filter(status=status)
    page = Paginator(listed, QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for claim in page:
        app = claim.application
        items = list(claim.items.all())
        rows.append(
            {
                "claim": claim,
                "label": applicant_label(app, blind=access.blind(app.scheme)),
                "groups": _grouped(items),
                "total": sum((i.amount for i in items), Decimal("0")),
            }
        )
    return render(
        request,
        "bursaries/claims.html",
        {
            "programme": programme,
            "access": access,
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": Claim.Status.choices,
            "query": f"status={status}" if status else "",
            "budgets": _budgets(programme),
            "here": request.get_full_path(),
        },
    )


@require_POST
@permissions.staff_page
def claim_approve(request: HttpRequest, pk: int) -> HttpResponse:
    found, access = _claim_for_staff(request, pk)
    if not access.sees_reviews:
        raise Http404("No claim here.")
    form = ClaimApproveForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.claim_approve(claim=found, by=request.user, note=note)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, f"Claim {found.pk} is approved. Finance can pay it now.")
    return redirect(
        _next_url(request, reverse("bursaries:application", args=[found.application_id]))
    )


@require_POST
@permissions.staff_page
def claim_return(request: HttpRequest, pk: int) -> HttpResponse:
    found, access = _claim_for_staff(request, pk)
    if not access.sees_reviews:
        raise Http404("No claim here.")
    form = ClaimReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say what needs to change. The applicant will see it.")
    else:
        try:
            services.claim_return(claim=found, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, refusal_text(error))
        else:
            messages.success(request, f"Claim {found.pk} is returned with your note.")
    return redirect(
        _next_url(request, reverse("bursaries:application", args=[found.application_id]))
    )


@require_POST
@permissions.staff_page
def claim_paid(request: HttpRequest, pk: int) -> HttpResponse:
    found, access = _claim_for_staff(request, pk)
    if not access.pays:
        raise Http404("No claim here.")
    form = ClaimPaidForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the payment reference.")
    else:
        try:
            services.claim_mark_paid(
                claim=found, by=request.user, reference=form.cleaned_data["reference"]
            )
        except ValidationError as error:
            messages.error(request, refusal_text(error))
        else:
            messages.success(request, f"Claim {found.pk} is marked as paid.")
    return redirect(
        _next_url(request, reverse("bursaries:claims", kwargs={"slug": access.programme.slug}))
    )
