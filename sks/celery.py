"""The Celery application. Workers: `celery -A sks worker`; exactly one scheduler: `celery -A sks beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sks.settings")

app = Celery("sks")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
