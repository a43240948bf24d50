from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from codesign.celery import app
from codesign.core.tasks import sessions_clear_expired_task


def test_every_scheduled_job_names_a_task_that_exists():
    app.loader.import_default_modules()

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"{name} names an unknown task"


def test_celery_speaks_json_only_and_acknowledges_after_the_work_is_done():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_expired_sessions_are_cleared_and_live_ones_kept(db):
    now = timezone.now()
    Session.objects.create(session_key="old", session_data="", expire_date=now - timedelta(days=1))
    Session.objects.create(session_key="live", session_data="", expire_date=now + timedelta(days=1))

    assert sessions_clear_expired_task.apply().get() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
    # Run again: nothing left to clear, nothing else touched.
    assert sessions_clear_expired_task.apply().get() == 0
