"""A spam trap for public forms, instead of a third-party captcha.

Forms get one extra text box, `website`, that people never see or reach: it is moved off
screen by CSS (the `hp-field` class in static/css/site.css), taken out of the Tab order
(tabindex="-1") and hidden from screen readers (aria-hidden on its wrapper, drawn by
templates/core/_honeypot.html). Simple bots fill in every box they find, so a form with
something in it is refused with a plain, generic message that tells a bot nothing useful.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

HONEYPOT_FIELD = "website"
HONEYPOT_MESSAGE = "Sorry, something went wrong. Please try again."


class HoneypotInput(forms.TextInput):
    """Never shows what was typed, so a person whose browser filled it in by mistake can just
    send the form again."""

    def __init__(self) -> None:
        super().__init__(attrs={"tabindex": "-1", "autocomplete": "off"})

    def format_value(self, value: Any) -> None:
        return None


class HoneypotField(forms.CharField):
    # For templates: draw this field with core/_honeypot.html, not as a normal field.
    honeypot = True

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Leave this box empty. It helps us stop spam.")
        super().__init__(required=False, strip=False, widget=HoneypotInput(), **kwargs)


class HoneypotFormMixin(forms.Form):
    """Put first in a form's bases: it adds the field and refuses the form when it is filled."""

    website = HoneypotField()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get(HONEYPOT_FIELD):
            raise ValidationError(HONEYPOT_MESSAGE, code="honeypot")
        return cleaned
