from typing import Any

from django.conf import settings
from django.http import HttpRequest

from codesign.core import permissions


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
        "nav": {
            "is_site_admin": is_admin,
            "is_team_member": is_admin or permissions.has_staff_role(user),
            # The messages page: what was sent for the programmes they run, and what failed.
            "sees_messages": is_admin or is_organiser,
            "role_labels": labels,
        },
    }
