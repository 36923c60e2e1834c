"""Creating notifications and their deliveries (the outbox), for the sweep and for activity.

Who hears about a commitment: its owner and watchers; escalations go to its desk's supervisors.
Only people who could open the commitment (active staff with a role), and who have not switched the
kind off, are notified. Each notification that should be emailed gets its Delivery row in the same
transaction; after commit Celery is woken to send it. If Redis is down the wake-up is lost but the row
is not: the next sweep wakes the sender again.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q

from common.pgarray import column_literals

from .. import policy
from ..models import (
    Commitment,
    Delivery,
    Notification,
    NotificationPreference,
    SweepRun,
)
from .outbox import CLAIM

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipient:
    user_id: int
    kinds: frozenset[str] | None  # None: every kind
    email: str
    email_enabled: bool
    digest: bool


def eligible_recipients(user_ids: Iterable[int]) -> dict[int, Recipient]:
    """The users among `user_ids` who may be notified, with their preferences (one query).

    The preference comes with the user (a LEFT JOIN on its one-to-one row) rather than by a second query:
    the sweep's fixed cost is round trips. The join on groups that viewers_q() needs can repeat a user;
    the dict keeps one (rather than a DISTINCT over the JSON list of kinds)."""
    ids = set(user_ids)
    if not ids:
        return {}
    rows = (
        get_user_model()
        .objects.filter(policy.viewers_q(), pk__in=ids)
        .values_list(
            "pk",
            "email",
            "notification_preference__pk",
            "notification_preference__kinds",
            "notification_preference__email_enabled",
            "notification_preference__mode",
            named=True,
        )
    )
    result: dict[int, Recipient] = {}
    for row in rows:
        preferred = row.notification_preference__pk is not None
        result[row.pk] = Recipient(
            user_id=row.pk,
            kinds=frozenset(row.notification_preference__kinds) if preferred else None,
            email=row.email or "",
            email_enabled=row.notification_preference__email_enabled if preferred else True,
            digest=preferred and row.notification_preference__mode == NotificationPreference.Mode.DIGEST,
        )
    return result


def followers(commitment_ids: Iterable[int]) -> dict[int, set[int]]:
    """Owner and watchers of each commitment (two queries)."""
    ids = list(commitment_ids)
    result: dict[int, set[int]] = {pk: set() for pk in ids}
    for pk, owner_id in Commitment.objects.filter(pk__in=ids, owner__isnull=False).values_list("pk", "owner_id"):
        result[pk].add(owner_id)
    through = Commitment.watchers.through
    for pk, user_id in through.objects.filter(commitment_id__in=ids).values_list("commitment_id", "user_id"):
        result[pk].add(user_id)
    return result


@dataclass(frozen=True)
class Reason:
    """Why someone else's change is notified: who made it, and the note and evidence they gave."""

    actor_id: int | None
    note: str = ""
    evidence_url: str = ""


@dataclass(frozen=True)
class Planned:
    commitment_id: int
    recipient_id: int
    kind: str
    occasion: str
    message: str


# Why a quiet sweep's emails were not sent, on each of their Delivery rows.
QUIET_NOTE = "Not emailed: recorded by a quiet sweep (a backlog caught up at once, e.g. the demo's start)."


