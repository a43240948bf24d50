"""Forms for bursaries: schemes and their criteria, applying, claiming, reviewing, deciding.

Money is typed as plain numbers of pounds (“25” or “25.50”). Forms only check what was typed;
the services decide what is allowed (the budget, the most one person can get, what is covered).
"""

from decimal import Decimal
from typing import Any

from django import forms

from bursaries.models import (
    EXPENSES,
    PAYMENT_FOR_TIME,
    Application,
    BursaryScheme,
    CostType,
    Criterion,
    Review,
)
from bursaries.services import MAX_RECEIPTS, RECEIPT_TYPES, SCHEME_FIELDS, CriterionLine
from codesign.core.forms import limit_length
from participants.models import Perspective
from workshops.forms import LocalDateTimeField

COST_LABELS = dict(CostType.choices)
# The order costs are listed in: expenses first, then payment for time.
EXPENSE_ORDER = [CostType.TRAVEL, CostType.OVERNIGHT, CostType.CARE]
PAYMENT_ORDER = [CostType.INVOLVEMENT, CostType.LOSS_OF_EARNINGS]
COST_HELP = {
    CostType.TRAVEL: "Train, bus or taxi fares, or mileage if you drive.",
    CostType.OVERNIGHT: "A hotel or other place to stay the night before or after.",
    CostType.CARE: "Someone to look after the person you care for, or your children, "
    "while you take part.",
    CostType.LOSS_OF_EARNINGS: "Pay you lose by taking time off work.",
    CostType.INVOLVEMENT: "A payment for the time you give.",
}

DETAILS_HELP = {
    CostType.TRAVEL: "For example “return train from Exampletown”.",
    CostType.CARE: "For example “a sitter for my son, 4 hours”.",
    CostType.INVOLVEMENT: "For example “3 hours”.",
}


def money_field(label: str, *, required: bool = False, help_text: str = "") -> forms.Field:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
        error_messages={
            "invalid": "Enter an amount in pounds, like 25 or 12.50.",
            "min_value": "Enter an amount of £0 or more.",
            "max_decimal_places": "Enter pounds and pence, like 12.50.",
            "max_digits": "That amount is too big.",
            "required": "Enter an amount in pounds.",
        },
    )


# Organisers: schemes


class SchemeForm(forms.ModelForm):
    eligible_perspectives = forms.MultipleChoiceField(
        label="Who can apply",
        choices=Perspective.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who can apply."},
    )
    covers = forms.MultipleChoiceField(
        label="What it pays for",
        choices=CostType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Expenses (travel, overnight stays, care) are always kept apart from payment "
        "for time (involvement payments, loss of earnings).",
        error_messages={"required": "Choose at least one thing the bursary pays for."},
    )
    opens_at = LocalDateTimeField(
        label="Applications open",
        help_text="UK time.",
        error_messages={"required": "Enter when applications open."},
    )
    closes_at = LocalDateTimeField(
        label="Applications close",
        help_text="UK time.",
        error_messages={"required": "Enter when applications close."},
    )

    class Meta:
        model = BursaryScheme
        fields = list(SCHEME_FIELDS)
        widgets = {"information": forms.Textarea(attrs={"rows": 8})}
        labels = {"name": "Name of the scheme"}
        help_texts = {
            "information": "What is covered, the amounts, how and when it is paid. Applicants "
            "read this before they apply. Markdown: **bold**, lists with - and "
            "[links](https://...).",
        }
        error_messages = {
            "name": {"required": "Give the scheme a name."},
            "budget": {"required": "Enter the total budget."},
            "max_award": {"required": "Enter the most one person can be awarded."},
            "information": {"required": "Write what applicants need to know first."},
            "benefits_advice_url": {"invalid": "Enter a full web address, starting https://"},
        }

    def __init__(self, *args: Any, programme: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workshop"].queryset = programme.workshops.order_by("-starts_at")
        self.fields["workshop"].empty_label = "The whole programme"
        self.fields["workshop"].label = "For one workshop, or the whole programme"
        for name in ("budget", "max_award", "involvement_rate"):
            self.fields[name].widget = forms.NumberInput(
                attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}
            )
        self.fields[
            "involvement_rate"
        ].help_text = "Needed if the scheme pays for people's time, e.g. 25.00."
        self.fields[
            "involvement_rate_unit"
        ].help_text = "For example “per hour”, “per half day” or “per workshop”."
        limit_length(self, information=10_000)

    def validate_constraints(self) -> None:
        # The scheme's rules (dates in order, an award within the budget, the budget above what
        # is awarded) are checked by services.scheme_save, each next to its field.
        pass

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["eligible_perspectives"] = list(data["eligible_perspectives"])
        data["covers"] = list(data["covers"])
        data["involvement_rate_unit"] = data.get("involvement_rate_unit") or ""
        data["benefits_advice_url"] = data.get("benefits_advice_url") or ""
        return {name: data[name] for name in SCHEME_FIELDS}


class CriterionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label="What reviewers score", max_length=200, required=False)
    guidance = forms.CharField(label="Guidance for reviewers", max_length=500, required=False)
    weight = forms.IntegerField(
        label="Weight",
        min_value=1,
        max_value=10,
        initial=1,
        required=False,
        help_text="From 1 to 10. A criterion with weight 2 counts twice as much.",
        error_messages={
            "min_value": "Use a weight from 1 to 10.",
            "max_value": "Use a weight from 1 to 10.",
            "invalid": "Use a whole number from 1 to 10.",
        },
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("name") and (cleaned.get("guidance")):
            self.add_error("name", "Say what reviewers score, or clear the guidance.")
        return cleaned


class BaseCriterionFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this criterion"

    def lines(self) -> list[CriterionLine]:
        lines = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if not data.get("name") or data.get("DELETE"):
                continue
            lines.append(
                CriterionLine(
                    name=data["name"],
                    guidance=data.get("guidance") or "",
                    weight=data.get("weight") or 1,
                    pk=data.get("id"),
                )
            )
        return lines


# absolute_max: a form sent with a made-up count of lines is refused, rather than Django
# building a thousand.
CriterionFormSet = forms.formset_factory(
    CriterionForm,
    formset=BaseCriterionFormSet,
    extra=2,
    can_delete=True,
    max_num=12,
    absolute_max=12,
)


def criteria_initial(scheme: BursaryScheme | None) -> list[dict[str, Any]]:
    if scheme is None or scheme.pk is None:
        return [
            {"name": "How much the bursary helps them take part", "weight": 2},
            {"name": "How clearly the costs are explained", "weight": 1},
        ]
    return [
        {"id": c.pk, "name": c.name, "guidance": c.guidance, "weight": c.weight}
        for c in scheme.criteria.all()
    ]


# Participants: applying


def _cost_fields(form: forms.Form, cost_types: list[str], scheme: BursaryScheme) -> list[str]:
    names = []
    for cost_type in cost_types:
        help_text = COST_HELP.get(cost_type, "")
        if cost_type == CostType.INVOLVEMENT and scheme.involvement_rate:
            help_text = (
                f"This bursary pays £{scheme.involvement_rate} "
                f"{scheme.involvement_rate_unit or ''}".rstrip()
                + "."
            )
        form.fields[f"{cost_type}_amount"] = money_field(
            f"{COST_LABELS[cost_type]} (£)", help_text=help_text
        )
        form.fields[f"{cost_type}_details"] = forms.CharField(
            label=f"{COST_LABELS[cost_type]}: what it is for",
            max_length=300,
            required=False,
            help_text=DETAILS_HELP.get(cost_type, ""),
        )
        names.append(cost_type)
    return names


class WorkshopsField(forms.ModelMultipleChoiceField):
    # Django looks all the ids up in one query; a number bigger than any id the database can
    # hold would make that query fail, so it is refused first, as a choice not in the list.
    def _check_values(self, value: Any) -> Any:
        for pk in value or []:
            try:
                number = int(str(pk))
            except ValueError:
                continue
            if not 0 < number < 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                )
        return super()._check_values(value)


