from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from codesign.core.forms import limit_length, too_long
from pairs.models import LogEntry, Pair
from programmes.models import Cohort, Programme
from programmes.terms import terms_for


class DateInput(forms.DateInput):
    """The browser's own date picker; the value must be in ISO form for it to show."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def open_cohorts(programme: Programme) -> QuerySet[Cohort]:
    """Cohorts a pair can still apply to: those not yet over."""
    today = timezone.localdate()
    return programme.cohorts.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))


class CohortChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Cohort) -> str:
        parts = [obj.name]
        if obj.starts_on:
            parts.append(f"starts {obj.starts_on.day} {obj.starts_on:%B %Y}")
        if obj.places:
            parts.append(f"places for {obj.places} pair{'s' if obj.places != 1 else ''}")
        return ", ".join(parts)


class PairStartForm(forms.ModelForm):
    cohort = CohortChoice(
        queryset=Cohort.objects.none(),
        label="Which group do you want to join?",
        widget=forms.RadioSelect,
        empty_label=None,
    )

    class Meta:
        model = Pair
        fields = [
            "cohort",
            "task",
            "organisation",
            "organisation_support",
            "how_we_work",
            "partner_name",
            "partner_email",
        ]
        labels = {
            "task": "The real task you will work on together",
            "organisation": "Your organisation",
            "organisation_support": "The support your organisation will give",
            "how_we_work": "How you will work as a pair",
            "partner_name": "Your partner's name",
            "partner_email": "Your partner's email address",
        }
        widgets = {
            "task": forms.Textarea(attrs={"rows": 5}),
            "organisation_support": forms.Textarea(attrs={"rows": 4}),
            "how_we_work": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        terms = terms_for(programme)
        self.fields["cohort"].queryset = open_cohorts(programme)
        self.fields["task"].help_text = (
            "Something real you want to change at work, that you and your partner will work on "
            "through the programme. Say who it is for and what you hope will be different."
        )
        self.fields["organisation_support"].help_text = (
            "For example time away from other work, a sponsor, money for expenses, or access "
            "to data or meetings."
        )
        self.fields["how_we_work"].help_text = (
            "How often you will meet, how you will share the work, and how you will make sure "
            "you both have a say."
        )
        self.fields["partner_name"].help_text = f"The {terms.lived_experience} you will work with."
        self.fields[
            "partner_email"
        ].help_text = "We email them a link to read your application, join it and add their part."
        for name in ("task", "organisation", "organisation_support", "how_we_work"):
            self.fields[name].required = True
        limit_length(self, task=4000, organisation_support=4000, how_we_work=4000)


class PartnerPartForm(forms.ModelForm):
    class Meta:
        model = Pair
        fields = ["partner_statement", "partner_support_needs"]
        labels = {
            "partner_statement": "What you hope to bring and to get from it",
            "partner_support_needs": "Anything that would help you take part (optional)",
        }
        help_texts = {
            "partner_statement": "For example what you know from your own experience, and what "
            "you would like to learn or change.",
            "partner_support_needs": "For example step-free access, breaks, help with travel "
            "costs, or meetings at certain times. Only the programme team sees this.",
        }
        widgets = {
            "partner_statement": forms.Textarea(attrs={"rows": 5}),
            "partner_support_needs": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner_statement"].required = True
        limit_length(self, partner_statement=4000, partner_support_needs=2000)


class PartnerDeclineForm(forms.Form):
    reason = forms.CharField(
        label="If you like, tell them why",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="We pass this on to the person who invited you.",
    )


class PartnerChangeForm(forms.Form):
    partner_name = forms.CharField(label="Your partner's name", max_length=100)
    partner_email = forms.EmailField(label="Your partner's email address")


DECISION_CHOICES = [
    ("accept", "Accept both partners"),
    ("waitlist", "Put both partners on the waiting list"),
    ("decline", "Decline both partners"),
]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision", choices=DECISION_CHOICES, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Both partners see this. You must give one to decline.",
        error_messages={"max_length": too_long(2000)},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Give a reason. Both partners will see it.")
        return data


REVIEW_STATUSES = [
    (Pair.Status.SUBMITTED.value, "Waiting for a decision"),
    (Pair.Status.ACCEPTED.value, "Accepted"),
    (Pair.Status.WAITLISTED.value, "On the waiting list"),
    (Pair.Status.DECLINED.value, "Declined"),
    (Pair.Status.WITHDRAWN.value, "Withdrawn"),
]


class ReviewFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All sent applications"), *REVIEW_STATUSES],
    )


class LogEntryForm(forms.ModelForm):
    class Meta:
        model = LogEntry
        fields = ["entry_date", "tried", "learned", "next_steps", "sharing"]
        labels = {
            "entry_date": "Date",
            "tried": "What we tried",
            "learned": "What we learned",
            "next_steps": "What we will do next (optional)",
            "sharing": "Who can read it",
        }
        widgets = {
            "entry_date": DateInput(),
            "tried": forms.Textarea(attrs={"rows": 3}),
            "learned": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
            "sharing": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("entry_date", timezone.localdate())
        self.fields["sharing"].choices = LogEntry.Sharing.choices
        limit_length(self, tried=4000, learned=4000, next_steps=4000)
        self.fields["sharing"].help_text = (
            "Entries are private to your pair unless you share them. The programme team can "
            "read entries shared with them or with your cohort; other accepted pairs in your "
            "cohort can read entries shared with the cohort."
        )
