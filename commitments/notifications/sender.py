"""The sender's loop: send every email that is due, in batches, through one mail connection.

Called by the `deliveries` task (with a limit, after which it wakes a fresh run rather than hold a
worker slot for long) and by `manage.py send_digests` (no limit: an operator waits for all of it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone

from .create import wake_sender
from .digests import digest_send_one
from .outbox import Mailer, delivery_send_due, next_delivery_due

# One task run sends at most this many emails, then hands over to a fresh run, so that a long
# backlog never holds one worker slot (or one broker message) for long.
BATCH = 200

# A retry falling due within this long is looked at again by a short countdown; later ones are left
# to the sweep, which wakes the sender every few minutes.
LOOK_AGAIN_WITHIN = timedelta(minutes=10)


def deliveries_drain(*, limit: int | None = BATCH, clock: Callable[[], datetime] = timezone.now) -> int:
    """Send what is due (emails, then digests) until nothing is or `limit` is reached; how many were handled.

    Each batch is judged at the clock's time when it starts. With a limit, the work left over is handed
    to a fresh task run: at once when the limit was reached, or when the next retry falls due soon.
    """
    sent = 0
    mailer = Mailer()  # one connection to the mail server for the whole run

    def more() -> bool:
        return limit is None or sent < limit

    try:
        while more() and (handled := delivery_send_due(clock(), mailer)):
            sent += handled
        while more() and digest_send_one(clock(), mailer):
            sent += 1
    finally:
        mailer.close()
    if limit is None:
        return sent
    if sent >= limit:
        wake_sender(senders=1)
        return sent
    upcoming = next_delivery_due()
    if upcoming is not None:
        wait = (upcoming - clock()).total_seconds()
        if 0 < wait <= LOOK_AGAIN_WITHIN.total_seconds():
            wake_sender(senders=1, countdown=wait)
    return sent
