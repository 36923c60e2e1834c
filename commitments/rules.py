"""The reminder and schedule rules, side by side: overdue, stale, the occasions owed, the next check, urgency.

Pure functions of one commitment's values and `now`: no queries, no writes. The sweep applies them to
the rows it reads, the services to the row they save, and the selectors state the same overdue and
stale rules as set-based conditions (`selectors.overdue_q`, `stale_q`; tests hold the two equal).
Keeping them in one file keeps them from drifting: `next_check` must never be later than the next
occasion `occasions` would find (earlier only costs a wasted look).

The stored `next_check_at` (as healthchecks stores `alert_after`): every occasion the sweep acts on
begins at a moment known in advance — a local midnight (a due-soon offset, the due day, the first
overdue day and every N days after it, the escalation day), a multiple of the condition-check interval
after creation, or the moment a commitment goes stale. The sweep reads only rows whose `next_check_at`
has passed (a partial index), acts on them, then stores each one's next moment. Any change a person
makes (services) sets `next_check_at` to now, so the next sweep re-reads the row.
`test_sweep.py::test_the_schedule_never_misses_…` compares scheduled sweeps with sweeps over every
row, day after day.
"""

from __future__ import annotations

import functools
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from enum import IntEnum
from typing import Any, NamedTuple

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from common.numbers import count_format
from common.stored import stored_count, stored_date

from .models import Commitment, NotificationKind
from .workflow import CLOSED_STATUSES, TRACKED_STATUSES

# Strictly after: "stale" means the last activity is *more* than N days old.
_JUST_AFTER = timedelta(microseconds=1)

PENDING = Commitment.ConditionState.PENDING
_UNCONDITIONAL_OR_MET = ("", Commitment.ConditionState.MET)


@functools.lru_cache(maxsize=256)
def local_today(time_zone: str, now: datetime) -> date:
    """The calendar day it is at `now` on the clock of `time_zone`."""
    return now.astimezone(zoneinfo.ZoneInfo(time_zone)).date()


@functools.lru_cache(maxsize=4096)  # a sweep asks for the same few days in the same few zones
def _local_midnight(day: date, zone: zoneinfo.ZoneInfo) -> datetime:
    # A midnight that does not exist (a DST jump) resolves to the first instant of that day.
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


# --- overdue and stale ------------------------------------------------------------------------------


def is_overdue(*, status: str, condition_state: str, due_by: date | None, time_zone: str, now: datetime) -> bool:
    """Open and tracked, not waiting on a condition, and past the end of its due_by day in the desk's zone.

    The same rule as selectors.overdue_q."""
    if status not in TRACKED_STATUSES or due_by is None:
        return False
    if condition_state not in _UNCONDITIONAL_OR_MET:
        return False
    return local_today(time_zone, now) > due_by


def overdue_since(
    previous: datetime | None,
    *,
    status: str,
    condition_state: str,
    due_by: date | None,
    time_zone: str,
    now: datetime,
) -> datetime | None:
    """The overdue flag to store: kept while overdue, set to `now` when it becomes overdue, else cleared."""
    if not is_overdue(status=status, condition_state=condition_state, due_by=due_by, time_zone=time_zone, now=now):
        return None
    return previous or now


def is_stale(*, status: str, last_activity_at: datetime, now: datetime) -> bool:
    """Open with no update for PLEDGEBOOK_STALE_DAYS days. The same rule as selectors.stale_q."""
    return status in TRACKED_STATUSES and last_activity_at < now - timedelta(days=settings.PLEDGEBOOK_STALE_DAYS)


# --- the reminders owed ---------------------------------------------------------------------------


class Occasion(NamedTuple):
    """A reminder one commitment is owed: unique per (commitment, kind, occasion) once recorded."""

    commitment_id: int
    kind: str
    occasion: str
    message: str


