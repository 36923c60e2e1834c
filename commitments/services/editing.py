"""Creating and editing commitments: their descriptive fields, owner, relations and progress updates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from summits.models import Summit

from .. import policy
from ..errors import WorkflowError
from ..models import Commitment, NotificationKind, StatusChange, Update
from ..notifications.create import notify_activity
from ..rules import local_today
from ..selectors import dependency_cycle, display_name
from ..workflow import TRACKED_STATUSES, Status, condition_state_for
from .core import (
    condition_clock,
    flag_and_reschedule,
    owner_check,
    owner_choose,
    owner_required,
    require,
    row_lock,
    row_save,
    watchers_check,
    window_fill,
)
from .outcomes import outcomes_prune


def commitment_create(
    *,
    commitment: Commitment,
    by: Any,
    now: datetime,
    status: str = Status.NOT_STARTED,
    read_window: bool = True,
) -> Commitment:
    """Save a new commitment (m2m fields are set by the caller afterwards) and its first history row.

    `status` is NOT_STARTED for one entered by staff and DRAFT for one proposed by an import. The window
    is read from the phrase relative to the meeting (`window_fill`) unless `read_window` is False: the
    importer, the demo and the CSV import bring a window the system itself read or exported.
    """
    if status not in (Status.DRAFT, Status.NOT_STARTED):
        raise WorkflowError(gettext("A new commitment starts as a draft or not started."), code="bad_initial_status")
    if by is not None:
        require(
            policy.desk_role(by, commitment.desk_id) >= policy.Role.OFFICER,
            gettext("You may add commitments only for your own desks."),
        )
    if read_window and commitment.summit_id is not None:
        window_fill(commitment, reference=commitment.summit.local_date)
    # full_clean() also makes a new condition pending (Commitment.clean, workflow.condition_state_for).
    commitment.full_clean(exclude=["status_changed_at", "last_activity_at"])
    if commitment.owner is not None:
        owner_check(commitment.owner, commitment.desk)
    elif status != Status.DRAFT:
        owner_choose(commitment, by)
    with transaction.atomic():
        condition_clock(commitment, Commitment.ConditionState.NONE, now)
        commitment.status = status
        commitment.status_changed_at = now
        commitment.last_activity_at = now
        commitment.created_at = now
        flag_and_reschedule(commitment, now)
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
    "transition": gettext_lazy("Change the status with a transition."),
    "deadline": gettext_lazy("Move the deadline with the deadline form; a supervisor records why."),
    "condition": gettext_lazy("Set the condition's state with the condition form."),
}


def commitment_save(*, commitment: Commitment, expected_version: int, by: Any, now: datetime) -> Commitment:
    """Save edits to an existing commitment's descriptive fields (m2m are set by the caller after).

    Refuses a stale version (VersionConflict) and any change to status, deadline or condition state,
    each of which has its own service that records why it changed.
    """
    require(policy.can_edit_commitment(by, commitment), gettext("You may edit only the commitments of your own desks."))
    with transaction.atomic():
        current = row_lock(commitment.pk, expected_version)
        require(
            policy.can_edit_commitment(by, current), gettext("You may edit only the commitments of your own desks.")
        )
        commitment.condition_state = condition_state_for(
            text=commitment.condition_text, state=commitment.condition_state, previous_text=current.condition_text
        )
        guarded = {
            field: str(_GUARDED_MESSAGES[via])
            for field, via in GUARDED_FIELDS.items()
            if getattr(current, field) != getattr(commitment, field)
        }
        if guarded:
            raise WorkflowError({field: [message] for field, message in guarded.items()}, code="guarded_field")
        commitment.full_clean(exclude=["status_changed_at", "last_activity_at"])
        commitment.condition_pending_since = current.condition_pending_since
        condition_clock(commitment, current.condition_state, now)
        if commitment.owner_id != current.owner_id or commitment.desk_id != current.desk_id:
            _owner_change_check(commitment, by, had_owner=current.owner_id is not None)
        commitment.version = current.version
        commitment.quote_start = commitment.locate_quote()
        commitment.status_changed_at = current.status_changed_at
        commitment.last_activity_at = current.last_activity_at
        row_save(commitment, by, now, activity=False)
    return commitment


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
        raise WorkflowError({"note": [gettext("Write what happened.")]}, code="note_required")
    with transaction.atomic():
        commitment = Commitment.objects.select_for_update().select_related("desk").get(pk=commitment_id)
        if by is not None:
            require(
                policy.can_edit_commitment(by, commitment), gettext("You may update only your own desks' commitments.")
            )
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
            note=note,
            evidence_url=update.evidence_url,
        )
    return update


def commitment_assign(*, commitment_id: int, owner: Any, by: Any, now: datetime) -> Commitment:
    """Make `owner` responsible: an active officer or supervisor of the commitment's desk."""
    with transaction.atomic():
        commitment = row_lock(commitment_id, None)
        if by is not None:
            require(
                policy.can_edit_commitment(by, commitment), gettext("You may assign only your own desks' commitments.")
            )
        if commitment.owner_id != getattr(owner, "pk", None):
            had_owner = commitment.owner_id is not None
            commitment.owner = owner
            _owner_change_check(commitment, by, had_owner=had_owner)
            # Reassigning is not progress: the stale clock (no transition, update or deadline move) runs on.
            row_save(commitment, by, now, activity=False)
    return commitment


