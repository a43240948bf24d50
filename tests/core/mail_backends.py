"""An email backend for tests in which a separate worker process sends: every email it is
given is written to a folder the test reads. With `block`, it says it has started and then
waits, so the test can kill the worker in the middle of a send."""

import os
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

# Long enough that only the test's kill ends it.
BLOCK_SECONDS = 600


class FolderBackend(BaseEmailBackend):
    def __init__(self, *, folder: str, block: bool = False, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.folder = Path(folder)
        self.block = block

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            if self.block:
                marker = self.folder / f"sending-{os.getpid()}.txt"
                marker.write_text(",".join(message.recipients()))
                time.sleep(BLOCK_SECONDS)
            sent = self.folder / f"sent-{uuid.uuid4().hex}.eml"
            sent.write_bytes(message.message().as_bytes())
        return len(email_messages)


def sent_emails(folder: Path) -> list[str]:
    """What the backend delivered, as text, oldest first."""
    paths = sorted(folder.glob("sent-*.eml"), key=lambda path: path.stat().st_mtime)
    return [path.read_text() for path in paths]


class RefusingBackend(BaseEmailBackend):
    """Refuses the next `refusals` emails, as a mail server that is down would, then hands
    them to Django's test outbox (django.core.mail.outbox)."""

    refusals = 0

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if RefusingBackend.refusals > 0:
            RefusingBackend.refusals -= 1
            raise ConnectionRefusedError("The mail server did not answer.")
        from django.core.mail.backends.locmem import EmailBackend

        return EmailBackend().send_messages(email_messages)


class CountingBackend(BaseEmailBackend):
    """Counts the connections opened to it, then hands emails to Django's test outbox; refuses
    the addresses in `refuse`."""

    opened = 0
    refuse: set[str] = set()

    def open(self) -> bool:
        CountingBackend.opened += 1
        return True

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from django.core.mail.backends.locmem import EmailBackend

        for message in email_messages:
            if set(message.to) & CountingBackend.refuse:
                raise ConnectionResetError("The mail server hung up.")
        return EmailBackend().send_messages(email_messages)
