"""What every write shares: the row lock with the version check, and the save that records who and why."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext, pgettext

from .. import policy, rules
from ..deadlines import deadline_read
from ..errors import VersionConflict, WorkflowError
from ..models import Commitment, Desk
from ..selectors import display_name, last_change


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


def owner_check(owner: Any, desk: Desk) -> None:
    """Refuse an owner who could not follow a commitment of `desk` up: not an active officer or supervisor there."""
    if owner is not None and not policy.can_own(owner, desk.pk):
        raise WorkflowError(
            {
                "owner": [
                    gettext(
                        "%(person)s cannot own it: an owner must be an active officer or supervisor "
                        "of %(desk)s, so that the reminders reach someone who may act on them."
                    )
                    % {"person": display_name(owner), "desk": desk}
                ]
            },
            code="owner_not_eligible",
        )


def watchers_check(watchers: list[Any]) -> None:
    """Refuse watchers who may not read commitments (inactive, or no role)."""
    refused = [display_name(user) for user in watchers if not policy.can_watch(user)]
    if refused:
        raise WorkflowError(
            {
                "watchers": [
                    gettext("%(people)s may not read commitments (inactive, or no role), so cannot watch.")
                    % {"people": pgettext("list separator", ", ").join(refused)}
                ]
            },
            code="watcher_not_eligible",
        )


def owner_candidate(desk: Desk, by: Any) -> Any:
    """Who owns a commitment of `desk` that names nobody: the person recording or accepting it when they
    may own it, else the desk's default owner when they may; else None."""
    for candidate in (by, desk.default_owner):
        if candidate is not None and policy.can_own(candidate, desk.pk):
            return candidate
    return None


def owner_required(desk: Desk, named: Any = None) -> WorkflowError:
    needs = gettext(
        "A tracked commitment needs an owner: name an officer or supervisor of %(desk)s, "
        "or give the desk a default owner."
    ) % {"desk": desk}
    if named is not None:
        gone = gettext("%(person)s is no longer an active officer of %(desk)s.") % {
            "person": display_name(named),
            "desk": desk,
        }
        needs = f"{gone} {needs}"
    return WorkflowError(
        {"owner": [needs]},
        code="owner_required",
    )


def owner_choose(commitment: Commitment, by: Any) -> None:
    """Before a commitment is tracked: keep its owner if they may own it, else choose one (owner_candidate).

    A person recording or accepting it (`by`) is refused when nobody may own it. The system (`by` None:
    the demo without users) records it as it is; the dashboard's "No active owner" tile and the sweep's
    count show it until someone is named."""
    if commitment.owner is not None and policy.can_own(commitment.owner, commitment.desk_id):
        return
    candidate = owner_candidate(commitment.desk, by)
    if candidate is not None:
        commitment.owner = candidate
    elif by is not None:
        raise owner_required(commitment.desk, commitment.owner)


TYPED = "typed"  # the rule of a window whose dates were given by hand, not read from its phrase


def window_fill(commitment: Commitment, *, reference: date) -> None:
    """The deadline window by the same reader the importer uses, relative to `reference` (the meeting's
    day for a new commitment). A phrase alone fills the dates; dates typed by hand win and are kept. The
    rule says which happened, set here, never typed: the reader's rule when the dates are its reading
    (or none were typed), `typed` otherwise. A phrase no rule knows keeps its words and gets no date."""
    phrase = commitment.due_phrase.strip()
    typed = commitment.due_by is not None or commitment.due_from is not None
    window = deadline_read(phrase, reference) if phrase else None
    if window is not None and (
        not typed or (window.due_from, window.due_by) == (commitment.due_from, commitment.due_by)
    ):
        commitment.due_from, commitment.due_by = window.due_from, window.due_by
        commitment.due_precision, commitment.due_rule = window.precision, window.rule
    elif typed:
        commitment.due_rule = TYPED
        if commitment.due_precision == Commitment.Precision.NONE:
            commitment.due_precision = Commitment.Precision.DAY
    else:
        commitment.due_precision, commitment.due_rule = Commitment.Precision.NONE, ""


def condition_clock(commitment: Commitment, previous_state: str, now: datetime) -> None:
    """Start the condition's check clock when it becomes pending; stop it when it no longer is."""
    if commitment.condition_state != Commitment.ConditionState.PENDING:
        commitment.condition_pending_since = None
    elif previous_state != Commitment.ConditionState.PENDING or commitment.condition_pending_since is None:
        commitment.condition_pending_since = now
