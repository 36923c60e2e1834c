"""The workers' heartbeat: proof that beat, the broker and at least one worker are all doing their part.

Beat asks for the `heartbeat` task every PLEDGEBOOK_HEARTBEAT_SECONDS; whichever worker runs it writes
the moment and its own name to one Redis key. /healthz reads the key: when it is older than
PLEDGEBOOK_WORKER_LATE_SECONDS, no worker has run anything lately — a worker dead or stuck, beat
stopped, or the broker unreachable — which a stale sweep would say only after twice the sweep interval.

Redis, not a table: the heartbeat is about the broker's side of the system, it is written a few times a
minute by every deployment (an embedded SQLite file would take a write lock each time), and losing it
with Redis loses nothing — the next tick writes it again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

KEY = "pledgebook:worker-heartbeat"


@dataclass(frozen=True)
class Heartbeat:
    at: datetime
    worker: str


def redis_client() -> object:
    """A client of the Redis at REDIS_URL that gives up within two seconds (the heartbeat and the health checks)."""
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)


def heartbeat_record(*, now: datetime, worker: str) -> None:
    """Record that `worker` ran the heartbeat task at `now` (kept a day: a silent key is the alarm)."""
    payload = json.dumps({"at": now.isoformat(), "worker": worker})
    redis_client().set(KEY, payload, ex=int(timedelta(days=1).total_seconds()))  # type: ignore[attr-defined]


def heartbeat_last() -> Heartbeat | None:
    """The last heartbeat, or None when none is recorded. Raises when Redis cannot be reached."""
    raw = redis_client().get(KEY)  # type: ignore[attr-defined]
    if raw is None:
        return None
    data = json.loads(raw)
    return Heartbeat(at=datetime.fromisoformat(data["at"]), worker=str(data["worker"]))


def worker_late(last: Heartbeat | None, now: datetime) -> bool:
    """Whether no worker has checked in within PLEDGEBOOK_WORKER_LATE_SECONDS of `now`."""
    return last is None or now - last.at > timedelta(seconds=settings.PLEDGEBOOK_WORKER_LATE_SECONDS)
