"""What a write can refuse: the workflow's refusals (with the statuses allowed instead) and edit conflicts.

Raised by the services; the admin shows them on the form, the API turns them into 409 and 412.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext

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
        allowed_text = pgettext("list separator", ", ").join(label(s) for s in self.allowed) or gettext("none")
        words = {"from": label(from_status), "to": label(to_status), "allowed": allowed_text}
        # Whole sentences, so a language can order them its own way.
        message = (
            gettext(
                "A commitment that is %(from)s cannot become %(to)s. Only a conditional commitment can lapse, "
                "when its condition fails. Allowed next: %(allowed)s."
            )
            if to_status == Status.LAPSED
            else gettext("A commitment that is %(from)s cannot become %(to)s. Allowed next: %(allowed)s.")
        )
        super().__init__(message % words, code="transition_not_allowed")


@dataclass
class VersionConflict(Exception):
    """Someone saved the commitment after the caller loaded it."""

    commitment_id: int
    expected_version: int
    current_version: int
    changed_by: str
    changed_at: datetime | None

    def __str__(self) -> str:
        words = {"who": self.changed_by, "had": self.expected_version, "now": self.current_version}
        if self.changed_at:
            words["when"] = f"{date_format(self.changed_at, 'DATETIME_FORMAT')} {self.changed_at:%Z}"
            changed = gettext(
                "This commitment was changed by %(who)s at %(when)s after you opened it "
                "(you had version %(had)s, it is now version %(now)s)."
            )
        else:
            changed = gettext(
                "This commitment was changed by %(who)s after you opened it "
                "(you had version %(had)s, it is now version %(now)s)."
            )
        then = gettext("Nothing of yours was saved. Reload it to see their change, then apply yours again.")
        return f"{changed % words} {then}"
