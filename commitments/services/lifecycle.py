"""The workflow's moves: status transitions (the only way a status changes), conditions, deadline moves."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext

from common.stored import stored_date, stored_language

from .. import policy
from ..errors import TransitionNotAllowed, WorkflowError
from ..models import Commitment, DeadlineChange, NotificationKind, RejectedDraft, StatusChange
from ..notifications.create import notify_activity
from ..rules import local_today
from ..selectors import display_name
from ..workflow import (
    CLOSED_STATUSES,
    SCORED_STATUSES,
    TRACKED_STATUSES,
    Status,
    allowed_next,
    is_reopening,
    label,
    stored_label,
)
from .core import condition_clock, owner_choose, require, row_lock, row_save, window_fill
from .editing import commitment_save
from .outcomes import outcomes_clear


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
    restrict. Closing needs a note or evidence; reopening needs a supervisor and a reason (and removes
    the parties' own outcomes, which judged the closing undone); lapsing needs a condition, which is
    marked failed; fulfilment records whether it was on time.
    """
    note = note.strip()
    evidence_url = evidence_url.strip()
    if to_status not in Status.values:
        raise WorkflowError(gettext("%(status)r is not a status.") % {"status": to_status}, code="unknown_status")
    with transaction.atomic():
        commitment = row_lock(commitment_id, expected_version)
        from_status = commitment.status
        if by is not None:
            require(
                policy.can_edit_commitment(by, commitment),
                gettext("You may change only the commitments of your own desks; this one belongs to %(desk)s.")
                % {"desk": commitment.desk},
            )
        conditional = commitment.is_conditional
        if to_status not in allowed_next(from_status, conditional=conditional):
            raise TransitionNotAllowed(from_status, to_status, conditional=conditional)
        reopening = is_reopening(from_status, to_status)
        if reopening:
            if by is not None:
                require(
                    policy.can_supervise(by, commitment),
                    gettext("Reopening a closed commitment is a supervisor's decision."),
                )
            if not note:
                raise WorkflowError(
                    {"note": [gettext("Give the reason for reopening this commitment.")]}, code="reason_required"
                )
        if to_status in CLOSED_STATUSES and not (note or evidence_url):
            raise WorkflowError(
                {
                    "note": [
                        gettext("Closing as %(status)s needs a note or an evidence URL.") % {"status": label(to_status)}
                    ]
                },
                code="note_required",
            )
        if to_status == Status.LAPSED:
            commitment.condition_state = Commitment.ConditionState.FAILED
            commitment.condition_pending_since = None
        if from_status == Status.DRAFT and to_status in TRACKED_STATUSES:
            owner_choose(commitment, by)  # accepted for tracking: someone must be reminded

        today = local_today(commitment.desk.time_zone, now)
        occurred = occurred_on or today
        if occurred > today:
            raise WorkflowError(
                {"occurred_on": [gettext("The date it happened cannot be in the future.")]}, code="future"
            )
        meeting_day = commitment.summit.local_date
        if occurred < meeting_day:
            raise WorkflowError(
                {
                    "occurred_on": [
                        gettext("The date it happened cannot be before the meeting (%(date)s).")
                        % {"date": date_format(meeting_day)}
                    ]
                },
                code="before_meeting",
            )

        # Fulfilment is judged twice: against the deadline first promised, and against the one in force
        # (after any moves). Moving a deadline must not make a late fulfilment look punctual.
        as_promised: bool | None = None
        as_rescheduled: bool | None = None
        if to_status == Status.FULFILLED:
            as_promised = commitment.original_due_by is None or occurred <= commitment.original_due_by
            as_rescheduled = commitment.due_by is None or occurred <= commitment.due_by
        reason = f"{stored_label(from_status)} → {stored_label(to_status)}" + (f": {note}" if note else "")
        if from_status in SCORED_STATUSES and from_status != to_status:
            # The parties' outcomes judged the closing this transition leaves (reopening: a closed status is
            # followed only by an open one); kept, they would score a commitment whose status no longer
            # says it was kept or broken. Their history keeps them.
            outcomes_clear(commitment, by, reason)
        commitment.status = to_status
        commitment.status_changed_at = now
        commitment.on_time_as_promised = as_promised
        commitment.on_time_as_rescheduled = as_rescheduled
        commitment.closed_on = occurred if to_status in CLOSED_STATUSES else None
        row_save(commitment, by, now, reason=reason)
        change = StatusChange.objects.create(
            commitment=commitment,
            from_status=from_status,
            to_status=to_status,
            by=by,
            recorded_at=now,
            occurred_on=occurred,
            note=note,
            evidence_url=evidence_url,
            on_time=as_rescheduled,
            on_time_as_promised=as_promised,
        )
        notify_activity(
            commitment,
            kind=NotificationKind.STATUS_CHANGED,
            occasion=f"status:{change.pk}",
            actor=by,
            now=now,
            message=f"{display_name(by)} changed “{commitment.title}”: "
            f"{stored_label(from_status)} → {stored_label(to_status)}",
            note=note,
            evidence_url=evidence_url,
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
        raise WorkflowError(
            gettext("%(state)r is not a condition state.") % {"state": state}, code="bad_condition_state"
        )
    with transaction.atomic():
        commitment = row_lock(commitment_id, expected_version)
        if by is not None:
            require(
                policy.can_edit_commitment(by, commitment), gettext("You may change only your own desks' commitments.")
            )
        if not commitment.is_conditional:
            raise WorkflowError(gettext("This commitment has no condition."), code="no_condition")
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
        previous = commitment.condition_state
        commitment.condition_state = state
        condition_clock(commitment, previous, now)
        row_save(commitment, by, now, reason=f"Condition {state}" + (f": {note}" if note else ""))
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
        errors["reason"] = [gettext("Say why the deadline moves.")]
    if change_class not in DeadlineChange.ChangeClass.values:
        errors["change_class"] = [gettext("Choose renegotiated, postponed by mutual agreement, or corrected.")]
    if new_due_from and new_due_by and new_due_from > new_due_by:
        errors["new_due_from"] = [gettext("The window cannot start after it ends.")]
    if errors:
        raise WorkflowError(errors, code="invalid_deadline_move")
    with transaction.atomic():
        commitment = row_lock(commitment_id, expected_version)
        if by is not None:
            require(policy.can_move_deadline(by, commitment), gettext("Moving a deadline is a supervisor's decision."))
        if commitment.is_closed:
            raise WorkflowError(
                gettext("The commitment is closed; reopen it before moving its deadline."), code="closed"
            )
        phrase = commitment.due_phrase if new_due_phrase is None else new_due_phrase.strip()
        # The new window as the reader sees it, relative to the day of the move: a new phrase alone fills
        # the dates; dates given win. The old phrase without dates means no deadline any more.
        moved = Commitment(due_phrase=phrase, due_from=new_due_from, due_by=new_due_by)
        if new_due_by is not None or new_due_from is not None or phrase != commitment.due_phrase:
            window_fill(moved, reference=local_today(commitment.desk.time_zone, now))
        else:
            moved.due_precision, moved.due_rule = Commitment.Precision.NONE, ""
        new_due_from, new_due_by = moved.due_from, moved.due_by
        if (new_due_by, new_due_from, phrase) == (
            commitment.due_by,
            commitment.due_from,
            commitment.due_phrase,
        ):
            raise WorkflowError(gettext("The new deadline is the same as the current one."), code="unchanged")
        change = DeadlineChange.objects.create(
            commitment=commitment,
            old_due_from=commitment.due_from,
            old_due_by=commitment.due_by,
            new_due_from=new_due_from,
            new_due_by=new_due_by,
            old_due_phrase=commitment.due_phrase,
            new_due_phrase=phrase,
            old_due_rule=commitment.due_rule,
            new_due_rule=moved.due_rule,
            reason=reason,
            change_class=change_class,
            by=by,
            recorded_at=now,
        )
        commitment.due_by = new_due_by
        commitment.due_from = new_due_from
        commitment.due_phrase = phrase
        commitment.due_precision, commitment.due_rule = moved.due_precision, moved.due_rule
        with stored_language():  # a history reason is stored, in LANGUAGE_CODE
            change_class_words = change.get_change_class_display().lower()
        row_save(commitment, by, now, reason=f"Deadline {change_class_words}: {reason}")
        notify_activity(
            commitment,
            kind=NotificationKind.DEADLINE_MOVED,
            occasion=f"deadline:{change.pk}",
            actor=by,
            now=now,
            # Stored once in LANGUAGE_CODE, as the other notification messages: its date in that language's form.
            message=f"{display_name(by)} moved the deadline of “{commitment.title}” to "
            + (stored_date(new_due_by) if new_due_by else "none"),
            note=reason,
        )
        return change


def draft_accept(*, commitment_id: int, by: Any, now: datetime, edits: dict[str, Any] | None = None) -> StatusChange:
    """Accept a draft an import proposed for tracking, with any corrections the reviewer made first
    (through commitment_save: an owner named there is checked); it is then owned as owner_choose says."""
    with transaction.atomic():
        if edits:
            draft = Commitment.objects.get(pk=commitment_id)
            if draft.status != Status.DRAFT:
                raise TransitionNotAllowed(draft.status, Status.NOT_STARTED, conditional=draft.is_conditional)
            for name, value in edits.items():
                setattr(draft, name, value)
            commitment_save(commitment=draft, expected_version=draft.version, by=by, now=now)
        return commitment_transition(
            commitment_id=commitment_id, to_status=Status.NOT_STARTED, by=by, now=now, note="Accepted at review."
        )


def draft_reject(*, commitment_id: int, by: Any, now: datetime, reason: str = "") -> RejectedDraft:
    """Discard a draft an import proposed: it was never a commitment, so it leaves every list, the status
    changes and the reports. What it said, who rejected it, when and why stay with its meeting's review."""
    with transaction.atomic():
        draft = row_lock(commitment_id, None)
        if by is not None:
            require(policy.can_edit_commitment(by, draft), gettext("You may decide only on your own desks' drafts."))
        if draft.status != Status.DRAFT:
            raise WorkflowError(
                gettext("“%(title)s” is %(status)s, not a draft: only a draft can be rejected.")
                % {"title": draft.title, "status": label(draft.status)},
                code="not_a_draft",
            )
        rejected = RejectedDraft.objects.create(
            summit_id=draft.summit_id,
            draft_id=draft.pk,
            title=draft.title,
            quote=draft.quote,
            quote_start=draft.quote_start,
            source_ref=draft.source_ref,
            made_by=" + ".join(party.code for party in draft.made_by.order_by("code")),
            kind=draft.kind,
            modality=draft.modality,
            due_phrase=draft.due_phrase,
            due_from=draft.due_from,
            due_by=draft.due_by,
            condition_text=draft.condition_text,
            desk_name=draft.desk.name,
            rejected_by=by,
            rejected_at=now,
            reason=reason.strip(),
        )
        draft._history_user = by  # type: ignore[attr-defined]
        draft._change_reason = "Rejected at review"  # type: ignore[attr-defined]
        draft.delete()
    return rejected
