"""The main pages, sent bad input (hypothesis) as a browser or a program could send it: every
answer is a page with the problem explained or a redirect, never an error, and a refused form
saves nothing at all.

Each page is described once in PAGES: who uses it, its address, the form it shows (to know
its fields) and good data (so examples also get past the first checks, deep into the
services). Lists with filters and addresses with secret links are fuzzed the same way."""

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from bursaries.forms import (
    ApplicationForm,
    ClaimForm,
    CriterionFormSet,
    ReviewForm,
    SchemeForm,
)
from bursaries.forms import DecisionForm as BursaryDecisionForm
from bursaries.services import bursary_decide
from codesign.accounts.forms import SignupForm
from feedback.forms import ActionForm, QuestionForm, ResponseForm
from feedback.services import feedback_form_for, feedback_token
from pairs.forms import LogEntryForm, PairStartForm, PartnerChangeForm, PartnerPartForm
from participants import forms as participant_forms
from participants.models import Perspective
from participants.services import consents_in_force
from programmes import services as programme_services
from programmes.forms import CohortForm, InvitationForm, ProgrammeForm, TeamAddForm
from programmes.models import InvitationBatch, TeamRole
from tests.bursaries.factories import (
    PDF,
    ApplicationFactory,
    CriterionFactory,
    SchemeFactory,
    png_bytes,
)
from tests.factories import (
    PASSWORD,
    CohortFactory,
    MembershipFactory,
    ProgrammeFactory,
    RegistrationFactory,
    WorkshopFactory,
)
from tests.feedback.support import ended_workshop
from tests.pairs.support import decided, start
from tests.security.fuzz_support import (
    HUGE,
    as_delivered,
    changed_tables,
    examples,
    form_data,
    give_authenticator,
    huge_data,
    kept_for_the_module,
    one_example,
    queued_errors,
    snapshot,
    text,
    urlencoded,
    writes,
)
from tests.workshops.organise_support import edit_data, workshop_data
from tests.workshops.registration_support import ready_person
from workshops.forms import (
    AgendaFormSetFactory,
    CancelForm,
    MaterialForm,
    RescheduleForm,
    ReservationFormSetFactory,
    VenueForm,
    WorkshopForm,
)

