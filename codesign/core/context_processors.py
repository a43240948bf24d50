from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

from codesign.core import permissions

# The addresses in every page's menu and footer (templates/base.html), by the names it uses.
MENU = {
    "home": "core:home",
    "workshops": "workshops:list",
    "programmes": "programmes:list",
    "dashboard": "programmes:dashboard",
    "calendar": "workshops:calendar",
    "messages": "core:messages",
    "data_requests": "privacy:requests",
    "site_admin": "admin:index",
    "audit": "core:audit",
    "my_workshops": "workshops:mine",
    "my_bursaries": "bursaries:mine",
    "my_pairs": "pairs:mine",
    "profile": "participants:profile",
    "my_data": "privacy:mine",
    "account": "account_email",
    "sign_out": "account_logout",
    "sign_in": "account_login",
    "sign_up": "account_signup",
    "privacy": "core:privacy",
    "accessibility": "core:accessibility",
}


@cache
def _menu_urls(script_prefix: str) -> dict[str, str]:
    """Worked out once per process (and address prefix): twenty `{% url %}` tags were a
    noticeable part of rendering every page."""
    return {key: reverse(name) for key, name in MENU.items()}


def menu_urls() -> dict[str, str]:
    return _menu_urls(get_script_prefix())


def site(request: HttpRequest) -> dict[str, Any]:
    """The site's name, and which menu items this person's roles bring."""
    user = request.user
    is_admin = permissions.is_site_admin(user)
    is_organiser = permissions.is_organiser_anywhere(user)
    labels = []
    if is_admin:
        labels.append("site admin")
    if is_organiser:
        labels.append("organiser")
    if permissions.is_reviewer_anywhere(user):
        labels.append("bursary reviewer")
    if any(role == "finance" for _, role in permissions.team_roles(user)):
        labels.append("finance")
    return {
        "site_name": settings.SITE_NAME,
        "menu": menu_urls(),
        "nav": {
            "is_site_admin": is_admin,
            "is_team_member": is_admin or permissions.has_staff_role(user),
            # The messages page: what was sent for the programmes they run, and what failed.
            "sees_messages": is_admin or is_organiser,
            "role_labels": labels,
        },
    }
