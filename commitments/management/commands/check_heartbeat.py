from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from commitments.health import heartbeat_last, worker_late


class Command(BaseCommand):
    help = (
        "Exit 0 when a worker ran beat's heartbeat task within PLEDGEBOOK_WORKER_LATE_SECONDS, 1 otherwise: "
        "a container health check for beat and the workers (beat asks, a worker answers, through Redis)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        try:
            last = heartbeat_last()
        except Exception as exc:
            raise CommandError(f"Redis cannot be read ({type(exc).__name__}: {exc}); no heartbeat known.") from None
        if worker_late(last, now):
            seen = f"last at {last.at.isoformat(timespec='seconds')} by {last.worker}" if last else "none recorded"
            raise CommandError(f"No worker has checked in lately ({seen}): is beat running, and a worker?")
        assert last is not None
        age = int((now - last.at).total_seconds())
        self.stdout.write(f"ok: {last.worker} checked in {age} s ago")
