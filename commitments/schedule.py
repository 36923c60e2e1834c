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

import functools
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection

from .models import Commitment
from .pgarray import column_literals
from .selectors import local_today, row_is_overdue
from .workflow import TRACKED_STATUSES

# Strictly after: "stale" means the last activity is *more* than N days old.
_JUST_AFTER = timedelta(microseconds=1)


@functools.lru_cache(maxsize=4096)  # a sweep asks for the same few days in the same few zones
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
    today = local_today(time_zone, now)
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


# What the sweep reads of each due row (sweep._sweep): enough for the schedule and the overdue flag.
SCHEDULE_FIELDS = (
    "pk",
    "status",
    "due_by",
    "condition_state",
    "created_at",
    "last_activity_at",
    "overdue_since",
    "desk__time_zone",
)


def schedule_store(rows: list[tuple[Any, ...]], now: datetime) -> tuple[int, int]:
    """For rows read with SCHEDULE_FIELDS first: store each one's overdue flag and next check, in one write.

    Returns (newly flagged overdue, flags cleared). The flag follows the same rule as overdue_q.
    """
    writes: list[tuple[int, datetime | None, datetime | None]] = []
    flagged = cleared = 0
    for row in rows:
        pk, status, due_by, condition_state, created_at, last_activity_at, overdue_since, zone = row[:8]
        overdue = row_is_overdue(status=status, condition_state=condition_state, due_by=due_by, time_zone=zone, now=now)
        if overdue and overdue_since is None:
            flagged += 1
            overdue_since = now
        elif not overdue and overdue_since is not None:
            cleared += 1
            overdue_since = None
        check = next_check(
            status=status,
            due_by=due_by,
            condition_state=condition_state,
            created_at=created_at,
            last_activity_at=last_activity_at,
            time_zone=zone,
            now=now,
        )
        writes.append((pk, overdue_since, check))
    _write(writes)
    return flagged, cleared


def _write(rows: list[tuple[int, datetime | None, datetime | None]]) -> None:
    if connection.vendor == "postgresql":
        # One statement for any number of rows (bulk_update would build a CASE with a branch per row).
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Commitment._meta.db_table} c SET overdue_since = s.overdue, next_check_at = s.at "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[]) AS s(id, overdue, at) "
                "WHERE c.id = s.id",
                column_literals(rows, 3),
            )
        return
    by_value: dict[Any, list[int]] = {}
    for pk, overdue_since, at in rows:
        by_value.setdefault((overdue_since, at), []).append(pk)
    for (overdue_since, at), pks in by_value.items():
        Commitment.objects.filter(pk__in=pks).update(overdue_since=overdue_since, next_check_at=at)
