"""The sweep's work written by hand in SQL: the physical limit `sweep_run` is compared with.

The same rules as commitments/sweep.py — the overdue flag per desk time zone, due-soon reminders at
the nearest offset, due today, overdue every N days, escalation to supervisors after M days,
condition checks, stale reviews; only to people who may read Pledgebook and want that kind; an
occasion already recorded for a commitment is not recorded again — as statements that never leave
the database: one INSERT … SELECT that also writes the deliveries, and one UPDATE that stores each
row's overdue flag and next check (the schedule). Like the sweep, it reads only the commitments whose
stored next check has come (or, for comparison, all, flagging and clearing without a schedule). The
benchmark checks that both produce the same notifications, flags and next checks before it times them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection

from commitments import policy
from commitments.notifications.create import senders_for, wake_sender
from commitments.sweep import REWAKE_COUNT_LIMIT
from commitments.workflow import TRACKED_STATUSES

FLAG = """
UPDATE commitments_commitment c SET overdue_since = %(now)s
FROM commitments_desk d
WHERE d.id = c.desk_id AND {scheduled} AND c.overdue_since IS NULL AND c.status = ANY(%(tracked)s)
  AND c.condition_state IN ('', 'met') AND c.due_by < (%(now)s AT TIME ZONE d.time_zone)::date
"""

CLEAR = """
UPDATE commitments_commitment c SET overdue_since = NULL
FROM commitments_desk d
WHERE d.id = c.desk_id AND {scheduled} AND c.overdue_since IS NOT NULL
  AND NOT (c.status = ANY(%(tracked)s) AND c.condition_state IN ('', 'met') AND c.due_by IS NOT NULL
           AND c.due_by < (%(now)s AT TIME ZONE d.time_zone)::date)
"""

# What sweep_run stores for each row it read (commitments/rules.py): the overdue flag and the next
# moment the row may owe something: the earliest of the next reminder day's local midnight, the next
# condition check and the moment it goes stale. Run last: the reminders read the rows it reschedules.
SCHEDULE = """
WITH due AS (
  SELECT c.id, c.overdue_since AS was,
         c.status = ANY(%(tracked)s) AND NOT coalesce(u.is_active, false) AS ownerless,
         CASE WHEN o.overdue THEN coalesce(c.overdue_since, %(now)s) END AS overdue_since,
         CASE WHEN c.status = ANY(%(tracked)s) THEN LEAST(
           (SELECT min(day) FROM unnest(
              ARRAY(SELECT c.due_by - n FROM unnest(%(offsets)s::int[]) n) || ARRAY[
                c.due_by, c.due_by + 1,
                CASE WHEN t.today - c.due_by >= 1
                     THEN c.due_by + 1 + %(every)s * ((t.today - c.due_by - 1) / %(every)s + 1) END,
                CASE WHEN t.today - c.due_by >= 1 THEN c.due_by + %(escalate)s END]) day
            WHERE day > t.today AND c.due_by IS NOT NULL AND c.condition_state <> 'pending'
           )::timestamp AT TIME ZONE d.time_zone,
           CASE WHEN c.condition_state = 'pending' THEN c.created_at + make_interval(days => %(check_days)s
             * ((floor(extract(epoch FROM %(now)s - c.created_at) / 86400))::int / %(check_days)s + 1)) END,
           CASE WHEN c.last_activity_at + make_interval(days => %(stale_days)s) + interval '1 microsecond' > %(now)s
             THEN c.last_activity_at + make_interval(days => %(stale_days)s) + interval '1 microsecond' END
         ) END AS at
  FROM commitments_commitment c JOIN commitments_desk d ON d.id = c.desk_id
  LEFT JOIN auth_user u ON u.id = c.owner_id
  CROSS JOIN LATERAL (SELECT (%(now)s AT TIME ZONE d.time_zone)::date AS today) t
  CROSS JOIN LATERAL (SELECT c.status = ANY(%(tracked)s) AND c.condition_state IN ('', 'met')
                             AND c.due_by IS NOT NULL AND c.due_by < t.today AS overdue) o
  WHERE c.next_check_at <= %(now)s
),
stored AS (
  UPDATE commitments_commitment c SET overdue_since = due.overdue_since, next_check_at = due.at
  FROM due WHERE c.id = due.id
  RETURNING c.id
)
SELECT count(*) FILTER (WHERE was IS NULL AND overdue_since IS NOT NULL),
       count(*) FILTER (WHERE was IS NOT NULL AND overdue_since IS NULL),
       (SELECT count(*) FROM stored),
       count(*) FILTER (WHERE ownerless)
