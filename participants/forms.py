"""The profile's steps, one form each, and the equality monitoring form.

Step forms are plain forms: they read their first answers from the profile and hand what to
save to `services.profile_update` through `profile_data()`, so a rejected answer never touches
the profile.
"""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from participants import services
from participants.models import (
    DESCRIPTION_CHOICES,
    AgeBand,
    Consent,
    EqualityMonitoring,
    Perspective,
    Profile,
    SupportNeed,
)

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(value: str) -> bool:
    return value == "yes"


def _answer(granted: bool | None) -> str:
    return "" if granted is None else ("yes" if granted else "no")


class ProfileStepForm(forms.Form):
    """One step. Subclasses set their first answers in `set_initial` and say what to save in
    `profile_data`."""

    def __init__(
        self,
        data: Any = None,
        *,
        profile: Profile,
        consents: dict[str, Consent],
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.profile = profile
        self.consents = consents
        if not self.is_bound:
            self.set_initial()

    def set_initial(self) -> None:
        for name in self.fields:
            if hasattr(self.profile, name):
                self.initial[name] = getattr(self.profile, name)

    def profile_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


# Step 1: about you


class DateOfBirthWidget(forms.MultiWidget):
    """Day, month and year as three boxes: easier on a phone than a calendar for a date
    years ago. The template draws the boxes (participants/steps/about-you.html)."""

    def __init__(self) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()])

    def decompress(self, value: dt.date | None) -> list[Any]:
        return [value.day, value.month, value.year] if value else [None, None, None]


class DateOfBirthField(forms.MultiValueField):
    widget = DateOfBirthWidget
    example = "For example 27 3 2010."

    def __init__(self, **kwargs: Any) -> None:
        parts = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        super().__init__(fields=parts, require_all_fields=False, required=False, **kwargs)

    def compress(self, data_list: list[str]) -> dt.date | None:
        if not data_list or not any(data_list):
            return None
        day, month, year = data_list
        if not (day and month and year):
            raise ValidationError(f"Give the day, the month and the year. {self.example}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValidationError(
                f"Use numbers for the day, month and year, with 4 numbers for the year. "
                f"{self.example}"
            )
        try:
            born = dt.date(int(year), int(month), int(day))
        except (ValueError, OverflowError) as error:
            raise ValidationError(
                f"This date does not exist. Check the day and month. {self.example}"
            ) from error
        today = timezone.localdate()
        if born > today:
            raise ValidationError("Your date of birth must be in the past.")
        if born.year < today.year - 120:
            raise ValidationError("Check the year you were born.")
        return born


