from collections.abc import Sequence
from pathlib import Path

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django.utils.crypto import get_random_string


class ConsoleAndFolderBackend(BaseEmailBackend):
    """For `make run`: say each email in the console and keep it as an .eml file to open."""

    def __init__(self, *, folder: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.folder = Path(folder)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = self.folder / f"{stamp}-{get_random_string(6)}.eml"
            path.write_bytes(message.message().as_bytes())
            print(  # noqa: T201
                f"[email] to {', '.join(message.recipients())}: {message.subject}\n"
                f"        saved as {path}",
                flush=True,
            )
            sent += 1
        return sent