FROM due
"""

REMIND = """
WITH base AS (
  SELECT c.id, c.title, c.due_by, c.due_phrase, c.desk_id, c.condition_state, c.created_at, c.last_activity_at,
         (%(now)s AT TIME ZONE d.time_zone)::date AS today
  FROM commitments_commitment c JOIN commitments_desk d ON d.id = c.desk_id
  WHERE {scheduled} AND c.status = ANY(%(tracked)s)
),
soon AS (
  SELECT b.*, b.due_by - b.today AS days,
         (SELECT min(o) FROM unnest(%(offsets)s::int[]) o WHERE o >= b.due_by - b.today) AS offset_days
  FROM base b
  WHERE b.due_by IS NOT NULL AND b.condition_state <> 'pending'
    AND b.due_by - b.today BETWEEN 1 AND %(max_offset)s
),
occasions AS (
  SELECT id, desk_id, 'due_soon' AS kind, offset_days || ':' || due_by AS occasion,
         'Due in ' || days || ' day' || CASE WHEN days <> 1 THEN 's' ELSE '' END || ': ' || title
           || ' (' || coalesce(nullif(due_phrase, ''), 'by') || ' ' || to_char(due_by, 'DD Mon YYYY') || ')'
           AS message, false AS to_supervisors
  FROM soon
  UNION ALL
  SELECT id, desk_id, 'due_today', today::text, 'Due today: ' || title, false
  FROM base WHERE due_by = today AND condition_state <> 'pending'
  UNION ALL
  SELECT id, desk_id, 'overdue', due_by || ':' || ((today - due_by - 1) / %(every)s),
         'Overdue by ' || (today - due_by) || ' day' || CASE WHEN today - due_by <> 1 THEN 's' ELSE '' END
           || ': ' || title, false
  FROM base WHERE condition_state IN ('', 'met') AND due_by < today
  UNION ALL
  SELECT id, desk_id, 'escalation', due_by::text,
         'Escalated, overdue by ' || (today - due_by) || ' days: ' || title, true
  FROM base WHERE condition_state IN ('', 'met') AND today - due_by >= %(escalate)s
  UNION ALL
  SELECT id, desk_id, 'condition_check',
         ((floor(extract(epoch FROM %(now)s - created_at) / 86400))::int / %(check_days)s)::text,
         'Has the condition been met? ' || title, false
  FROM base WHERE condition_state = 'pending' AND created_at <= %(now)s - make_interval(days => %(check_days)s)
  UNION ALL
  SELECT id, desk_id, 'stale', to_char(last_activity_at, 'YYYY-MM-DD'),
         'No update for ' || %(stale_days)s || '+ days: ' || title, false
  FROM base WHERE last_activity_at < %(now)s - make_interval(days => %(stale_days)s)
),
fresh AS (
  SELECT o.* FROM occasions o
  WHERE NOT EXISTS (SELECT 1 FROM commitments_notification n
                    WHERE n.commitment_id = o.id AND n.kind = o.kind AND n.occasion = o.occasion)
),
audience AS (
  SELECT f.*, c.owner_id AS user_id FROM fresh f JOIN commitments_commitment c ON c.id = f.id
  WHERE NOT f.to_supervisors AND c.owner_id IS NOT NULL
  UNION
  SELECT f.*, w.user_id FROM fresh f JOIN commitments_commitment_watchers w ON w.commitment_id = f.id
  WHERE NOT f.to_supervisors
  UNION
  SELECT f.*, m.user_id FROM fresh f
  JOIN commitments_deskmembership m ON m.desk_id = f.desk_id AND m.role = 'supervisor'
  JOIN auth_user_groups ug ON ug.user_id = m.user_id
  JOIN auth_group g ON g.id = ug.group_id AND g.name = %(supervisor_group)s
  WHERE f.to_supervisors
),
readers AS (
  SELECT u.id, u.email, coalesce(p.email_enabled, true) AS email_enabled,
         coalesce(p.mode = 'digest', false) AS digest, p.kinds
  FROM auth_user u LEFT JOIN commitments_notificationpreference p ON p.user_id = u.id
  WHERE u.is_active AND u.is_staff AND (u.is_superuser OR EXISTS (
    SELECT 1 FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id
    WHERE ug.user_id = u.id AND g.name = ANY(%(role_groups)s)))
),
inserted AS (
  INSERT INTO commitments_notification (commitment_id, recipient_id, kind, occasion, message, created_at, sweep_run_id,
                                        note, evidence_url)
  SELECT a.id, a.user_id, a.kind, left(a.occasion, 80), left(a.message, 300), %(now)s, %(run)s, '', ''
  FROM audience a JOIN readers r ON r.id = a.user_id
  WHERE r.kinds IS NULL OR r.kinds ? a.kind
  ON CONFLICT DO NOTHING
  RETURNING id, recipient_id
),
queued AS (
  INSERT INTO commitments_delivery (notification_id, recipient_id, status, attempts, next_attempt_at, last_error)
  SELECT i.id, i.recipient_id, CASE WHEN r.digest THEN 'held' ELSE 'pending' END, 0, %(now)s, ''
  FROM inserted i JOIN readers r ON r.id = i.recipient_id
  WHERE r.email_enabled AND r.email <> ''
  RETURNING id
)
SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM queued)
"""


def sql_sweep(now: datetime, *, scheduled: bool = True) -> dict[str, Any]:
    """Do the sweep's work as of `now` in plain SQL, inside the caller's transaction.

    `scheduled`: read only the rows whose next check has come and store each one's next check, as
    `sweep_run` does. Otherwise every open row and no schedule, as a schedule-less sweep must.
    """
    where = "c.next_check_at <= %(now)s" if scheduled else "true"
    params: dict[str, Any] = {
        "now": now,
        "tracked": sorted(TRACKED_STATUSES),
        "offsets": sorted(settings.PLEDGEBOOK_REMINDER_OFFSETS),
        "max_offset": max(settings.PLEDGEBOOK_REMINDER_OFFSETS),
        "every": settings.PLEDGEBOOK_OVERDUE_REPEAT_DAYS,
        "escalate": settings.PLEDGEBOOK_ESCALATION_DAYS,
        "check_days": settings.PLEDGEBOOK_CONDITION_CHECK_DAYS,
        "stale_days": settings.PLEDGEBOOK_STALE_DAYS,
        "supervisor_group": policy.GROUP_SUPERVISOR,
        "role_groups": list(policy.ROLE_GROUPS),
    }
    with connection.cursor() as cursor:
        # The run's own record, as sweep_run keeps one.
        cursor.execute(
            "INSERT INTO commitments_sweeprun (started_at, as_of, trigger, dry_run, flagged_overdue, cleared, "
            "notifications, by_kind, rewoken, error, failed_rows, ownerless) "
            "VALUES (now(), %(now)s, 'sql', false, 0, 0, 0, '{}', 0, '', 0, 0) "
            "RETURNING id",
            params,
        )
        params["run"] = cursor.fetchone()[0]
        if scheduled:
            cursor.execute(REMIND.replace("{scheduled}", where), params)
            notifications, deliveries = cursor.fetchone()
            cursor.execute(SCHEDULE, params)
            flagged, cleared, _, ownerless = cursor.fetchone()
        else:
            cursor.execute(FLAG.replace("{scheduled}", where), params)
            flagged = cursor.rowcount
            cursor.execute(CLEAR.replace("{scheduled}", where), params)
            cleared = cursor.rowcount
            cursor.execute(REMIND.replace("{scheduled}", where), params)
            notifications, deliveries = cursor.fetchone()
            ownerless = 0
        # What sweep_run also records: the owed deliveries (counted up to the same bound), and ownerless rows.
        cursor.execute(
            "UPDATE commitments_sweeprun SET finished_at = now(), flagged_overdue = %s, cleared = %s, "
            "notifications = %s, ownerless = %s, rewoken = (SELECT count(*) FROM (SELECT 1 FROM commitments_delivery "
            "WHERE status IN ('pending', 'sending') AND next_attempt_at <= %s LIMIT %s) owed) WHERE id = %s "
            "RETURNING rewoken",
            [flagged, cleared, notifications, ownerless, now, REWAKE_COUNT_LIMIT, params["run"]],
        )
        (rewoken,) = cursor.fetchone()
    # And, like sweep_run, it wakes the sender for what is owed.
    if notifications or rewoken:
        wake_sender(senders=senders_for(rewoken))
    return {"flagged_overdue": flagged, "cleared": cleared, "notifications": notifications, "deliveries": deliveries}
