"""A task that does nothing but count itself: the worker's own ceiling for the delivery benchmark."""

from __future__ import annotations

from functools import cache

import redis
from celery import shared_task
from django.conf import settings


@cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


@shared_task(name="bench.noop", ignore_result=True)
def noop(key: str) -> None:
    _redis().incr(key)