FUZZ_PAGES = examples(10)
FUZZ_ADDRESSES = examples(8)
LOCAL = "%Y-%m-%dT%H:%M"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _quiet_sessions(settings):
    """Sessions in signed cookies, so signing in and page messages write no rows and any row
    written is one a page saved."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"


@pytest.fixture(autouse=True)
def _each_test_rolled_back(db):
    pass


@pytest.fixture(scope="module")
def baseline(site):
    """Every row before any example: each example starts from here again."""
    return snapshot()


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """Everyone and everything the pages below are about, made once for the module."""
    with kept_for_the_module(django_db_blocker):
        yield _site()


def _site() -> SimpleNamespace:
    programme = ProgrammeFactory(title="Clinic letters together", slug="clinic-letters-together")
    organiser = ready_person("organiser.fuzz@example.org", [Perspective.MANAGER])
    reviewer = ready_person("reviewer.fuzz@example.org", [Perspective.RESEARCHER])
    for person, role in ((organiser, TeamRole.ORGANISER), (reviewer, TeamRole.REVIEWER)):
        MembershipFactory(programme=programme, user=give_authenticator(person), role=role)
    carer = ready_person("carer.fuzz@example.org", [Perspective.CARER])
    young = ready_person("young.fuzz@example.org", [Perspective.YOUNG_PERSON], age=15)
    professional = ready_person("pro.fuzz@example.org", [Perspective.HEALTH_PROFESSIONAL])
    partner = ready_person("partner.fuzz@example.org", [Perspective.PATIENT])
    other_pro = ready_person("pro2.fuzz@example.org", [Perspective.HEALTH_PROFESSIONAL])
    other_partner = ready_person("partner2.fuzz@example.org", [Perspective.PATIENT])
    finance = ready_person("finance.fuzz@example.org", [])
    MembershipFactory(programme=programme, user=give_authenticator(finance), role=TeamRole.FINANCE)
    workshop = WorkshopFactory(programme=programme, title="Clinic letters", capacity=30)
    for _ in range(4):
        RegistrationFactory(workshop=workshop)
    ended = ended_workshop(programme=programme, title="Last week")
    attended = RegistrationFactory(workshop=ended, user=carer, perspectives=["carer"])
    feedback_form_for(workshop=ended)
    feedback_form_for(workshop=workshop)
    scheme = SchemeFactory(programme=programme)
    # A second scheme, for the application form: the carer holds an award from the first.
    open_scheme = SchemeFactory(programme=programme)
    CriterionFactory(scheme=scheme, weight=2)
    CriterionFactory(scheme=scheme)
    award = ApplicationFactory(scheme=scheme, applicant=carer, amount=Decimal("80"))
    bursary_decide(
        application=award, decided_by=organiser, outcome="full", reason="Yes", release=True
    )
    waiting = ApplicationFactory(scheme=scheme, applicant=young, amount=Decimal("50"))
    cohort = CohortFactory(programme=programme, name="Autumn pairs", places=5)
    forming = start(cohort, professional, partner_email=partner.email)
    accepted = decided(
        CohortFactory(programme=programme, name="Spring pairs", places=5),
        other_pro,
        other_partner,
        organiser,
        "accept",
    )
    batch = programme_services.invitation_batch_prepare(
        programme=programme,
        workshop=None,
        source=InvitationBatch.Source.ONE,
        created_by=organiser,
        message="",
        expires_at=timezone.now() + dt.timedelta(days=14),
        emails_text="guest.fuzz@example.org",
    )
    (invitation,) = programme_services.invitation_batch_confirm(batch=batch, confirmed_by=organiser)
    return SimpleNamespace(
        programme=programme,
        organiser=organiser,
        reviewer=reviewer,
        finance=finance,
        carer=carer,
        young=young,
        professional=professional,
        partner=partner,
        other_pro=other_pro,
        workshop=workshop,
        ended=ended,
        attended=attended,
        scheme=scheme,
        open_scheme=open_scheme,
        award=award,
        waiting=waiting,
        cohort=cohort,
        forming=forming,
        accepted=accepted,
        invitation=invitation,
    )


@dataclass(frozen=True)
class Page:
    """A page that takes a form: who sends it, where, the form (for its fields) and good data.
    `files` names the upload box, if there is one."""

    who: str | None
    url: Callable[[Any], str]
    form: Callable[[Any], Any]
    good: Callable[[Any], dict[str, Any]] = lambda s: {}
    files: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _step(slug: str, form_class: Any, good: dict[str, Any]) -> Page:
    return Page(
        "young",
        lambda s: reverse("participants:profile_step", args=[slug]),
        lambda s: form_class(None, profile=s.young.profile, consents=consents_in_force(s.young)),
        lambda s: good,
    )


def _criteria() -> dict[str, str]:
    return {
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "12",
        "criteria-0-name": "Helps them take part",
        "criteria-0-weight": "2",
        "criteria-1-name": "",
        "criteria-1-weight": "1",
    }


def _scheme_good(s: Any) -> dict[str, Any]:
    now = timezone.localtime()
    return {
        "name": "Spring travel bursary",
        "workshop": "",
        "budget": "1500",
        "max_award": "250",
        "eligible_perspectives": ["patient", "carer"],
        "covers": ["travel", "care"],
        "involvement_rate": "",
        "involvement_rate_unit": "",
        "opens_at": (now - dt.timedelta(days=1)).strftime(LOCAL),
        "closes_at": (now + dt.timedelta(days=30)).strftime(LOCAL),
        "information": "We pay **travel**.",
        "benefits_advice_url": "",
        **_criteria(),
    }


def _review_good(s: Any) -> dict[str, Any]:
    first, second = s.scheme.criteria.all()
    return {
        f"criterion_{first.pk}": "4",
        f"criterion_{second.pk}": "3",
        "recommendation": "full",
        "comments": "Clear.",
    }


def _feedback_good(s: Any) -> dict[str, Any]:
    return {
        f"q{q.pk}": "4" if q.kind == "scale" else "Good."
        for q in feedback_form_for(workshop=s.ended).questions.all()
    }


def _workshop_forms(s: Any, workshop: Any = None) -> list[Any]:
    return [
        WorkshopForm(programme=s.programme, instance=workshop),
        ReservationFormSetFactory(instance=workshop, prefix="places"),
        AgendaFormSetFactory(
            instance=workshop, prefix="agenda", form_kwargs={"programme": s.programme}
        ),
    ]


PAGES: dict[str, Page] = {
    # Accounts
    "sign up": Page(
        None,
        lambda s: reverse("account_signup"),
        lambda s: SignupForm(),
        lambda s: {"email": "new.fuzz@example.org", "password1": PASSWORD, "password2": PASSWORD},
    ),
    "sign in": Page(
        None,
        lambda s: reverse("account_login"),
        lambda s: [forms.Form()],
        lambda s: {"login": s.carer.email, "password": PASSWORD},
        extra={"login": "", "password": "", "remember": ""},
    ),
    "password reset": Page(
        None,
        lambda s: reverse("account_reset_password"),
        lambda s: [forms.Form()],
        lambda s: {"email": s.carer.email},
        extra={"email": ""},
    ),
    # The profile's steps
    "profile: about you": _step(
        "about-you",
        participant_forms.AboutYouForm,
        {"display_name": "Sam", "age_band": "16_17"},
    ),
    "profile: experience": _step(
        "experience", participant_forms.ExperienceForm, {"perspectives": ["young_person"]}
    ),
    "profile: described": _step(
        "described", participant_forms.DescribedForm, {"described_choice": "own", "own_words": "me"}
    ),
    "profile: support": _step("support", participant_forms.SupportForm, {"reminders": "yes"}),
    "profile: contact": _step("contact", participant_forms.ContactForm, {"phone": "07700 900123"}),
    "profile: guardian": _step(
        "guardian",
        participant_forms.GuardianForm,
        {"guardian_name": "Pat", "guardian_email": "pat.fuzz@example.org"},
    ),
    "profile: agreement": _step(
        "agreement", participant_forms.AgreementForm, {"privacy": "on", "contact": "yes"}
    ),
    "equality monitoring": Page(
        "carer",
        lambda s: reverse("participants:equality"),
        lambda s: participant_forms.EqualityForm(monitoring=None),
        lambda s: {"age_band": "prefer_not"},
    ),
    # Workshops
    "registration": Page(
        "carer",
        lambda s: reverse("workshops:register", args=[s.workshop.pk]),
        lambda s: [forms.Form()],
        lambda s: {"companion_name": "Bola"},
        extra={"companion_name": "", "website": ""},
    ),
    "workshop: add": Page(
        "organiser",
        lambda s: reverse("workshops:manage_new") + f"?programme={s.programme.slug}",
        lambda s: _workshop_forms(s),
        lambda s: workshop_data(venue=s.workshop.venue),
    ),
    "workshop: edit": Page(
        "organiser",
        lambda s: reverse("workshops:manage_edit", args=[s.workshop.pk]),
        lambda s: _workshop_forms(s, s.workshop),
        lambda s: edit_data(s.workshop),
    ),
    "workshop: reschedule": Page(
        "organiser",
        lambda s: reverse("workshops:manage_reschedule", args=[s.workshop.pk]),
        lambda s: RescheduleForm(),
        lambda s: {
            "starts_at": (timezone.localtime() + dt.timedelta(days=20)).strftime(LOCAL),
            "ends_at": (timezone.localtime() + dt.timedelta(days=20, hours=2)).strftime(LOCAL),
            "reason": "The room flooded.",
        },
    ),
    "workshop: cancel": Page(
        "organiser",
        lambda s: reverse("workshops:manage_cancel", args=[s.workshop.pk]),
        lambda s: CancelForm(),
        lambda s: {"reason": "The room flooded."},
    ),
    "workshop: add a file": Page(
        "organiser",
        lambda s: reverse("workshops:material_upload", args=[s.workshop.pk]),
        lambda s: MaterialForm(),
        lambda s: {"title": "Slides", "kind": "slides"},
        files="file",
    ),
    "venue: add": Page(
        "organiser",
        lambda s: reverse("workshops:venue_new"),
        lambda s: VenueForm(),
        lambda s: {"name": "Hall", "address": "1 Example Street", "postcode": "EX1 1AA"},
    ),
    "table plan": Page(
        "organiser",
        lambda s: reverse("workshops:table_plan", args=[s.workshop.pk]),
        lambda s: [forms.Form()],
        lambda s: {"tables": "3", "rounds": "2"},
        extra={"tables": "", "rounds": "", "action": ""},
    ),
    # Programmes
    "programme: add": Page(
        "organiser",
        lambda s: reverse("programmes:create"),
        lambda s: ProgrammeForm(),
        lambda s: {
            "title": "Better discharge",
            "summary": "Going home together.",
            "status": "draft",
            "lived_experience_term": "patient partner",
            "lived_experience_term_plural": "patient partners",
            "professional_term": "clinician",
            "professional_term_plural": "clinicians",
        },
    ),
    "cohort: add": Page(
        "organiser",
        lambda s: reverse("programmes:cohort_create", args=[s.programme.slug]),
        lambda s: CohortForm(programme=s.programme),
        lambda s: {"name": "Winter", "starts_on": "2027-01-10", "places": "12"},
    ),
    "team: add": Page(
        "organiser",
        lambda s: reverse("programmes:team", args=[s.programme.slug]),
        lambda s: TeamAddForm(programme=s.programme),
        lambda s: {"email": s.carer.email, "role": "reviewer"},
    ),
    "invitations: one address": Page(
        "organiser",
        lambda s: reverse("programmes:invitation_new", args=[s.programme.slug]),
        lambda s: InvitationForm(source="one", programme=s.programme, workshops=[s.workshop]),
        lambda s: {"source": "one", "target": "programme", "email": "a@example.org", "days": "14"},
    ),
    "invitations: a pasted list": Page(
        "organiser",
        lambda s: reverse("programmes:invitation_new", args=[s.programme.slug]),
        lambda s: InvitationForm(source="list", programme=s.programme, workshops=[s.workshop]),
        lambda s: {
            "source": "list",
            "target": str(s.workshop.pk),
            "emails_text": "a@example.org\nSam <b@example.org>",
            "days": "14",
        },
    ),
    "invitations: a CSV file": Page(
        "organiser",
        lambda s: reverse("programmes:invitation_new", args=[s.programme.slug]),
        lambda s: InvitationForm(source="csv", programme=s.programme, workshops=[s.workshop]),
        lambda s: {"source": "csv", "target": "programme", "days": "14"},
        files="csv_file",
    ),
    "invitation: decline": Page(
        None,
        lambda s: reverse("programmes:invitation_decline", args=[s.invitation.token]),
        lambda s: [forms.Form()],
        lambda s: {"reason": "Too far."},
        extra={"reason": ""},
    ),
    # Bursaries
    "bursary: apply": Page(
        "carer",
        lambda s: reverse("bursaries:apply", args=[s.open_scheme.pk]),
        lambda s: ApplicationForm(scheme=s.open_scheme, workshops=s.programme.workshops.all()),
        lambda s: {
            "travel_amount": "24.50",
            "care_amount": "40",
            "wants_payment": "yes",
            "involvement_amount": "75",
            "statement": "A sitter would let me come.",
            "action": "submit",
        },
    ),
    "bursary: claim": Page(
        "carer",
        lambda s: reverse("bursaries:claim", args=[s.award.pk]),
        lambda s: ClaimForm(application=s.award),
        lambda s: {"travel_amount": "20", "travel_details": "Bus"},
        files="receipts",
    ),
    "bursary: scheme": Page(
        "organiser",
        lambda s: reverse("bursaries:scheme_new", args=[s.programme.slug]),
        lambda s: [SchemeForm(programme=s.programme), CriterionFormSet(prefix="criteria")],
        _scheme_good,
    ),
    "bursary: review": Page(
        "reviewer",
        lambda s: reverse("bursaries:review", args=[s.waiting.pk]),
        lambda s: ReviewForm(criteria=list(s.scheme.criteria.all())),
        _review_good,
    ),
    "bursary: decide": Page(
        "organiser",
        lambda s: reverse("bursaries:decide", args=[s.waiting.pk]),
        lambda s: BursaryDecisionForm(),
        lambda s: {"outcome": "partial", "amount": "20", "reason": "Part.", "release": "hold"},
        extra={"release": ""},
    ),
    # Pairs
    "pair: start": Page(
        "other_pro",
        lambda s: reverse("pairs:start", args=[s.programme.slug]),
        lambda s: PairStartForm(programme=s.programme),
        lambda s: {
            "cohort": str(s.cohort.pk),
            "task": "Rewrite the letter.",
            "organisation": "Example Trust",
            "organisation_support": "Time.",
            "how_we_work": "Tuesdays.",
            "partner_name": "Pat",
            "partner_email": "pat.fuzz@example.org",
        },
    ),
    "pair: partner joins": Page(
        "partner",
        lambda s: reverse("pairs:join", args=[s.forming.partner_token]),
        lambda s: PartnerPartForm(),
        lambda s: {"partner_statement": "I know the clinic."},
    ),
    "pair: change partner": Page(
        "professional",
        lambda s: reverse("pairs:change_partner", args=[s.forming.pk]),
        lambda s: PartnerChangeForm(),
        lambda s: {"partner_name": "Lee", "partner_email": "lee.fuzz@example.org"},
    ),
    "pair: learning log": Page(
        "other_pro",
        lambda s: reverse("pairs:log", args=[s.accepted.pk]),
        lambda s: LogEntryForm(),
        lambda s: {"entry_date": "2026-11-20", "tried": "x", "learned": "y", "sharing": "pair"},
    ),
    # Feedback
    "feedback: answer": Page(
        "carer",
        lambda s: reverse("feedback:respond", args=[s.ended.pk]),
        lambda s: ResponseForm(questions=list(feedback_form_for(workshop=s.ended).questions.all())),
        _feedback_good,
    ),
    "feedback: answer from the email": Page(
        None,
        lambda s: reverse("feedback:give", args=[feedback_token(s.attended)]),
        lambda s: ResponseForm(questions=list(feedback_form_for(workshop=s.ended).questions.all())),
        _feedback_good,
    ),
    "feedback: add a question": Page(
        "organiser",
        lambda s: reverse("feedback:question_new", args=[s.workshop.pk]),
        lambda s: QuestionForm(),
        lambda s: {"kind": "single", "text": "Which room?", "choices": "Big\nSmall"},
    ),
    "you said, we did": Page(
        "organiser",
        lambda s: reverse("feedback:action_new", args=[s.programme.slug]),
        lambda s: ActionForm(programme=s.programme),
        lambda s: {"heard": "Too noisy.", "changed": "Quiet room.", "changed_on": "2026-11-01"},
    ),
}


def _forms(page: Page, s: Any) -> list[Any]:
    made = page.form(s)
    return made if isinstance(made, list) else [made]


@st.composite
def _page_data(draw: Any, page: Page, s: Any) -> dict[str, Any]:
    data = dict(page.good(s))
    for form in _forms(page, s):
        data = draw(form_data(form, data))
    for key, good in page.extra.items():
        choice = draw(st.sampled_from(["keep", "missing", "text"]))
        if choice == "missing":
            data.pop(key, None)
        elif choice == "text":
            data[key] = draw(text)
        elif key not in data:
            data[key] = good
    return data


class _Upload(io.BytesIO):
    """A file as the test client sends it, with any name at all."""

    def __init__(self, name: str, content: bytes) -> None:
        super().__init__(content)
        self.name = name


uploads = st.lists(
    st.builds(
        _Upload,
        st.one_of(
            st.sampled_from(
                ["a.pdf", "a.csv", "a.png", ".", "..", "a\x00.pdf", "../../x.csv", "é.txt", ""]
            ),
            text.map(lambda t: as_delivered(t).replace("\\", "")[:300] or "x"),
        ),
        st.one_of(
            st.binary(max_size=2000),
            st.just(PDF),
            st.just(b"email,name\nsam@example.org,Sam\n"),
            st.just(b"\xef\xbb\xbfEmail;Name\r\n=1+1;\x00\r\n"),
            st.just(b""),
            st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")),
        ),
    ),
    max_size=3,
)


def _sign_in(client: Any, s: Any, who: str | None) -> None:
    if who is not None:
        client.force_login(getattr(s, who))


def _post(client: Any, url: str, data: dict[str, Any], files: list[Any] | None, box: str) -> Any:
    if box:
        payload = {
            key: (
                [v.encode("utf-8", "surrogatepass").decode("utf-8", "replace") for v in value]
                if isinstance(value, list)
                else str(value).encode("utf-8", "surrogatepass").decode("utf-8", "replace")
            )
            for key, value in data.items()
        }
        if files:
            payload[box] = files
        return client.post(url, payload)
    return client.post(url, urlencoded(data), content_type="application/x-www-form-urlencoded")


def _check(response: Any, baseline: dict, mark: int) -> None:
    """Never an error page; a refusal (a page with the form again, or a redirect with a
    problem to read) changes nothing."""
    assert response.status_code in {200, 302, 400, 403, 404, 405, 409, 429}, response.status_code
    refused = response.status_code != 302 or bool(queued_errors(response))
    if refused and writes() != mark:
        assert changed_tables(baseline, snapshot()) == []


@pytest.mark.parametrize("name", sorted(PAGES))
@FUZZ_PAGES
@given(data=st.data())
def test_pages_answer_bad_input_in_words_and_save_nothing(client, site, baseline, name, data):
    page = PAGES[name]
    url = page.url(site)
    values = data.draw(_page_data(page, site))
    files = data.draw(uploads) if page.files else None

    with one_example(client):
        _sign_in(client, site, page.who)
        mark = writes()
        response = _post(client, url, values, files, page.files)
        _check(response, baseline, mark)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_pages_take_a_megabyte_in_every_box_calmly(client, site, baseline, name):
    page = PAGES[name]
    values = dict(page.good(site))
    for form in _forms(page, site):
        values = huge_data(form, values)
    values.update({key: HUGE for key in page.extra})

    with one_example(client):
        _sign_in(client, site, page.who)
        mark = writes()
        response = _post(client, page.url(site), values, None, page.files)
        _check(response, baseline, mark)
        assert response.status_code != 302 or queued_errors(response) or name in BIG_IS_FINE


# Pages where a megabyte in every box is simply ignored: the spam trap's refusal is a redirect
# with a message, sign-in and reset say nothing about what was wrong.
BIG_IS_FINE = {"registration", "sign in", "password reset", "invitation: decline"}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_good_data_used_above_is_accepted(client, site, name):
    """So the examples start from data that gets all the way through."""
    page = PAGES[name]
    files = None
    if page.files == "file":
        files = [_Upload("slides.pdf", PDF)]
    elif page.files == "csv_file":
        files = [_Upload("people.csv", b"email,name\nsam@example.org,Sam\n")]
    elif page.files == "receipts":
        files = [_Upload("ticket.png", png_bytes())]

    with one_example(client):
        _sign_in(client, site, page.who)
        before = snapshot()
        response = _post(client, page.url(site), page.good(site), files, page.files)
        changed = changed_tables(before, snapshot())

    assert response.status_code == 302, _problems(response)
    assert not queued_errors(response)
    assert changed or name in SAVES_NOTHING


# Pages whose good answer changes no table: signing in and asking for a reset email.
SAVES_NOTHING = {"sign in", "password reset"}


def _problems(response: Any) -> str:
    """What a page said was wrong, for a failing test's report."""
    found = []
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            errors = getattr(value, "errors", None)
            if isinstance(value, forms.BaseForm | forms.BaseFormSet) and errors:
                found.append(repr(errors)[:500])
    return f"{response.status_code}: {found}"


