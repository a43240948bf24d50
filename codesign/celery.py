"""The Celery app. Its settings are the CELERY_* names in codesign/settings.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "codesign.settings")

app = Celery("codesign")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["codesign.core", "codesign.accounts"])
