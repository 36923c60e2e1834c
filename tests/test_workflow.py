"""The status workflow: every allowed and every forbidden transition, and the rules around them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from commitments import services
from commitments.errors import TransitionNotAllowed, VersionConflict, WorkflowError
from commitments.models import Commitment, Desk, StatusChange
from commitments.workflow import CLOSED_STATUSES, OPEN_STATUSES, TRANSITIONS, Status, allowed_next

from .conftest import CHRISTMAS_2000, DAY_AFTER_MEETING, EARLY_2001
from .factories import make_commitment

pytestmark = pytest.mark.django_db

ALL_PAIRS = [(a, b) for a in Status.values for b in Status.values if a != b]
ALLOWED = [(a, b) for a, b in ALL_PAIRS if b in TRANSITIONS[a]]
FORBIDDEN = [(a, b) for a, b in ALL_PAIRS if b not in TRANSITIONS[a]]


def _force_status(commitment: Commitment, status: str) -> None:
    """Put a commitment in a starting state for a table test (bypassing the workflow on purpose)."""
    Commitment.objects.filter(pk=commitment.pk).update(status=status, condition_state="pending")


@pytest.fixture
def conditional(rf_desk: Desk) -> Commitment:
    return make_commitment(
        desk=rf_desk, due_by=date(2000, 12, 31), condition_text="if the talks advance", now=DAY_AFTER_MEETING
    )


def test_the_table_has_every_status_and_only_known_targets() -> None:
    assert set(TRANSITIONS) == set(Status.values)
    for targets in TRANSITIONS.values():
        assert targets <= set(Status.values)


def test_open_and_closed_partition_the_statuses() -> None:
    assert set(Status.values) == OPEN_STATUSES | CLOSED_STATUSES
    assert not OPEN_STATUSES & CLOSED_STATUSES


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_every_allowed_transition_is_made_and_recorded(
    conditional: Commitment, supervisor: Any, from_status: str, to_status: str
) -> None:
    _force_status(conditional, from_status)
    change = services.commitment_transition(
        commitment_id=conditional.pk,
        to_status=to_status,
        by=supervisor,
        now=CHRISTMAS_2000,
        note="Recorded by the desk.",
        occurred_on=date(2000, 12, 20),
    )
    conditional.refresh_from_db()
    assert conditional.status == to_status
    assert conditional.status_changed_at == CHRISTMAS_2000
    assert (change.from_status, change.to_status, change.by) == (from_status, to_status, supervisor)
    assert change.occurred_on == date(2000, 12, 20)
    assert conditional.version == 2


@pytest.mark.parametrize(("from_status", "to_status"), FORBIDDEN)
def test_every_forbidden_transition_is_refused_with_the_allowed_ones(
    conditional: Commitment, supervisor: Any, from_status: str, to_status: str
) -> None:
    _force_status(conditional, from_status)
    with pytest.raises(TransitionNotAllowed) as refused:
        services.commitment_transition(
            commitment_id=conditional.pk, to_status=to_status, by=supervisor, now=CHRISTMAS_2000, note="n"
        )
    assert refused.value.allowed == allowed_next(from_status, conditional=True)
    message = refused.value.messages[0]
    assert "Allowed next:" in message
    conditional.refresh_from_db()
    assert conditional.status == from_status
    assert conditional.status_changes.count() == 1  # only the creation row


def test_a_transition_to_the_same_status_is_refused(conditional: Commitment, officer: Any) -> None:
    with pytest.raises(TransitionNotAllowed):
        services.commitment_transition(
            commitment_id=conditional.pk, to_status=Status.NOT_STARTED, by=officer, now=CHRISTMAS_2000
        )


def test_an_unknown_status_is_refused(conditional: Commitment, officer: Any) -> None:
    with pytest.raises(WorkflowError, match="not a status"):
        services.commitment_transition(commitment_id=conditional.pk, to_status="done", by=officer, now=CHRISTMAS_2000)


@pytest.mark.parametrize("closed", sorted(CLOSED_STATUSES - {Status.LAPSED}))
def test_closing_needs_a_note_or_evidence(rf_desk: Desk, officer: Any, closed: str) -> None:
    commitment = make_commitment(desk=rf_desk, due_by=date(2000, 12, 31))
    with pytest.raises(WorkflowError, match="needs a note or an evidence URL"):
        services.commitment_transition(commitment_id=commitment.pk, to_status=closed, by=officer, now=CHRISTMAS_2000)
    services.commitment_transition(
        commitment_id=commitment.pk,
        to_status=closed,
        by=officer,
        now=CHRISTMAS_2000,
        evidence_url="https://www.mofa.go.jp/region/europe/russia/",
    )
    commitment.refresh_from_db()
    assert commitment.status == closed


def test_reopening_is_for_supervisors_with_a_reason(conditional: Commitment, officer: Any, supervisor: Any) -> None:
    services.commitment_transition(
        commitment_id=conditional.pk,
        to_status=Status.WITHDRAWN,
        by=officer,
        now=CHRISTMAS_2000,
        note="Dropped.",
    )
    with pytest.raises(PermissionDenied, match="supervisor"):
        services.commitment_transition(
            commitment_id=conditional.pk,
            to_status=Status.IN_PROGRESS,
            by=officer,
            now=CHRISTMAS_2000,
            note="Back.",
        )
    with pytest.raises(WorkflowError, match="reason for reopening"):
        services.commitment_transition(
            commitment_id=conditional.pk, to_status=Status.IN_PROGRESS, by=supervisor, now=CHRISTMAS_2000
        )
    services.commitment_transition(
        commitment_id=conditional.pk,
        to_status=Status.IN_PROGRESS,
        by=supervisor,
        now=CHRISTMAS_2000,
        note="Withdrawn by mistake; Moscow confirmed the visit is on.",
    )
    conditional.refresh_from_db()
    assert conditional.status == Status.IN_PROGRESS


def test_fulfilled_on_or_before_due_by_is_on_time(rf_desk: Desk, officer: Any) -> None:
    commitment = make_commitment(desk=rf_desk, due_by=date(2000, 12, 31))
    change = services.commitment_transition(
        commitment_id=commitment.pk,
        to_status=Status.FULFILLED,
        by=officer,
        now=EARLY_2001,
        note="The Foreign Minister visited Moscow.",
        occurred_on=date(2000, 12, 31),
    )
    commitment.refresh_from_db()
    assert (change.on_time, change.on_time_as_promised) == (True, True)
    assert (commitment.on_time_as_promised, commitment.on_time_as_rescheduled) == (True, True)


def test_fulfilled_after_due_by_is_late(rf_desk: Desk, officer: Any) -> None:
    commitment = make_commitment(desk=rf_desk, due_by=date(2000, 12, 31))
    services.commitment_transition(
        commitment_id=commitment.pk,
        to_status=Status.FULFILLED,
        by=officer,
        now=EARLY_2001,
        note="Visited in January.",
        occurred_on=date(2001, 1, 2),
    )
    commitment.refresh_from_db()
    assert (commitment.on_time_as_promised, commitment.on_time_as_rescheduled) == (False, False)


def test_fulfilled_by_a_moved_deadline_is_late_as_promised_and_on_time_as_rescheduled(
    rf_desk: Desk, officer: Any, supervisor: Any
) -> None:
    """Moving a deadline never makes a late fulfilment look punctual against what was promised."""
    commitment = make_commitment(desk=rf_desk, due_by=date(2000, 12, 31))
    services.deadline_move(
        commitment_id=commitment.pk,
        new_due_by=date(2001, 6, 30),
        new_due_from=None,
        reason="Postponed by both sides.",
        change_class="postponed",
        by=supervisor,
        now=CHRISTMAS_2000,
    )
    change = services.commitment_transition(
        commitment_id=commitment.pk,
        to_status=Status.FULFILLED,
        by=officer,
        now=EARLY_2001,
        note="Visited in January.",
        occurred_on=date(2001, 1, 2),
    )
    commitment.refresh_from_db()
    assert (commitment.original_due_by, commitment.due_by) == (date(2000, 12, 31), date(2001, 6, 30))
    assert (commitment.on_time_as_promised, commitment.on_time_as_rescheduled) == (False, True)
    assert (change.on_time_as_promised, change.on_time) == (False, True)


def test_occurred_on_cannot_be_in_the_future_or_before_the_meeting(rf_desk: Desk, officer: Any) -> None:
    commitment = make_commitment(desk=rf_desk)
    with pytest.raises(WorkflowError, match="future"):
        services.commitment_transition(
            commitment_id=commitment.pk,
            to_status=Status.IN_PROGRESS,
            by=officer,
            now=CHRISTMAS_2000,
            occurred_on=date(2000, 12, 26),
        )
    with pytest.raises(WorkflowError, match="before the meeting"):
        services.commitment_transition(
            commitment_id=commitment.pk,
            to_status=Status.IN_PROGRESS,
            by=officer,
            now=CHRISTMAS_2000,
            occurred_on=date(2000, 11, 1),
        )


def test_a_failed_condition_lapses_the_commitment(conditional: Commitment, officer: Any) -> None:
    services.condition_set_state(
        commitment_id=conditional.pk,
        state="failed",
        by=officer,
        now=CHRISTMAS_2000,
        note="No progress on the Peace Treaty this year.",
    )
    conditional.refresh_from_db()
    assert conditional.status == Status.LAPSED
    assert conditional.condition_state == Commitment.ConditionState.FAILED
    last = conditional.status_changes.first()
    assert last is not None
    assert (last.to_status, last.note) == (Status.LAPSED, "No progress on the Peace Treaty this year.")


def test_a_met_condition_keeps_the_commitment_open(conditional: Commitment, officer: Any) -> None:
    services.condition_set_state(commitment_id=conditional.pk, state="met", by=officer, now=CHRISTMAS_2000)
    conditional.refresh_from_db()
    assert (conditional.status, conditional.condition_state) == (Status.NOT_STARTED, "met")


def test_only_a_conditional_commitment_can_lapse(rf_desk: Desk, officer: Any) -> None:
    commitment = make_commitment(desk=rf_desk)
    with pytest.raises(TransitionNotAllowed, match="Only a conditional commitment can lapse") as refused:
        services.commitment_transition(
            commitment_id=commitment.pk, to_status=Status.LAPSED, by=officer, now=CHRISTMAS_2000, note="n"
        )
    assert "lapsed" not in refused.value.allowed


def test_a_stale_version_is_a_conflict_and_changes_nothing(conditional: Commitment, officer: Any) -> None:
    services.commitment_transition(
        commitment_id=conditional.pk,
        to_status=Status.IN_PROGRESS,
        by=officer,
        now=CHRISTMAS_2000,
        expected_version=1,
    )
    with pytest.raises(VersionConflict) as conflict:
        services.commitment_transition(
            commitment_id=conditional.pk,
            to_status=Status.STALLED,
            by=officer,
            now=CHRISTMAS_2000,
            expected_version=1,
        )
    assert conflict.value.current_version == 2
    assert "officer" in str(conflict.value)
    conditional.refresh_from_db()
    assert conditional.status == Status.IN_PROGRESS


def test_officers_of_another_desk_and_viewers_cannot_transition(
    conditional: Commitment, other_officer: Any, viewer: Any
) -> None:
    for user in (other_officer, viewer):
        with pytest.raises(PermissionDenied):
            services.commitment_transition(
                commitment_id=conditional.pk, to_status=Status.IN_PROGRESS, by=user, now=CHRISTMAS_2000
            )
    assert StatusChange.objects.filter(commitment=conditional).count() == 1


def test_closing_clears_the_overdue_flag(rf_desk: Desk, officer: Any) -> None:
    commitment = make_commitment(desk=rf_desk, due_by=date(2000, 12, 1))
    Commitment.objects.filter(pk=commitment.pk).update(overdue_since=CHRISTMAS_2000)
    services.commitment_transition(
        commitment_id=commitment.pk,
        to_status=Status.NOT_FULFILLED,
        by=officer,
        now=EARLY_2001,
        note="Never came.",
    )
    commitment.refresh_from_db()
    assert commitment.overdue_since is None


def test_every_write_keeps_the_overdue_flag_by_the_sweeps_own_rule(
    rf_desk: Desk, officer: Any, supervisor: Any
) -> None:
    """rules.overdue_since, applied where the row is saved: no write leaves a flag the sweep would change."""
    commitment = make_commitment(desk=rf_desk, due_by=date(2000, 12, 31), condition_text="if the talks advance")

    def flag() -> Any:
        commitment.refresh_from_db()
        return commitment.overdue_since

    def move(due_by: date | None, now: Any) -> None:
        services.deadline_move(
            commitment_id=commitment.pk,
            new_due_by=due_by,
            new_due_from=None,
            reason="Agreed at the next meeting.",
            change_class="renegotiated",
            by=supervisor,
            now=now,
        )

    def condition(state: str, now: Any) -> None:
        services.condition_set_state(commitment_id=commitment.pk, state=state, by=officer, now=now)

    condition("met", CHRISTMAS_2000)
    assert flag() is None  # met, but due on 31 December: not yet late
    move(date(2000, 12, 20), EARLY_2001)  # corrected to a day already past
    assert flag() == EARLY_2001
    condition("pending", EARLY_2001.replace(hour=4))
    assert flag() is None  # a pending condition suspends the deadline
    condition("met", EARLY_2001.replace(hour=5))
    assert flag() == EARLY_2001.replace(hour=5)
    move(date(2001, 6, 30), EARLY_2001.replace(hour=6))
    assert flag() is None
