"""Settings for a Celery worker that a test starts as a separate process
(tests/core/test_outbox_worker_killed.py): the project's own settings, with emails written to
the folder the test names (tests/core/mail_backends.py)."""

import os

from codesign.settings import *  # noqa: F403

MAILERS = {
    "default": {
        "BACKEND": "tests.core.mail_backends.FolderBackend",
        "OPTIONS": {
            "folder": os.environ["TEST_MAIL_FOLDER"],
            "block": os.environ.get("TEST_MAIL_BLOCK") == "true",
        },
    }
}
