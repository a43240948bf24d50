"""Helpers shared by the apps' forms."""

from django import forms
from django.core.validators import MaxLengthValidator


def too_long(limit: int) -> str:
    return f"Please keep this to {limit:,} characters or fewer."


def limit_length(form: forms.BaseForm, **limits: int) -> None:
    """Give a model form's long-text boxes an upper limit, with a plain message. A model's
    TextField has no length of its own, so without this a box would take any amount of text
    (and a megabyte of it would be saved, shown and emailed)."""
    for name, limit in limits.items():
        field = form.fields[name]
        field.max_length = limit
        field.validators.append(MaxLengthValidator(limit, message=too_long(limit)))
        field.widget.attrs["maxlength"] = str(limit)
