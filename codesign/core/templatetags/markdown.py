from django import template
from django.utils.safestring import SafeString

from codesign.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """{{ programme.description|markdown }}: safe HTML from what an organiser typed."""
    return render_markdown(text)
