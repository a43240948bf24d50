"""Giving feedback (from the emailed link, no password, or from My workshops); the organisers'
pages for each workshop's form, the reports for a workshop and a programme, and “you said, we
did”; and the programme's learning page, which anyone can read.

Organiser pages open through `permissions.staff_page`, then `_get_workshop_for_organiser` or
`permissions.get_programme_for_organiser`, which give a 404 to anyone who does not run that
programme.
"""

from functools import reduce
from operator import or_
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from codesign.core import permissions
from codesign.core.cache import FEEDBACK, personal_page
from codesign.core.cache import version as cache_version
from codesign.core.refusals import refusal_text
from feedback import reports, services
from feedback.forms import ActionForm, FormSettingsForm, QuestionForm, ResponseForm, TrendForm
from feedback.models import Answer, FeedbackAction, FeedbackForm, Question
from pairs.models import Pair
from pairs.services import log_entries_for_cohort, pair_entries_shared_with_programme
from programmes.models import Cohort, Programme
from workshops.models import Registration, Workshop

# Giving feedback


def _registration(**filters: Any) -> Registration | None:
    return (
        Registration.objects.select_related("user__profile", "workshop__programme")
        .filter(**filters)
        .first()
    )


def _notice(
    request: HttpRequest, *, title: str, lines: list[str], status: int = 200, **extra: Any
) -> HttpResponse:
    """A kind page in place of the form: the link is broken, the form is closed, and so on."""
    return render(
        request, "feedback/notice.html", {"title": title, "lines": lines, **extra}, status=status
    )


def _easy_read(request: HttpRequest, form: FeedbackForm, registration: Registration) -> bool:
    chosen = request.GET.get("easy_read")
    if chosen in ("0", "1"):
        return chosen == "1"
    profile = getattr(registration.user, "profile", None)
    return form.easy_read or bool(profile and profile.easy_read)


def _give_page(
    request: HttpRequest, *, registration: Registration, here: str, thanks: str
) -> HttpResponse:
    """The form for one registration, wherever the person came from. `here` is this page's
    address and `thanks` where to go after saving."""
    workshop = registration.workshop
    programme = workshop.programme
    if workshop.is_cancelled:
        return _notice(
            request,
            title=f"{workshop.title} was cancelled",
            lines=["The workshop did not take place, so there is no feedback to give."],
            status=403,
            workshop=workshop,
        )
    if not services.can_give_feedback(registration):
        return _notice(
            request,
            title="This feedback form is not for you",
            lines=[
                "Feedback is asked from people who had a place at the workshop.",
                "If you think this is wrong, contact "
                f"{workshop.access_contact_name}: {workshop.access_contact_details}.",
            ],
            status=403,
            workshop=workshop,
        )
    form = services.feedback_form_for(workshop=workshop)
    now = timezone.now()
    if not form.has_opened(now):
        return _notice(
            request,
            title=f"Feedback on {workshop.title} opens soon",
            lines=["The feedback form opens when the workshop ends. Please come back then."],
            workshop=workshop,
        )
    if not form.is_open(now):
        return _notice(
            request,
            title=f"Feedback on {workshop.title} has closed",
            lines=[
                "The feedback form closed on "
                f"{timezone.localtime(form.closes_at):%-d %B %Y}, so answers can't be given "
                "or changed now.",
                "Thank you for taking part. The programme team will share what they change "
                "because of the feedback.",
            ],
            workshop=workshop,
        )
    if form.anonymous and services.has_responded(form=form, user=registration.user):
        return _notice(
            request,
            title="Thank you: you have already given feedback",
            lines=[
                f"You have already told us how {workshop.title} went. Thank you.",
                "Answers to this form are anonymous: we keep no link between you and what "
                "you said, so they can't be shown or changed.",
            ],
            workshop=workshop,
        )
    easy_read = _easy_read(request, form, registration)
    questions = list(form.questions.all())
    response = services.response_for(form=form, user=registration.user)
    bound = ResponseForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        easy_read=easy_read,
        response=response,
    )
    if request.method == "POST" and bound.is_valid():
        try:
            services.response_save(
                form=form,
                registration=registration,
                answers=bound.answers(),
                quote_consent=bound.cleaned_data["quote_consent"],
            )
        except ValidationError as error:
            _show_errors(bound, error)
        else:
            return redirect(f"{thanks}?easy_read={int(easy_read)}")
    return render(
        request,
        "feedback/give.html",
        {
            "workshop": workshop,
            "programme": programme,
            "feedback_form": form,
            "form": bound,
            "response": response,
            "easy_read": easy_read,
            "here": here,
            "minutes": services.feedback_minutes(q.kind for q in questions),
            "preview": False,
        },
        status=400 if bound.errors else 200,
    )


