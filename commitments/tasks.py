"""Celery tasks: thin, idempotent, JSON arguments only. Each is one call into a service.

Nothing imports this module (make lint checks it): work is asked for by task name. Every task has the
soft and hard time limits of CELERY_TASK_SOFT_TIME_LIMIT / CELERY_TASK_TIME_LIMIT (settings).
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils import timezone

from . import health, sweep
from .notifications import digests as digest_service
from .notifications import sender
from .reports import dashboard, summaries


@shared_task(name="commitments.tasks.sweep", ignore_result=True)
def sweep_task() -> dict[str, object]:
    return sweep.sweep_beat(timezone.now()).as_dict()


@shared_task(name="commitments.tasks.deliveries", ignore_result=True)
def deliveries() -> int:
    return sender.deliveries_drain()


@shared_task(name="commitments.tasks.digests", ignore_result=True)
def digests() -> int:
    return digest_service.digests_open(timezone.now())


@shared_task(name="commitments.tasks.cleanup", ignore_result=True)
def cleanup() -> int:
    return sweep.sweep_runs_delete_old(timezone.now())


@shared_task(name="commitments.tasks.heartbeat", bind=True, ignore_result=True)
def heartbeat(self: Any) -> None:
    health.heartbeat_record(now=timezone.now(), worker=str(self.request.hostname or "worker"))


@shared_task(name="commitments.tasks.compliance_summaries", ignore_result=True)
def compliance_summaries() -> int:
    return summaries.compliance_summaries_refresh(timezone.now()).rows


@shared_task(name="commitments.tasks.dashboard_figures", ignore_result=True)
def dashboard_figures() -> None:
    dashboard.dashboard_figures_refresh(timezone.now())