def notifications_create(
    planned: list[Planned],
    *,
    now: datetime,
    sweep_run: SweepRun | None = None,
    reason: Reason | None = None,
    quiet: bool = False,
    wake: bool = True,
) -> Counter[str]:
    """Insert what is not there yet (the unique occasion key drops repeats) and queue the emails.

    `quiet`: the notifications are recorded (in-app, unread) but their emails are marked skipped, never
    sent: for a first sweep over years of history, where every reminder at once would be a flood of
    stale news. Returns how many notifications of each kind this call created. Must run inside the
    caller's transaction. `wake`: wake the sender when the caller's transaction commits; False when the
    caller wakes it itself (the sweep does, once, after its commit), so that one job is not woken twice.
    """
    if not planned:
        return Counter()
    recipients = eligible_recipients(p.recipient_id for p in planned)
    wanted = [
        p
        for p in planned
        if p.recipient_id in recipients
        and (recipients[p.recipient_id].kinds is None or p.kind in recipients[p.recipient_id].kinds)  # type: ignore[operator]
    ]
    if not wanted:
        return Counter()
    # Each recipient's email: skipped when quiet, held for a digest, else pending; none without an address.
    emailed: dict[int, str] = {}
    for user_id, recipient in recipients.items():
        if recipient.email_enabled and recipient.email:
            if quiet:
                emailed[user_id] = str(Delivery.Status.SKIPPED)
            else:
                emailed[user_id] = str(Delivery.Status.HELD if recipient.digest else Delivery.Status.PENDING)
    # ON CONFLICT DO NOTHING: a parallel or repeated run inserts nothing twice.
    counts, pending = _insert(
        wanted, emailed, now, sweep_run, reason or Reason(actor_id=None), QUIET_NOTE if quiet else ""
    )
    if wake and pending:
        transaction.on_commit(wake_sender)
    return counts


