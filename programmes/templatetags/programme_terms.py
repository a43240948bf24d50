from typing import Any

from django import template

from programmes.terms import terms_for

register = template.Library()


@register.filter
def term(programme: Any, name: str) -> str:
    """{{ programme|term:"lived_experience_plural" }}: the programme's own word."""
    return terms_for(programme)[name]
