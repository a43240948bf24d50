from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.db import transaction
from django.http import HttpRequest

from codesign.accounts.tasks import welcome_email_send_task


class AccountAdapter(DefaultAccountAdapter):
    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            user_id = email_address.user_id
            transaction.on_commit(lambda: welcome_email_send_task.delay(user_id))
        return confirmed
