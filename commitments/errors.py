"""What a write can refuse: the workflow's refusals (with the statuses allowed instead) and edit conflicts.

Raised by the services; the admin shows them on the form, the API turns them into 409 and 412.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError

from .workflow import Status, allowed_next, label


class WorkflowError(ValidationError):
    """A change the workflow refuses; the message says what would be accepted instead."""

    def __init__(self, message: Any, code: str | None = None, params: Any = None) -> None:
        super().__init__(message, code, params)
        # Django drops `code` for a dict of field errors; the API reports it either way.
        self.workflow_code = code or "invalid"


class TransitionNotAllowed(WorkflowError):
    def __init__(self, from_status: str, to_status: str, *, conditional: bool) -> None:
        self.from_status = from_status
        self.to_status = to_status
        self.allowed = allowed_next(from_status, conditional=conditional)
        allowed_text = ", ".join(label(s) for s in self.allowed) or "none"
        why = (
            " Only a conditional commitment can lapse, when its condition fails." if to_status == Status.LAPSED else ""
        )
        super().__init__(
            f"A commitment that is {label(from_status)} cannot become {label(to_status)}.{why} "
            f"Allowed next: {allowed_text}.",
            code="transition_not_allowed",
        )


@dataclass
class VersionConflict(Exception):
    """Someone saved the commitment after the caller loaded it."""

    commitment_id: int
    expected_version: int
    current_version: int
    changed_by: str
    changed_at: datetime | None

    def __str__(self) -> str:
        when = f" at {self.changed_at:%-d %b %Y %H:%M %Z}" if self.changed_at else ""
        return (
            f"This commitment was changed by {self.changed_by}{when} after you opened it "
            f"(you had version {self.expected_version}, it is now version {self.current_version}). "
            "Nothing of yours was saved. Reload it to see their change, then apply yours again."
        )
