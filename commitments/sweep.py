"""The sweep: flag what slipped and create the reminders that are due, set-based.

`sweep_run(now)` is used by the periodic task and by `manage.py sweep_commitments`. It reads only the
commitments whose stored `next_check_at` has passed (one partial-index lookup; an idle sweep stops
there) and puts each through the rules (`rules.py`: the occasions owed, the overdue flag, the next
check); then a fixed number of queries whatever the number of rows: one for the occasions already
recorded, one for watchers, one for supervisors, the inserts (conflicts ignored), and one write of
every row's flag and next check. Its cost follows the rows that are due, not the table size.
Correctness never depends on a lock: two sweeps at once insert each occasion once, because of
Notification's unique key. A row whose rules raise is logged with its id and looked at again an hour
later; the sweep goes on with the rest.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from common.pgarray import array_literal, column_literals

from . import policy, rules
from .models import Commitment, Delivery, Notification, NotificationKind, SweepRun
from .notifications.create import Planned, notifications_create, senders_for, wake_sender
from .rules import Occasion
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
    failed_rows: int = 0
    ownerless: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "flagged_overdue": self.flagged_overdue,
            "cleared": self.cleared,
            "notifications": self.notifications,
            "by_kind": dict(sorted(self.by_kind.items())),
            "rewoken": self.rewoken,
            "skipped": self.skipped,
            "failed_rows": self.failed_rows,
            "ownerless": self.ownerless,
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
    hypothetical: bool = False,
    quiet: bool = False,
) -> SweepResult:
    """Flag and remind as of `now`. Records a SweepRun (unless dry) whether it succeeds or fails.

    With a `beat_slot`, does nothing (the result says `skipped`) when that interval was already
    claimed: a second beat started by mistake sends each tick twice.

    `hypothetical`: `now` is a moment an operator chose, not the present (`sweep_commitments --now`).
    Every tracked row is judged as of it, whatever its stored schedule says; overdue flags are set but
    never cleared and next checks only brought forward, so such a run never moves the real schedule
    later nor hides what the present sweep would show.

    `quiet`: the reminders it finds are recorded in-app but not emailed (notifications_create), for
    catching up a backlog once; the runs that follow email as usual, and the exactly-once keys keep
    them from sending what this one recorded.
    """
    # started_at/finished_at are the wall clock (how long it took); as_of is the moment judged.
    run = SweepRun(
        started_at=started_at or timezone.now(), as_of=now, trigger=trigger, dry_run=dry_run, beat_slot=beat_slot
    )
    if not dry_run and beat_slot is None:
        # Nothing unique to collide with: one INSERT, atomic by itself (not BEGIN, INSERT, COMMIT: the
        # sweep's fixed cost is round trips, and at 1k-100k rows it is most of a sweep).
        run.save()
    elif not dry_run:
        try:
            with transaction.atomic():  # a savepoint inside a caller's transaction, so a collision is caught
                run.save()
        except IntegrityError:
            if beat_slot is None:
                raise
            logger.warning("Sweep interval %s already claimed: is a second beat running?", beat_slot)
            return SweepResult(skipped=True)
    result = SweepResult()
    try:
        # The due rows are read before the transaction opens (in autocommit, one round trip: READ COMMITTED
        # gives the statement the same snapshot either way), so an idle sweep never sends BEGIN and COMMIT.
        rows = _due_rows(now, hypothetical=hypothetical)
        if not rows and not dry_run:
            # Nothing due: the run's record completed by one statement, in autocommit (no transaction to open).
            _finish(run, now, result, [])
        else:
            with transaction.atomic():
                if dry_run:
                    run.save()  # rolled back with the rest
                _sweep(run, now, result, rows, hypothetical=hypothetical, quiet=quiet)
                if dry_run:
                    raise _DryRun
    except _DryRun:
        return result
    except Exception as exc:
        if not connection.in_atomic_block and not connection.is_usable():
            # A connection lost outside the transaction (the server ended the session while the sweep
            # waited on its read) is not closed by atomic's rollback: close it so the record reconnects.
            connection.close()
        SweepRun.objects.filter(pk=run.pk).update(
            error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        logger.exception("Sweep as of %s failed", now.isoformat())
        raise
    if result.rewoken or result.notifications:
        # As many senders as the owed emails need (result.rewoken counts this run's new ones too).
        wake_sender(senders=senders_for(result.rewoken))
    return result


# What the sweep reads of each due row, by name: what the rules need, what a reminder says, who gets it.
SWEEP_FIELDS = (
    "pk",
    "status",
    "due_by",
    "condition_state",
    "created_at",
    "condition_pending_since",
    "last_activity_at",
    "overdue_since",
    "desk__time_zone",
    "title",
    "due_phrase",
    "desk_id",
    "owner_id",
    # Whether the owner is active, read with the row (a LEFT JOIN on auth_user by its key) rather than by a
    # query of its own for the run's `ownerless` count.
    "owner__is_active",
    "next_check_at",
)

# A row whose rules raise is looked at again this much later; the rest of the sweep goes on.
RETRY_BAD_ROW = timedelta(hours=1)


def _due_rows(now: datetime, *, hypothetical: bool) -> list[Any]:
    """The rows whose scheduled check has come (commitments/rules.py): nothing else can owe anything.

    One range on the partial index over next_check_at; a few percent of the table a day. A hypothetical
    moment reads every tracked row: the stored schedule was made for the present."""
    due = Q(status__in=TRACKED_STATUSES) if hypothetical else Q(next_check_at__lte=now)
    return list(Commitment.objects.filter(due).order_by().values_list(*SWEEP_FIELDS, named=True))


def _sweep(
    run: SweepRun,
    now: datetime,
    result: SweepResult,
    rows: list[Any],
    *,
    hypothetical: bool = False,
    quiet: bool = False,
) -> None:
    # Each due row's occasions by the reminder rules; one query for the occasions already recorded and the
    # watchers together, one for supervisors (only when something escalates), the recipients, the inserts;
    # then one statement that stores every row's overdue flag and next check and finishes the run's record.
    writes: list[tuple[int, datetime | None, datetime | None]] = []
    if rows:
        owed: list[Occasion] = []
        for row in rows:
            try:
                found, write = _row_owes(row, now, result)
            except Exception:
                # One bad row (a desk with a time zone this machine does not know, say) must not stop
                # every reminder of every other commitment: log it and look at it again later.
                logger.exception("Sweep: commitment %s could not be processed; retrying in an hour", row.pk)
                found, write = [], (row.pk, row.overdue_since, now + RETRY_BAD_ROW)
                result.failed_rows += 1
            owed += found
            writes.append(_never_later(row, write) if hypothetical else write)
        fresh, watchers = _unrecorded_and_watchers(owed)
        owners = {row.pk: row.owner_id for row in rows}
        result.ownerless = _ownerless(rows)
        desks = {row.pk: row.desk_id for row in rows}
        planned = _recipients(fresh, owners, desks, watchers)
        # sweep_run wakes the sender once after its commit, for these and for lost wake-ups alike.
        counts = notifications_create(planned, now=now, sweep_run=run, quiet=quiet, wake=False)
        result.by_kind = dict(counts)
        result.notifications = sum(counts.values())
    _finish(run, now, result, writes)


# The deliveries whose wake-up was lost (Redis down, worker killed): due now and not being sent. Counted up to
# a bound: any is enough to wake the sender. (While sending, next_attempt_at is the lease's end: one range on
# the index delivery_due.)
_OWED_DELIVERIES = (
    f"SELECT count(*) FROM (SELECT 1 FROM {Delivery._meta.db_table} "  # noqa: S608 (the model's own table)
    "WHERE status IN (%s, %s) AND next_attempt_at <= %s LIMIT %s) owed"
)


def _finish(
    run: SweepRun, now: datetime, result: SweepResult, writes: list[tuple[int, datetime | None, datetime | None]]
) -> None:
    """Store each row's flag and next check, count the owed deliveries, and complete the run's record.

    On PostgreSQL one statement, inside the sweep's transaction: the schedule's UPDATE from arrays as a
    data-modifying CTE, and the run's UPDATE counting the owed deliveries in a subquery, RETURNING it (a
    sweep's fixed cost is round trips: at 1k-100k rows they are most of its time). The record thus commits
    with the work it describes. On SQLite: the schedule (one UPDATE per distinct value), the count, the record.
    """
    owed = [Delivery.Status.PENDING, Delivery.Status.SENDING]
    if connection.vendor != "postgresql":
        _schedule_store(writes)
        result.rewoken = (
            Delivery.objects.filter(status__in=owed, next_attempt_at__lte=now).order_by()[:REWAKE_COUNT_LIMIT].count()
        )
        SweepRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(), rewoken=result.rewoken, **_tallies(result)
        )
        return
    schedule, params = "", []
    if writes:
        schedule = (
            f"WITH stored AS (UPDATE {Commitment._meta.db_table} c "  # noqa: S608 (the model's own table)
            "SET overdue_since = s.overdue, next_check_at = s.at "
            "FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[]) AS s(id, overdue, at) "
            "WHERE c.id = s.id) "
        )
        params = column_literals(writes, 3)
    tallies = _tallies(result)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{schedule}UPDATE {SweepRun._meta.db_table} SET finished_at = %s, "  # noqa: S608 (the model's own table)
            + ", ".join(f"{name} = %s" for name in tallies)
            + f", rewoken = ({_OWED_DELIVERIES}) WHERE id = %s RETURNING rewoken",
            [
                *params,
                timezone.now(),
                *(json.dumps(value) if name == "by_kind" else value for name, value in tallies.items()),
                *owed,
                now,
                REWAKE_COUNT_LIMIT,
                run.pk,
            ],
        )
        (result.rewoken,) = cursor.fetchone()


def _tallies(result: SweepResult) -> dict[str, Any]:
    """What the run's record says it did (all but the owed deliveries, which the finishing statement counts)."""
    return {
        "flagged_overdue": result.flagged_overdue,
        "cleared": result.cleared,
        "notifications": result.notifications,
        "by_kind": result.by_kind,
        "failed_rows": result.failed_rows,
        "ownerless": result.ownerless,
    }


