"""manage.py bench_notices runs end to end: a real worker process sends every invitation."""

import os
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from codesign.core.models import OutboxMessage
from programmes.models import Invitation, Programme


@pytest.mark.slow_subprocess
def test_the_benchmark_sends_every_invitation_once_and_cleans_up(
    shared_database_url, celery_app, monkeypatch
):
    if os.environ.get("CI"):
        assert settings.CELERY_BROKER_URL.startswith("redis://"), "CI must use real Redis"
    # The worker it starts must read this test's database.
    monkeypatch.setenv("DATABASE_URL", shared_database_url)
    output = StringIO()

    call_command("bench_notices", count=30, timeout=120, stdout=output)

    text = output.getvalue()
    assert "queued 30 messages" in text
    assert "sent 30 in" in text
    assert "not sent" not in text
    assert "msgs/s" in text
    assert not Programme.objects.exists()
    assert not Invitation.objects.exists()
    assert not OutboxMessage.objects.exists()