# Lists with filters, and links with secrets in them


LISTS = {
    "workshops": (
        "carer",
        lambda s: reverse("workshops:list"),
        ["q", "programme", "format", "month", "page"],
    ),
    "registrants": (
        "organiser",
        lambda s: reverse("workshops:registrants", args=[s.workshop.pk]),
        ["q", "status", "page"],
    ),
    "calendar": (
        "organiser",
        lambda s: reverse("workshops:calendar"),
        ["month", "programme", "venue"],
    ),
    "calendar list": (
        "organiser",
        lambda s: reverse("workshops:calendar_list"),
        ["programme", "page"],
    ),
    "attendance": ("organiser", lambda s: reverse("workshops:attendance"), ["programme", "cohort"]),
    "invitations": (
        "organiser",
        lambda s: reverse("programmes:invitations", args=[s.programme.slug]),
        ["workshop", "state", "page"],
    ),
    "invite page": (
        "organiser",
        lambda s: reverse("programmes:invitation_new", args=[s.programme.slug]),
        ["how", "workshop"],
    ),
    "bursary queue": (
        "reviewer",
        lambda s: reverse("bursaries:queue", args=[s.programme.slug]),
        ["status", "scheme", "mine", "unreviewed", "sort", "page"],
    ),
    "bursary claims": (
        "reviewer",
        lambda s: reverse("bursaries:claims", args=[s.programme.slug]),
        ["status", "page"],
    ),
    "open bursaries": ("carer", lambda s: reverse("bursaries:list"), ["workshop"]),
    "bursary apply page": (
        "carer",
        lambda s: reverse("bursaries:apply", args=[s.scheme.pk]),
        ["pair", "workshop"],
    ),
    "pair review": (
        "organiser",
        lambda s: reverse("pairs:review", args=[s.programme.slug]),
        ["status", "page"],
    ),
    "my pairs": ("professional", lambda s: reverse("pairs:mine"), ["page"]),
    "programme report": (
        "organiser",
        lambda s: reverse("feedback:programme_report", args=[s.programme.slug]),
        ["question", "who"],
    ),
    "you said, we did list": (
        "organiser",
        lambda s: reverse("feedback:actions", args=[s.programme.slug]),
        ["page", "workshop"],
    ),
    "learning page": (
        None,
        lambda s: reverse("feedback:learning", args=[s.programme.slug]),
        ["page", "entries"],
    ),
    "feedback form": (
        "carer",
        lambda s: reverse("feedback:respond", args=[s.ended.pk]),
        ["easy_read"],
    ),
    "messages": ("organiser", lambda s: reverse("core:messages"), ["programme", "status", "page"]),
    "dashboard": ("organiser", lambda s: reverse("programmes:dashboard"), ["page"]),
    "profile": ("carer", lambda s: reverse("participants:profile"), ["next"]),
    "sign in page": (None, lambda s: reverse("account_login"), ["next"]),
}