def _row_owes(
    row: Any, now: datetime, result: SweepResult
) -> tuple[list[Occasion], tuple[int, datetime | None, datetime | None]]:
    """One due row through the rules: the reminders it is owed, and its overdue flag and next check."""
    values = {
        "status": row.status,
        "due_by": row.due_by,
        "condition_state": row.condition_state,
        "time_zone": row.desk__time_zone,
        "now": now,
    }
    since = {"created_at": row.created_at, "pending_since": row.condition_pending_since}
    found = rules.occasions(
        pk=row.pk,
        last_activity_at=row.last_activity_at,
        title=row.title,
        due_phrase=row.due_phrase,
        **since,
        **values,
    )
    flag = rules.overdue_since(row.overdue_since, **values)
    check = rules.next_check(last_activity_at=row.last_activity_at, **since, **values)
    if flag is not None and row.overdue_since is None:
        result.flagged_overdue += 1
    elif flag is None and row.overdue_since is not None:
        result.cleared += 1
    return found, (row.pk, flag, check)


def _never_later(
    row: Any, write: tuple[int, datetime | None, datetime | None]
) -> tuple[int, datetime | None, datetime | None]:
    """For a hypothetical moment: keep a flag the row has, and its next check unless this one is earlier."""
    pk, flag, check = write
    earliest = min((moment for moment in (row.next_check_at, check) if moment is not None), default=None)
    return pk, row.overdue_since or flag, earliest


