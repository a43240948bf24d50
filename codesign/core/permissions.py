"""Who may do what. Every app asks these helpers rather than checking roles itself.

Roles:
- site admin: `user.is_superuser`; can see and run every programme and use Django admin;
- programme team member: an organiser, bursary reviewer or finance officer of one programme (a
  Membership row);
  a role in one programme gives nothing in another;
- participant: everyone with an account.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from programmes.models import Membership, Programme, TeamRole

# Where a person's team roles are kept on the user object for the rest of the request.
ROLES_ATTRIBUTE = _ROLES_CACHE = "_codesign_team_roles"


def is_site_admin(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def team_roles(user: Any) -> frozenset[tuple[int, str]]:
    """(programme id, role) pairs for this person, read once per request and kept on the user."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, _ROLES_CACHE, None)
    if cached is None:
        # No ordering: Membership's default one would join two more tables.
        cached = frozenset(
            Membership.objects.filter(user=user).order_by().values_list("programme_id", "role")
        )
        setattr(user, _ROLES_CACHE, cached)
        # Kept with the person for the next requests (codesign/accounts/backends.py).
        from codesign.accounts.backends import keep_roles

        keep_roles(user, cached)
    return cached


def forget_team_roles(user: Any) -> None:
    if hasattr(user, _ROLES_CACHE):
        delattr(user, _ROLES_CACHE)


def is_organiser_anywhere(user: Any) -> bool:
    return any(role == TeamRole.ORGANISER for _, role in team_roles(user))


def is_reviewer_anywhere(user: Any) -> bool:
    return any(role == TeamRole.REVIEWER for _, role in team_roles(user))


def has_staff_role(user: Any) -> bool:
    """Site admins and programme team members: they see other people's data, so need MFA."""
    return is_site_admin(user) or bool(team_roles(user))


def has_programme_role(user: Any, programme: Programme, role: str) -> bool:
    return is_site_admin(user) or (programme.pk, role) in team_roles(user)


def can_organise(user: Any, programme: Programme) -> bool:
    return has_programme_role(user, programme, TeamRole.ORGANISER)


def can_review_bursaries(user: Any, programme: Programme) -> bool:
    return has_programme_role(user, programme, TeamRole.REVIEWER)


def can_pay_claims(user: Any, programme: Programme) -> bool:
    return has_programme_role(user, programme, TeamRole.FINANCE)


def programmes_for_team_member(user: Any) -> Any:
    """The programmes a person helps run; every programme for a site admin."""
    if is_site_admin(user):
        return Programme.objects.all()
    if not user.is_authenticated:
        return Programme.objects.none()
    return Programme.objects.filter(pk__in={pk for pk, _ in team_roles(user)})


def get_programme_for_role(request: HttpRequest, slug: str, role: str) -> Programme:
    """The programme if this person holds `role` in it; otherwise 404, so others' programmes
    are not even confirmed to exist."""
    programme = get_object_or_404(Programme, slug=slug)
    if not has_programme_role(request.user, programme, role):
        raise Http404("No programme here.")
    return programme


def get_programme_for_organiser(request: HttpRequest, slug: str) -> Programme:
    return get_programme_for_role(request, slug, TeamRole.ORGANISER)


def get_programme_for_reviewer(request: HttpRequest, slug: str) -> Programme:
    return get_programme_for_role(request, slug, TeamRole.REVIEWER)


ViewFunc = Callable[..., HttpResponse]


def staff_page(view: ViewFunc) -> ViewFunc:
    """For pages only site admins and programme team members may open.

    Signs people in first, refuses everyone else (403), and marks the view so that
    StaffMFAMiddleware asks for an authenticator app before it opens.
    """

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not has_staff_role(request.user):
            raise PermissionDenied("This page is for programme teams.")
        return view(request, *args, **kwargs)

    wrapper.staff_page = True  # type: ignore[attr-defined]
    return wrapper
