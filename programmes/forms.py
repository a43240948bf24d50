from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, validate_slug

from codesign.accounts.models import User
from programmes.models import Cohort, Membership, Programme, Stage, TeamRole
from programmes.services import (
    EDITABLE_FIELDS,
    RESERVED_SLUGS,
    SLUG_TAKEN,
    programme_free_slug,
)


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


ROLE_WITH_ARTICLE = {TeamRole.ORGANISER: "an organiser", TeamRole.REVIEWER: "a bursary reviewer"}


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
