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
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from . import policy
from .models import Commitment, Delivery, Notification, NotificationKind, SweepRun
from .notify import Planned, followers, notifications_create, wake_sender
from .schedule import schedule_store
from .selectors import condition_pending_q, local_today, overdue_q, stale_q, tracked_q

logger = logging.getLogger(__name__)


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
    # (A condition on the indexed column rather than a list of ids: the set cannot change before the
    # schedule is stored at the end, and a long IN list in every query below would cost more.)
    due = Commitment.objects.filter(next_check_at__lte=now)
    due_ids = list(due.values_list("pk", flat=True))
    if due_ids:
        overdue = overdue_q(now)
        result.flagged_overdue = due.filter(overdue, overdue_since__isnull=True).update(overdue_since=now)
        result.cleared = (
            due.filter(overdue_since__isnull=False)
            .exclude(pk__in=Commitment.objects.filter(overdue).values("pk"))
            .update(overdue_since=None)
        )

        planned: list[Planned] = []
        for zone in sorted(set(due.values_list("desk__time_zone", flat=True))):
            today = local_today(zone, now)
            in_zone = due.filter(desk__time_zone=zone)
            planned += _due_soon(in_zone, today)
            planned += _due_today(in_zone, today)
            planned += _overdue(in_zone, today, now)
            planned += _condition_checks(in_zone, today, now)
        planned += _stale(due.filter(stale_q(now)))
        notifications_create(planned, now=now, sweep_run=run)
        schedule_store(due_ids, now)

    counts = Counter(Notification.objects.filter(sweep_run=run).values_list("kind", flat=True))
    result.by_kind = dict(counts)
    result.notifications = sum(counts.values())
    # Deliveries whose wake-up was lost (Redis down, worker killed): due now and not being sent.
    # (While sending, next_attempt_at is the lease's end: one range on the index delivery_due.)
    result.rewoken = Delivery.objects.filter(
        status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING], next_attempt_at__lte=now
    ).count()


def _unrecorded(rows: list[tuple[int, str, str]], kind: str) -> list[tuple[int, str, str]]:
    """The (commitment id, occasion, message) rows whose occasion of this kind is not recorded yet.

    One query whatever the number of rows. Saves work only: the unique key still guarantees that
    a row recorded meanwhile by a parallel sweep is not inserted twice.
    """
    done = set(
        Notification.objects.filter(kind=kind, commitment_id__in=[pk for pk, _, _ in rows]).values_list(
            "commitment_id", "occasion"
        )
    )
    return [row for row in rows if (row[0], row[1]) not in done]


def _for_followers(rows: list[tuple[int, str, str]], kind: str) -> list[Planned]:
    """For each new (commitment id, occasion, message): one notification to each owner and watcher."""
    rows = _unrecorded(rows, kind)
    who = followers(pk for pk, _, _ in rows)
    return [
        Planned(pk, user_id, kind, occasion, message) for pk, occasion, message in rows for user_id in sorted(who[pk])
    ]


def _reminder_base(queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
    # Reminders about deadlines wait while a condition is pending; condition checks ask about it.
    return queryset.filter(tracked_q(), due_by__isnull=False).exclude(condition_state=Commitment.ConditionState.PENDING)


def _due_soon(in_zone: QuerySet[Commitment], today: date) -> list[Planned]:
    """At each offset before due_by, once. Only the nearest offset that applies: a commitment
    recorded five days before its deadline gets the 7-day reminder, not the 30-day one too."""
    offsets = sorted(settings.PLEDGEBOOK_REMINDER_OFFSETS)
    rows: list[tuple[int, str, str]] = []
    previous = 0
    for offset in offsets:
        window = _reminder_base(in_zone).filter(
            due_by__gte=today + timedelta(days=previous + 1), due_by__lte=today + timedelta(days=offset)
        )
        for pk, title, due_by, phrase in window.values_list("pk", "title", "due_by", "due_phrase").iterator():
            days = (due_by - today).days  # type: ignore[operator]  # due_by is not null in this window
            rows.append(
                (
                    pk,
                    f"{offset}:{due_by}",
                    f"Due in {days} day{'s' if days != 1 else ''}: {title} ({phrase or 'by'} {due_by:%d %b %Y})",
                )
            )
        previous = offset
    # Occasions name the offset, so an earlier offset's reminder never blocks a later one.
    return _for_followers(rows, NotificationKind.DUE_SOON)


def _due_today(in_zone: QuerySet[Commitment], today: date) -> list[Planned]:
    window = _reminder_base(in_zone).filter(due_by=today)
    rows = [(pk, str(today), f"Due today: {title}") for pk, title in window.values_list("pk", "title").iterator()]
    return _for_followers(rows, NotificationKind.DUE_TODAY)


def _overdue(in_zone: QuerySet[Commitment], today: date, now: datetime) -> list[Planned]:
    """Every N days while overdue (the first on the day after due_by); escalation after M days."""
    every = settings.PLEDGEBOOK_OVERDUE_REPEAT_DAYS
    escalate_after = settings.PLEDGEBOOK_ESCALATION_DAYS
    overdue_rows = in_zone.filter(overdue_q(now)).values_list("pk", "title", "due_by", "desk_id")
    reminders: list[tuple[int, str, str]] = []
    escalations: list[tuple[int, str, str]] = []
    desk_of: dict[int, int] = {}
    for pk, title, due_by, desk_id in overdue_rows.iterator():
        days = (today - due_by).days  # type: ignore[operator]  # overdue implies a due_by
        number = (days - 1) // every
        reminders.append((pk, f"{due_by}:{number}", f"Overdue by {days} day{'s' if days != 1 else ''}: {title}"))
        if days >= escalate_after:
            escalations.append((pk, f"{due_by}", f"Escalated, overdue by {days} days: {title}"))
            desk_of[pk] = desk_id
    planned = _for_followers(reminders, NotificationKind.OVERDUE)
    # Escalations go to the desk's supervisors, not to owner and watchers.
    pending = _unrecorded(escalations, NotificationKind.ESCALATION)
    supervisors = policy.desk_supervisor_ids(desk_of[pk] for pk, _, _ in pending)
    planned += [
        Planned(pk, user_id, NotificationKind.ESCALATION, occasion, message)
        for pk, occasion, message in pending
        for user_id in sorted(supervisors.get(desk_of[pk], set()))
    ]
    return planned


def _condition_checks(in_zone: QuerySet[Commitment], today: date, now: datetime) -> list[Planned]:
    every = settings.PLEDGEBOOK_CONDITION_CHECK_DAYS
    candidates = in_zone.filter(condition_pending_q(), created_at__lte=now - timedelta(days=every))
    rows = []
    for pk, title, created_at in candidates.values_list("pk", "title", "created_at").iterator():
        number = (now - created_at).days // every
        rows.append((pk, str(number), f"Has the condition been met? {title}"))
    return _for_followers(rows, NotificationKind.CONDITION_CHECK)


def _stale(stale: QuerySet[Commitment]) -> list[Planned]:
    rows = [
        (pk, f"{last:%Y-%m-%d}", f"No update for {settings.PLEDGEBOOK_STALE_DAYS}+ days: {title}")
        for pk, title, last in stale.values_list("pk", "title", "last_activity_at").iterator()
    ]
    return _for_followers(rows, NotificationKind.STALE)


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
