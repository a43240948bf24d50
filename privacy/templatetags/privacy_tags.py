from django import template

from privacy.services import retention_months as _retention_months

register = template.Library()


@register.simple_tag
def retention_months() -> int:
    """How many months we keep data after a programme closes (settings.RETENTION_MONTHS)."""
    return _retention_months()