@pytest.mark.parametrize("name", sorted(LISTS))
@FUZZ_ADDRESSES
@given(data=st.data())
def test_lists_answer_any_filter_without_an_error(client, site, baseline, name, data):
    who, url, keys = LISTS[name]
    query = data.draw(
        st.dictionaries(
            st.sampled_from(keys),
            st.one_of(text, st.lists(text, max_size=3)),
            max_size=len(keys),
        )
    )

    with one_example(client):
        _sign_in(client, site, who)
        mark = writes()
        response = client.get(url(site) + "?" + urlencoded(query).decode())
        assert response.status_code in {200, 302, 400, 404}
        if writes() != mark:
            assert changed_tables(baseline, snapshot()) == []


LINKS = {
    "invitation": (None, "programmes:invitation", {}),
    "invitation: accept": ("carer", "programmes:invitation_accept", {"method": "post"}),
    "invitation: decline": (None, "programmes:invitation_decline", {"method": "post"}),
    "pair: join": ("partner", "pairs:join", {}),
    "pair: join and sign up": (None, "pairs:join_account", {"method": "post"}),
    "pair: decline": (None, "pairs:join_decline", {"method": "post"}),
    "feedback from the email": (None, "feedback:give", {}),
    "feedback thanks": (None, "feedback:give_thanks", {}),
    "guardian consent": (None, "workshops:guardian_consent", {}),
    "guardian consent: yes": (None, "workshops:guardian_consent", {"method": "post"}),
    "reminders off": (None, "participants:unsubscribe", {}),
    "reminders off: one click": (None, "participants:unsubscribe", {"method": "post"}),
    "calendar feed": (None, "workshops:my_feed", {}),
    "email confirmation": (None, "account_confirm_email", {"key": True}),
}