def occasions(
    *,
    pk: int,
    status: str,
    due_by: date | None,
    condition_state: str,
    created_at: datetime,
    last_activity_at: datetime,
    time_zone: str,
    title: str,
    due_phrase: str,
    now: datetime,
    pending_since: datetime | None = None,
) -> list[Occasion]:
    """The reminders one commitment is owed at `now` (whether recorded already or not).

    Due soon at the nearest offset before due_by that applies (a commitment recorded five days before
    its deadline gets the 7-day reminder, not the 30-day one too), due today, overdue every N days from
    the day after due_by and an escalation after M days (the overdue rule), a condition check every K
    days from when a condition became pending (deadline reminders wait meanwhile), and a review once a
    commitment has had no update for S days (the stale rule).
    """
    if status not in TRACKED_STATUSES:
        return []
    today = local_today(time_zone, now)
    found: list[Occasion] = []
    pending = condition_state == PENDING
    if due_by is not None and not pending:
        days = (due_by - today).days
        offsets = sorted(settings.PLEDGEBOOK_REMINDER_OFFSETS)
        if 1 <= days <= offsets[-1]:
            # Occasions name the offset, so an earlier offset's reminder never blocks a later one.
            offset = next(o for o in offsets if o >= days)
            # Stored once for every reader: English words (as every message here), LANGUAGE_CODE's date form.
            day = stored_date(due_by)
            message = f"Due in {days} day{'s' if days != 1 else ''}: {title} ({due_phrase or 'by'} {day})"
            found.append(Occasion(pk, NotificationKind.DUE_SOON, f"{offset}:{due_by}", message))
        elif days == 0:
            found.append(Occasion(pk, NotificationKind.DUE_TODAY, str(today), f"Due today: {title}"))
    if due_by is not None and is_overdue(
        status=status, condition_state=condition_state, due_by=due_by, time_zone=time_zone, now=now
    ):
        days = (today - due_by).days
        number = (days - 1) // settings.PLEDGEBOOK_OVERDUE_REPEAT_DAYS
        message = f"Overdue by {stored_count(days)} day{'s' if days != 1 else ''}: {title}"
        found.append(Occasion(pk, NotificationKind.OVERDUE, f"{due_by}:{number}", message))
        if days >= settings.PLEDGEBOOK_ESCALATION_DAYS:
            message = f"Escalated, overdue by {stored_count(days)} days: {title}"
            found.append(Occasion(pk, NotificationKind.ESCALATION, f"{due_by}", message))
    every = settings.PLEDGEBOOK_CONDITION_CHECK_DAYS
    since = pending_since or created_at
    if pending and since <= now - timedelta(days=every):
        number = (now - since).days // every
        # The first pending spell (since creation) keeps the plain number it always had; a later one
        # names its start, so that its first check is not taken for the first spell's, already sent.
        key = str(number) if since == created_at else f"{since:%Y-%m-%dT%H:%M}:{number}"
        found.append(Occasion(pk, NotificationKind.CONDITION_CHECK, key, f"Has the condition been met? {title}"))
    if is_stale(status=status, last_activity_at=last_activity_at, now=now):
        message = f"No update for {settings.PLEDGEBOOK_STALE_DAYS}+ days: {title}"
        found.append(Occasion(pk, NotificationKind.STALE, f"{last_activity_at:%Y-%m-%d}", message))
    return found


# --- the next check ---------------------------------------------------------------------------------


