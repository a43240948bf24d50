"""Every form in our apps, given bad input (hypothesis): checking it never raises, and every
error it gives is a plain sentence. The pages that use these forms are fuzzed in
test_fuzz_views.py."""

import importlib
import inspect
import pkgutil
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from hypothesis import given
from hypothesis import strategies as st

from bursaries import forms as bursary_forms
from bursaries.models import BursaryScheme
from bursaries.services import bursary_decide
from codesign.accounts.forms import SignupForm
from codesign.core.views import MessageFilterForm
from feedback import forms as feedback_forms
from feedback.models import Question
from feedback.services import feedback_form_for
from pairs import forms as pair_forms
from participants import forms as participant_forms
from participants.models import Perspective
from participants.services import consents_in_force
from programmes import forms as programme_forms
from programmes.models import InvitationBatch, TeamRole
from tests.bursaries.factories import PDF, ApplicationFactory, CriterionFactory, SchemeFactory
from tests.factories import (
    CohortFactory,
    MembershipFactory,
    ProgrammeFactory,
    StageFactory,
    WorkshopFactory,
)
from tests.pairs.support import start
from tests.security.fuzz_support import (
    FUZZ,
    assert_plain_errors,
    fields_of,
    form_data,
    huge_data,
    kept_for_the_module,
    multivalue,
    one_example,
)
from tests.workshops.registration_support import ready_person
from workshops import forms as workshop_forms
from workshops.views.public import WorkshopFilterForm, _next_months
from workshops.views.registrants import MoveForm, SeatMoveForm, TablePlanForm

# Our packages: every form class defined in them must be fuzzed here.
PACKAGES = [
    "codesign",
    "programmes",
    "workshops",
    "participants",
    "pairs",
    "bursaries",
    "feedback",
    "privacy",
]
# Bases only ever used through their subclasses.
BASES = {
    "codesign.core.honeypot.HoneypotFormMixin",
    "participants.forms.ProfileStepForm",
    "workshops.forms._LinesFormSet",
}


