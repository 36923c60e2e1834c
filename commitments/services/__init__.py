"""Writes. Every change to a commitment goes through one of these functions.

Each takes `now` from its caller (only the edges read the clock), locks the commitment row, checks
the caller's expected `version` (optimistic locking: a stale form or client gets VersionConflict,
never a silent overwrite), asks the policy, and writes the change together with the row that records
it, in one transaction. `editing` holds what staff edit, `lifecycle` the workflow's moves, `outcomes` the
parties' own outcomes of a joint commitment, `core` what they share.
"""

from .core import owner_candidate, owner_check, owner_required, watchers_check
from .editing import (
    GUARDED_FIELDS,
    commitment_align,
    commitment_assign,
    commitment_create,
    commitment_links_set,
    commitment_save,
    desk_reschedule,
    reciprocal_check,
    update_add,
)
from .followups import followup_accept, followup_reject
from .lifecycle import commitment_transition, condition_set_state, deadline_move, draft_accept, draft_reject
from .outcomes import PartyOutcome, outcome_set, outcomes_check, outcomes_prune

__all__ = [
    "GUARDED_FIELDS",
    "PartyOutcome",
    "commitment_align",
    "commitment_assign",
    "commitment_create",
    "commitment_links_set",
    "commitment_save",
    "commitment_transition",
    "condition_set_state",
    "deadline_move",
    "desk_reschedule",
    "draft_accept",
    "draft_reject",
    "followup_accept",
    "followup_reject",
    "outcome_set",
    "outcomes_check",
    "outcomes_prune",
    "owner_candidate",
    "owner_check",
    "owner_required",
    "reciprocal_check",
    "update_add",
    "watchers_check",
]
