"""Deciding a follow-up an import proposed: accepting records it through the workflow, rejecting records
nothing on the commitment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext

from common.stored import stored_language

from .. import policy
from ..errors import WorkflowError
from ..models import Commitment, FollowUp
from ..workflow import Status
from .core import require
from .editing import update_add
from .lifecycle import commitment_transition, condition_set_state

PENDING = Commitment.ConditionState.PENDING


def _pending(follow_up_id: int, by: Any) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update().select_related("summit", "commitment").get(pk=follow_up_id)
    require(
        policy.can_edit_commitment(by, follow_up.commitment),
        gettext("Only an officer or supervisor of the commitment's desk may decide its follow-ups."),
    )
    if follow_up.decision != FollowUp.Decision.PENDING:
        raise WorkflowError(
            {
                "decision": [
                    gettext("This follow-up was already %(decision)s.")
                    % {"decision": follow_up.get_decision_display().lower()}
                ]
            },
            code="already_decided",
        )
    return follow_up


@transaction.atomic
def followup_accept(*, follow_up_id: int, by: Any, now: datetime) -> FollowUp:
    """Write an update linked to the new meeting, then the outcome through the one workflow service, on
    the day it happened — so on time or late is judged as for any other closing."""
    follow_up = _pending(follow_up_id, by)
    summit = follow_up.summit
    commitment = follow_up.commitment
    # A note a service writes is stored in LANGUAGE_CODE, whoever accepts: the outcome's name and the date too.
    with stored_language():
        note = (
            f"{follow_up.get_proposed_display()}, from the record of “{summit.title}” "
            f"({date_format(summit.local_date)}): {follow_up.reason}"
        )
    if follow_up.evidence_quote:
        note += f" — “{follow_up.evidence_quote}”"
    update_add(commitment_id=commitment.pk, note=note, by=by, now=now, evidence_summit=summit)
    proposed = follow_up.proposed
    if proposed in (FollowUp.Proposed.FULFILLED, FollowUp.Proposed.PARTIALLY_FULFILLED):
        commitment_transition(
            commitment_id=commitment.pk,
            to_status=proposed,
            by=by,
            now=now,
            note=note,
            occurred_on=follow_up.occurred_on,
        )
    elif proposed == FollowUp.Proposed.IN_PROGRESS and commitment.status in (Status.NOT_STARTED, Status.STALLED):
        commitment_transition(
            commitment_id=commitment.pk,
            to_status=Status.IN_PROGRESS,
            by=by,
            now=now,
            note=note,
            occurred_on=follow_up.occurred_on,
        )
    elif (
        proposed == FollowUp.Proposed.CONDITION_MET and commitment.condition_state == Commitment.ConditionState.PENDING
    ):
        condition_set_state(commitment_id=commitment.pk, state=Commitment.ConditionState.MET, by=by, now=now, note=note)
    follow_up.decision, follow_up.decided_by, follow_up.decided_at = FollowUp.Decision.ACCEPTED, by, now
    follow_up.save(update_fields=["decision", "decided_by", "decided_at"])
    return follow_up


@transaction.atomic
def followup_reject(*, follow_up_id: int, by: Any, now: datetime) -> FollowUp:
    """Decline the proposal: kept, decided, and nothing recorded on the commitment."""
    follow_up = _pending(follow_up_id, by)
    follow_up.decision, follow_up.decided_by, follow_up.decided_at = FollowUp.Decision.REJECTED, by, now
    follow_up.save(update_fields=["decision", "decided_by", "decided_at"])
    return follow_up
