"""Writes. Every change to a commitment goes through one of these functions.

Each takes `now` from its caller (only the edges read the clock), locks the commitment row, checks
the caller's expected `version` (optimistic locking: a stale form or client gets VersionConflict,
never a silent overwrite), asks the policy, and writes the change together with the row that records
it, in one transaction.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from summits.models import Summit

from . import policy, rules
from .errors import TransitionNotAllowed, VersionConflict, WorkflowError
from .models import Commitment, DeadlineChange, NotificationKind, StatusChange, Update
from .notifications.create import notify_activity
from .rules import local_today
from .selectors import dependency_cycle, display_name, last_change
from .workflow import CLOSED_STATUSES, Status, allowed_next, condition_state_for, is_reopening, label


def _lock(commitment_id: int, expected_version: int | None) -> Commitment:
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


def _save(commitment: Commitment, by: Any, now: datetime, *, activity: bool = True, reason: str = "") -> None:
    commitment.version += 1
    if activity:
        commitment.last_activity_at = now
    _flag_and_reschedule(commitment, now)
    commitment._history_user = by  # type: ignore[attr-defined]
    # Shown as the "change reason" of the history row.
    commitment._change_reason = reason[:100]  # type: ignore[attr-defined]
    commitment.save()


def _flag_and_reschedule(commitment: Commitment, now: datetime) -> None:
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


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def commitment_create(
    *, commitment: Commitment, by: Any, now: datetime, status: str = Status.NOT_STARTED
) -> Commitment:
    """Save a new commitment (m2m fields are set by the caller afterwards) and its first history row.

    `status` is NOT_STARTED for one entered by staff and DRAFT for one proposed by an import.
    """
    if status not in (Status.DRAFT, Status.NOT_STARTED):
        raise WorkflowError("A new commitment starts as a draft or not started.", code="bad_initial_status")
    if by is not None:
        _require(
            policy.desk_role(by, commitment.desk_id) >= policy.Role.OFFICER,
            "You may add commitments only for your own desks.",
        )
    # full_clean() also makes a new condition pending (Commitment.clean, workflow.condition_state_for).
    commitment.full_clean(exclude=["status_changed_at", "last_activity_at"])
    with transaction.atomic():
        commitment.status = status
        commitment.status_changed_at = now
        commitment.last_activity_at = now
        commitment.created_at = now
        _flag_and_reschedule(commitment, now)
        commitment.original_due_by = commitment.due_by
        commitment.quote_start = commitment.locate_quote()
        commitment.created_by = by
        commitment.version = 1
        commitment._history_user = by  # type: ignore[attr-defined]
        commitment.save()
        StatusChange.objects.create(
            commitment=commitment,
            from_status="",
            to_status=status,
            by=by,
            recorded_at=now,
            occurred_on=local_today(commitment.desk.time_zone, now),
            note="Recorded.",
        )
    return commitment


# Fields that change only through their own service, never through an edit: each names that service.
# (The API words its refusal with its own endpoints: api/views.py.)
GUARDED_FIELDS = {
    "status": "transition",
    "due_by": "deadline",
    "due_from": "deadline",
    "condition_state": "condition",
}
_GUARDED_MESSAGES = {
    "transition": "Change the status with a transition.",
    "deadline": "Move the deadline with the deadline form; a supervisor records why.",
    "condition": "Set the condition's state with the condition form.",
}


def commitment_save(*, commitment: Commitment, expected_version: int, by: Any, now: datetime) -> Commitment:
    """Save edits to an existing commitment's descriptive fields (m2m are set by the caller after).

    Refuses a stale version (VersionConflict) and any change to status, deadline or condition state,
    each of which has its own service that records why it changed.
    """
    _require(policy.can_edit_commitment(by, commitment), "You may edit only the commitments of your own desks.")
    with transaction.atomic():
        current = _lock(commitment.pk, expected_version)
        _require(policy.can_edit_commitment(by, current), "You may edit only the commitments of your own desks.")
        commitment.condition_state = condition_state_for(
            text=commitment.condition_text, state=commitment.condition_state, previous_text=current.condition_text
        )
        guarded = {
            field: _GUARDED_MESSAGES[via]
            for field, via in GUARDED_FIELDS.items()
            if getattr(current, field) != getattr(commitment, field)
        }
        if guarded:
            raise WorkflowError({field: [message] for field, message in guarded.items()}, code="guarded_field")
        commitment.full_clean(exclude=["status_changed_at", "last_activity_at"])
        commitment.version = current.version
        commitment.quote_start = commitment.locate_quote()
        commitment.status_changed_at = current.status_changed_at
        commitment.last_activity_at = current.last_activity_at
        _save(commitment, by, now, activity=False)
    return commitment


def commitment_transition(
    *,
    commitment_id: int,
    to_status: str,
    by: Any,
    now: datetime,
    note: str = "",
    evidence_url: str = "",
    occurred_on: date | None = None,
    expected_version: int | None = None,
) -> StatusChange:
    """Move a commitment to `to_status`. The only way a status changes.

    `by` is the acting user, or None for the system (a task or an import), which the policy does not
    restrict. Closing needs a note or evidence; reopening needs a supervisor and a reason; lapsing
    needs a condition, which is marked failed; fulfilment records whether it was on time.
    """
    note = note.strip()
    evidence_url = evidence_url.strip()
    if to_status not in Status.values:
        raise WorkflowError(f"{to_status!r} is not a status.", code="unknown_status")
    with transaction.atomic():
        commitment = _lock(commitment_id, expected_version)
        from_status = commitment.status
        if by is not None:
            _require(
                policy.can_edit_commitment(by, commitment),
                f"You may change only the commitments of your own desks; this one belongs to {commitment.desk}.",
            )
        conditional = commitment.is_conditional
        if to_status not in allowed_next(from_status, conditional=conditional):
            raise TransitionNotAllowed(from_status, to_status, conditional=conditional)
        reopening = is_reopening(from_status, to_status)
        if reopening:
            if by is not None:
                _require(
                    policy.can_supervise(by, commitment),
                    "Reopening a closed commitment is a supervisor's decision.",
                )
            if not note:
                raise WorkflowError(
                    {"note": ["Give the reason for reopening this commitment."]}, code="reason_required"
                )
        if to_status in CLOSED_STATUSES and not (note or evidence_url):
            raise WorkflowError(
                {"note": [f"Closing as {label(to_status)} needs a note or an evidence URL."]},
                code="note_required",
            )
        if to_status == Status.LAPSED:
            commitment.condition_state = Commitment.ConditionState.FAILED

        today = local_today(commitment.desk.time_zone, now)
        occurred = occurred_on or today
        if occurred > today:
            raise WorkflowError({"occurred_on": ["The date it happened cannot be in the future."]}, code="future")
        meeting_day = commitment.summit.local_date
        if occurred < meeting_day:
            raise WorkflowError(
                {"occurred_on": [f"The date it happened cannot be before the meeting ({meeting_day:%d %b %Y})."]},
                code="before_meeting",
            )

        on_time: bool | None = None
        if to_status == Status.FULFILLED:
            on_time = commitment.due_by is None or occurred <= commitment.due_by
        commitment.status = to_status
        commitment.status_changed_at = now
        commitment.fulfilled_on_time = on_time
        commitment.closed_on = occurred if to_status in CLOSED_STATUSES else None
        _save(
            commitment,
            by,
            now,
            reason=f"{label(from_status)} → {label(to_status)}" + (f": {note}" if note else ""),
        )
        change = StatusChange.objects.create(
            commitment=commitment,
            from_status=from_status,
            to_status=to_status,
            by=by,
            recorded_at=now,
            occurred_on=occurred,
            note=note,
            evidence_url=evidence_url,
            on_time=on_time,
        )
        notify_activity(
            commitment,
            kind=NotificationKind.STATUS_CHANGED,
            occasion=f"status:{change.pk}",
            actor=by,
            now=now,
            message=f"{display_name(by)} changed “{commitment.title}”: {label(from_status)} → {label(to_status)}",
        )
        return change


def condition_set_state(
    *,
    commitment_id: int,
    state: str,
    by: Any,
    now: datetime,
    note: str = "",
    expected_version: int | None = None,
) -> Commitment:
    """Record that a commitment's condition is met, failed or pending again. Failed lapses it."""
    if state not in (
        Commitment.ConditionState.PENDING,
        Commitment.ConditionState.MET,
        Commitment.ConditionState.FAILED,
    ):
        raise WorkflowError(f"{state!r} is not a condition state.", code="bad_condition_state")
    with transaction.atomic():
        commitment = _lock(commitment_id, expected_version)
        if by is not None:
            _require(policy.can_edit_commitment(by, commitment), "You may change only your own desks' commitments.")
        if not commitment.is_conditional:
            raise WorkflowError("This commitment has no condition.", code="no_condition")
        if state == Commitment.ConditionState.FAILED:
            commitment_transition(
                commitment_id=commitment_id,
                to_status=Status.LAPSED,
                by=by,
                now=now,
                note=note or "The condition failed.",
            )
            commitment.refresh_from_db()
            return commitment
        commitment.condition_state = state
        _save(commitment, by, now, reason=f"Condition {state}" + (f": {note}" if note else ""))
    return commitment


