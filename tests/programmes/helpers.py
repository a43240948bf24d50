import re

from django.utils.html import strip_tags


def page_text(response) -> str:
    """What a person reads on the page: the words without tags, spaces run together."""
    return " ".join(strip_tags(response.content.decode()).split())


def headings(response, level: int) -> list[str]:
    found = re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", response.content.decode(), re.S)
    return [" ".join(strip_tags(h).split()) for h in found]
