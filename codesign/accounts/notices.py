from codesign.accounts.models import User
from codesign.core.models import OutboxMessage
from codesign.core.notices import Email, notice_kind


@notice_kind("welcome")
def welcome(message: OutboxMessage) -> Email | None:
    user = User.objects.filter(pk=message.user_id).first()
    if user is None or not user.is_active:
        return None
    return Email(template="welcome", context={"user": user})