def deadline_move(
    *,
    commitment_id: int,
    new_due_by: date | None,
    new_due_from: date | None,
    reason: str,
    change_class: str,
    by: Any,
    now: datetime,
    new_due_phrase: str | None = None,
    expected_version: int | None = None,
) -> DeadlineChange:
    """Move a commitment's deadline window. The original due_by is kept; every move records why."""
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = ["Say why the deadline moves."]
    if change_class not in DeadlineChange.ChangeClass.values:
        errors["change_class"] = ["Choose renegotiated, postponed by mutual agreement, or corrected."]
    if new_due_from and new_due_by and new_due_from > new_due_by:
        errors["new_due_from"] = ["The window cannot start after it ends."]
    if errors:
        raise WorkflowError(errors, code="invalid_deadline_move")
    with transaction.atomic():
        commitment = _lock(commitment_id, expected_version)
        if by is not None:
            _require(policy.can_move_deadline(by, commitment), "Moving a deadline is a supervisor's decision.")
        if commitment.is_closed:
            raise WorkflowError("The commitment is closed; reopen it before moving its deadline.", code="closed")
        phrase = commitment.due_phrase if new_due_phrase is None else new_due_phrase.strip()
        if (new_due_by, new_due_from, phrase) == (
            commitment.due_by,
            commitment.due_from,
            commitment.due_phrase,
        ):
            raise WorkflowError("The new deadline is the same as the current one.", code="unchanged")
        change = DeadlineChange.objects.create(
            commitment=commitment,
            old_due_from=commitment.due_from,
            old_due_by=commitment.due_by,
            new_due_from=new_due_from,
            new_due_by=new_due_by,
            old_due_phrase=commitment.due_phrase,
            new_due_phrase=phrase,
            reason=reason,
            change_class=change_class,
            by=by,
            recorded_at=now,
        )
        commitment.due_by = new_due_by
        commitment.due_from = new_due_from
        commitment.due_phrase = phrase
        if new_due_by is None:
            commitment.due_precision = Commitment.Precision.NONE
        _save(commitment, by, now, reason=f"Deadline {change.get_change_class_display().lower()}: {reason}")
        notify_activity(
            commitment,
            kind=NotificationKind.DEADLINE_MOVED,
            occasion=f"deadline:{change.pk}",
            actor=by,
            now=now,
            message=f"{display_name(by)} moved the deadline of “{commitment.title}” to "
            + (f"{new_due_by:%d %b %Y}" if new_due_by else "none"),
        )
        return change