def _owner_change_check(commitment: Commitment, by: Any, *, had_owner: bool) -> None:
    """A new owner must be eligible; a person may not take a tracked commitment's owner away.

    (One recorded without an owner before owners were required stays editable; the dashboard's
    "No active owner" tile lists it until someone is named.)"""
    if commitment.owner is not None:
        owner_check(commitment.owner, commitment.desk)
    elif had_owner and by is not None and commitment.status in TRACKED_STATUSES:
        raise owner_required(commitment.desk)


def reciprocal_check(*, commitment: Commitment, reciprocal: list[Commitment], by: Any) -> list[int]:
    """The other commitments a new reciprocal set changes (the link is symmetric: adding or removing B on
    A adds or removes A on B), refused unless `by` may edit each of them. Their ids, in lock order."""
    if any(c.pk == commitment.pk for c in reciprocal if c.pk is not None):
        raise WorkflowError(
            {"reciprocal": [gettext("A commitment cannot be its own reciprocal.")]}, code="invalid_links"
        )
    before = set(commitment.reciprocal.values_list("pk", flat=True)) if commitment.pk else set()
    touched = sorted(before ^ {c.pk for c in reciprocal})
    if by is None or not touched:
        return touched
    refused = [
        other
        for other in Commitment.objects.filter(pk__in=touched).select_related("desk").order_by("pk")
        if not policy.can_edit_commitment(by, other)
    ]
    if refused:
        names = "; ".join(f"“{other.title}” ({other.desk})" for other in refused)
        raise WorkflowError(
            {
                "reciprocal": [
                    gettext(
                        "Linking or unlinking changes the other commitment too, and you may not change %(names)s: "
                        "ask an officer of its desk to make the link."
                    )
                    % {"names": names}
                ]
            },
            code="link_not_allowed",
        )
    return touched


def commitment_links_set(
    *,
    commitment: Commitment,
    by: Any = None,
    now: datetime | None = None,
    made_by: list[Any] | None = None,
    watchers: list[Any] | None = None,
    depends_on: list[Commitment] | None = None,
    reciprocal: list[Commitment] | None = None,
) -> None:
    """Replace the given relations of a commitment (None leaves one as it is), refusing a dependency
    cycle or a commitment that is its own reciprocal. Call inside the transaction that saved it; `by` (who
    saved it) is named in the history of the party outcomes that new makers remove (outcomes_prune).

    A reciprocal link is written on both commitments, so one that changes another commitment needs `by`
    to be allowed to edit that one too (reciprocal_check), and bumps its version with a history row
    saying why: a client holding its old version must not overwrite the link unknowingly. Only reciprocal
    writes the other side; depends_on and superseded_by are stored on this commitment alone."""
    errors: dict[str, list[str]] = {}
    if depends_on is not None:
        cycle = dependency_cycle(commitment.pk, [c.pk for c in depends_on])
        if cycle:
            errors["depends_on"] = [gettext("That would make a cycle: %(cycle)s.") % {"cycle": " → ".join(cycle)}]
    touched: list[int] = []
    code = "invalid_links"
    if reciprocal is not None:
        try:
            touched = reciprocal_check(commitment=commitment, reciprocal=reciprocal, by=by)
        except WorkflowError as error:
            errors.update(error.message_dict)
            code = error.workflow_code
    if made_by is not None and not made_by:
        errors["made_by"] = [gettext("Name at least one party that made the commitment.")]
    if errors:
        # One refusal keeps its own code (link_not_allowed); several are invalid_links.
        raise WorkflowError(errors, code=code if len(errors) == 1 else "invalid_links")
    if watchers is not None:
        watchers_check(watchers)
    for name, values in (
        ("made_by", made_by),
        ("watchers", watchers),
        ("depends_on", depends_on),
        ("reciprocal", reciprocal),
    ):
        if values is not None:
            getattr(commitment, name).set(values)
    if made_by is not None:
        outcomes_prune(commitment=commitment, by=by)
    if touched:
        _reciprocal_bump(commitment, touched, by, now or timezone.now())


def _reciprocal_bump(commitment: Commitment, touched: list[int], by: Any, now: datetime) -> None:
    linked = set(commitment.reciprocal.values_list("pk", flat=True))
    for other_id in touched:  # in id order, so two saves linking the same pair lock them alike
        other = row_lock(other_id, None)
        change = "linked to" if other_id in linked else "unlinked from"
        row_save(other, by, now, activity=False, reason=f"Reciprocal {change} #{commitment.pk}")


def commitment_align(
    *, commitment_id: int, quote: str, start: int, language: str, title: str, by: Any, now: datetime
) -> Commitment:
    """Keep the same commitment's words in the meeting's record in another language (an attached record).

    A change like any other: the row is locked, its version goes up (a client holding the old one is told)
    and the history says why; not an update of the commitment's progress, so the stale clock keeps running.
    """
    with transaction.atomic():
        commitment = row_lock(commitment_id, None)
        commitment.quote_other = quote
        commitment.quote_other_start = start
        commitment.quote_other_language = language
        commitment.title_other = title[:200]
        row_save(commitment, by, now, activity=False, reason=f"Aligned with the record in {language}")
    return commitment


def desk_reschedule(*, desk_id: int, now: datetime) -> int:
    """After a desk's time zone changes: its open commitments' days end at other moments, so the next
    sweep must look at each of them again (flags and reminders by the new zone). How many were due."""
    return Commitment.objects.filter(desk_id=desk_id, status__in=TRACKED_STATUSES).update(next_check_at=now)