@pytest.mark.parametrize("name", sorted(LINKS))
@FUZZ_ADDRESSES
@given(token=st.one_of(text.filter(lambda t: len(t) < 3000), st.just("\x00")))
def test_secret_links_answer_any_token_without_an_error(client, site, baseline, name, token):
    who, route, how = LINKS[name]
    path = reverse(route, args=["TOKEN"])
    encoded = quote(token.encode("utf-8", "surrogatepass"), safe="") or "x"

    with one_example(client):
        _sign_in(client, site, who)
        mark = writes()
        url = path.replace("TOKEN", encoded)
        if how.get("method") == "post":
            response = client.post(url, {"reason": "No."})
        else:
            response = client.get(url)
        assert response.status_code in {200, 302, 400, 404, 410}
        if writes() != mark:
            assert changed_tables(baseline, snapshot()) == []


@pytest.mark.parametrize(
    "address",
    [
        "/programmes/invitations/%00/",
        "/pairs/join/a%00b/",
        "/workshops/manage/calendar/?programme=%00",
        "/workshops/?q=%00",
        "/workshops/?%00=1",
    ],
)
def test_a_nul_character_in_an_address_gets_a_plain_page(client, site, address):
    client.force_login(site.organiser)

    response = client.get(address)

    assert response.status_code == 400
    assert "Sorry, we could not read that" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "prefixes"),
    [("workshop: add", ["places", "agenda"]), ("bursary: scheme", ["criteria"])],
)
def test_a_huge_number_of_lines_in_a_form_is_refused_calmly(client, site, baseline, name, prefixes):
    page = PAGES[name]
    values = dict(page.good(site))
    for prefix in prefixes:
        values[f"{prefix}-TOTAL_FORMS"] = "9" * 30
        values[f"{prefix}-0-title"] = "x"

    with one_example(client):
        _sign_in(client, site, page.who)
        mark = writes()
        response = _post(client, page.url(site), values, None, page.files)
        _check(response, baseline, mark)
        assert "Please submit at most" in response.content.decode()


