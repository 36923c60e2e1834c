"""The Celery application: Redis broker, JSON only, no result backend (see CELERY_* in settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("pledgebook")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
