"""Per-party outcomes of joint commitments: "the two leaders agreed …", and Japan did its part, Russia did not.

A joint commitment has one status; each party that made it may have its own outcome once it is closed as
fulfilled, partially or not fulfilled (CommitmentOutcome). A party without one follows the status. The
outcomes belong to that closing: reopening the commitment removes them (commitment_transition), and so does
taking a party off its makers (outcomes_prune); the rows' history keeps what they said, and who said it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from .. import policy
from ..errors import WorkflowError
from ..models import Commitment, CommitmentOutcome, NotificationKind
from ..notifications.create import notify_activity
from ..selectors import display_name
from ..workflow import SCORED_STATUSES, label, stored_label
from .core import require, row_lock, row_save


@dataclass(frozen=True)
class PartyOutcome:
    """One party's outcome as a caller gives it. `note` None keeps the note already recorded for that
    party when its outcome does not change (a file or form that does not carry notes loses none)."""

    party: str  # the party's code
    status: str
    note: str | None = None


def outcome_set(
    *,
    commitment_id: int,
    outcomes: Sequence[PartyOutcome],
    by: Any,
    now: datetime,
    expected_version: int | None = None,
) -> list[CommitmentOutcome]:
    """Record the parties' own outcomes of a closed joint commitment: the set given replaces the one
    recorded, so a party left out follows the commitment's status again (an empty set clears them all).

    Refused unless the commitment is closed as fulfilled, partially or not fulfilled and was made by
    several parties, each party named made it (once), and each outcome is one of those three. Like every
    edit: the desk's officers and supervisors only, under the row lock and the caller's version. A set
    equal to the recorded one changes nothing (not even the version). Returns the outcomes now recorded,
    by party code."""
    with transaction.atomic():
        commitment = row_lock(commitment_id, expected_version)
        if by is not None:
            require(
                policy.can_edit_commitment(by, commitment),
                gettext("You may record outcomes only for your own desks' commitments; this one belongs to %(desk)s.")
                % {"desk": commitment.desk},
            )
        makers = {party.code: party for party in commitment.made_by.all()}
        recorded = {o.party.code: o for o in commitment.outcomes.select_related("party")}
        wanted: dict[str, tuple[str, str]] = {}
        for code, (status, note) in outcomes_check(
            status=commitment.status, makers=list(makers), outcomes=outcomes
        ).items():
            kept = recorded.get(code)
            if note is None:  # not given: the recorded note stays with an unchanged outcome
                note = kept.note if kept is not None and kept.status == status else ""
            wanted[code] = (status, note)
        if wanted == {code: (o.status, o.note) for code, o in recorded.items()}:
            return _ordered(recorded)
        reason = _describe(wanted)
        for code, outcome in recorded.items():
            if code not in wanted:
                _history(outcome, by, reason)
                outcome.delete()
        for code, (status, note) in wanted.items():
            outcome = recorded.get(code) or CommitmentOutcome(commitment=commitment, party=makers[code])
            if outcome.pk is not None and (outcome.status, outcome.note) == (status, note):
                continue
            outcome.status, outcome.note = status, note
            outcome.recorded_by, outcome.recorded_at = by, now
            _history(outcome, by, reason)
            outcome.save()
            recorded[code] = outcome
        row_save(commitment, by, now, reason=reason)
        notify_activity(
            commitment,
            kind=NotificationKind.STATUS_CHANGED,
            occasion=f"outcomes:{commitment.version}",
            actor=by,
            now=now,
            message=f"{display_name(by)} recorded the parties' outcomes of “{commitment.title}”: "
            + (
                ", ".join(f"{code} {stored_label(status)}" for code, (status, _) in sorted(wanted.items())) or "cleared"
            ),
            note="\n".join(f"{code}: {note}" for code, (_, note) in sorted(wanted.items()) if note),
        )
        return _ordered({code: recorded[code] for code in wanted})


def outcomes_check(
    *, status: str, makers: Sequence[str], outcomes: Sequence[PartyOutcome]
) -> dict[str, tuple[str, str | None]]:
    """The outcomes by party code for a commitment with this `status` made by `makers` (party codes), or a
    WorkflowError under `outcomes` saying what would be accepted. (The CSV import asks it of every row before
    writing any; outcome_set asks it again under the lock.)"""
    if not outcomes:
        return {}
    if len(makers) < 2:
        raise WorkflowError(
            {
                "outcomes": [
                    gettext(
                        "Only a joint commitment has per-party outcomes: this one was made by one party, "
                        "and its status is that party's outcome."
                    )
                ]
            },
            code="outcomes_not_joint",
        )
    if status not in SCORED_STATUSES:
        raise WorkflowError(
            {
                "outcomes": [
                    gettext(
                        "The commitment is %(status)s: per-party outcomes are recorded once it is "
                        "closed as fulfilled, partially fulfilled or not fulfilled."
                    )
                    % {"status": label(status)}
                ]
            },
            code="outcomes_not_assessable",
        )
    problems: list[str] = []
    wanted: dict[str, tuple[str, str | None]] = {}
    for given in outcomes:
        if given.party not in makers:
            problems.append(
                gettext("%(party)s did not make this commitment; its parties are %(parties)s.")
                % {"party": given.party or gettext("(no party)"), "parties": ", ".join(sorted(makers))}
            )
        elif given.party in wanted:
            problems.append(gettext("%(party)s is named twice: give each party one outcome.") % {"party": given.party})
        if given.status not in SCORED_STATUSES:
            problems.append(
                gettext("%(status)r is not an outcome: choose fulfilled, partially_fulfilled or not_fulfilled.")
                % {"status": given.status}
            )
        wanted[given.party] = (given.status, None if given.note is None else given.note.strip())
    if problems:
        raise WorkflowError({"outcomes": problems}, code="invalid_outcomes")
    return wanted


def outcomes_clear(commitment: Commitment, by: Any, reason: str) -> int:
    """Remove every recorded party outcome of `commitment` (it was reopened); how many there were."""
    return _remove(commitment.outcomes.select_related("party"), by, reason)


def outcomes_prune(*, commitment: Commitment, by: Any) -> int:
    """After the makers of `commitment` changed: remove the outcomes of parties that no longer made it, or
    all of them when one party is left (its status is then its outcome). How many were removed."""
    makers = list(commitment.made_by.values_list("pk", flat=True))
    stale = commitment.outcomes.select_related("party")
    if len(makers) >= 2:
        stale = stale.exclude(party_id__in=makers)
    return _remove(stale, by, "The parties that made it changed")


def _remove(outcomes: Any, by: Any, reason: str) -> int:
    # One by one (a commitment has a few parties): each removal is a history row naming who and why.
    removed = 0
    for outcome in outcomes:
        _history(outcome, by, reason)
        outcome.delete()
        removed += 1
    return removed


def _history(outcome: CommitmentOutcome, by: Any, reason: str) -> None:
    outcome._history_user = by  # type: ignore[attr-defined]
    outcome._change_reason = reason[:100]  # type: ignore[attr-defined]


def _describe(wanted: dict[str, tuple[str, str]]) -> str:
    if not wanted:
        return "Per-party outcomes cleared: each party follows the status"
    return "Outcomes: " + ", ".join(
        f"{code} {stored_label(status).lower()}" for code, (status, _) in sorted(wanted.items())
    )


def _ordered(outcomes: dict[str, CommitmentOutcome]) -> list[CommitmentOutcome]:
    return [outcomes[code] for code in sorted(outcomes)]