def _ownerless(rows: list[Any]) -> int:
    """How many of the tracked rows looked at have no active owner (their reminders reach watchers at most)."""
    return sum(1 for row in rows if row.status in TRACKED_STATUSES and not row.owner__is_active)


def _schedule_store(rows: list[tuple[int, datetime | None, datetime | None]]) -> None:
    """Store each row's overdue flag and next check, one UPDATE per distinct value (the portable twin of the
    data-modifying CTE in _finish)."""
    by_value: dict[Any, list[int]] = {}
    for pk, overdue_since, at in rows:
        by_value.setdefault((overdue_since, at), []).append(pk)
    for (overdue_since, at), pks in by_value.items():
        Commitment.objects.filter(pk__in=pks).update(overdue_since=overdue_since, next_check_at=at)


def _unrecorded_and_watchers(occasions: list[Occasion]) -> tuple[list[Occasion], dict[int, set[int]]]:
    """The occasions not recorded yet for their commitment, and the watchers of the commitments they are for.

    One statement on PostgreSQL whatever their number, two on SQLite. Saves work only: the unique key still
    guarantees that an occasion recorded meanwhile by a parallel sweep is not inserted twice. The watchers are
    read for every commitment owed a reminder other than an escalation (a superset of those whose reminders
    turn out fresh, so that both reads can be one round trip; the extra rows are few and ignored).
    """
    if not occasions:
        return [], {}
    watched = {pk for pk, kind, _, _ in occasions if kind != NotificationKind.ESCALATION}
    through = Commitment.watchers.through
    watchers: dict[int, set[int]] = {}
    if connection.vendor == "postgresql":
        # The exact keys, joined from arrays: an IN list of thousands of ids and occasions cost more to bind
        # than to run. The unique key's index (commitment first) serves the join; the watchers table's index on
        # commitment_id the second branch. A NULL user marks a recorded occasion, a NULL kind a watcher.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT n.commitment_id, n.kind, n.occasion, NULL::integer FROM {Notification._meta.db_table} n "  # noqa: S608
                "JOIN unnest(%s::bigint[], %s::text[], %s::text[]) AS o(c, k, v) "
                "ON n.commitment_id = o.c AND n.kind = o.k AND n.occasion = o.v "
                f"UNION ALL SELECT w.commitment_id, NULL, NULL, w.user_id FROM {through._meta.db_table} w "
                "WHERE w.commitment_id = ANY(%s::bigint[])",
                [
                    *column_literals([(pk, kind, occasion[:80]) for pk, kind, occasion, _ in occasions], 3),
                    array_literal(watched),
                ],
            )
            done = set()
            for pk, kind, occasion, user_id in cursor.fetchall():
                if user_id is None:
                    done.add((pk, kind, occasion))
                else:
                    watchers.setdefault(pk, set()).add(user_id)
    else:
        done = set(
            Notification.objects.filter(
                commitment_id__in={pk for pk, _, _, _ in occasions},
                occasion__in={occasion for _, _, occasion, _ in occasions},
                kind__in={kind for _, kind, _, _ in occasions},
            ).values_list("commitment_id", "kind", "occasion")
        )
        for pk, user_id in through.objects.filter(commitment_id__in=watched).values_list("commitment_id", "user_id"):
            watchers.setdefault(pk, set()).add(user_id)
    return [o for o in occasions if (o.commitment_id, o.kind, o.occasion) not in done], watchers


def _recipients(
    occasions: list[Occasion], owners: dict[int, int | None], desks: dict[int, int], watchers: dict[int, set[int]]
) -> list[Planned]:
    """Each occasion for the commitment's owner and watchers; escalations for its desk's supervisors."""
    ids = {pk for pk, kind, _, _ in occasions if kind != NotificationKind.ESCALATION}
    who: dict[int, set[int]] = {pk: set(watchers.get(pk, ())) for pk in ids}
    for pk in ids:
        owner = owners[pk]
        if owner is not None:
            who[pk].add(owner)
    supervisors = policy.desk_supervisor_ids(
        desks[pk] for pk, kind, _, _ in occasions if kind == NotificationKind.ESCALATION
    )
    planned = []
    for pk, kind, occasion, message in occasions:
        audience = supervisors.get(desks[pk], set()) if kind == NotificationKind.ESCALATION else who[pk]
        planned += [Planned(pk, user_id, kind, occasion, message) for user_id in sorted(audience)]
    return planned


def sweep_beat(now: datetime) -> SweepResult:
    """The periodic sweep: as of `now`, once per beat interval (a second beat's tick finds it claimed)."""
    return sweep_run(now=now, trigger="beat", started_at=now, beat_slot=sweep_beat_slot(now))


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