def _show_errors(form: Any, error: ValidationError) -> None:
    """Put a service's refusal next to the question it is about, or above the form."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            target = field if field in form.fields and not form.fields[field].disabled else None
            for message in field_errors:
                form.add_error(target, message)
    else:
        form.add_error(None, error)


def _bad_link(request: HttpRequest, error: services.BadLink) -> HttpResponse:
    if error.expired:
        return _notice(
            request,
            title="This feedback link has expired",
            lines=[
                "The link in your email is too old to use now.",
                "If the form is still open, you can find it in My workshops after you sign in.",
            ],
            status=410,
            show_my_workshops=True,
        )
    return _notice(
        request,
        title="This feedback link does not work",
        lines=[
            "Part of the link may be missing. Try copying the whole link from your email into "
            "the address bar.",
            "Or sign in and find the form in My workshops.",
        ],
        status=404,
        show_my_workshops=True,
    )


def _token_registration(request: HttpRequest, token: str) -> Registration | HttpResponse:
    try:
        registration_id = services.feedback_token_registration_id(token)
    except services.BadLink as error:
        return _bad_link(request, error)
    registration = _registration(pk=registration_id)
    if registration is None:
        return _bad_link(request, services.BadLink(expired=False))
    return registration


@require_http_methods(["GET", "POST"])
def give(request: HttpRequest, token: str) -> HttpResponse:
    """The form from the emailed link. No password: the signed link is the key."""
    registration = _token_registration(request, token)
    if isinstance(registration, HttpResponse):
        return registration
    return _give_page(
        request,
        registration=registration,
        here=reverse("feedback:give", kwargs={"token": token}),
        thanks=reverse("feedback:give_thanks", kwargs={"token": token}),
    )


@require_GET
def give_thanks(request: HttpRequest, token: str) -> HttpResponse:
    registration = _token_registration(request, token)
    if isinstance(registration, HttpResponse):
        return registration
    return _thanks_page(
        request,
        registration=registration,
        back=reverse("feedback:give", kwargs={"token": token}),
    )


def _own_registration(request: HttpRequest, pk: int) -> Registration:
    # A number past any id (from a typed address) would make the database refuse the query.
    fits = pk < 2**63
    registration = _registration(workshop_id=pk, user=request.user) if fits else None
    if registration is None:
        raise Http404("No feedback form here.")
    return registration


@require_http_methods(["GET", "POST"])
@login_required
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    """The form from My workshops, for the signed-in person's own place."""
    registration = _own_registration(request, pk)
    return _give_page(
        request,
        registration=registration,
        here=reverse("feedback:respond", kwargs={"pk": pk}),
        thanks=reverse("feedback:respond_thanks", kwargs={"pk": pk}),
    )


