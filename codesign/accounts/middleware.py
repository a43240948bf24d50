from collections.abc import Callable
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from codesign.core.permissions import has_staff_role


class StaffMFAMiddleware:
    """Staff must set up an authenticator app before they reach a staff page.

    Staff pages are the views marked by `codesign.core.permissions.staff_page` and Django admin.
    The setting STAFF_MFA_REQUIRED turns this off (the demo does).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not settings.STAFF_MFA_REQUIRED or not request.user.is_authenticated:
            return None
        is_staff_view = getattr(view_func, "staff_page", False) or (
            request.resolver_match is not None and request.resolver_match.namespace == "admin"
        )
        if not is_staff_view or not has_staff_role(request.user):
            return None
        if is_mfa_enabled(request.user):
            return None
        messages.info(
            request,
            "Programme teams see people's personal details, so your account needs a second "
            "step when you sign in. Set up an authenticator app to carry on.",
        )
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
