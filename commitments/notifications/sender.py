"""The sender's loop: send every email that is due, in batches, through one mail connection.

Called by the `deliveries` task (with a limit, after which it wakes a fresh run rather than hold a
worker slot for long) and by `manage.py send_digests` (no limit: an operator waits for all of it).

A retry due later is not a task held back with a countdown: a countdown task sits unacknowledged in
the worker until it is due, and when Redis goes away meanwhile, Celery fails to restore it and the
worker exits for good. The delivery row's next_attempt_at is the schedule; beat wakes the sender every
PLEDGEBOOK_DELIVERY_WAKE_SECONDS to send what has come due (and the sweep re-wakes it too).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

from .create import wake_sender
from .digests import digest_send_one
from .outbox import CLAIM, Mailer, delivery_send_due

# One task run sends at most this many emails, then hands over to a fresh run, so that a long
# backlog never holds one worker slot (or one broker message) for long.
BATCH = 200


def deliveries_drain(*, limit: int | None = BATCH, clock: Callable[[], datetime] = timezone.now) -> int:
    """Send what is due (emails, then digests) until nothing is or `limit` is reached; how many were handled.

    Each batch is judged at the clock's time when it starts. With a limit reached, the work left over is
    handed at once to a fresh task run; retries that fall due later wait for beat's next wake-up.
    """
    sent = 0
    mailer = Mailer()  # one connection to the mail server for the whole run

    def more() -> bool:
        return limit is None or sent < limit

    try:
        # A claim never takes more than the run may still send: the rest stays due for the next run.
        while more() and (
            handled := delivery_send_due(clock(), mailer, CLAIM if limit is None else min(CLAIM, limit - sent))
        ):
            sent += handled
        while more() and digest_send_one(clock(), mailer):
            sent += 1
    finally:
        mailer.close()
    if limit is not None and sent >= limit:
        wake_sender(senders=1)
    return sent