@require_GET
@login_required
def respond_thanks(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _own_registration(request, pk)
    return _thanks_page(
        request,
        registration=registration,
        back=reverse("feedback:respond", kwargs={"pk": pk}),
    )


def _thanks_page(request: HttpRequest, *, registration: Registration, back: str) -> HttpResponse:
    workshop = registration.workshop
    if request.GET.get("easy_read") in ("0", "1"):
        # Back to the form in the wording they chose.
        back = f"{back}?easy_read={request.GET['easy_read']}"
    form = FeedbackForm.objects.filter(workshop=workshop).first()
    if form is None or not services.has_responded(form=form, user=registration.user):
        return redirect(back)
    form.workshop = workshop
    return render(
        request,
        "feedback/thanks.html",
        {
            "workshop": workshop,
            "programme": workshop.programme,
            "feedback_form": form,
            "can_change": not form.anonymous and form.is_open(),
            "back": back,
        },
    )


# Organisers


def _get_workshop_for_organiser(request: HttpRequest, pk: int) -> Workshop:
    """The workshop if this person organises its programme; otherwise 404, so other
    programmes' workshops are not even confirmed to exist."""
    workshop = get_object_or_404(Workshop.objects.select_related("programme"), pk=pk)
    if not permissions.can_organise(request.user, workshop.programme):
        raise Http404("No workshop here.")
    return workshop


def _get_question_for_organiser(request: HttpRequest, pk: int) -> Question:
    question = get_object_or_404(
        Question.objects.select_related("form__workshop__programme"), pk=pk
    )
    if not permissions.can_organise(request.user, question.form.workshop.programme):
        raise Http404("No question here.")
    return question


def _manage_page(
    request: HttpRequest,
    workshop: Workshop,
    *,
    settings_form: FormSettingsForm | None = None,
) -> HttpResponse:
    form = services.feedback_form_for(workshop=workshop)
    questions = list(
        form.questions.annotate(answered=Exists(Answer.objects.filter(question=OuterRef("pk"))))
    )
    answered = form.receipts.count()
    asked = workshop.registrations.filter(status__in=services.RESPONDING).count()
    settings_form = settings_form or FormSettingsForm(instance=form, has_answers=answered > 0)
    return render(
        request,
        "feedback/manage_form.html",
        {
            "workshop": workshop,
            "programme": workshop.programme,
            "feedback_form": form,
            "questions": questions,
            "answered": answered,
            "asked": asked,
            "settings_form": settings_form,
            "has_opened": form.has_opened(),
            "is_open": form.is_open(),
        },
        status=400 if settings_form.errors else 200,
    )


@require_GET
@permissions.staff_page
def manage_form(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_organiser(request, pk)
    return _manage_page(request, workshop)


@require_POST
@permissions.staff_page
def manage_settings(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_organiser(request, pk)
    form = services.feedback_form_for(workshop=workshop)
    has_answers = form.receipts.exists()
    settings_form = FormSettingsForm(request.POST, instance=form, has_answers=has_answers)
    if settings_form.is_valid():
        data = settings_form.cleaned_data
        try:
            services.feedback_form_update(
                form=form,
                days_open=data["days_open"],
                anonymous=data["anonymous"],
                easy_read=data["easy_read"],
                updated_by=request.user,
            )
        except ValidationError as error:
            _show_errors(settings_form, error)
        else:
            messages.success(request, "The feedback form's settings are saved.")
            return redirect("feedback:manage_form", pk=workshop.pk)
    form.refresh_from_db()
    return _manage_page(request, workshop, settings_form=settings_form)


@require_GET
@permissions.staff_page
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The form as people will see it, without a way to send it."""
    workshop = _get_workshop_for_organiser(request, pk)
    form = services.feedback_form_for(workshop=workshop)
    easy_read = request.GET.get("easy_read", "1" if form.easy_read else "0") == "1"
    questions = list(form.questions.all())
    return render(
        request,
        "feedback/give.html",
        {
            "workshop": workshop,
            "programme": workshop.programme,
            "feedback_form": form,
            "form": ResponseForm(questions=questions, easy_read=easy_read),
            "response": None,
            "easy_read": easy_read,
            "here": reverse("feedback:preview", kwargs={"pk": pk}),
            "minutes": services.feedback_minutes(q.kind for q in questions),
            "preview": True,
        },
    )


def _question_page(
    request: HttpRequest, *, workshop: Workshop, question: Question | None
) -> HttpResponse:
    form = services.feedback_form_for(workshop=workshop)
    if request.method == "POST":
        question_form = QuestionForm(request.POST)
        if question_form.is_valid():
            data = question_form.cleaned_data
            fields = {
                "kind": data["kind"],
                "text": data["text"],
                "easy_read_text": data["easy_read_text"],
                "choices": question_form.choice_lines(),
                "required": data["required"],
            }
            try:
                if question is None:
                    services.question_add(form=form, added_by=request.user, **fields)
                    messages.success(request, "Your question is added to the form.")
                else:
                    services.question_update(question=question, updated_by=request.user, **fields)
                    messages.success(request, "Your changes to the question are saved.")
            except ValidationError as error:
                _show_errors(question_form, error)
            else:
                return redirect("feedback:manage_form", pk=workshop.pk)
    else:
        question_form = QuestionForm(
            initial=QuestionForm.initial_for(question) if question else None
        )
    return render(
        request,
        "feedback/question_form.html",
        {
            "workshop": workshop,
            "programme": workshop.programme,
            "feedback_form": form,
            "question": question,
            "form": question_form,
        },
        status=400 if question_form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def question_new(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_organiser(request, pk)
    form = services.feedback_form_for(workshop=workshop)
    if form.has_opened():
        messages.error(
            request,
            "The form opened when the workshop ended, so questions can't be added now: people "
            "who already answered would not see them.",
        )
        return redirect("feedback:manage_form", pk=workshop.pk)
    return _question_page(request, workshop=workshop, question=None)


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = _get_question_for_organiser(request, pk)
    workshop = question.form.workshop
    try:
        services.question_check_changeable(question, "changed")
    except ValidationError as error:
        messages.error(request, refusal_text(error))
        return redirect("feedback:manage_form", pk=workshop.pk)
    return _question_page(request, workshop=workshop, question=question)


@require_POST
@permissions.staff_page
def question_remove(request: HttpRequest, pk: int) -> HttpResponse:
    question = _get_question_for_organiser(request, pk)
    workshop_pk = question.form.workshop_id
    try:
        services.question_remove(question=question, removed_by=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, f"“{question.text}” is removed from the form.")
    return redirect("feedback:manage_form", pk=workshop_pk)


# Reports


def _csv_response(text: str, name: str) -> HttpResponse:
    # A byte order mark, so spreadsheets read accents correctly.
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@permissions.staff_page
def workshop_report(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_organiser(request, pk)
    report = reports.workshop_report(workshop=workshop)
    return render(
        request,
        "feedback/workshop_report.html",
        {"workshop": workshop, "programme": workshop.programme, "report": report},
    )


@require_GET
@permissions.staff_page
def workshop_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_organiser(request, pk)
    report = reports.workshop_report(workshop=workshop)
    text = reports.report_export(
        rows=reports.workshop_csv_rows(report), target=workshop, by=request.user
    )
    slug = slugify(workshop.title)[:50] or "workshop"
    return _csv_response(text, f"feedback-{slug}-{workshop.starts_at:%Y-%m-%d}")


# A national programme's report sums hundreds of thousands of answers: seconds of database
# time. It is kept in the cache until feedback, a registration or a workshop changes anywhere
# (codesign/core/cache.py: feedback/apps.py lists what), and at most this long, for what
# changes with time alone: workshops ending, forms closing.
REPORT_CACHE_SECONDS = 5 * 60
# Workshops a page in the report's two long tables (a national programme has hundreds).
REPORT_WORKSHOPS_PER_PAGE = 20


def _programme_report_key(programme: Programme, trend_key: str, trend_who: str) -> str:
    return f"{programme.pk}:{cache_version(FEEDBACK)}:{trend_key}:{trend_who}"


def _cached_programme_report(
    key: str, programme: Programme, trend_key: str, trend_who: str
) -> reports.ProgrammeReport:
    return cache.get_or_set(
        f"feedback:programme-report:{key}",
        lambda: reports.programme_report(
            programme=programme, trend_key=trend_key, trend_who=trend_who
        ),
        REPORT_CACHE_SECONDS,
    )


def _workshops_page(request: HttpRequest, count: int, param: str) -> tuple[Page, str, str]:
    """A page of the report's workshops, counted back from the latest (page 1 has the latest
    20), the slice of the report's lists (oldest first) it shows, and the address's other
    parameters to keep."""
    page = Paginator(range(count - 1, -1, -1), REPORT_WORKSHOPS_PER_PAGE).get_page(
        request.GET.get(param)
    )
    shown = list(page.object_list)
    others = request.GET.copy()
    others.pop(param, None)
    return page, f"{min(shown, default=0)}:{max(shown, default=-1) + 1}", others.urlencode()


@require_GET
@permissions.staff_page
@personal_page()
def programme_report(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.get_programme_for_organiser(request, slug)
    trend_form = TrendForm(request.GET or None, programme=programme)
    trend_key, trend_who = trend_form.chosen()
    key = _programme_report_key(programme, trend_key, trend_who)
    # Made only if the page's cached fragment (the report, rendered) has gone.
    report = SimpleLazyObject(
        lambda: _cached_programme_report(key, programme, trend_key, trend_who)
    )
    count = reports.reported_workshops(programme).count()
    rates_page, rates_slice, rates_query = _workshops_page(request, count, "page")
    trend_page, trend_slice, trend_query = _workshops_page(request, count, "trend_page")
    return render(
        request,
        "feedback/programme_report.html",
        {
            "programme": programme,
            "report": report,
            "trend_form": trend_form,
            "report_key": (
                f"{key}:{bool(trend_form.errors)}:{count}:{rates_page.number}:{trend_page.number}"
            ),
            "report_cache_seconds": REPORT_CACHE_SECONDS,
            "rates_page": rates_page,
            "rates_slice": rates_slice,
            "rates_query": rates_query,
            "trend_page": trend_page,
            "trend_slice": trend_slice,
            "trend_query": trend_query,
        },
        status=400 if trend_form.errors else 200,
    )


@require_GET
@permissions.staff_page
def programme_report_csv(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.get_programme_for_organiser(request, slug)
    now = timezone.now()
    report = reports.programme_report(programme=programme, now=now)
    text = reports.report_export(
        rows=reports.programme_csv_rows(report, now=now), target=programme, by=request.user
    )
    return _csv_response(text, f"feedback-{programme.slug}-{now:%Y-%m-%d}")


# You said, we did

ACTIONS_PER_PAGE = 20


def _get_action_for_organiser(request: HttpRequest, slug: str, pk: int) -> FeedbackAction:
    programme = permissions.get_programme_for_organiser(request, slug)
    action = get_object_or_404(
        FeedbackAction.objects.select_related("workshop"), pk=pk, programme=programme
    )
    action.programme = programme
    return action


@require_GET
@permissions.staff_page
def actions(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's “you said, we did”: drafts and published, newest change first."""
    programme = permissions.get_programme_for_organiser(request, slug)
    page = Paginator(
        programme.feedback_actions.select_related("workshop"), ACTIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/actions.html",
        {
            "programme": programme,
            "page": page,
            "givers": services.feedback_givers(programme).count(),
        },
    )


def _action_page(
    request: HttpRequest, *, programme: Programme, action: FeedbackAction | None
) -> HttpResponse:
    if request.method == "POST":
        form = ActionForm(request.POST, programme=programme)
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.fields}
            try:
                if action is None:
                    services.action_create(programme=programme, created_by=request.user, **fields)
                    messages.success(
                        request,
                        "Saved as a draft. Nobody sees it until you publish it.",
                    )
                else:
                    services.action_update(action=action, updated_by=request.user, **fields)
                    messages.success(request, "Your changes are saved.")
            except ValidationError as error:
                _show_errors(form, error)
            else:
                return redirect("feedback:actions", slug=programme.slug)
    else:
        initial = ActionForm.initial_for(action) if action else None
        workshop = request.GET.get("workshop")
        if action is None and workshop and workshop.isdigit():
            initial = {"workshop": int(workshop)}
        form = ActionForm(initial=initial, programme=programme)
    return render(
        request,
        "feedback/action_form.html",
        {"programme": programme, "form": form, "action": action},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def action_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.get_programme_for_organiser(request, slug)
    return _action_page(request, programme=programme, action=None)


@require_http_methods(["GET", "POST"])
@permissions.staff_page
def action_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    action = _get_action_for_organiser(request, slug, pk)
    return _action_page(request, programme=action.programme, action=action)


@require_POST
@permissions.staff_page
def action_publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    action = _get_action_for_organiser(request, slug, pk)
    try:
        emailed = services.action_publish(action=action, published_by=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        people = "person" if emailed == 1 else "people"
        messages.success(
            request,
            "Published on the programme's learning page. "
            + (
                f"We are emailing it to the {emailed} {people} who gave feedback."
                if emailed
                else "Nobody who gave feedback is emailed: there is nobody to email yet."
            ),
        )
    return redirect("feedback:actions", slug=slug)


@require_POST
@permissions.staff_page
def action_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    action = _get_action_for_organiser(request, slug, pk)
    services.action_remove(action=action, removed_by=request.user)
    messages.success(
        request,
        "Deleted. It is no longer on the learning page."
        if action.is_published
        else "The draft is deleted.",
    )
    return redirect("feedback:actions", slug=slug)


# Learning: what changed, and what pairs learned

LEARNING_PER_PAGE = 10


@require_GET
def learning(request: HttpRequest, slug: str) -> HttpResponse:
    """Everyone sees the published “you said, we did”. Learning log entries pairs shared with
    the programme team show to its organisers; entries shared with a cohort show to that
    cohort's accepted pairs too (the same rules as the pairs pages)."""
    programme = get_object_or_404(Programme, slug=slug)
    user = request.user
    is_team = permissions.is_site_admin(user) or any(
        pk == programme.pk for pk, _ in permissions.team_roles(user)
    )
    if not programme.is_public and not is_team:
        raise Http404("No programme here.")
    published = programme.feedback_actions.published().select_related("workshop")
    actions_page = Paginator(published, LEARNING_PER_PAGE).get_page(request.GET.get("page"))
    entries: Any = None
    sharing = ""
    if permissions.can_organise(user, programme):
        entries = pair_entries_shared_with_programme(programme)
        sharing = "team"
    elif user.is_authenticated:
        cohorts = list(
            Cohort.objects.filter(
                pairs__in=Pair.objects.for_member(user).filter(
                    programme=programme, status=Pair.Status.ACCEPTED
                )
            ).distinct()
        )
        if cohorts:
            entries = reduce(or_, (log_entries_for_cohort(c) for c in cohorts)).select_related(
                "pair__cohort"
            )
            sharing = "cohort"
    entries_page = (
        Paginator(entries.order_by("-entry_date", "-id"), LEARNING_PER_PAGE).get_page(
            request.GET.get("entries")
        )
        if entries is not None
        else None
    )
    return render(
        request,
        "feedback/learning.html",
        {
            "programme": programme,
            "actions_page": actions_page,
            "entries_page": entries_page,
            "sharing": sharing,
            "can_organise": sharing == "team",
        },
    )
