"""A real `celery -A codesign worker` in a process of its own, for tests that kill it.

It reads this test's database and queue (the database must be one another process can open:
see `shared_database_url` in tests/core/test_outbox_worker_killed.py) and writes what it sends
to a folder (tests/core/mail_backends.py)."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def wait_for(condition: Callable[[], object], *, timeout: float = 60.0, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            tail = log.read_text()[-3000:] if log and log.exists() else ""
            raise AssertionError(f"Gave up waiting for the worker.\n{tail}")
        time.sleep(0.1)


@contextmanager
def worker_process(
    *, database_url: str, mail_folder: Path, log: Path, block: bool = False
) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.core.worker_settings",
        "DATABASE_URL": database_url,
        "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "SECRET_KEY": settings.SECRET_KEY,
        "TEST_MAIL_FOLDER": str(mail_folder),
        "TEST_MAIL_BLOCK": "true" if block else "false",
        "PYTHONPATH": str(BASE_DIR),
        "CONN_MAX_AGE": "0",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "codesign",
        "worker",
        "--pool",
        "prefork",
        "--concurrency",
        "1",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "--loglevel",
        "INFO",
        "--hostname",
        f"outbox-test-{uuid.uuid4().hex[:8]}@%h",
    ]
    with log.open("ab") as output:
        # A session of its own, so the kill reaches the pool's child processes too.
        process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        kill(process)


def kill(process: subprocess.Popen[bytes]) -> None:
    """kill -9 the worker and its children, as a machine that loses power would."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)
