"""The sweep: flag what slipped and create the reminders that are due, set-based.

`sweep_run(now)` is used by the periodic task and by `manage.py sweep_commitments`. It reads only the
commitments whose stored `next_check_at` has passed (one partial-index lookup; an idle sweep stops
there), then, for those rows, a fixed number of queries per desk time zone: two UPDATEs for the
overdue flag, one candidate query per reminder kind, one query for the occasions of that kind already
recorded, bulk inserts that ignore conflicts, and one UPDATE storing each row's next check. Its cost
follows the rows that change, not the table size. Correctness never depends on a lock: two sweeps at
once insert each occasion once, because of Notification's unique key.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from . import policy
from .models import Commitment, Delivery, Notification, NotificationKind, SweepRun
from .notify import Planned, notifications_create, wake_sender
from .pgarray import array_literal, column_literals
from .schedule import SCHEDULE_FIELDS, schedule_store
from .selectors import local_today, row_is_overdue, row_is_stale
from .workflow import TRACKED_STATUSES

logger = logging.getLogger(__name__)

# The sweep's record says how many owed deliveries it found, counting no further than this.
REWAKE_COUNT_LIMIT = 10_000


@dataclass
class SweepResult:
    flagged_overdue: int = 0
    cleared: int = 0
    notifications: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    rewoken: int = 0
    skipped: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "flagged_overdue": self.flagged_overdue,
            "cleared": self.cleared,
            "notifications": self.notifications,
            "by_kind": dict(sorted(self.by_kind.items())),
            "rewoken": self.rewoken,
            "skipped": self.skipped,
        }


class _DryRun(Exception):
    """Raised to roll a dry run back after it has computed everything."""


def sweep_run(
    *,
    now: datetime,
    dry_run: bool = False,
    trigger: str = "beat",
    started_at: datetime | None = None,
    beat_slot: int | None = None,
) -> SweepResult:
    """Flag and remind as of `now`. Records a SweepRun (unless dry) whether it succeeds or fails.

    With a `beat_slot`, does nothing (the result says `skipped`) when that interval was already
    claimed: a second beat started by mistake sends each tick twice.
    """
    # started_at/finished_at are the wall clock (how long it took); as_of is the moment judged.
    run = SweepRun(
        started_at=started_at or timezone.now(), as_of=now, trigger=trigger, dry_run=dry_run, beat_slot=beat_slot
    )
    if not dry_run:
        try:
            with transaction.atomic():
                run.save()
        except IntegrityError:
            if beat_slot is None:
                raise
            logger.warning("Sweep interval %s already claimed: is a second beat running?", beat_slot)
            return SweepResult(skipped=True)
    result = SweepResult()
    try:
        with transaction.atomic():
            if dry_run:
                run.save()  # rolled back with the rest
            _sweep(run, now, result)
            if dry_run:
                raise _DryRun
    except _DryRun:
        return result
    except Exception as exc:
        SweepRun.objects.filter(pk=run.pk).update(
            error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        logger.exception("Sweep as of %s failed", now.isoformat())
        raise
    SweepRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(),
        flagged_overdue=result.flagged_overdue,
        cleared=result.cleared,
        notifications=result.notifications,
        by_kind=result.by_kind,
        rewoken=result.rewoken,
    )
    if result.rewoken or result.notifications:
        wake_sender()
    return result


def _sweep(run: SweepRun, now: datetime, result: SweepResult) -> None:
    # Only rows whose scheduled check has come (commitments/schedule.py); nothing else can owe anything.
    # One read of those rows; each one's occasions by the reminder rules; one query for the occasions
    # already recorded, one for watchers, one for supervisors; the inserts; one write per row (its
    # overdue flag and next check). The due rows are a small share of the table: a few percent a day.
    rows = list(Commitment.objects.filter(next_check_at__lte=now).order_by().values_list(*SWEEP_FIELDS))
    if rows:
        todays = {zone: local_today(zone, now) for zone in {row[7] for row in rows}}
        occasions = [occasion for row in rows for occasion in _occasions(row, todays[row[7]], now)]
        fresh = _unrecorded(occasions)
        owners = {row[0]: row[11] for row in rows}
        desks = {row[0]: row[10] for row in rows}
        planned = _recipients(fresh, owners, desks)
        counts = notifications_create(planned, now=now, sweep_run=run)
        result.by_kind = dict(counts)
        result.notifications = sum(counts.values())
        result.flagged_overdue, result.cleared = schedule_store(rows, now)
    # Deliveries whose wake-up was lost (Redis down, worker killed): due now and not being sent. Counted
    # up to a bound: any is enough to wake the sender. (While sending, next_attempt_at is the lease's
    # end: one range on the index delivery_due.)
    owed = Delivery.objects.filter(
        status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING], next_attempt_at__lte=now
    ).order_by()
    result.rewoken = owed[:REWAKE_COUNT_LIMIT].count()


# What the sweep reads of a due row: the schedule's fields, then what the reminders say and who gets them.
SWEEP_FIELDS = (*SCHEDULE_FIELDS, "title", "due_phrase", "desk_id", "owner_id")

Occasion = tuple[int, str, str, str]  # commitment id, kind, occasion, message


def _occasions(row: tuple[Any, ...], today: date, now: datetime) -> list[Occasion]:
    """The reminders one commitment is owed at `now` (whether recorded already or not).

    The rules: due soon at the nearest offset before due_by that applies (a commitment recorded five
    days before its deadline gets the 7-day reminder, not the 30-day one too), due today, overdue every
    N days from the day after due_by and an escalation after M days (the same rule as overdue_q), a
    condition check every K days while a condition is pending (deadline reminders wait meanwhile), and a
    review once a commitment has had no update for S days (stale_q).
    """
    pk, status, due_by, condition_state, created_at, last_activity_at, _, zone, title, phrase = row[:10]
    if status not in TRACKED_STATUSES:
        return []
    found: list[Occasion] = []
    pending = condition_state == Commitment.ConditionState.PENDING
    if due_by is not None and not pending:
        days = (due_by - today).days
        offsets = sorted(settings.PLEDGEBOOK_REMINDER_OFFSETS)
        if 1 <= days <= offsets[-1]:
            # Occasions name the offset, so an earlier offset's reminder never blocks a later one.
            offset = next(o for o in offsets if o >= days)
            message = f"Due in {days} day{'s' if days != 1 else ''}: {title} ({phrase or 'by'} {due_by:%d %b %Y})"
            found.append((pk, NotificationKind.DUE_SOON, f"{offset}:{due_by}", message))
        elif days == 0:
            found.append((pk, NotificationKind.DUE_TODAY, str(today), f"Due today: {title}"))
    if row_is_overdue(status=status, condition_state=condition_state, due_by=due_by, time_zone=zone, now=now):
        days = (today - due_by).days
        number = (days - 1) // settings.PLEDGEBOOK_OVERDUE_REPEAT_DAYS
        found.append(
            (
                pk,
                NotificationKind.OVERDUE,
                f"{due_by}:{number}",
                f"Overdue by {days} day{'s' if days != 1 else ''}: {title}",
            )
        )
        if days >= settings.PLEDGEBOOK_ESCALATION_DAYS:
            found.append((pk, NotificationKind.ESCALATION, f"{due_by}", f"Escalated, overdue by {days} days: {title}"))
    every = settings.PLEDGEBOOK_CONDITION_CHECK_DAYS
    if pending and created_at <= now - timedelta(days=every):
        number = (now - created_at).days // every
        found.append((pk, NotificationKind.CONDITION_CHECK, str(number), f"Has the condition been met? {title}"))
    if row_is_stale(status=status, last_activity_at=last_activity_at, now=now):
        message = f"No update for {settings.PLEDGEBOOK_STALE_DAYS}+ days: {title}"
        found.append((pk, NotificationKind.STALE, f"{last_activity_at:%Y-%m-%d}", message))
    return found


def _unrecorded(occasions: list[Occasion]) -> list[Occasion]:
    """The occasions not recorded yet for their commitment, in one query whatever their number.

    Saves work only: the unique key still guarantees that an occasion recorded meanwhile by a parallel
    sweep is not inserted twice.
    """
    if not occasions:
        return []
    if connection.vendor == "postgresql":
        # The exact keys, joined from arrays: an IN list of thousands of ids and occasions cost more to
        # bind than to run. The unique key's index (commitment first) serves the join.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT n.commitment_id, n.kind, n.occasion FROM {Notification._meta.db_table} n "  # noqa: S608
                "JOIN unnest(%s::bigint[], %s::text[], %s::text[]) AS o(c, k, v) "
                "ON n.commitment_id = o.c AND n.kind = o.k AND n.occasion = o.v",
                column_literals([(pk, kind, occasion[:80]) for pk, kind, occasion, _ in occasions], 3),
            )
            done = set(cursor.fetchall())
    else:
        done = set(
            Notification.objects.filter(
                commitment_id__in={pk for pk, _, _, _ in occasions},
                occasion__in={occasion for _, _, occasion, _ in occasions},
                kind__in={kind for _, kind, _, _ in occasions},
            ).values_list("commitment_id", "kind", "occasion")
        )
    return [o for o in occasions if (o[0], o[1], o[2]) not in done]


def _recipients(occasions: list[Occasion], owners: dict[int, int | None], desks: dict[int, int]) -> list[Planned]:
    """Each occasion for the commitment's owner and watchers; escalations for its desk's supervisors."""
    ids = {pk for pk, kind, _, _ in occasions if kind != NotificationKind.ESCALATION}
    who: dict[int, set[int]] = {pk: set() for pk in ids}
    for pk in ids:
        owner = owners[pk]
        if owner is not None:
            who[pk].add(owner)
    through = Commitment.watchers.through
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the ids as one array, not thousands of parameters
            cursor.execute(
                f"SELECT commitment_id, user_id FROM {through._meta.db_table} "  # noqa: S608 - the model's table
                "WHERE commitment_id = ANY(%s::bigint[])",
                [array_literal(ids)],
            )
            watchers = cursor.fetchall()
    else:
        watchers = list(through.objects.filter(commitment_id__in=ids).values_list("commitment_id", "user_id"))
    for pk, user_id in watchers:
        who[pk].add(user_id)
    supervisors = policy.desk_supervisor_ids(
        desks[pk] for pk, kind, _, _ in occasions if kind == NotificationKind.ESCALATION
    )
    planned = []
    for pk, kind, occasion, message in occasions:
        audience = supervisors.get(desks[pk], set()) if kind == NotificationKind.ESCALATION else who[pk]
        planned += [Planned(pk, user_id, kind, occasion, message) for user_id in sorted(audience)]
    return planned


def sweep_beat_slot(now: datetime) -> int:
    """The number of the sweep interval that `now` falls in, counted from the epoch."""
    return int(now.timestamp()) // settings.PLEDGEBOOK_SWEEP_SECONDS


def sweep_last_finished() -> datetime | None:
    last = SweepRun.objects.filter(error="", dry_run=False, finished_at__isnull=False).order_by("-finished_at").first()
    return last.finished_at if last else None


def sweep_late(last_finished: datetime | None, now: datetime) -> bool:
    """True when no sweep has finished for twice the interval (the admin warns, /healthz fails)."""
    limit = timedelta(seconds=2 * settings.PLEDGEBOOK_SWEEP_SECONDS)
    return last_finished is None or now - last_finished > limit


def sweep_runs_delete_old(now: datetime) -> int:
    cutoff = now - timedelta(days=settings.PLEDGEBOOK_SWEEP_KEEP_DAYS)
    deleted, _ = SweepRun.objects.filter(started_at__lt=cutoff).delete()
    return deleted
