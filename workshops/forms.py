"""Forms organisers fill in to set up workshops, their places, agenda, materials and venues.

Dates and times use the browser's own pickers (`datetime-local`, `time`), which work by keyboard
and on phones. Times typed in are read as UK time (settings.TIME_ZONE), whatever the season.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory

from codesign.core.forms import limit_length, too_long
from codesign.core.honeypot import HoneypotFormMixin
from participants.models import Perspective
from programmes.models import Programme
from programmes.terms import terms_for
from workshops.models import (
    REMINDER_OFFSET_CHOICES,
    AgendaItem,
    Material,
    PlaceReservation,
    Venue,
    WaitlistMode,
    WaitlistPriority,
    Workshop,
    default_reminder_offsets,
)
from workshops.services import (
    ALLOWED_MATERIAL_TYPES,
    VENUE_FIELDS,
    WORKSHOP_FIELDS,
    AgendaLine,
    ReservationLine,
)

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
# The workshop form says it showed the reminder question, so "nothing ticked" can be told apart
# from a form sent without the question (which keeps the workshop's times).
REMINDERS_SHOWN = "reminder_offsets_shown"
MAX_REMINDERS = 3
TIME_FORMAT = "%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_LOCAL_FORMAT)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=TIME_FORMAT)


class LocalDateTimeField(forms.DateTimeField):
    """A date and time in UK time, with plain words when it can't be read."""

    widget = DateTimeLocalInput
    default_error_messages = {
        "invalid": "Enter a date and a time, for example 26/10/2026 and 10:00.",
    }

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except ValidationError as error:
            if getattr(error, "code", None) == "ambiguous_timezone":
                raise ValidationError(
                    "The clocks change at this time, so it happens twice or not at all. "
                    "Choose a time at least an hour earlier or later.",
                    code="ambiguous_timezone",
                ) from error
            raise


