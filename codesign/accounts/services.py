from codesign.accounts.models import User
from codesign.core.notices import notice_queue


def user_welcome(*, user: User) -> bool:
    """Welcome someone whose email address is now verified. Queued once, however often asked;
    sent after the caller's transaction commits."""
    return bool(
        notice_queue(
            kind="welcome", key=f"welcome:{user.pk}", to=user.email, user=user, copies=False
        )
    )
