"""The sign-up form: allauth's, with the spam trap from codesign/core/honeypot.py."""

from allauth.account.forms import SignupForm as AllauthSignupForm

from codesign.core.honeypot import HoneypotFormMixin


class SignupForm(HoneypotFormMixin, AllauthSignupForm):
    """A filled-in trap makes the form invalid, so no account is created and the page says
    only that something went wrong."""
