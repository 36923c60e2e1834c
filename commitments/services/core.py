"""What every write shares: the row lock with the version check, and the save that records who and why."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied

from .. import rules
from ..errors import VersionConflict
from ..models import Commitment
from ..selectors import last_change


def row_lock(commitment_id: int, expected_version: int | None) -> Commitment:
    """Lock the row for this transaction and check the caller saw the current version.

    PostgreSQL: SELECT ... FOR UPDATE makes a concurrent writer wait, then see the new version.
    SQLite: FOR UPDATE is ignored, but transactions are IMMEDIATE (settings), so the whole
    transaction already holds the database's single write lock.
    """
    commitment = Commitment.objects.select_for_update().select_related("desk", "summit").get(pk=commitment_id)
    if expected_version is not None and commitment.version != expected_version:
        raise VersionConflict(
            commitment_id=commitment_id,
            expected_version=expected_version,
            current_version=commitment.version,
            **last_change(commitment),
        )
    return commitment


def row_save(commitment: Commitment, by: Any, now: datetime, *, activity: bool = True, reason: str = "") -> None:
    commitment.version += 1
    if activity:
        commitment.last_activity_at = now
    flag_and_reschedule(commitment, now)
    commitment._history_user = by  # type: ignore[attr-defined]
    # Shown as the "change reason" of the history row.
    commitment._change_reason = reason[:100]  # type: ignore[attr-defined]
    commitment.save()


def flag_and_reschedule(commitment: Commitment, now: datetime) -> None:
    """The overdue flag by the one rule the sweep uses too; and any change may bring a reminder forward,
    so the next sweep looks at the row again."""
    commitment.overdue_since = rules.overdue_since(
        commitment.overdue_since,
        status=commitment.status,
        condition_state=commitment.condition_state,
        due_by=commitment.due_by,
        time_zone=commitment.desk.time_zone,
        now=now,
    )
    commitment.next_check_at = now


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
