from codesign.accounts.models import User
from codesign.core.emails import email_send_once


def user_send_welcome(*, user: User) -> bool:
    """Welcome someone whose email address is now verified. Sent once, however often asked."""
    return email_send_once(
        key=f"welcome:{user.pk}",
        template="welcome",
        to=user.email,
        context={"user": user},
    )
