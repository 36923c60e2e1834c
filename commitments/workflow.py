"""The status workflow: one table, read by the transition service and by every interface.

Nothing else in the code base decides which status may follow which. The admin's transition form,
the API and the importer ask `allowed_next()` and the service enforces the same answer.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from common.stored import stored_language


class Status(models.TextChoices):
    # open
    DRAFT = "draft", _("Draft")
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    STALLED = "stalled", _("Stalled")
    # closed
    FULFILLED = "fulfilled", _("Fulfilled")
    PARTIALLY_FULFILLED = "partially_fulfilled", _("Partially fulfilled")
    NOT_FULFILLED = "not_fulfilled", _("Not fulfilled")
    LAPSED = "lapsed", _("Lapsed (condition failed)")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SUPERSEDED = "superseded", _("Superseded")


class ConditionState(models.TextChoices):
    NONE = "", "—"
    PENDING = "pending", _("Pending")
    MET = "met", _("Met")
    FAILED = "failed", _("Failed")


def condition_state_for(*, text: str, state: str, previous_text: str | None = None) -> str:
    """A condition's state once its text is written; `previous_text` is the stored text of an edited one.

    A new condition is pending; an edit that removes the condition removes its state; otherwise the
    state stays as it was — met, failed and pending again are recorded by services.condition_set_state.
    (Without a previous text — a new commitment, or a form's own validation — a state with no condition
    is kept, for the validation to refuse.)"""
    if not text.strip():
        return state if previous_text is None else ConditionState.NONE
    if previous_text is not None and not previous_text.strip():
        return ConditionState.PENDING
    return state or ConditionState.PENDING


OPEN_STATUSES: frozenset[str] = frozenset({Status.DRAFT, Status.NOT_STARTED, Status.IN_PROGRESS, Status.STALLED})
CLOSED_STATUSES: frozenset[str] = frozenset(Status.values) - OPEN_STATUSES
# Open statuses whose deadline is being followed (a draft is not yet accepted for tracking).
TRACKED_STATUSES: frozenset[str] = OPEN_STATUSES - {Status.DRAFT}
# The closed statuses that say how far a promise was kept: the ones compliance scores, and the only ones a
# party of a joint commitment may have as its own outcome (lapsed, withdrawn and superseded judge nobody).
SCORED_STATUSES: tuple[str, ...] = (Status.FULFILLED, Status.PARTIALLY_FULFILLED, Status.NOT_FULFILLED)

_OUTCOMES = {
    Status.FULFILLED,
    Status.PARTIALLY_FULFILLED,
    Status.NOT_FULFILLED,
    Status.LAPSED,
    Status.WITHDRAWN,
    Status.SUPERSEDED,
}

# from -> allowed to. Reopening (closed -> open) is in the table too; who may do it is the policy's
# business (supervisors, with a reason), not the table's.
TRANSITIONS: dict[str, frozenset[str]] = {
    # Accepting a draft starts tracking. Rejecting one is not a transition: the draft is discarded
    # (services.draft_reject), kept only on its meeting's review page.
    Status.DRAFT: frozenset({Status.NOT_STARTED}),
    Status.NOT_STARTED: frozenset({Status.IN_PROGRESS, Status.STALLED, *_OUTCOMES}),
    Status.IN_PROGRESS: frozenset({Status.STALLED, *_OUTCOMES}),
    Status.STALLED: frozenset({Status.IN_PROGRESS, *_OUTCOMES}),
    **{closed: frozenset({Status.NOT_STARTED, Status.IN_PROGRESS}) for closed in _OUTCOMES},
}

# Display order and badge colours, shared by the admin list and the commitment page.
STATUS_COLOURS: dict[str, str] = {
    Status.DRAFT: "#6b7280",
    Status.NOT_STARTED: "#2563eb",
    Status.IN_PROGRESS: "#0891b2",
    Status.STALLED: "#b45309",
    Status.FULFILLED: "#15803d",
    Status.PARTIALLY_FULFILLED: "#65a30d",
    Status.NOT_FULFILLED: "#b91c1c",
    Status.LAPSED: "#7c3aed",
    Status.WITHDRAWN: "#4b5563",
    Status.SUPERSEDED: "#4b5563",
}


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


def is_closed(status: str) -> bool:
    return status in CLOSED_STATUSES


def is_reopening(from_status: str, to_status: str) -> bool:
    return from_status in CLOSED_STATUSES and to_status in OPEN_STATUSES


def allowed_next(status: str, *, conditional: bool) -> list[str]:
    """The statuses that may follow `status`, in the table's display order.

    Only a conditional commitment can lapse (its condition failed); for any other, lapsed is not next.
    """
    allowed = TRANSITIONS.get(status, frozenset())
    return [value for value in Status.values if value in allowed and (conditional or value != Status.LAPSED)]


@functools.cache
def _labels(language: str) -> dict[str, str]:
    with translation.override(language):
        return {status.value: str(status.label) for status in Status}


def labels() -> dict[str, str]:
    """Every status's name in the active language, in the workflow's order. Translated once per language: a
    list page or a report names hundreds of statuses, and translating a lazy label looks the message up in the
    catalogues every time."""
    return _labels(translation.get_language() or settings.LANGUAGE_CODE)


def label(status: str) -> str:
    """The status's name in the active language (labels())."""
    return labels().get(status, status)


def stored_label(status: str) -> str:
    """The status's name in LANGUAGE_CODE, whatever the request's language: for text that is stored once and
    read by several people (a notification's message), not for a page."""
    with stored_language():
        return label(status)


def refusal(from_status: str, to_status: str, *, choosable: list[str], conditional: bool) -> str:
    """Why `to_status` cannot follow `from_status` for this user, and what can: the words a refused (or
    tampered) transition gets. `choosable` is what the user may choose now (the table and their rights)."""
    words = {
        "wanted": label(to_status),
        "from": label(from_status),
        "options": translation.pgettext("list separator", ", ").join(label(s) for s in choosable),
    }
    # Whole sentences per case, so a language can order them its own way.
    if to_status not in Status.values:
        sentence = (
            translation.gettext(
                "“%(wanted)s” is not a status and cannot be chosen now: from %(from)s you may choose %(options)s."
            )
            if choosable
            else translation.gettext(
                "“%(wanted)s” is not a status and cannot be chosen now: from %(from)s you may choose nothing."
            )
        )
    else:
        sentence = (
            translation.gettext("“%(wanted)s” cannot be chosen now: from %(from)s you may choose %(options)s.")
            if choosable
            else translation.gettext("“%(wanted)s” cannot be chosen now: from %(from)s you may choose nothing.")
        )
    why = (
        " " + translation.gettext("Only a conditional commitment can lapse, when its condition fails.")
        if to_status == Status.LAPSED and not conditional
        else ""
    )
    return sentence % words + why