@pytest.fixture(autouse=True)
def _each_test_rolled_back(db):
    pass


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One of everything a form can be asked about, made once for the module."""
    with kept_for_the_module(django_db_blocker):
        yield _world()


def _world() -> SimpleNamespace:
    programme = ProgrammeFactory(title="Forms for everything", slug="forms-for-everything")
    organiser = ready_person("organiser.fuzz@example.org", [Perspective.MANAGER])
    reviewer = ready_person("reviewer.fuzz@example.org", [Perspective.RESEARCHER])
    MembershipFactory(programme=programme, user=organiser, role=TeamRole.ORGANISER)
    MembershipFactory(programme=programme, user=reviewer, role=TeamRole.REVIEWER)
    young = ready_person("young.fuzz@example.org", [Perspective.YOUNG_PERSON], age=15)
    carer = ready_person("carer.fuzz@example.org", [Perspective.CARER])
    professional = ready_person("pro.fuzz@example.org", [Perspective.HEALTH_PROFESSIONAL])
    cohort = CohortFactory(programme=programme, name="Autumn pairs", places=4)
    StageFactory(programme=programme)
    workshop = WorkshopFactory(programme=programme, title="Clinic letters")
    scheme = SchemeFactory(programme=programme)
    criteria = [CriterionFactory(scheme=scheme, weight=2), CriterionFactory(scheme=scheme)]
    application = ApplicationFactory(scheme=scheme, applicant=carer, amount=Decimal("80"))
    bursary_decide(
        application=application, decided_by=organiser, outcome="full", reason="Yes", release=True
    )
    application.refresh_from_db()
    feedback = feedback_form_for(workshop=workshop)
    for kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        Question.objects.create(
            form=feedback, position=50, kind=kind, text="Which?", choices=["One", "Two"]
        )
    pair = start(cohort, professional)
    return SimpleNamespace(
        programme=programme,
        organiser=organiser,
        reviewer=reviewer,
        young=young,
        cohort=cohort,
        workshop=workshop,
        scheme=scheme,
        criteria=criteria,
        application=application,
        feedback=feedback,
        pair=pair,
    )


def _profile_step(form_class):
    def build(w):
        profile = w.young.profile
        consents = consents_in_force(w.young)
        return lambda data, files: form_class(data, profile=profile, consents=consents)

    return build


def _plain(form_class, **kwargs):
    def build(w):
        values = {k: (v(w) if callable(v) else v) for k, v in kwargs.items()}
        return lambda data, files: form_class(data, files=files, **values)

    return build


def _formset(factory, **kwargs):
    def build(w):
        values = {k: (v(w) if callable(v) else v) for k, v in kwargs.items()}
        return lambda data, files: factory(data, files=files, **values)

    return build


def _invitation(source):
    def build(w):
        return lambda data, files: programme_forms.InvitationForm(
            data, files, source=source, programme=w.programme, workshops=[w.workshop]
        )

    return build


FORMS: dict[str, Any] = {
    # Accounts
    "codesign.accounts.forms.SignupForm": _plain(SignupForm),
    # Participants
    **{
        f"participants.forms.{cls.__name__}": _profile_step(cls)
        for cls in (
            participant_forms.AboutYouForm,
            participant_forms.ExperienceForm,
            participant_forms.DescribedForm,
            participant_forms.SupportForm,
            participant_forms.ContactForm,
            participant_forms.GuardianForm,
            participant_forms.AgreementForm,
        )
    },
    "participants.forms.EqualityForm": lambda w: (
        lambda data, files: participant_forms.EqualityForm(data, monitoring=None)
    ),
    # Programmes
    "programmes.forms.ProgrammeForm": _plain(programme_forms.ProgrammeForm),
    "programmes.forms.CohortForm": _plain(
        programme_forms.CohortForm, programme=lambda w: w.programme
    ),
    "programmes.forms.StageForm": _plain(
        programme_forms.StageForm, programme=lambda w: w.programme
    ),
    "programmes.forms.TeamAddForm": _plain(
        programme_forms.TeamAddForm, programme=lambda w: w.programme
    ),
    "programmes.forms.InvitationForm": _invitation(InvitationBatch.Source.LIST),
    "programmes.forms.InvitationForm[one]": _invitation(InvitationBatch.Source.ONE),
    "programmes.forms.InvitationForm[csv]": _invitation(InvitationBatch.Source.CSV),
    "programmes.forms.InvitationForm[participants]": _invitation(
        InvitationBatch.Source.PARTICIPANTS
    ),
    "programmes.forms.InvitationFilterForm": _plain(
        programme_forms.InvitationFilterForm, workshops=lambda w: [w.workshop]
    ),
    "programmes.forms.InvitationDeclineForm": _plain(programme_forms.InvitationDeclineForm),
    # Workshops
    "workshops.forms.WorkshopForm": _plain(
        workshop_forms.WorkshopForm, programme=lambda w: w.programme
    ),
    "workshops.forms.WorkshopForm[edit]": _plain(
        workshop_forms.WorkshopForm,
        programme=lambda w: w.programme,
        instance=lambda w: w.workshop,
        times_locked=True,
    ),
    "workshops.forms.ReservationForm": _plain(workshop_forms.ReservationForm),
    "workshops.forms.AgendaItemForm": _plain(
        workshop_forms.AgendaItemForm, programme=lambda w: w.programme
    ),
    "workshops.forms.ReservationFormSet": _formset(
        workshop_forms.ReservationFormSetFactory, instance=lambda w: w.workshop, prefix="places"
    ),
    "workshops.forms.AgendaFormSet": _formset(
        workshop_forms.AgendaFormSetFactory,
        instance=lambda w: w.workshop,
        prefix="agenda",
        form_kwargs=lambda w: {"programme": w.programme},
    ),
    "workshops.forms.RescheduleForm": _plain(workshop_forms.RescheduleForm),
    "workshops.forms.CancelForm": _plain(workshop_forms.CancelForm),
    "workshops.forms.MaterialForm": _plain(workshop_forms.MaterialForm),
    "workshops.forms.VenueForm": _plain(workshop_forms.VenueForm),
    "workshops.forms.RegisterForm": _plain(workshop_forms.RegisterForm),
    "workshops.views.public.WorkshopFilterForm": _plain(
        WorkshopFilterForm,
        programmes=lambda w: [w.programme],
        months=lambda w: _next_months(timezone.now()),
    ),
    "workshops.views.registrants.MoveForm": _plain(MoveForm),
    "workshops.views.registrants.TablePlanForm": _plain(TablePlanForm),
    "workshops.views.registrants.SeatMoveForm": _plain(SeatMoveForm),
    # Bursaries
    "bursaries.forms.SchemeForm": _plain(bursary_forms.SchemeForm, programme=lambda w: w.programme),
    "bursaries.forms.CriterionForm": _plain(bursary_forms.CriterionForm),
    "bursaries.forms.BaseCriterionFormSet": _formset(
        bursary_forms.CriterionFormSet, prefix="criteria"
    ),
    "bursaries.forms.ApplicationForm": _plain(
        bursary_forms.ApplicationForm,
        scheme=lambda w: w.scheme,
        workshops=lambda w: w.programme.workshops.all(),
    ),
    "bursaries.forms.ClaimForm": _plain(
        bursary_forms.ClaimForm, application=lambda w: w.application
    ),
    "bursaries.forms.ReviewForm": _plain(bursary_forms.ReviewForm, criteria=lambda w: w.criteria),
    "bursaries.forms.ConflictForm": _plain(bursary_forms.ConflictForm),
    "bursaries.forms.AssignForm": _plain(
        bursary_forms.AssignForm,
        reviewers=lambda w: type(w.reviewer).objects.filter(pk=w.reviewer.pk),
    ),
    "bursaries.forms.DecisionForm": _plain(bursary_forms.DecisionForm),
    "bursaries.forms.ClaimReturnForm": _plain(bursary_forms.ClaimReturnForm),
    "bursaries.forms.ClaimApproveForm": _plain(bursary_forms.ClaimApproveForm),
    "bursaries.forms.ClaimPaidForm": _plain(bursary_forms.ClaimPaidForm),
    "bursaries.forms.QueueFilterForm": _plain(
        bursary_forms.QueueFilterForm, schemes=lambda w: BursaryScheme.objects.all()
    ),
    # Feedback
    "feedback.forms.ResponseForm": _plain(
        feedback_forms.ResponseForm, questions=lambda w: list(w.feedback.questions.all())
    ),
    "feedback.forms.ResponseForm[easy read]": _plain(
        feedback_forms.ResponseForm,
        questions=lambda w: list(w.feedback.questions.all()),
        easy_read=True,
    ),
    "feedback.forms.FormSettingsForm": _plain(
        feedback_forms.FormSettingsForm, instance=lambda w: w.feedback
    ),
    "feedback.forms.QuestionForm": _plain(feedback_forms.QuestionForm),
    "feedback.forms.ActionForm": _plain(feedback_forms.ActionForm, programme=lambda w: w.programme),
    "feedback.forms.TrendForm": _plain(feedback_forms.TrendForm, programme=lambda w: w.programme),
    # Pairs
    "pairs.forms.PairStartForm": _plain(pair_forms.PairStartForm, programme=lambda w: w.programme),
    "pairs.forms.PartnerPartForm": _plain(pair_forms.PartnerPartForm, instance=lambda w: w.pair),
    "pairs.forms.PartnerDeclineForm": _plain(pair_forms.PartnerDeclineForm),
    "pairs.forms.PartnerChangeForm": _plain(pair_forms.PartnerChangeForm),
    "pairs.forms.DecisionForm": _plain(pair_forms.DecisionForm),
    "pairs.forms.ReviewFilterForm": _plain(pair_forms.ReviewFilterForm),
    "pairs.forms.LogEntryForm": _plain(pair_forms.LogEntryForm),
    # Core
    "codesign.core.views.MessageFilterForm": _plain(
        MessageFilterForm, programmes=lambda w: [w.programme]
    ),
}


def _erase_form(w: Any) -> Any:
    from django.test import RequestFactory

    from privacy.forms import EraseForm

    request = RequestFactory().post("/")
    request.user = w.young
    return lambda data, files: EraseForm(data, request=request)


def _optional_forms() -> dict[str, Any]:
    """Forms of parts of the site that may not be installed everywhere."""
    found: dict[str, Any] = {}
    try:
        from codesign.core.audit_views import AuditFilterForm
        from privacy.forms import DataRequestForm, RequestEraseForm
    except ImportError:
        return found
    found["codesign.core.audit_views.AuditFilterForm"] = _plain(AuditFilterForm)
    found["privacy.forms.EraseForm"] = _erase_form
    found["privacy.forms.DataRequestForm"] = _plain(
        DataRequestForm, programmes=lambda w: [w.programme]
    )
    found["privacy.forms.DataRequestForm[site admin]"] = _plain(DataRequestForm, programmes=None)
    found["privacy.forms.RequestEraseForm"] = _plain(RequestEraseForm)
    return found


FORMS.update(_optional_forms())


def _form_classes() -> set[str]:
    """Every form and formset class defined in our packages."""
    found = set()
    for package_name in PACKAGES:
        try:
            package = importlib.import_module(package_name)
        except ImportError:
            continue
        names = [package_name]
        if hasattr(package, "__path__"):
            names += [
                info.name
                for info in pkgutil.walk_packages(package.__path__, package_name + ".")
                if ".migrations" not in info.name and ".management" not in info.name
            ]
        for name in names:
            if name.endswith((".celery", ".wsgi", ".asgi", ".settings")):
                continue
            module = importlib.import_module(name)
            for _, value in inspect.getmembers(module, inspect.isclass):
                if value.__module__ != name:
                    continue
                if issubclass(value, forms.BaseForm | forms.BaseFormSet):
                    found.add(f"{name}.{value.__name__}")
    return found


def test_every_form_in_our_apps_is_fuzzed():
    known = {name.split("[")[0] for name in FORMS}
    # Formsets made by factories are named after the formset class they are built on.
    known |= {"workshops.forms.ReservationFormSet", "workshops.forms.AgendaFormSet"}

    missing = _form_classes() - known - BASES

    assert not missing, f"Add these to FORMS in {__name__}: {sorted(missing)}"


def _files(name: str, draw) -> MultiValueDict:
    """Uploads for the forms that take files: odd names, odd content, none at all."""
    fields = {
        "workshops.forms.MaterialForm": "file",
        "programmes.forms.InvitationForm[csv]": "csv_file",
        "bursaries.forms.ClaimForm": "receipts",
    }
    field = fields.get(name)
    if field is None:
        return MultiValueDict()
    uploads = draw(
        st.lists(
            st.builds(
                SimpleUploadedFile,
                # Names as Django's upload parser leaves them (the pages test rawer ones).
                st.sampled_from(["a.pdf", "a.csv", "a.png", "a.svg", "é.txt", "x" * 300]),
                st.one_of(
                    st.binary(max_size=300),
                    st.just(PDF),
                    st.just(b"email,name\nsam@example.org,Sam\n"),
                    st.just(b""),
                ),
            ),
            max_size=3,
        )
    )
    return MultiValueDict({field: uploads}) if uploads else MultiValueDict()


@pytest.mark.parametrize("name", sorted(FORMS))
@FUZZ
@given(data=st.data())
def test_forms_never_raise_and_explain_every_problem_in_words(world, name, data):
    make = FORMS[name](world)
    blank = make(None, None)
    values = data.draw(form_data(blank))
    files = _files(name, data.draw)

    with one_example():
        form = make(multivalue(values), files)
        valid = form.is_valid()
        if not valid:
            assert_plain_errors(form)
        # Drawing the form again, errors and all, must not fail either.
        str(form)


@pytest.mark.parametrize("name", sorted(FORMS))
def test_forms_take_a_megabyte_in_every_box_calmly(world, name):
    make = FORMS[name](world)

    with one_example():
        form = make(multivalue(huge_data(make(None, None))), None)
        form.is_valid()
        assert_plain_errors(form)


# Boxes that may take any length: the spam trap (anything in it is refused), passwords (up
# to the person), and a pasted list of addresses (refused past 10,000 addresses).
ANY_LENGTH = {"website", "password1", "password2", "emails_text"}


def test_every_text_box_has_a_length_limit(world):
    unlimited = []
    for name, build in sorted(FORMS.items()):
        for key, field in fields_of(build(world)(None, None)):
            if (
                isinstance(field, forms.CharField)
                and field.max_length is None
                and not isinstance(field.widget, forms.HiddenInput)
                and key not in ANY_LENGTH
            ):
                unlimited.append(f"{name}: {key}")

    assert not unlimited


def test_a_date_of_birth_with_a_huge_day_is_refused_in_words(world):
    make = FORMS["participants.forms.AboutYouForm"](world)
    data = {"display_name": "Sam", "date_of_birth_0": "9" * 30, "date_of_birth_1": "1"}
    data["date_of_birth_2"] = "2000"

    form = make(multivalue(data), None)

    assert not form.is_valid()
    assert form.errors["date_of_birth"] == [
        "This date does not exist. Check the day and month. For example 27 3 2010."
    ]