class ApplicationForm(forms.Form):
    """The short form. Expenses come first; payment for time comes after a pointer to
    benefits advice and the choice to decline it."""

    workshops = WorkshopsField(
        label="Which workshops is it for?",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose workshops from the list.",
            "invalid_pk_value": "Choose workshops from the list.",
            "invalid_list": "Choose workshops from the list.",
        },
    )
    fee_waiver = forms.BooleanField(label="I need a free place (the fee waived)", required=False)
    wants_payment = forms.ChoiceField(
        label="Do you want to be paid for your time?",
        choices=[
            ("yes", "Yes, pay me for my time"),
            ("no", "No, thank you: don't pay me for my time"),
        ],
        widget=forms.RadioSelect,
        initial="yes",
        required=False,
        help_text="Expenses are paid either way.",
    )
    statement = forms.CharField(
        label="Why would this help you take part?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A few sentences are enough. Up to 2,000 characters.",
        error_messages={
            "required": "Tell us briefly why this would help you take part.",
            "max_length": "Keep it to 2,000 characters or fewer.",
        },
    )
    payment_in_advance = forms.BooleanField(
        label="I need the money before the workshop, not after", required=False
    )

    def __init__(self, *args: Any, scheme: BursaryScheme, workshops: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        covers = set(scheme.covers)
        self.fields["workshops"].queryset = workshops
        self.expense_types = _cost_fields(self, [t for t in EXPENSE_ORDER if t in covers], scheme)
        self.payment_types = _cost_fields(self, [t for t in PAYMENT_ORDER if t in covers], scheme)
        if CostType.FEE_WAIVER not in covers:
            del self.fields["fee_waiver"]
        if not self.payment_types:
            del self.fields["wants_payment"]
        # Keep the fields in reading order for the error summary.
        order = ["workshops", "fee_waiver"]
        for cost_type in self.expense_types:
            order += [f"{cost_type}_amount", f"{cost_type}_details"]
        order.append("wants_payment")
        for cost_type in self.payment_types:
            order += [f"{cost_type}_amount", f"{cost_type}_details"]
        order += ["statement", "payment_in_advance"]
        self.order_fields(order)

    def expense_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"{t}_amount"], self[f"{t}_details"]) for t in self.expense_types]

    def payment_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"{t}_amount"], self[f"{t}_details"]) for t in self.payment_types]

    def declines_payment(self) -> bool:
        return self.cleaned_data.get("wants_payment") == "no"

    def items(self) -> dict[str, tuple[Decimal, str]]:
        items: dict[str, tuple[Decimal, str]] = {}
        for cost_type in self.expense_types + self.payment_types:
            amount = self.cleaned_data.get(f"{cost_type}_amount")
            if amount is not None:
                details = self.cleaned_data.get(f"{cost_type}_details") or ""
                items[cost_type] = (amount, details)
        if self.cleaned_data.get("fee_waiver"):
            items[CostType.FEE_WAIVER] = (Decimal("0"), "")
        return items

    @staticmethod
    def initial_for(application: Application) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "workshops": list(application.workshops.all()),
            "statement": application.statement,
            "payment_in_advance": application.payment_in_advance,
            "wants_payment": "no" if application.declines_payment else "yes",
        }
        for item in application.items.all():
            if item.cost_type == CostType.FEE_WAIVER:
                initial["fee_waiver"] = True
            else:
                initial[f"{item.cost_type}_amount"] = item.amount
                initial[f"{item.cost_type}_details"] = item.details
        return initial