def update_add(
    *,
    commitment_id: int,
    note: str,
    by: Any,
    now: datetime,
    evidence_url: str = "",
    evidence_summit: Summit | None = None,
) -> Update:
    """Record progress. Does not change the commitment's version: it edits no field a form shows."""
    note = note.strip()
    if not note:
        raise WorkflowError({"note": ["Write what happened."]}, code="note_required")
    with transaction.atomic():
        commitment = Commitment.objects.select_for_update().select_related("desk").get(pk=commitment_id)
        if by is not None:
            _require(policy.can_edit_commitment(by, commitment), "You may update only your own desks' commitments.")
        update = Update.objects.create(
            commitment=commitment,
            author=by,
            created_at=now,
            note=note,
            evidence_url=evidence_url.strip(),
            evidence_summit=evidence_summit,
        )
        Commitment.objects.filter(pk=commitment_id).update(last_activity_at=now, next_check_at=now)
        notify_activity(
            commitment,
            kind=NotificationKind.UPDATE_ADDED,
            occasion=f"update:{update.pk}",
            actor=by,
            now=now,
            message=f"{display_name(by)} added an update to “{commitment.title}”: {note[:120]}",
        )
    return update


def commitment_assign(*, commitment_id: int, owner: Any, by: Any, now: datetime) -> Commitment:
    """Make `owner` responsible; they must be able to edit the commitment themselves."""
    with transaction.atomic():
        commitment = _lock(commitment_id, None)
        if by is not None:
            _require(policy.can_edit_commitment(by, commitment), "You may assign only your own desks' commitments.")
        if owner is not None and not policy.can_edit_commitment(owner, commitment):
            raise WorkflowError(
                f"{display_name(owner)} is not an officer of {commitment.desk} and could not act on it.",
                code="owner_not_on_desk",
            )
        if commitment.owner_id != getattr(owner, "pk", None):
            commitment.owner = owner
            _save(commitment, by, now)
    return commitment


def commitment_links_set(
    *,
    commitment: Commitment,
    made_by: list[Any] | None = None,
    watchers: list[Any] | None = None,
    depends_on: list[Commitment] | None = None,
    reciprocal: list[Commitment] | None = None,
) -> None:
    """Replace the given relations of a commitment (None leaves one as it is), refusing a dependency
    cycle or a commitment that is its own reciprocal. Call inside the transaction that saved it."""
    errors: dict[str, list[str]] = {}
    if depends_on is not None:
        cycle = dependency_cycle(commitment.pk, [c.pk for c in depends_on])
        if cycle:
            errors["depends_on"] = [f"That would make a cycle: {' → '.join(cycle)}."]
    if reciprocal is not None and any(c.pk == commitment.pk for c in reciprocal):
        errors["reciprocal"] = ["A commitment cannot be its own reciprocal."]
    if made_by is not None and not made_by:
        errors["made_by"] = ["Name at least one party that made the commitment."]
    if errors:
        raise WorkflowError(errors, code="invalid_links")
    for name, values in (
        ("made_by", made_by),
        ("watchers", watchers),
        ("depends_on", depends_on),
        ("reciprocal", reciprocal),
    ):
        if values is not None:
            getattr(commitment, name).set(values)