def _numbered_routes() -> list[tuple[str, list[str]]]:
    """Every named address of ours with a number in it, and the names of its parts."""
    from django.urls import get_resolver
    from django.urls.converters import IntConverter

    found = []

    def walk(resolver: Any, namespace: str, converters: dict) -> None:
        for entry in resolver.url_patterns:
            inner = {**converters, **getattr(entry.pattern, "converters", {})}
            if hasattr(entry, "url_patterns"):
                if entry.namespace != "admin":
                    prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                    walk(entry, prefix, inner)
            elif entry.name and any(isinstance(c, IntConverter) for c in inner.values()):
                found.append((f"{namespace}{entry.name}", sorted(inner)))

    walk(get_resolver(), "", {})
    return sorted(found)


@pytest.mark.parametrize(("route", "parts"), _numbered_routes(), ids=lambda v: str(v))
def test_every_address_with_a_number_answers_a_huge_number_without_an_error(
    client, site, route, parts
):
    number = 2**63  # one past the biggest id the database can hold
    kwargs = {part: number for part in parts}
    for part in parts:
        try:
            reverse(route, kwargs={**kwargs, part: 1})
        except Exception:  # noqa: BLE001 - not a number: a slug or a token
            kwargs[part] = "x"
    url = reverse(route, kwargs=kwargs)

    for who in ("organiser", "carer"):
        client.force_login(getattr(site, who))
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in {302, 400, 403, 404, 405}, (who, url)
