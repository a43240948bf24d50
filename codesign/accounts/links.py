"""Someone who followed an emailed link (an invitation, a pair partner's link) and has to sign
up or sign in before they can answer it."""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


def sign_up_or_in_for_link(
    request: HttpRequest,
    *,
    email: str,
    session_key: str,
    token: str,
    continue_url: str,
    action: str,
) -> HttpResponse:
    """Keep the link's token in the session and send the person to sign in (they have an
    account) or sign up with the address filled in. The address counts as verified: the
    emailed link proved it is theirs. `action` finishes "to …", e.g. "join the pair"."""
    request.session[session_key] = token
    follow_on = urlencode({"next": continue_url})
    if get_user_model().objects.filter(email__iexact=email).exists():
        messages.info(request, f"You already have an account. Sign in with {email} to {action}.")
        return redirect(f"{reverse('account_login')}?{follow_on}")
    get_adapter(request).stash_verified_email(request, email)
    messages.info(
        request,
        f"To {action}, create an account. We have filled in your email address. If you "
        "already have an account, sign in instead.",
    )
    return redirect(f"{reverse('account_signup')}?{follow_on}")
