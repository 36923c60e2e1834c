"""Celery tasks: thin, idempotent, JSON arguments only. Each reads the clock once and calls a service."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import delivery, sweep

logger = logging.getLogger(__name__)

# One task run sends at most this many emails, then hands over to a fresh run, so that a long
# backlog never holds one worker slot (or one broker message) for long.
BATCH = 200


@shared_task(name="commitments.tasks.sweep", ignore_result=True)
def sweep_task() -> dict[str, object]:
    now = timezone.now()
    return sweep.sweep_run(now=now, trigger="beat", started_at=now, beat_slot=sweep.sweep_beat_slot(now)).as_dict()


@shared_task(name="commitments.tasks.deliveries", ignore_result=True)
def deliveries() -> int:
    """Send what is due; if a retry falls due soon, look again then (a short countdown, never a far ETA)."""
    sent = 0
    mailer = delivery.Mailer()  # one connection to the mail server for the whole batch
    try:
        while sent < BATCH and (handled := delivery.delivery_send_due(timezone.now(), mailer)):
            sent += handled
        while sent < BATCH and delivery.digest_send_one(timezone.now(), mailer):
            sent += 1
    finally:
        mailer.close()
    if sent >= BATCH:
        deliveries.apply_async()
        return sent
    upcoming = delivery.next_delivery_due()
    if upcoming is not None:
        wait = (upcoming - timezone.now()).total_seconds()
        # Longer waits are left to the sweep, which wakes the sender every few minutes.
        if 0 < wait <= timedelta(minutes=10).total_seconds():
            deliveries.apply_async(countdown=wait)
    return sent


@shared_task(name="commitments.tasks.digests", ignore_result=True)
def digests() -> int:
    opened = delivery.digests_plan(timezone.now())
    if opened:
        deliveries.apply_async()
    return opened


@shared_task(name="commitments.tasks.cleanup", ignore_result=True)
def cleanup() -> int:
    return sweep.sweep_runs_delete_old(timezone.now())
