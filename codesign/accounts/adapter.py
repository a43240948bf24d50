from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from codesign.accounts.services import user_welcome

# Kept in the session by programmes.views.invitation_accept (an invitation someone said yes to
# before they had signed in) and by pairs.views (a partner joining a pair).
INVITATION_SESSION_KEY = "programmes.invitation_token"


def _continue_url(request: HttpRequest) -> str:
    """Where to finish an invitation or a pair partner's joining, if one is waiting."""
    from pairs.services import JOIN_SESSION_KEY

    if request.session.get(INVITATION_SESSION_KEY):
        return reverse("programmes:invitation_continue")
    if request.session.get(JOIN_SESSION_KEY):
        return reverse("pairs:join_continue")
    return ""


class AccountAdapter(DefaultAccountAdapter):
    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            with transaction.atomic():
                user_welcome(user=email_address.user)
        return confirmed

    # Someone who said yes to an invitation before signing up or in goes on to finish it,
    # even if the address they were to come back to was lost on the way.
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return _continue_url(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return _continue_url(request) or super().get_signup_redirect_url(request)

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        # Someone who signed up from an emailed link (invitation, pair partner) has their
        # address verified by that link, so confirm_email never runs: welcome them here.
        if (
            kwargs.get("signup")
            and EmailAddress.objects.filter(
                user=user, email__iexact=user.email, verified=True
            ).exists()
        ):
            with transaction.atomic():
                user_welcome(user=user)
        return super().post_login(request, user, **kwargs)
