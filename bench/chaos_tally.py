"""`make chaos`'s arithmetic: from the outbox rows, the SMTP sink's Message-IDs and the HTTP status codes
to the figures and the verdict. Pure (no Django, no processes), so tests/test_chaos.py holds it in CI.

The words, precisely:

- *notifications*: Notification rows created during the run (in-app; each one may or may not be emailed).
- *expected*: Delivery rows that were meant to be emailed: every delivery except those a quiet sweep
  recorded as skipped from the start (the demo's 25-year backlog, caught up once before the soak).
- *emailed*: distinct Message-IDs the sink accepted that belong to an expected delivery.
- *duplicated*: Message-IDs the sink accepted more than once (each counted once, however many copies).
- *skipped*: expected deliveries the sender skipped for a reason that is legitimate in this soak (the
  commitment was closed by a staff change before its reminder went out). A skip for any other reason
  (a recipient no longer active or allowed: the soak changes no user) is not legitimate and counts as lost.
- *failed*: expected deliveries failed after a *permanent* refusal. The sink never refuses for good, so
  in this soak any is suspicious, but by the brief's definition it is not a loss; it is shown.
- *lost*: an expected delivery whose Message-ID never reached the sink and which is neither legitimately
  skipped nor failed permanently: still pending or being sent when the settle phase ended, failed after
  its transient retries ran out (every fault in the soak is temporary, so the email was deliverable),
  skipped for a reason the soak never causes, or — worst — recorded as sent although the sink never
  accepted it.
- *stray*: emails the sink accepted whose delivery is not recorded as sent (or that match no delivery):
  an email went out that the outbox does not know of, which a retry could send again.

So, for expected deliveries: emailed + skipped + failed + lost == expected, when there is no stray.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

# Message-ID of a notification's email (commitments/notifications/emails.py): <notification-{pk}@pledgebook>.
_NOTIFICATION_ID = re.compile(r"<notification-(\d+)@")

# The skip reasons the soak itself causes (commitments/notifications/outbox.py::still_relevant and
# create.QUIET_NOTE). Matched by their start so that a status label in the text does not matter.
QUIET_PREFIX = "Not emailed: recorded by a quiet sweep"
LEGITIMATE_SKIP_PREFIXES = ("the commitment is closed",)

# Delivery statuses (Delivery.Status values), spelled out here so that this module needs no Django.
SENT, SKIPPED, FAILED, PENDING, SENDING, HELD = "sent", "skipped", "failed", "pending", "sending", "held"
UNSETTLED = frozenset({PENDING, SENDING, HELD})


@dataclass(frozen=True)
class DeliveryRow:
    notification_id: int
    status: str
    last_error: str = ""
    last_outcome: str = ""  # the outcome of its last DeliveryAttempt ("sent", "transient", "permanent", "skipped")


def notification_id(message_id: str) -> int | None:
    """The notification a Message-ID names, or None for anything else (a digest, a stranger)."""
    match = _NOTIFICATION_ID.search(message_id)
    return int(match.group(1)) if match else None


@dataclass
class Tally:
    notifications: int = 0
    expected: int = 0
    emailed: int = 0
    duplicated: int = 0
    skipped: int = 0
    failed: int = 0
    lost: int = 0
    stray: int = 0
    quiet: int = 0
    requests: int = 0
    server_errors: int = 0
    unanswered: int = 0
    dead_workers: int = 0
    log_alarms: int = 0
    seconds: float = 0.0
    responses: Counter[int] = field(default_factory=Counter)
    lost_examples: list[str] = field(default_factory=list)

    def failures(self) -> list[str]:
        """What makes the soak fail, in words; empty when it passed."""
        reasons = []
        for name, value in [
            ("lost", self.lost),
            ("duplicated", self.duplicated),
            ("stray", self.stray),
            ("5xx responses", self.server_errors),
            ("unanswered requests", self.unanswered),
            ("dead workers", self.dead_workers),
            ("'Unrecoverable error' in the logs", self.log_alarms),
        ]:
            if value:
                reasons.append(f"{value} {name}")
        if self.expected and self.emailed + self.skipped + self.failed + self.lost != self.expected:
            reasons.append("the figures do not add up: emailed + skipped + failed + lost != expected")
        return reasons

    def table(self) -> str:
        rows = [
            ("notifications created", self.notifications),
            ("deliveries expected to be emailed", self.expected),
            ("emailed (unique Message-IDs at the sink)", self.emailed),
            ("skipped (commitment closed first)", self.skipped),
            ("failed permanently", self.failed),
            ("lost", self.lost),
            ("duplicated (Message-IDs seen twice or more)", self.duplicated),
            ("stray (emailed, not recorded as sent)", self.stray),
            ("quiet (demo backlog, never meant to be emailed)", self.quiet),
            ("API requests", self.requests),
            ("  by status", " ".join(f"{code}:{n}" for code, n in sorted(self.responses.items())) or "-"),
            ("5xx responses", self.server_errors),
            ("unanswered requests", self.unanswered),
            ("dead workers", self.dead_workers),
            ("'Unrecoverable error' in worker logs", self.log_alarms),
            ("seconds", f"{self.seconds:.0f}"),
        ]
        width = max(len(name) for name, _ in rows)
        return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def tally(
    deliveries: Iterable[DeliveryRow],
    accepted: Iterable[str],
    *,
    notifications: int,
    responses: Counter[int] | None = None,
    unanswered: int = 0,
    dead_workers: int = 0,
    log_alarms: int = 0,
    seconds: float = 0.0,
) -> Tally:
    """The figures of one soak. `accepted`: every Message-ID the sink accepted, repeats included."""
    responses = responses or Counter()
    result = Tally(
        notifications=notifications,
        requests=sum(responses.values()) + unanswered,
        server_errors=sum(n for code, n in responses.items() if code >= 500),
        unanswered=unanswered,
        dead_workers=dead_workers,
        log_alarms=log_alarms,
        seconds=seconds,
        responses=Counter(responses),
    )
    copies = Counter(accepted)
    result.duplicated = sum(1 for n in copies.values() if n > 1)
    received = {pk for pk in (notification_id(m) for m in copies) if pk is not None}
    result.stray = sum(1 for m in copies if notification_id(m) is None)

    for row in deliveries:
        arrived = row.notification_id in received
        received.discard(row.notification_id)
        if row.status == SKIPPED and row.last_error.startswith(QUIET_PREFIX):
            result.quiet += 1
            if arrived:
                result.stray += 1
            continue
        result.expected += 1
        if row.status != SENT and arrived:
            # Accepted by the sink, yet the outbox says otherwise: it may be sent again. Counted as
            # emailed (it did arrive) and as stray (the failure).
            result.stray += 1
            result.emailed += 1
        elif arrived:
            result.emailed += 1
        elif row.status == SKIPPED and row.last_error.startswith(LEGITIMATE_SKIP_PREFIXES):
            result.skipped += 1
        elif row.status == FAILED and row.last_outcome == "permanent":
            result.failed += 1
        else:
            result.lost += 1
            if len(result.lost_examples) < 10:
                why = "recorded as sent, never received" if row.status == SENT else row.status
                result.lost_examples.append(f"notification {row.notification_id}: {why} {row.last_error[:120]}")
    # Message-IDs of notifications that have no delivery row at all.
    result.stray += len(received)
    return result