class WorkshopForm(forms.ModelForm):
    starts_at = LocalDateTimeField(
        label="Start date and time",
        error_messages={"required": "Enter the date and time it starts."},
        help_text="UK time.",
    )
    ends_at = LocalDateTimeField(
        label="End date and time",
        error_messages={"required": "Enter the date and time it ends."},
        help_text="UK time.",
    )
    registration_opens_at = LocalDateTimeField(
        label="Registration opens",
        required=False,
        help_text="Leave empty to open registration as soon as the workshop is published.",
    )
    registration_closes_at = LocalDateTimeField(
        label="Registration closes",
        required=False,
        help_text="Leave empty to keep it open until the workshop starts.",
    )
    capacity = forms.IntegerField(
        label="Places",
        min_value=1,
        help_text="How many people can come in all.",
        error_messages={
            "required": "Enter how many people can come.",
            "min_value": "A workshop needs at least 1 place.",
            "invalid": "Enter a whole number, like 20.",
        },
    )

    reminder_offsets = forms.TypedMultipleChoiceField(
        label="When to send reminders",
        choices=REMINDER_OFFSET_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=f"Tick up to {MAX_REMINDERS}. We email everyone with a confirmed place at "
        "these times, unless they have turned reminders off.",
        error_messages={"invalid_choice": "Choose times from the list."},
    )

    class Meta:
        model = Workshop
        fields = list(WORKSHOP_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "format": forms.RadioSelect,
            "waitlist_mode": forms.RadioSelect,
            "waitlist_priority": forms.RadioSelect,
        }
        error_messages = {
            "title": {"required": "Give the workshop a title."},
            "safeguarding_lead_name": {"required": "Name the safeguarding lead."},
            "safeguarding_lead_contact": {
                "required": "Add an email address or phone number for the safeguarding lead."
            },
            "access_contact_name": {"required": "Name someone people can ask about access."},
            "access_contact_details": {
                "required": "Add an email address or phone number for access questions."
            },
            "joining_url": {"invalid": "Enter a full web address, starting with https://"},
        }

    def __init__(
        self, *args: Any, programme: Programme, times_locked: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        terms = terms_for(programme)
        cohorts = programme.cohorts.all()
        stages = programme.stages.all()
        self.fields["cohort"].queryset = cohorts
        self.fields["cohort"].empty_label = "Not part of a cohort"
        self.fields["stage"].queryset = stages
        self.fields["stage"].empty_label = "No stage"
        self.fields["venue"].queryset = Venue.objects.order_by("name")
        self.fields["venue"].empty_label = "No venue (online only)"
        self.fields["venue"].help_text = "In-person and hybrid workshops need a venue."
        self.fields[
            "joining_url"
        ].help_text = (
            "Online and hybrid workshops need one. Only people with a confirmed place see it."
        )
        self.fields["format"].choices = Workshop.Format.choices
        self.fields[
            "bursaries_available"
        ].help_text = f"Costs like travel and care can be paid for {terms.lived_experience_plural}."
        # Waiting-list rules have sensible defaults, so a form without them keeps those.
        for name in ("waitlist_mode", "offer_hours", "waitlist_priority"):
            self.fields[name].required = False
        self.fields["offer_hours"].min_value = 1
        self.fields["offer_hours"].help_text = "Used only when places are offered. Usually 48."
        self.fields["waitlist_priority"].choices = WaitlistPriority.choices
        self.fields["waitlist_priority"].help_text = (
            f"Putting under-target groups first helps keep {terms.lived_experience_plural} and "
            "young people from being crowded out."
        )
        self.fields["waitlist_mode"].choices = WaitlistMode.choices
        limit_length(self, description=10_000)
        if times_locked:
            for name in ("starts_at", "ends_at"):
                self.fields[name].disabled = True
                self.fields[
                    name
                ].help_text = (
                    "To change the time, use “Reschedule”, so people who are coming are told."
                )

    def clean_waitlist_mode(self) -> str:
        return self.cleaned_data.get("waitlist_mode") or (
            self.instance.waitlist_mode if self.instance.pk else WaitlistMode.CONFIRM
        )

    def clean_offer_hours(self) -> int:
        return self.cleaned_data.get("offer_hours") or (
            self.instance.offer_hours if self.instance.pk else 48
        )

    def clean_waitlist_priority(self) -> str:
        return self.cleaned_data.get("waitlist_priority") or (
            self.instance.waitlist_priority if self.instance.pk else WaitlistPriority.ARRIVAL
        )

    def clean_reminder_offsets(self) -> list[int]:
        chosen = sorted(set(self.cleaned_data.get("reminder_offsets") or []), reverse=True)
        if REMINDERS_SHOWN not in self.data:
            return (
                list(self.instance.reminder_offsets)
                if self.instance.pk
                else default_reminder_offsets()
            )
        if not chosen:
            raise ValidationError(
                "Tick at least one time to send a reminder. People who don't want reminders "
                "can turn them off themselves."
            )
        if len(chosen) > MAX_REMINDERS:
            raise ValidationError(
                f"Tick up to {MAX_REMINDERS} times, so people don't get too many emails."
            )
        return chosen

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        opens, starts = cleaned.get("registration_opens_at"), cleaned.get("starts_at")
        if opens and starts and opens >= starts:
            self.add_error(
                "registration_opens_at", "Registration must open before the workshop starts."
            )
        return cleaned

    def service_data(self) -> dict[str, Any]:
        """What the organiser may change through this form, for the services."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in WORKSHOP_FIELDS and not self.fields[name].disabled
        }


class ReservationForm(forms.ModelForm):
    perspectives = forms.MultipleChoiceField(
        label="Kept for",
        choices=[(value, label) for value, label in Perspective.choices],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who these places are kept for."},
    )
    places = forms.IntegerField(
        label="Number of places",
        min_value=1,
        error_messages={
            "required": "Enter how many places to keep.",
            "min_value": "Keep at least 1 place, or leave this line empty.",
            "invalid": "Enter a whole number, like 8.",
        },
    )

    class Meta:
        model = PlaceReservation
        fields = ["perspectives", "places"]

    def __init__(self, *args: Any, programme: Programme | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "DELETE" in self.fields:
            self.fields["DELETE"].label = "Remove this line"


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["starts_at", "ends_at", "title", "facilitators", "lived_experience_role"]
        widgets = {"starts_at": TimeInput, "ends_at": TimeInput}
        labels = {"title": "What happens", "facilitators": "Led by (names)"}
        error_messages = {
            "starts_at": {
                "required": "Enter when this part starts.",
                "invalid": "Enter a time, like 10:30.",
            },
            "ends_at": {
                "required": "Enter when this part ends.",
                "invalid": "Enter a time, like 11:15.",
            },
            "title": {"required": "Say what happens in this part."},
        }

    def __init__(self, *args: Any, programme: Programme | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = terms_for(programme).lived_experience_plural
        self.fields["lived_experience_role"].label = f"Led or co-led by {people}?"
        self.fields["lived_experience_role"].choices = [
            (AgendaItem.LivedExperienceRole.NONE, "No"),
            (AgendaItem.LivedExperienceRole.LED, f"Led by {people}"),
            (AgendaItem.LivedExperienceRole.CO_LED, f"Co-led by {people}"),
        ]
        if "DELETE" in self.fields:
            self.fields["DELETE"].label = "Remove this part"


class _LinesFormSet(BaseInlineFormSet):
    def filled_forms(self) -> list[forms.Form]:
        """Forms for existing lines, and new lines someone typed into."""
        return [
            form
            for form in self.forms
            if form.instance.pk or (form.has_changed() and not self._should_delete_form(form))
        ]


class ReservationFormSet(_LinesFormSet):
    def lines(self) -> list[ReservationLine]:
        return [
            ReservationLine(
                id=form.instance.pk,
                perspectives=list(form.cleaned_data.get("perspectives") or []),
                places=form.cleaned_data.get("places") or 0,
                delete=bool(form.instance.pk and self._should_delete_form(form)),
            )
            for form in self.filled_forms()
        ]


class AgendaFormSet(_LinesFormSet):
    def lines(self) -> list[AgendaLine]:
        lines = []
        for form in self.filled_forms():
            data = form.cleaned_data
            if form.instance.pk and self._should_delete_form(form):
                lines.append(
                    AgendaLine(
                        id=form.instance.pk,
                        starts_at=form.instance.starts_at,
                        ends_at=form.instance.ends_at,
                        title=form.instance.title,
                        delete=True,
                    )
                )
                continue
            lines.append(
                AgendaLine(
                    id=form.instance.pk,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    title=data["title"],
                    facilitators=data.get("facilitators", ""),
                    lived_experience_role=data.get("lived_experience_role", ""),
                )
            )
        return lines


# Two empty lines each, so a second line can be added without JavaScript. absolute_max: a form
# sent with a made-up count of lines is refused, rather than Django building a thousand.
ReservationFormSetFactory = inlineformset_factory(
    Workshop,
    PlaceReservation,
    form=ReservationForm,
    formset=ReservationFormSet,
    extra=2,
    can_delete=True,
    max_num=20,
    absolute_max=20,
)
AgendaFormSetFactory = inlineformset_factory(
    Workshop,
    AgendaItem,
    form=AgendaItemForm,
    formset=AgendaFormSet,
    extra=2,
    can_delete=True,
    max_num=40,
    absolute_max=40,
)


class RescheduleForm(forms.Form):
    starts_at = LocalDateTimeField(
        label="New start", error_messages={"required": "Enter the new date and time it starts."}
    )
    ends_at = LocalDateTimeField(
        label="New end", error_messages={"required": "Enter the new date and time it ends."}
    )
    reason = forms.CharField(
        label="Why is it moving?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="People who are coming will see this.",
        error_messages={
            "required": "Say why it is moving. People who are coming will see this.",
            "max_length": too_long(2000),
        },
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is it cancelled?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="People who are coming will see this.",
        error_messages={
            "required": "Say why it is cancelled. People who are coming will see this.",
            "max_length": too_long(2000),
        },
    )


class MaterialForm(forms.Form):
    title = forms.CharField(
        label="Name of the file",
        max_length=200,
        help_text="For example “Slides for the first workshop”.",
        error_messages={"required": "Give the file a name people will understand."},
    )
    kind = forms.ChoiceField(label="What is it?", choices=Material.Kind.choices)
    file = forms.FileField(
        label="Choose the file",
        error_messages={
            "required": "Choose a file to upload.",
            "empty": "This file is empty. Choose another file.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.MATERIAL_MAX_BYTES // (1024 * 1024)
        self.fields["file"].help_text = f"{ALLOWED_MATERIAL_TYPES}. Up to {limit} MB."


class VenueForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = list(VENUE_FIELDS)
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "access_notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "name": {"required": "Give the venue a name."},
            "address": {"required": "Enter the venue's address."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_length(self, address=500, access_notes=2000)


class RegisterForm(HoneypotFormMixin, forms.Form):
    """Registering for a workshop, with the spam trap from codesign/core/honeypot.py."""

    companion_name = forms.CharField(
        label="Name of a companion or carer coming with you (if any)",
        required=False,
        max_length=100,
        help_text="They come as one with you: you both get a place, or you both wait.",
    )