def next_check(
    *,
    status: str,
    due_by: date | None,
    condition_state: str,
    created_at: datetime,
    last_activity_at: datetime,
    time_zone: str,
    now: datetime,
    pending_since: datetime | None = None,
) -> datetime | None:
    """The first moment after `now` at which the sweep may owe this commitment something, or None."""
    if status not in TRACKED_STATUSES:
        return None  # closed or draft: nothing is owed until someone changes it
    zone = zoneinfo.ZoneInfo(time_zone)
    today = local_today(time_zone, now)
    moments: list[datetime] = []
    pending = condition_state == PENDING
    if due_by is not None and not pending:
        days = [due_by - timedelta(days=offset) for offset in settings.PLEDGEBOOK_REMINDER_OFFSETS]
        days += [due_by, due_by + timedelta(days=1)]  # due today; overdue (flag and first reminder)
        overdue_days = (today - due_by).days
        if overdue_days >= 1:
            every = settings.PLEDGEBOOK_OVERDUE_REPEAT_DAYS
            days.append(due_by + timedelta(days=1 + every * ((overdue_days - 1) // every + 1)))
            days.append(due_by + timedelta(days=settings.PLEDGEBOOK_ESCALATION_DAYS))
        future = [day for day in days if day > today]
        if future:
            moments.append(_local_midnight(min(future), zone))
    if pending:
        every = settings.PLEDGEBOOK_CONDITION_CHECK_DAYS
        since = pending_since or created_at  # counted from when the condition became pending
        moments.append(since + timedelta(days=every * ((now - since).days // every + 1)))
    stale_from = last_activity_at + timedelta(days=settings.PLEDGEBOOK_STALE_DAYS) + _JUST_AFTER
    if stale_from > now:
        moments.append(stale_from)
    return min(moments) if moments else None


# --- urgency: what needs doing first ------------------------------------------------------------------


class Band(IntEnum):
    """How urgent a commitment is, most urgent first: the dashboard's sections and the order of its rows."""

    OVERDUE = 0
    DUE_SOON = 1  # due today or within DUE_SOON_DAYS
    CONDITION = 2  # waiting on a condition: someone should check whether it has been met
    STALE = 3
    OPEN = 4  # tracked, nothing asks for attention yet
    DRAFT = 5  # proposed by an import, not yet accepted for tracking
    CLOSED = 6


DUE_SOON_DAYS = 7

ACTION_UPDATE_OR_CLOSE = _("update or close")
ACTION_CHECK_CONDITION = _("check condition")
ACTION_REVIEW = _("review")
ACTION_REVIEW_DRAFT = _("review the draft")
ACTION_ASSIGN = _("assign an owner")
ACTION_NONE = _("nothing due yet")

_ACTIONS = {
    Band.OVERDUE: ACTION_UPDATE_OR_CLOSE,
    Band.DUE_SOON: ACTION_UPDATE_OR_CLOSE,
    Band.CONDITION: ACTION_CHECK_CONDITION,
    Band.STALE: ACTION_REVIEW,
    Band.OPEN: ACTION_NONE,
    Band.DRAFT: ACTION_REVIEW_DRAFT,
    Band.CLOSED: "",
}


def due_within_words(days: int) -> str:
    """The heading "Due within 7 days" over the commitments due that soon (the dashboard's section, the
    list's urgency filter, the brief's group), in the active language."""
    return ngettext("Due within %(days)s day", "Due within %(days)s days", days) % {"days": count_format(days)}


# Each band by name, as the dashboard's sections and the list's urgency filter both call it (one table, so the
# two never read differently). Lazy: put in words when shown, in the reader's language.
BAND_LABELS: dict[Band, Any] = {
    Band.OVERDUE: _("Overdue"),
    Band.DUE_SOON: lazy(lambda: due_within_words(DUE_SOON_DAYS), str)(),
    Band.CONDITION: _("Conditions to check"),
    Band.STALE: _("Stale: no update for a long time"),
    Band.OPEN: _("Nothing due yet"),
}


class Urgency(NamedTuple):
    band: Band
    words: str  # the deadline in words: "overdue by 12 days", "due in 3 days", "no deadline", …
    action: str  # what the owner should do next, in words ("" for a closed one)
    days: int  # days overdue (OVERDUE) or days left (DUE_SOON and later bands with a deadline); else 0


def overdue_words(days: int) -> str:
    """The words "overdue by 9,465 days" in the active language: the list, the dashboard, the commitment
    page and the brief all say it with this one function (templates through `pb_words`)."""
    # Whole phrases with a placeholder, not words glued around a number: Japanese puts the number elsewhere.
    # The count grouped as the reader's language groups digits: the Brunei promises are over 9,000 days late by 2026.
    return ngettext("overdue by %(days)s day", "overdue by %(days)s days", days) % {"days": count_format(days)}


def due_in_words(days: int) -> str:
    """The words "due in 3 days" in the active language (as overdue_words)."""
    return ngettext("due in %(days)s day", "due in %(days)s days", days) % {"days": count_format(days)}


def urgency(
    *,
    status: str,
    condition_state: str,
    due_by: date | None,
    last_activity_at: datetime,
    time_zone: str,
    now: datetime,
    has_active_owner: bool = True,
) -> Urgency:
    """How urgent one commitment is at `now`, its deadline in words and the next thing to do.

    The bands, most urgent first: overdue (the overdue rule: past the end of due_by in the desk's zone,
    not waiting on a condition), due today or within DUE_SOON_DAYS, condition pending (its deadline is
    suspended, as the reminders treat it), stale (the stale rule), the rest of the tracked ones; then
    drafts, then closed ones. Nobody active owning a tracked commitment makes "assign an owner" its next
    action whatever its band: until someone owns it, no reminder reaches anyone. The same bands as
    selectors.urgency_band_q (tests hold the two equal)."""
    if status in CLOSED_STATUSES:
        return Urgency(Band.CLOSED, gettext("closed"), "", 0)
    if status not in TRACKED_STATUSES:
        return Urgency(Band.DRAFT, gettext("draft, not yet tracked"), str(_ACTIONS[Band.DRAFT]), 0)
    today = local_today(time_zone, now)
    left = (due_by - today).days if due_by is not None else 0
    if condition_state == PENDING:
        band, words = Band.CONDITION, gettext("condition pending")
    elif is_overdue(status=status, condition_state=condition_state, due_by=due_by, time_zone=time_zone, now=now):
        band, words = Band.OVERDUE, overdue_words(-left)
    else:
        if due_by is None:
            words = gettext("no deadline")
        elif left == 0:
            words = gettext("due today")
        else:
            words = due_in_words(left)
        if due_by is not None and left <= DUE_SOON_DAYS:
            band = Band.DUE_SOON
        elif is_stale(status=status, last_activity_at=last_activity_at, now=now):
            band = Band.STALE
        else:
            band = Band.OPEN
    # Evaluated now, in the language of the page or email being written.
    action = str(_ACTIONS[band] if has_active_owner else ACTION_ASSIGN)
    return Urgency(band, words, action, -left if band == Band.OVERDUE else left)