class AboutYouForm(ProfileStepForm):
    display_name = forms.CharField(
        label="Your name",
        max_length=100,
        help_text="The name you would like us to use. Your first name is fine.",
        error_messages={"required": "Tell us the name you would like us to use."},
    )
    pronouns = forms.CharField(
        label="Your pronouns (optional)",
        max_length=40,
        required=False,
        help_text="For example she/her, he/him or they/them.",
    )
    date_of_birth = DateOfBirthField(label="Date of birth", help_text=DateOfBirthField.example)
    age_band = forms.ChoiceField(
        label="Or choose your age group",
        choices=AgeBand.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose an age group from the list."},
    )

    def date_of_birth_boxes(self) -> list[dict[str, str]]:
        """What the template needs to draw the day, month and year boxes."""
        field = self["date_of_birth"]
        value = field.value()
        if not isinstance(value, list | tuple):
            value = self.fields["date_of_birth"].widget.decompress(value)
        boxes = [("Day", "bday-day", "2"), ("Month", "bday-month", "2"), ("Year", "bday-year", "4")]
        return [
            {
                "id": f"{field.auto_id}_{index}",
                "name": f"{field.html_name}_{index}",
                "label": label,
                "autocomplete": autocomplete,
                "size": size,
                "value": "" if part is None else str(part),
            }
            for index, ((label, autocomplete, size), part) in enumerate(
                zip(boxes, value, strict=True)
            )
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        born, band = cleaned.get("date_of_birth"), cleaned.get("age_band")
        if self.has_error("date_of_birth") or self.has_error("age_band"):
            return cleaned
        if not born and not band:
            self.add_error("date_of_birth", "Give your date of birth, or choose your age group.")
        elif born:
            # The date is the more exact answer, so it is the one we keep.
            cleaned["age_band"] = ""
        return cleaned


# Step 2: your experience


class ExperienceForm(ProfileStepForm):
    # For the page's script, which shows the job questions only when they apply.
    health_professional = Perspective.HEALTH_PROFESSIONAL.value
    professional_values = " ".join(sorted(services.PROFESSIONAL_PERSPECTIVES))

    perspectives = forms.MultipleChoiceField(
        label="What experience do you bring?",
        choices=Perspective.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick all that are true for you.",
        error_messages={
            "required": "Tick at least one box.",
            "invalid_choice": "Choose from the list.",
        },
    )
    discipline = forms.CharField(
        label="Your profession",
        max_length=100,
        required=False,
        help_text="Only if you ticked health professional. For example nurse, GP or "
        "physiotherapist.",
    )
    organisation = forms.CharField(
        label="Where you work",
        max_length=200,
        required=False,
        help_text="Only if you ticked a job above. For example the name of your hospital, "
        "council, charity or company.",
    )
    job_role = forms.CharField(
        label="Your job title",
        max_length=200,
        required=False,
        help_text="Only if you ticked a job above. For example ward manager.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        perspectives = cleaned.get("perspectives")
        if perspectives is None:
            return cleaned
        # Answers that do not fit what was ticked are dropped, not kept out of sight.
        if Perspective.HEALTH_PROFESSIONAL not in perspectives:
            cleaned["discipline"] = ""
        elif not cleaned.get("discipline"):
            self.add_error(
                "discipline",
                "You ticked health professional. Tell us your profession, for example nurse.",
            )
        if not services.is_professional(perspectives):
            cleaned["organisation"] = cleaned["job_role"] = ""
        else:
            if not cleaned.get("organisation"):
                self.add_error("organisation", "Tell us where you work.")
            if not cleaned.get("job_role"):
                self.add_error("job_role", "Tell us your job title.")
        return cleaned


# Step 3: how you want to be described

OWN_WORDS = "own"


class DescribedForm(ProfileStepForm):
    own_words_value = OWN_WORDS

    described_choice = forms.ChoiceField(
        label="How do you want to be described?",
        choices=[
            *[(words, words[0].upper() + words[1:]) for words in DESCRIPTION_CHOICES],
            (OWN_WORDS, "In my own words"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how you want to be described, or choose “In my own words”.",
            "invalid_choice": "Choose from the list.",
        },
    )
    own_words = forms.CharField(
        label="Your own words",
        max_length=100,
        required=False,
        help_text="Only if you chose “In my own words”. For example “parent of a young person "
        "with diabetes”.",
    )

    def set_initial(self) -> None:
        words = self.profile.described_as
        if words in DESCRIPTION_CHOICES:
            self.initial["described_choice"] = words
        elif words:
            self.initial["described_choice"] = OWN_WORDS
            self.initial["own_words"] = words

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("described_choice") == OWN_WORDS and not cleaned.get("own_words"):
            self.add_error("own_words", "Write the words you want us to use.")
        return cleaned

    def profile_data(self) -> dict[str, Any]:
        choice = self.cleaned_data["described_choice"]
        return {"described_as": self.cleaned_data["own_words"] if choice == OWN_WORDS else choice}


# Step 4: what helps you take part

# The people filling in the form read "me" where a facilitator reads "them".
SUPPORT_CHOICES = [
    (value, "A companion or carer coming with me" if value == SupportNeed.COMPANION else label)
    for value, label in SupportNeed.choices
]
MATERIALS = [("large_print", "Large print"), ("easy_read", "Easy read")]


class SupportForm(ProfileStepForm):
    support_needs = forms.MultipleChoiceField(
        label="Would any of these help you take part?",
        choices=SUPPORT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick all that would help. We ask what would help, not why.",
        error_messages={"invalid_choice": "Choose from the list."},
    )
    support_other = forms.CharField(
        label="Anything else we should arrange? (optional)",
        max_length=300,
        required=False,
    )
    dietary_needs = forms.CharField(
        label="Food and drink needs (optional)",
        max_length=300,
        required=False,
        help_text="For example vegetarian, halal, gluten free or a nut allergy.",
    )
    materials = forms.MultipleChoiceField(
        label="Would you like papers in large print or easy read?",
        choices=MATERIALS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick if you would like them. Easy read uses short sentences and pictures.",
        error_messages={"invalid_choice": "Choose from the list."},
    )
    reminders = forms.TypedChoiceField(
        label="Would you like reminders before workshops?",
        choices=[("yes", "Yes, remind me"), ("no", "No reminders, thank you")],
        coerce=_yes_no,
        widget=forms.RadioSelect,
        help_text="We send them by email before each workshop you sign up for.",
        error_messages={"required": "Choose yes or no."},
    )

    def set_initial(self) -> None:
        profile = self.profile
        self.initial.update(
            support_needs=profile.support_needs,
            support_other=profile.support_other,
            dietary_needs=profile.dietary_needs,
            materials=[name for name, _ in MATERIALS if getattr(profile, name)],
            reminders=_answer(profile.reminders),
        )

    def profile_data(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        return {
            "support_needs": cleaned["support_needs"],
            "support_other": cleaned["support_other"],
            "dietary_needs": cleaned["dietary_needs"],
            "large_print": "large_print" in cleaned["materials"],
            "easy_read": "easy_read" in cleaned["materials"],
            "reminders": cleaned["reminders"],
        }


# Step 5: contact

PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ]+$")


class ContactForm(ProfileStepForm):
    phone = forms.CharField(
        label="Phone number (optional)",
        max_length=30,
        required=False,
        help_text="We only use it if we need to reach you quickly, for example if a workshop "
        "moves. For example 07700 900123 or +44 7700 900123.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"max_length": "This phone number is too long. Check it and try again."},
    )

    copies_to_name = forms.CharField(
        label="Their name",
        max_length=100,
        required=False,
        error_messages={"max_length": "Their name can be up to 100 letters long."},
    )
    copies_to_email = forms.EmailField(
        label="Their email address",
        required=False,
        help_text="They get a copy of every message we send you about workshops: bookings, "
        "changes and reminders.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid": "Enter an email address like name@example.org."},
    )

    def clean_phone(self) -> str:
        phone = " ".join(self.cleaned_data["phone"].split())
        if not phone:
            return ""
        digits = sum(character.isdigit() for character in phone)
        if not PHONE_CHARACTERS.match(phone) or not 10 <= digits <= 15:
            raise ValidationError(
                "Enter a phone number with 10 to 15 numbers. Use only numbers, spaces and a + "
                "at the start. For example 07700 900123."
            )
        return phone

    def clean_copies_to_name(self) -> str:
        return " ".join(self.cleaned_data["copies_to_name"].split())

    def clean_copies_to_email(self) -> str:
        email = self.cleaned_data["copies_to_email"].strip()
        if email and email.lower() == (self.profile.user.email or "").lower():
            raise ValidationError(
                "This is your own email address. Give the email address of the person you "
                "want us to copy in, or leave it empty."
            )
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        name, email = cleaned.get("copies_to_name"), cleaned.get("copies_to_email")
        if self.has_error("copies_to_name") or self.has_error("copies_to_email"):
            return cleaned
        if name and not email:
            self.add_error(
                "copies_to_email",
                f"Give {name}'s email address too, so we can send them copies. Or clear "
                "their name if you don't want copies sent.",
            )
        elif email and not name:
            self.add_error(
                "copies_to_name",
                "Give their name too, so we know who they are. Or clear their email address "
                "if you don't want copies sent.",
            )
        return cleaned


# Step 6: parent or guardian


class GuardianForm(ProfileStepForm):
    guardian_name = forms.CharField(
        label="Their name",
        max_length=100,
        error_messages={"required": "Give your parent or guardian's name."},
    )
    guardian_email = forms.EmailField(
        label="Their email address",
        help_text="We will email them to ask if they agree before you take part.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": "Give your parent or guardian's email address.",
            "invalid": "Enter an email address like name@example.org.",
        },
    )

    def clean_guardian_email(self) -> str:
        email = self.cleaned_data["guardian_email"]
        if email.lower() == (self.profile.user.email or "").lower():
            raise ValidationError("Give your parent or guardian's email address, not your own.")
        return email


# Step 7: your agreement


class AgreementForm(ProfileStepForm):
    privacy = forms.BooleanField(
        label="I have read the privacy notice",
        error_messages={"required": "Tick the box to say you have read the privacy notice."},
    )
    contact = forms.TypedChoiceField(
        label="Can we contact you about future co-design work? (optional)",
        choices=[("yes", "Yes, you can contact me"), ("no", "No, please do not")],
        coerce=_yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    photos = forms.TypedChoiceField(
        label="Can photos taken at workshops show you? (optional)",
        choices=[("yes", "Yes, photos can show me"), ("no", "No, please leave me out of photos")],
        coerce=_yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )

    @property
    def privacy_changed(self) -> bool:
        privacy = self.consents.get(Consent.Kind.PRIVACY)
        return bool(privacy and privacy.granted and not services.privacy_agreed(self.consents))

    def set_initial(self) -> None:
        consents = self.consents
        self.initial["privacy"] = services.privacy_agreed(consents)
        for kind in (Consent.Kind.CONTACT, Consent.Kind.PHOTOS):
            consent = consents.get(kind)
            self.initial[kind] = _answer(consent.granted if consent else None)

    def profile_data(self) -> dict[str, Any]:
        return {}


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form_class: type[ProfileStepForm]

    @property
    def template(self) -> str:
        return f"participants/steps/{self.slug}.html"


STEP_PAGES = {
    step.slug: step
    for step in (
        Step(services.ABOUT, "About you", AboutYouForm),
        Step(services.EXPERIENCE, "Your experience", ExperienceForm),
        Step(services.DESCRIBED, "How you want to be described", DescribedForm),
        Step(services.SUPPORT, "What helps you take part", SupportForm),
        Step(services.CONTACT, "Contact", ContactForm),
        Step(services.GUARDIAN, "Parent or guardian", GuardianForm),
        Step(services.AGREEMENT, "Your agreement", AgreementForm),
    )
}


# Equality monitoring

PREFER_NOT = "prefer_not"


class EqualityForm(forms.Form):
    """Every question is optional. Leaving one, or choosing "prefer not to say", is fine."""

    age_band = forms.ChoiceField(
        label="What is your age group?",
        choices=[*AgeBand.choices, (PREFER_NOT, "Prefer not to say")],
        required=False,
        widget=forms.RadioSelect,
    )
    ethnicity = forms.ChoiceField(
        label="What is your ethnic group?",
        choices=EqualityMonitoring.Ethnicity.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    disability = forms.ChoiceField(
        label="Do you have a disability or a long-term health condition?",
        help_text="Long-term means it has lasted, or will probably last, 12 months or more.",
        choices=EqualityMonitoring.YesNo.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    sex = forms.ChoiceField(
        label="What is your sex?",
        choices=EqualityMonitoring.Sex.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    gender_same_as_sex_at_birth = forms.ChoiceField(
        label="Is the gender you identify with the same as the sex you were registered at birth?",
        choices=EqualityMonitoring.YesNo.choices,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(
        self, data: Any = None, *, monitoring: EqualityMonitoring | None, **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = "Choose from the list."
        if monitoring is not None and not self.is_bound:
            self.initial = {name: getattr(monitoring, name) for name in self.fields}

    def clean_age_band(self) -> str:
        # Age groups have no "prefer not to say" of their own: it is kept as no answer.
        band = self.cleaned_data["age_band"]
        return "" if band == PREFER_NOT else band