# Participants: claiming


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/*"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(part, initial) for part in data if part]
        return [single(data, initial)] if data else []


class ClaimForm(forms.Form):
    note = forms.CharField(
        label="Anything we should know",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    receipts = MultipleFileField(
        label="Receipts or tickets",
        required=False,
        help_text=f"{RECEIPT_TYPES} files: a photo or a scan is fine. Up to {MAX_RECEIPTS} "
        "files, each up to 10 MB.",
        error_messages={"empty": "This file is empty. Choose another file."},
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        awarded = [item.cost_type for item in application.items.all()]
        claimable = [t for t in EXPENSE_ORDER + PAYMENT_ORDER if t in awarded]
        if application.declines_payment:
            claimable = [t for t in claimable if t not in PAYMENT_FOR_TIME]
        self.cost_types = claimable
        for cost_type in claimable:
            self.fields[f"{cost_type}_amount"] = money_field(f"{COST_LABELS[cost_type]} (£)")
            self.fields[f"{cost_type}_details"] = forms.CharField(
                label=f"{COST_LABELS[cost_type]}: what you spent it on",
                max_length=300,
                required=False,
            )
        order = []
        for cost_type in claimable:
            order += [f"{cost_type}_amount", f"{cost_type}_details"]
        self.order_fields([*order, "receipts", "note"])

    def expense_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"{t}_amount"], self[f"{t}_details"]) for t in self.cost_types if t in EXPENSES
        ]

    def payment_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"{t}_amount"], self[f"{t}_details"])
            for t in self.cost_types
            if t in PAYMENT_FOR_TIME
        ]

    def items(self) -> dict[str, tuple[Decimal, str]]:
        items = {}
        for cost_type in self.cost_types:
            amount = self.cleaned_data.get(f"{cost_type}_amount")
            if amount is not None:
                items[cost_type] = (amount, self.cleaned_data.get(f"{cost_type}_details") or "")
        return items


# Reviewers


SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class ReviewForm(forms.Form):
    recommendation = forms.ChoiceField(
        label="Your recommendation",
        choices=Review.Recommendation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a recommendation."},
    )
    recommended_amount = money_field(
        "Amount you recommend (£)", help_text="Only for a partial award."
    )
    comments = forms.CharField(
        label="Comments for the decision-maker",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.TypedChoiceField(
                label=f"{criterion.name} (weight {criterion.weight})",
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                help_text=criterion.guidance or "1 is the lowest score, 5 the highest.",
                error_messages={"required": f"Score “{criterion.name}” from 1 to 5."},
            )
        self.order_fields(
            [f"criterion_{c.pk}" for c in criteria]
            + ["recommendation", "recommended_amount", "comments"]
        )

    def score_fields(self) -> list[forms.BoundField]:
        return [self[f"criterion_{c.pk}"] for c in self.criteria]

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"criterion_{c.pk}"] for c in self.criteria}

    @staticmethod
    def initial_for(review: Review | None) -> dict[str, Any]:
        if review is None:
            return {}
        initial: dict[str, Any] = {
            "recommendation": review.recommendation,
            "recommended_amount": review.recommended_amount,
            "comments": review.comments,
        }
        for score in review.scores.all():
            initial[f"criterion_{score.criterion_id}"] = str(score.value)
        return initial


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label="What is the conflict? (optional)",
        max_length=300,
        required=False,
        help_text="For example “I know the applicant personally”. Only the programme team "
        "sees this.",
    )


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        label="Reviewer",
        queryset=None,
        empty_label="Choose a reviewer",
        error_messages={"required": "Choose a reviewer.", "invalid_choice": "Choose a reviewer."},
    )

    def __init__(self, *args: Any, reviewers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
        self.fields["reviewer"].label_from_instance = lambda user: (
            getattr(getattr(user, "profile", None), "display_name", "") or user.email
        )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=Application.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision."},
    )
    amount = money_field("Amount for a partial award (£)", help_text="Only for a partial award.")
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The applicant will see this.",
        error_messages={"required": "Give a reason. The applicant will see it."},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("outcome") == Application.Outcome.PARTIAL and not cleaned.get("amount"):
            self.add_error("amount", "Say how much to award in part.")
        return cleaned


class ClaimReturnForm(forms.Form):
    note = forms.CharField(
        label="What needs to change",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what needs to change. The applicant will see it."},
    )


class ClaimApproveForm(forms.Form):
    note = forms.CharField(label="Note (optional)", max_length=1000, required=False)


class ClaimPaidForm(forms.Form):
    reference = forms.CharField(
        label="Payment reference",
        max_length=100,
        error_messages={"required": "Enter the payment reference."},
    )


# The review queue


class QueueFilterForm(forms.Form):
    SORTS = [
        ("-submitted", "Newest first"),
        ("submitted", "Oldest first"),
        ("-amount", "Largest amount first"),
        ("amount", "Smallest amount first"),
        ("-score", "Highest score first"),
        ("score", "Lowest score first"),
    ]
    status = forms.ChoiceField(label="Status", required=False)
    scheme = forms.ModelChoiceField(
        label="Scheme", queryset=None, required=False, empty_label="All schemes"
    )
    mine = forms.BooleanField(label="Only those assigned to me", required=False)
    unreviewed = forms.BooleanField(label="Only those I have not reviewed", required=False)
    sort = forms.ChoiceField(label="Sort by", choices=SORTS, required=False)

    def __init__(self, *args: Any, schemes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes
        statuses = [(v, label) for v, label in Application.Status.choices if v != "draft"]
        self.fields["status"].choices = [("", "Any status"), *statuses]

    def value(self, name: str) -> Any:
        if not self.is_valid():
            return self.fields[name].initial
        return self.cleaned_data.get(name)