def _insert(
    wanted: list[Planned],
    emailed: dict[int, str],
    now: datetime,
    sweep_run: SweepRun | None,
    reason: Reason,
    note: str,
) -> tuple[Counter[str], bool]:
    """Insert the notifications not recorded yet and a delivery for each one emailed; how many of each kind
    were inserted, and whether any email is pending.

    On PostgreSQL one statement: the notifications' INSERT from arrays as a data-modifying CTE, RETURNING
    what it inserted, which the deliveries' INSERT joins to each recipient's status (an array of its own).
    Elsewhere the notifications, a read-back of which were inserted, and the deliveries."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH inserted AS (INSERT INTO {Notification._meta.db_table} "  # noqa: S608 (the model's own table)
                "(commitment_id, recipient_id, kind, occasion, message, created_at, sweep_run_id, actor_id, note, "
                "evidence_url) "
                "SELECT c, r, k, o, m, %s, %s, %s, %s, %s FROM unnest(%s::bigint[], %s::int[], %s::text[], "
                "%s::text[], %s::text[]) AS t(c, r, k, o, m) ON CONFLICT DO NOTHING RETURNING id, recipient_id, kind), "
                f"queued AS (INSERT INTO {Delivery._meta.db_table} "
                "(notification_id, recipient_id, status, attempts, next_attempt_at, last_error) "
                "SELECT i.id, i.recipient_id, e.s, 0, %s, %s FROM inserted i "
                "JOIN unnest(%s::int[], %s::text[]) AS e(r, s) ON e.r = i.recipient_id "
                "ON CONFLICT DO NOTHING RETURNING status) "
                "SELECT kind, count(*), (SELECT count(*) FROM queued WHERE status = %s) FROM inserted GROUP BY kind",
                [
                    now,
                    sweep_run.pk if sweep_run else None,
                    reason.actor_id,
                    reason.note,
                    reason.evidence_url,
                    *column_literals(
                        [(p.commitment_id, p.recipient_id, p.kind, p.occasion[:80], p.message[:300]) for p in wanted], 5
                    ),
                    now,
                    note,
                    *column_literals(list(emailed.items()), 2),
                    str(Delivery.Status.PENDING),
                ],
            )
            rows = cursor.fetchall()
        return Counter({str(kind): int(count) for kind, count, _ in rows}), any(pending for _, _, pending in rows)
    created = _insert_notifications(wanted, now, sweep_run, reason)
    deliveries = [(pk, user_id, emailed[user_id]) for pk, user_id, _ in created if user_id in emailed]
    _insert_deliveries(deliveries, now, note=note)
    return Counter(kind for _, _, kind in created), any(s == Delivery.Status.PENDING for _, _, s in deliveries)


def _insert_notifications(
    wanted: list[Planned], now: datetime, sweep_run: SweepRun | None, reason: Reason
) -> list[tuple[int, int, str]]:
    """The portable insert, skipping occasions already recorded; the (id, recipient, kind) of each row inserted."""
    rows = [
        Notification(
            commitment_id=p.commitment_id,
            recipient_id=p.recipient_id,
            kind=p.kind,
            occasion=p.occasion[:80],
            message=p.message[:300],
            created_at=now,
            sweep_run=sweep_run,
            actor_id=reason.actor_id,
            note=reason.note,
            evidence_url=reason.evidence_url,
        )
        for p in wanted
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    # Which rows this call inserted is read back by the marker it wrote (sweep run) or by the exact keys.
    if sweep_run is not None:
        inserted = Notification.objects.filter(sweep_run=sweep_run, delivery__isnull=True)
    else:
        keys = Q(pk__in=[])
        for row in rows:
            keys |= Q(
                commitment_id=row.commitment_id, recipient_id=row.recipient_id, kind=row.kind, occasion=row.occasion
            )
        inserted = Notification.objects.filter(keys, created_at=now, delivery__isnull=True)
    return list(inserted.values_list("pk", "recipient_id", "kind"))


def _insert_deliveries(deliveries: list[tuple[int, int, str]], now: datetime, note: str = "") -> None:
    if not deliveries:
        return
    Delivery.objects.bulk_create(
        [
            Delivery(notification_id=n, recipient_id=r, status=s, next_attempt_at=now, last_error=note)
            for n, r, s in deliveries
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )


def notify_activity(
    commitment: Commitment,
    *,
    kind: str,
    occasion: str,
    actor: Any,
    message: str,
    now: datetime,
    note: str = "",
    evidence_url: str = "",
) -> None:
    """Tell the owner and watchers about someone else's change, with its note and evidence; the actor is
    not told of their own."""
    actor_id = getattr(actor, "pk", None)
    message = message[:1].upper() + message[1:]
    recipient_ids = followers([commitment.pk])[commitment.pk] - {actor_id}
    notifications_create(
        [Planned(commitment.pk, user_id, kind, occasion, message) for user_id in sorted(recipient_ids)],
        now=now,
        reason=Reason(actor_id=actor_id, note=note, evidence_url=evidence_url),
    )


def notifications_mark_read(*, user: Any, ids: list[int] | None, now: datetime) -> int:
    """Mark the given (or, with None, all) unread notifications of `user` read; returns how many."""
    queryset = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(read_at=now)


# The sender is woken by the task's name: nothing imports the tasks module (make lint checks it).
DELIVERIES_TASK = "commitments.tasks.deliveries"


def senders_for(owed: int) -> int:
    """How many senders to wake for `owed` emails due now: one per claim's worth, at least one, at most
    PLEDGEBOOK_DELIVERY_SENDERS. Each wake-up is a round trip to Redis (a third of a 1k sweep's time when it
    woke four senders for seven emails), and a sender with nothing left to claim does nothing useful."""
    return max(1, min(settings.PLEDGEBOOK_DELIVERY_SENDERS, -(-owed // CLAIM)))


def wake_sender(*, senders: int | None = None) -> None:
    """Ask workers to send what is due now (PLEDGEBOOK_DELIVERY_SENDERS of them unless told).

    Never with a countdown or an ETA (see notifications/sender.py): what is due later waits in its row.
    Never fails the caller: a lost wake-up is made good by beat's periodic one and by the sweep."""
    options: dict[str, Any] = {"retry": False}
    try:
        for _ in range(settings.PLEDGEBOOK_DELIVERY_SENDERS if senders is None else senders):
            current_app.send_task(DELIVERIES_TASK, **options)
    except Exception as exc:  # Redis down or unreachable: the outbox row stays, the sweep retries.
        logger.warning("Could not wake the email sender (%s); the next sweep will.", exc)
