import time
from collections.abc import Callable
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from codesign.core.permissions import has_staff_role

# When a staff sign-in's short expiry was last pushed back (seconds since the epoch). Its
# presence marks the session as a staff one.
STAFF_SESSION_KEY = "codesign.staff_session"
# Pushing the expiry back saves the session, so it is done at most once a minute.
STAFF_SESSION_REFRESH_SECONDS = 60


def _is_staff_view(request: HttpRequest, view_func: Any) -> bool:
    return getattr(view_func, "staff_page", False) or (
        request.resolver_match is not None and request.resolver_match.namespace == "admin"
    )


def staff_session_start(request: HttpRequest | None, user: Any) -> None:
    """Give a staff member's sign-in the shorter, idle expiry (STAFF_SESSION_AGE).

    Called when anyone signs in (AccountsConfig.ready connects it to `user_logged_in`), and
    from StaffSessionMiddleware for someone who joined a programme team while signed in.
    Participants keep the usual SESSION_COOKIE_AGE.
    """
    if request is None or not hasattr(request, "session") or not has_staff_role(user):
        return
    request.session[STAFF_SESSION_KEY] = int(time.time())
    request.session.set_expiry(settings.STAFF_SESSION_AGE)


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    staff_session_start(request, user)


class StaffSessionMiddleware:
    """Staff sign-ins end after STAFF_SESSION_AGE seconds without use (8 hours unless set):
    staff see other people's personal details, so a browser left open should not stay signed
    in for the two weeks a participant's does. Each use pushes the end back.

    The session's own expiry is set to match, except for a sign-in that ends when the browser
    closes ("keep me signed in" not ticked), which keeps doing so.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        touched = session.get(STAFF_SESSION_KEY) if session is not None else None
        if touched is not None and time.time() - touched > settings.STAFF_SESSION_AGE:
            logout(request)
            messages.info(
                request,
                "You were signed out because you had not used the site for a while. Sign in "
                "again to carry on.",
            )
        response = self.get_response(request)
        if session is not None:
            self._keep_short(request.session)
        return response

    @staticmethod
    def _keep_short(session: Any) -> None:
        # Runs after the view, before the session is saved: sign-in (which may set its own
        # expiry after ours, for "keep me signed in") has finished by now.
        touched = session.get(STAFF_SESSION_KEY)
        if touched is None:
            return
        wanted = 0 if session.get("_session_expiry") == 0 else settings.STAFF_SESSION_AGE
        now = int(time.time())
        if session.get("_session_expiry") != wanted or now - touched >= (
            STAFF_SESSION_REFRESH_SECONDS
        ):
            session[STAFF_SESSION_KEY] = now
            session.set_expiry(wanted)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> None:
        # Someone given a team role while signed in gets the staff expiry on their first staff
        # page. Checked only there, so participants' pages ask the database nothing more.
        if (
            request.user.is_authenticated
            and STAFF_SESSION_KEY not in request.session
            and _is_staff_view(request, view_func)
        ):
            staff_session_start(request, request.user)
        return None


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
        if not _is_staff_view(request, view_func) or not has_staff_role(request.user):
            return None
        if is_mfa_enabled(request.user):
            return None
        messages.info(
            request,
            "Programme teams see people's personal details, so your account needs a second "
            "step when you sign in. Set up an authenticator app to carry on.",
        )
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
