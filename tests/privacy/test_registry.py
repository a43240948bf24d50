"""The registry of personal data (privacy/registry.py) covers every model that could hold
some, so a new model with personal data can't be forgotten by export and erasure."""

import re

from django.apps import apps
from django.conf import settings
from django.db import models

from privacy.export import SECTIONS
from privacy.registry import HOLDINGS, OnErasure, holdings_for_page

NAME_FIELD = re.compile(r"(^|_)name$")


def _history_base(model: type[models.Model]) -> type[models.Model] | None:
    """The model a django-simple-history table copies, if this is one."""
    return getattr(model, "instance_type", None)


def personal_fields(model: type[models.Model]) -> set[str]:
    """Fields that point at an account, hold an email address, or a name."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = set()
    for field in model._meta.get_fields():
        if not getattr(field, "concrete", False):
            continue
        if field.is_relation and field.related_model is user_model:
            found.add(field.name)
        elif isinstance(field, models.EmailField):
            found.add(field.name)
        elif isinstance(field, models.CharField) and NAME_FIELD.search(field.name):
            found.add(field.name)
    return found


def test_every_field_naming_or_pointing_at_a_person_is_in_the_registry():
    covered: dict[str, set[str]] = {}
    for holding in HOLDINGS:
        covered.setdefault(holding.model.lower(), set()).update(holding.fields)
    missing = []
    for model in apps.get_models():
        fields = personal_fields(model)
        if not fields:
            continue
        base = _history_base(model)
        if base is not None:
            # A change history is erased with the records it copies (privacy.services
            # _history_delete and _history_blank), so its base model must be covered.
            assert base._meta.label_lower in covered, (
                f"{model._meta.label} copies {base._meta.label}, which is not in the registry."
            )
            continue
        left = fields - covered.get(model._meta.label_lower, set())
        if left:
            missing.append(f"{model._meta.label}: {', '.join(sorted(left))}")
    assert not missing, (
        "These fields may hold personal data but privacy/registry.py does not say what export "
        "and erasure do with them:\n" + "\n".join(missing)
    )


def test_every_registry_entry_names_real_fields():
    for holding in HOLDINGS:
        model = apps.get_model(holding.model)
        names = {field.name for field in model._meta.get_fields()}
        assert set(holding.fields) <= names, holding


def test_what_is_kept_or_anonymised_says_why():
    for holding in HOLDINGS:
        if holding.on_erasure in (OnErasure.ANONYMISED, OnErasure.KEPT, OnErasure.NOT_PERSONAL):
            assert holding.why, holding
        if (
            holding.on_erasure != OnErasure.TEAM_ACTOR
            and holding.on_erasure != OnErasure.NOT_PERSONAL
        ):
            assert holding.words, holding


def test_the_erasure_page_lists_deleted_anonymised_and_kept_records():
    shown = holdings_for_page()
    assert {"deleted", "anonymised", "kept"} == set(shown)
    assert all(shown.values())
    assert any("Bursary" in holding.words for holding in shown["kept"])


def test_every_section_has_unique_keys_and_labels():
    keys = [section.key for section in SECTIONS]
    assert len(keys) == len(set(keys))
    for section in SECTIONS:
        fields = [key for key, _label in section.fields]
        assert len(fields) == len(set(fields)), section.key
        assert section.title and section.intro
