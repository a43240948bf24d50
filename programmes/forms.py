from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, validate_slug

from codesign.accounts.models import User
from codesign.core.forms import limit_length
from participants.models import Perspective
from programmes.models import Cohort, InvitationBatch, Membership, Programme, Stage, TeamRole
from programmes.services import (
    EDITABLE_FIELDS,
    INVITATION_DAYS,
    INVITATION_MAX_DAYS,
    INVITATION_STATES,
    RESERVED_SLUGS,
    SLUG_TAKEN,
    programme_free_slug,
)
from workshops.models import Workshop
from workshops.templatetags.workshop_words import when_words


class DateInput(forms.DateInput):
    """The browser's own date picker; the value must be in ISO form for it to show."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = list(EDITABLE_FIELDS)
        labels = {
            "slug": "Web address",
            "lived_experience_term": "What you call one person with lived experience",
            "lived_experience_term_plural": "What you call more than one person with lived "
            "experience",
            "professional_term": "What you call one professional",
            "professional_term_plural": "What you call more than one professional",
        }
        help_texts = {
            "slug": "The end of the programme's web address, e.g. diabetes-care-together. "
            "Use letters, numbers and hyphens. Leave it empty to make one from the title.",
            "status": "Draft programmes are seen only by their team. The other statuses show "
            "the programme to everyone.",
            "lived_experience_term": 'For example "patient partner", "expert by experience" '
            'or "person with lived experience".',
            "lived_experience_term_plural": 'For example "patient partners".',
            "professional_term": 'For example "clinician" or "staff member".',
            "professional_term_plural": 'For example "clinicians".',
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        # The same rule as Django's, in plainer words.
        slug = self.fields["slug"]
        slug.validators = [v for v in slug.validators if v is not validate_slug]
        slug.validators.append(
            RegexValidator(
                r"^[-a-zA-Z0-9_]+\Z", "Use only letters, numbers and hyphens, with no spaces."
            )
        )
        limit_length(self, description=10_000)

    def clean_slug(self) -> str:
        slug = (self.cleaned_data.get("slug") or "").strip().lower()
        if slug in RESERVED_SLUGS:
            raise ValidationError(
                f'"{slug}" is used by the site itself. Choose a different web address.'
            )
        if slug and Programme.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise ValidationError(SLUG_TAKEN)
        return slug

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        title = cleaned.get("title")
        if not cleaned.get("slug") and not self.has_error("slug") and title:
            slug = programme_free_slug(title, exclude_pk=self.instance.pk)
            if slug:
                cleaned["slug"] = slug
            else:
                self.add_error(
                    "slug",
                    "We could not make a web address from the title. Type one using letters, "
                    "numbers and hyphens.",
                )
        return cleaned


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "starts_on", "ends_on", "places"]
        help_texts = {"places": "How many people this cohort can take. Leave empty if any."}
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.programme = programme

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = Cohort.objects.filter(programme=self.instance.programme, name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise ValidationError(
                "This programme already has a cohort with this name. Choose a different name."
            )
        return name


class StageForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = ["name", "description"]
        labels = {"name": "Stage name", "description": "What happens in this stage"}
        help_texts = {
            "name": 'For example "Gather experiences".',
            "description": "One or two sentences. You can leave this empty.",
        }

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.programme = programme

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = Stage.objects.filter(programme=self.instance.programme, name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise ValidationError(
                "This programme already has a stage with this name. Choose a different name."
            )
        return name


ROLE_WITH_ARTICLE = {
    TeamRole.ORGANISER: "an organiser",
    TeamRole.REVIEWER: "a bursary reviewer",
    TeamRole.FINANCE: "a finance officer",
}


class TeamAddForm(forms.Form):
    NO_ACCOUNT = "There is no account with that email address. Ask them to create one first."

    email = forms.EmailField(
        label="Their email address",
        help_text="The address they use to sign in. They need an account already.",
    )
    role = forms.ChoiceField(
        label="Their role",
        choices=TeamRole.choices,
        widget=forms.RadioSelect,
        help_text="Organisers can change the programme, its workshops and its team. Bursary "
        "reviewers decide on bursary applications.",
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.user: User | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        email, role = cleaned.get("email"), cleaned.get("role")
        if not email:
            return cleaned
        self.user = User.objects.filter(email__iexact=email).first()
        if self.user is None:
            self.add_error("email", self.NO_ACCOUNT)
        elif (
            role
            and Membership.objects.filter(
                programme=self.programme, user=self.user, role=role
            ).exists()
        ):
            self.add_error(
                "email",
                f"{self.user.email} is already {ROLE_WITH_ARTICLE[role]} of this programme.",
            )
        return cleaned


# Invitations

# The fields each way of inviting people uses.
INVITATION_SOURCE_FIELDS = {
    InvitationBatch.Source.ONE: ("email", "name"),
    InvitationBatch.Source.LIST: ("emails_text",),
    InvitationBatch.Source.CSV: ("csv_file",),
    InvitationBatch.Source.PARTICIPANTS: ("perspectives",),
}
WHOLE_PROGRAMME = "programme"


def _workshop_choices(workshops: list[Workshop]) -> list[tuple[str, str]]:
    return [(str(w.pk), f"{w.title}, {when_words(w.starts_at, w.ends_at)}") for w in workshops]


class InvitationForm(forms.Form):
    """One form for the four ways of inviting people; it keeps only the fields of the way
    chosen."""

    target = forms.ChoiceField(
        label="Invite them to",
        help_text="The whole programme, or one of its published workshops still to come.",
        error_messages={
            "required": "Choose the programme or a workshop.",
            "invalid_choice": "Choose the programme or one of the workshops in the list.",
        },
    )
    email = forms.EmailField(
        label="Their email address",
        max_length=254,
        error_messages={
            "required": "Type their email address.",
            "invalid": "This is not an email address. Check it and try again.",
        },
    )
    name = forms.CharField(
        label="Their name",
        required=False,
        max_length=100,
        help_text="Optional. We use it to say hello.",
    )
    emails_text = forms.CharField(
        label="Email addresses",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One on each line, or with commas between them. You can add a name like "
        "this: Sam Jones <sam@example.org>",
        error_messages={"required": "Type or paste at least one email address."},
    )
    csv_file = forms.FileField(
        label="CSV file",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        help_text='The first row names the columns: one called "email" and, if you like, one '
        'called "name". Up to 10,000 people and 1 MB. In Excel, choose File, Save As, then '
        '"CSV UTF-8".',
        error_messages={
            "required": "Choose a CSV file to upload.",
            "empty": "This file is empty. Add a first row with an email column.",
            "invalid": "Choose a CSV file to upload.",
        },
    )
    perspectives = forms.MultipleChoiceField(
        label="Who to invite",
        choices=Perspective.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="People with any of the experiences you tick who said we may contact them "
        "about future work. People already registered for the workshop are left out.",
        error_messages={"required": "Tick at least one group of people."},
    )
    message = forms.CharField(
        label="Your personal message",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Optional. It is shown at the top of the invitation. For example, why you "
        "would value them being there.",
    )
    days = forms.IntegerField(
        label="How many days the link works",
        min_value=1,
        max_value=INVITATION_MAX_DAYS,
        initial=INVITATION_DAYS,
        help_text="After this the link stops working. A link to a workshop also stops when its "
        "registration closes.",
        error_messages={
            "required": "Say how many days the link works.",
            "invalid": "Type a whole number of days, like 14.",
            "min_value": "The link must work for at least 1 day.",
            "max_value": f"The link can work for up to {INVITATION_MAX_DAYS} days.",
        },
    )

    def __init__(
        self,
        *args: Any,
        source: str,
        programme: Programme,
        workshops: list[Workshop],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.source = source
        self.programme = programme
        self.workshops = {str(w.pk): w for w in workshops}
        for other, names in INVITATION_SOURCE_FIELDS.items():
            if other != source:
                for name in names:
                    del self.fields[name]
        self.fields["target"].choices = [
            (WHOLE_PROGRAMME, f"The whole programme: {programme.title}"),
            *_workshop_choices(workshops),
        ]

    @property
    def workshop(self) -> Workshop | None:
        return self.workshops.get(self.cleaned_data.get("target", ""))

    def addresses_text(self) -> str | None:
        """What the service reads for one address or a pasted list."""
        if self.source == InvitationBatch.Source.ONE:
            name = self.cleaned_data.get("name", "").replace("<", "").replace(">", "").strip()
            email = self.cleaned_data["email"]
            return f"{name} <{email}>" if name else email
        return self.cleaned_data.get("emails_text")


class InvitationFilterForm(forms.Form):
    workshop = forms.ChoiceField(
        label="Invited to",
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "Choose the programme or a workshop from the list."},
    )
    state = forms.ChoiceField(
        label="State",
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
        choices=[("", "Any state"), *INVITATION_STATES.items()],
        error_messages={"invalid_choice": "Choose a state from the list."},
    )

    def __init__(self, *args: Any, workshops: list[Workshop], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workshops = {str(w.pk): w for w in workshops}
        self.fields["workshop"].choices = [
            ("", "The programme and all its workshops"),
            (WHOLE_PROGRAMME, "The programme itself"),
            *_workshop_choices(workshops),
        ]


class InvitationDeclineForm(forms.Form):
    reason = forms.CharField(
        label="If you like, tell us why (you do not have to)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Please keep it to 300 letters or fewer."},
    )
