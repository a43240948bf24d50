from typing import Any

from allauth.core import ratelimit
from django import forms
from django.http import HttpRequest
from django.utils import timezone

from privacy.models import DataRequest
from programmes.forms import DateInput
from programmes.models import Programme

UNDERSTOOD = "Tick the box to say you understand."


class EraseForm(forms.Form):
    """The person confirms with their password (if they have one) and a tick."""

    password = forms.CharField(
        label="Your password",
        help_text="So we know it is really you.",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={
            "required": "Type your password.",
            "max_length": "That is not your password. Type the password you sign in with.",
        },
    )
    understood = forms.BooleanField(
        label="I understand that my data will be erased, my account closed, and that this "
        "can't be undone.",
        error_messages={"required": UNDERSTOOD},
    )

    def __init__(self, data: Any = None, *, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.request = request
        self.user = request.user
        if not self.user.has_usable_password():
            del self.fields["password"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # allauth's own limit for passwords typed again while signed in (10 a minute).
        if not ratelimit.consume(self.request, action="reauthenticate", user=self.user):
            raise forms.ValidationError("Too many tries. Wait a minute, then try again.")
        if not self.user.check_password(password):
            raise forms.ValidationError(
                "That is not your password. Type the password you sign in with."
            )
        return password


class DataRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are they asking for?",
        choices=DataRequest.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what they are asking for.",
            "invalid_choice": "Choose what they are asking for.",
        },
    )
    email = forms.EmailField(
        label="Their email address",
        help_text="The address we would have used to write to them.",
        error_messages={
            "required": "Type their email address.",
            "invalid": "Type an email address like name@example.org.",
        },
    )
    programme = forms.ChoiceField(
        label="Whose records",
        help_text="Your request covers the records of this programme only.",
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "required": "Choose one of your programmes.",
            "invalid_choice": "Choose one of your programmes.",
        },
    )
    received_on = forms.DateField(
        label="The day the request reached us",
        help_text="We must reply within one month of this day.",
        widget=DateInput(),
        error_messages={
            "required": "Tell us the day the request reached you.",
            "invalid": "Type a date, like 21/11/2026.",
        },
    )
    identity_check = forms.CharField(
        label="How did you check it is them?",
        help_text="For example: they wrote from the address we hold; we rang them on the number "
        "they gave us and they told us the workshop they came to.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say how you checked it is them.",
            "max_length": "Keep it shorter: 1,000 characters at most.",
        },
    )

    def __init__(
        self, data: Any = None, *, programmes: list[Programme] | None, **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.programmes = {str(p.pk): p for p in programmes or []}
        if programmes is None:
            # A site admin's request covers everything.
            del self.fields["programme"]
        else:
            self.fields["programme"].choices = [
                ("", "Choose a programme"),
                *((str(p.pk), p.title) for p in programmes),
            ]
            if len(programmes) == 1 and not self.is_bound:
                self.initial["programme"] = str(programmes[0].pk)
        if not self.is_bound:
            self.initial["received_on"] = timezone.localdate()

    def clean_received_on(self) -> Any:
        day = self.cleaned_data["received_on"]
        today = timezone.localdate()
        if day > today:
            raise forms.ValidationError("The day it reached you can't be in the future.")
        if day.year < today.year - 10:
            raise forms.ValidationError("That is too long ago. Type the day it reached you.")
        return day

    @property
    def chosen_programme(self) -> Programme | None:
        return self.programmes.get(self.cleaned_data.get("programme") or "")


class RequestEraseForm(forms.Form):
    understood = forms.BooleanField(
        label="I have checked it is them, and I understand this can't be undone.",
        error_messages={"required": UNDERSTOOD},
    )
