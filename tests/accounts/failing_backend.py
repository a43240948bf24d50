from django.core.mail.backends.locmem import EmailBackend


class FailOnceBackend(EmailBackend):
    """Refuses the first email it is given, as a mail server that is briefly down would."""

    failed = False

    def send_messages(self, messages):
        if not FailOnceBackend.failed:
            FailOnceBackend.failed = True
            raise ConnectionRefusedError("The mail server did not answer.")
        return super().send_messages(messages)
