"""When the sweep must next look at a commitment: the stored `next_check_at` (as healthchecks stores `alert_after`).

Every occasion the sweep acts on begins at a moment known in advance: a local midnight (a due-soon
offset, the due day, the first overdue day and every N days after it, the escalation day), a multiple
of the condition-check interval after creation, or the moment a commitment goes stale. The sweep
reads only rows whose `next_check_at` has passed (a partial index), acts on them with the ordinary
rules, then stores each one's next moment. Any change a person makes (services `_save`, `update_add`)
sets `next_check_at` to now, so the next sweep re-reads the row.

The one rule that keeps this correct: `next_check_at` must never be later than the next occasion.
Earlier only costs a wasted look. `test_sweep.py::test_the_schedule_never_misses_…` compares scheduled
sweeps with sweeps over every row, day after day.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection

from .models import Commitment
from .workflow import TRACKED_STATUSES

# Strictly after: "stale" means the last activity is *more* than N days old.
_JUST_AFTER = timedelta(microseconds=1)


def _local_midnight(day: date, zone: zoneinfo.ZoneInfo) -> datetime:
    # A midnight that does not exist (a DST jump) resolves to the first instant of that day.
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def next_check(
    *,
    status: str,
    due_by: date | None,
    condition_state: str,
    created_at: datetime,
    last_activity_at: datetime,
    time_zone: str,
    now: datetime,
) -> datetime | None:
    """The first moment after `now` at which the sweep may owe this commitment something, or None."""
    if status not in TRACKED_STATUSES:
        return None  # closed or draft: nothing is owed until someone changes it
    zone = zoneinfo.ZoneInfo(time_zone)
    today = now.astimezone(zone).date()
    moments: list[datetime] = []
    pending = condition_state == Commitment.ConditionState.PENDING
    if due_by is not None and not pending:
        days = [due_by - timedelta(days=offset) for offset in settings.PLEDGEBOOK_REMINDER_OFFSETS]
        days += [due_by, due_by + timedelta(days=1)]  # due today; overdue (flag and first reminder)
        overdue_days = (today - due_by).days
        if overdue_days >= 1:
            every = settings.PLEDGEBOOK_OVERDUE_REPEAT_DAYS
            days.append(due_by + timedelta(days=1 + every * ((overdue_days - 1) // every + 1)))
            days.append(due_by + timedelta(days=settings.PLEDGEBOOK_ESCALATION_DAYS))
        future = [day for day in days if day > today]
        if future:
            moments.append(_local_midnight(min(future), zone))
    if pending:
        every = settings.PLEDGEBOOK_CONDITION_CHECK_DAYS
        moments.append(created_at + timedelta(days=every * ((now - created_at).days // every + 1)))
    stale_from = last_activity_at + timedelta(days=settings.PLEDGEBOOK_STALE_DAYS) + _JUST_AFTER
    if stale_from > now:
        moments.append(stale_from)
    return min(moments) if moments else None


_FIELDS = ("pk", "status", "due_by", "condition_state", "created_at", "last_activity_at", "desk__time_zone")


def schedule_store(commitment_ids: Iterable[int], now: datetime) -> int:
    """Compute and store `next_check_at` for these commitments (one read, one write); returns how many."""
    ids = list(commitment_ids)
    if not ids:
        return 0
    rows: list[tuple[int, datetime | None]] = []
    for pk, status, due_by, condition_state, created_at, last_activity_at, zone in (
        Commitment.objects.filter(pk__in=ids).values_list(*_FIELDS).iterator(chunk_size=5000)
    ):
        rows.append(
            (
                pk,
                next_check(
                    status=status,
                    due_by=due_by,
                    condition_state=condition_state,
                    created_at=created_at,
                    last_activity_at=last_activity_at,
                    time_zone=zone,
                    now=now,
                ),
            )
        )
    _write(rows)
    return len(rows)


def _write(rows: list[tuple[int, datetime | None]]) -> None:
    if connection.vendor == "postgresql":
        # One statement for any number of rows (bulk_update would build a CASE with a branch per row).
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE commitments_commitment c SET next_check_at = s.at "
                "FROM unnest(%s::bigint[], %s::timestamptz[]) AS s(id, at) WHERE c.id = s.id",
                [[pk for pk, _ in rows], [at for _, at in rows]],
            )
        return
    by_moment: dict[Any, list[int]] = {}
    for pk, at in rows:
        by_moment.setdefault(at, []).append(pk)
    for at, pks in by_moment.items():
        Commitment.objects.filter(pk__in=pks).update(next_check_at=at)
