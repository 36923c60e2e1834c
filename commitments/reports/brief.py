"""The brief before a meeting: what each side promised the other, and what is still open.

For our side (`PLEDGEBOOK_HOME_PARTY` unless named) and a counterpart — one party, or the parties of a
planned meeting besides ours — the tracked commitments between the two, in three groups: what we promised
them, what they promised us, what we promised together. Open ones come overdue first (longest overdue
first), then due soon (soonest first), then those waiting on a condition, then the rest; the ones closed in
the last twelve months follow, kept or not, with the on-time flags of a fulfilment.

"Between the two": a commitment made by both sides is joint, whoever it is owed to. One made by one side
only counts when it is owed to the other: its counterparty is the other side, or it names no counterparty
and the other side took part in the meeting where it was made. A promise to a third party (its
counterparty says so) is left out even if the counterpart was in the room.

Drafts are not commitments (a rejected one is deleted, an undecided one not yet tracked): never listed.
Every role reads everything (policy.can_view), so the brief shows what the commitment list shows.

Overdue is the one rule of rules.py (through selectors.commitment_is_overdue), judged on each desk's own
clock; "due soon" is the horizon of the first due-soon reminder (the largest of
PLEDGEBOOK_REMINDER_OFFSETS), on the same clock; a pending condition suspends the deadline, as it
suspends the reminders. Reading costs a fixed number of queries whatever the number of rows: the subject
(two or three), the commitments with their meeting, desk and owner, their makers, and the latest update,
status change and deadline move of each (one window query each).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from summits.models import Party, Summit

from ..models import Commitment, DeadlineChange, StatusChange, Update
from ..rules import due_within_words, local_today
from ..selectors import commitment_days_overdue, commitment_is_overdue, display_name
from ..workflow import CLOSED_STATUSES, STATUS_COLOURS, TRACKED_STATUSES, Status
from ..workflow import label as status_label

# The sides, in the order the brief shows them.
OURS, THEIRS, JOINT = "ours", "theirs", "joint"
SIDES = (OURS, THEIRS, JOINT)

# Where an open commitment stands, in the order the brief lists them.
OVERDUE, DUE_SOON, CONDITION_PENDING, OTHER = "overdue", "due_soon", "condition_pending", "other"
ATTENTION = (OVERDUE, DUE_SOON, CONDITION_PENDING, OTHER)

# How far back closed commitments are shown: the last twelve months.
CLOSED_WINDOW_DAYS = 365

# Whether a closed commitment was kept, in the brief's plain words.
KEPT, PARTLY_KEPT, NOT_KEPT, NO_LONGER_OWED = "kept", "partly_kept", "not_kept", "no_longer_owed"
OUTCOMES: dict[str, str] = {
    Status.FULFILLED: KEPT,
    Status.PARTIALLY_FULFILLED: PARTLY_KEPT,
    Status.NOT_FULFILLED: NOT_KEPT,
    Status.LAPSED: NO_LONGER_OWED,
    Status.WITHDRAWN: NO_LONGER_OWED,
    Status.SUPERSEDED: NO_LONGER_OWED,
}
OUTCOME_LABELS = {
    KEPT: gettext_lazy("Kept"),
    PARTLY_KEPT: gettext_lazy("Partly kept"),
    NOT_KEPT: gettext_lazy("Not kept"),
    NO_LONGER_OWED: gettext_lazy("No longer owed"),
}

_CODE_MAX = Party._meta.get_field("code").max_length or 16
_ID_MAX = 2**63 - 1


def due_soon_days() -> int:
    """The brief's "due soon": as far ahead as the first due-soon reminder looks (30 days by default)."""
    return max(settings.PLEDGEBOOK_REMINDER_OFFSETS)


# --- who the brief is about ------------------------------------------------------------------------


@dataclass(frozen=True)
class BriefSubject:
    home: Party
    counterparts: list[Party]
    meeting: Summit | None = None


class BriefRefused(Exception):
    """The request names no counterpart the brief can be about; `fields` says which value and why."""

    def __init__(self, code: str, fields: dict[str, list[str]]) -> None:
        self.code = code
        self.fields = fields
        super().__init__(" ".join(message for messages in fields.values() for message in messages))


def _listable(code: str) -> bool:
    # A code the column cannot hold (too long, or a NUL that PostgreSQL refuses) names no party:
    # answered without asking the database.
    return 0 < len(code) <= _CODE_MAX and "\x00" not in code


def _pick(parties: list[Party], code: str) -> Party | None:
    """The party with exactly this code, else the only one whose code matches ignoring case."""
    exact = [p for p in parties if p.code == code]
    if exact:
        return exact[0]
    loose = [p for p in parties if p.code.upper() == code.upper()]
    return loose[0] if len(loose) == 1 else None


def _names(parties: list[Party]) -> str:
    names = [p.name for p in parties]
    if len(names) == 1:
        return names[0]
    return gettext("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def brief_subject(*, party: str = "", home: str = "", meeting: str = "") -> BriefSubject:
    """Our side and the counterpart from what a person or a client typed (party codes, a meeting's id).

    `home` defaults to PLEDGEBOOK_HOME_PARTY. With `meeting` alone, the counterpart is every party of
    that meeting but ours; with `party` as well, that party, which must have taken part. Raises
    BriefRefused, saying what to send instead, for an unknown code or id or a counterpart that is us.
    """
    party, meeting = party.strip(), meeting.strip()
    home_given = home.strip()
    home_code = home_given or settings.PLEDGEBOOK_HOME_PARTY
    if not party and not meeting:
        raise BriefRefused(
            "counterpart_required",
            {
                "party": [
                    gettext("Name the counterpart: a party's code (party=RUS) or a planned meeting's id (meeting=12).")
                ]
            },
        )
    wanted = [value for value in (party, home_code) if _listable(value)]
    query = Q(pk__in=[])
    for value in wanted:
        query |= Q(code__iexact=value)
    found = list(Party.objects.filter(query)) if wanted else []
    refusals: list[tuple[str, str, str]] = []  # (field, code, message); the first one's code is the answer's
    us = _pick(found, home_code) if _listable(home_code) else None
    if us is None:
        refusals.append(
            (
                "home",
                "unknown_party",
                gettext("No party has the code “%(code)s”: the parties are listed at /api/v1/parties/.")
                % {"code": home_code}
                if home_given
                else gettext(
                    "Our side, PLEDGEBOOK_HOME_PARTY=%(code)s, is not a party recorded in Pledgebook: add it "
                    "under Parties, or name our side (home=<code>)."
                )
                % {"code": home_code},
            )
        )
    them = None
    if party:
        them = _pick(found, party) if _listable(party) else None
        if them is None:
            message = gettext("No party has the code “%(code)s”: the parties are listed at /api/v1/parties/.") % {
                "code": party
            }
            refusals.append(("party", "unknown_party", message))
        elif us is not None and them.pk == us.pk:
            refusals.append(
                (
                    "party",
                    "counterpart_is_us",
                    gettext("%(code)s is our own side: name the other party.") % {"code": them.code},
                )
            )
    summit = None
    if meeting:
        # ASCII digits only: "²" is a digit to str.isdigit but not to int().
        if meeting.isascii() and meeting.isdigit() and 0 < int(meeting) <= _ID_MAX:
            summit = Summit.objects.defer("source_text").prefetch_related("parties").filter(pk=int(meeting)).first()
        if summit is None:
            message = gettext("No meeting has the id “%(id)s”: the meetings are listed at /api/v1/summits/.") % {
                "id": meeting
            }
            refusals.append(("meeting", "unknown_meeting", message))
    if refusals:
        fields: dict[str, list[str]] = {}
        for name, _, message in refusals:
            fields.setdefault(name, []).append(message)
        raise BriefRefused(refusals[0][1], fields)
    assert us is not None
    if summit is None:
        assert them is not None
        return BriefSubject(home=us, counterparts=[them])
    present = [p for p in summit.parties.all() if p.pk != us.pk]
    if them is not None:
        if them.pk not in {p.pk for p in present}:
            raise BriefRefused(
                "not_at_meeting",
                {
                    "party": [
                        gettext("%(party)s is not a party of “%(title)s”: name one of its parties, or no party.")
                        % {"party": them.name, "title": summit.title}
                    ]
                },
            )
        return BriefSubject(home=us, counterparts=[them], meeting=summit)
    if not present:
        raise BriefRefused(
            "no_counterpart",
            {
                "meeting": [
                    gettext("“%(title)s” names no party besides %(us)s: name the counterpart (party=<code>).")
                    % {"title": summit.title, "us": us.name}
                ]
            },
        )
    return BriefSubject(home=us, counterparts=present, meeting=summit)


# --- what the brief lists ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LastUpdate:
    """The latest progress note, status change or deadline move of a commitment."""

    kind: str  # "update", "status_change" or "deadline_move"
    at: datetime
    text: str
    by: str
    evidence_url: str = ""
    to_status: str = ""  # a status change's new status
    occurred_on: date | None = None  # a status change's day it happened
    new_due_by: date | None = None  # a deadline move's new last day
    by_nobody: bool = False  # recorded by an import or a task: `by` is display_name's stored "the system"

    @property
    def by_words(self) -> str:
        """Who, for a person reading the page: "the system" in the reader's language (`by` stays as the API
        gives it)."""
        return gettext("the system") if self.by_nobody else self.by

    @property
    def summary(self) -> str:
        """One line for a person: what changed, then the note."""
        if self.kind == "status_change":
            head = gettext("Now %(status)s") % {"status": status_label(self.to_status).lower()}
        elif self.kind == "deadline_move":
            head = (
                gettext("Deadline moved to %(date)s") % {"date": date_format(self.new_due_by)}
                if self.new_due_by
                else gettext("Deadline removed")
            )
        else:
            head = ""
        return gettext(": ").join(part for part in (head, self.text) if part)


@dataclass
class BriefItem:
    commitment: Commitment
    side: str
    attention: str  # one of ATTENTION for an open commitment; "" for a closed one
    days_overdue: int | None
    days_left: int | None  # until due_by on the desk's clock, for an open one with a deadline not passed
    last_update: LastUpdate | None

    @property
    def made_by(self) -> list[str]:
        return [p.code for p in self.commitment.made_by.all()]

    @property
    def counterparty_code(self) -> str | None:
        counterparty = self.commitment.counterparty
        return counterparty.code if counterparty is not None else None

    @property
    def deadline_moved(self) -> bool:
        c = self.commitment
        return c.original_due_by is not None and c.original_due_by != c.due_by

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS[self.commitment.status]

    @property
    def outcome(self) -> str:
        return OUTCOMES.get(self.commitment.status, "")

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS.get(self.outcome, ""))

    @property
    def owner_name(self) -> str:
        owner = self.commitment.owner
        return display_name(owner) if owner is not None else ""

    @property
    def owner_inactive(self) -> bool:
        owner = self.commitment.owner
        return owner is None or not owner.is_active


@dataclass
class BriefGroup:
    attention: str
    label: str
    items: list[BriefItem]


@dataclass
class BriefSide:
    key: str
    label: str
    open: list[BriefItem] = field(default_factory=list)
    closed: list[BriefItem] = field(default_factory=list)

    def count(self, attention: str) -> int:
        return sum(1 for item in self.open if item.attention == attention)

    @property
    def overdue_count(self) -> int:
        return self.count(OVERDUE)

    @property
    def due_soon_count(self) -> int:
        return self.count(DUE_SOON)

    @property
    def condition_pending_count(self) -> int:
        return self.count(CONDITION_PENDING)

    @property
    def groups(self) -> list[BriefGroup]:
        """The open commitments in their groups (empty groups left out), for a page."""
        labels = {
            OVERDUE: gettext("Overdue"),
            DUE_SOON: due_within_words(due_soon_days()),
            CONDITION_PENDING: gettext("Waiting on a condition"),
            OTHER: gettext("Later or with no deadline"),
        }
        groups = [BriefGroup(a, labels[a], [i for i in self.open if i.attention == a]) for a in ATTENTION]
        return [group for group in groups if group.items]

    @property
    def closed_kept(self) -> int:
        return sum(1 for item in self.closed if item.outcome == KEPT)

    @property
    def closed_not_kept(self) -> int:
        return sum(1 for item in self.closed if item.outcome == NOT_KEPT)


@dataclass
class Brief:
    subject: BriefSubject
    now: datetime
    as_of: date  # today in the ministry's zone (each row's overdue and days are on its desk's clock)
    closed_since: date
    due_soon_days: int
    sides: list[BriefSide]

    @property
    def title(self) -> str:
        them = _names(self.subject.counterparts)
        if self.subject.meeting is not None:
            return gettext("Brief for %(meeting)s: %(us)s and %(them)s") % {
                "meeting": self.subject.meeting.title,
                "us": self.subject.home.name,
                "them": them,
            }
        return gettext("Brief: %(us)s and %(them)s") % {"us": self.subject.home.name, "them": them}

    @property
    def closed_count(self) -> int:
        return sum(len(side.closed) for side in self.sides)


def _side_labels(subject: BriefSubject) -> dict[str, str]:
    us, them = subject.home.name, _names(subject.counterparts)
    return {
        OURS: gettext("What %(us)s promised %(them)s") % {"us": us, "them": them},
        THEIRS: gettext("What %(them)s promised %(us)s") % {"us": us, "them": them},
        JOINT: gettext("What %(us)s and %(them)s promised together") % {"us": us, "them": them},
    }


def brief_commitments(subject: BriefSubject, *, closed_since: date) -> QuerySet[Commitment]:
    """The tracked commitments between the two sides: open ones, and those closed on or after
    `closed_since`; each annotated with `by_us` and `by_them` (who made it), in no particular order."""
    us = subject.home.pk
    them = [p.pk for p in subject.counterparts]
    made_by = Commitment.made_by.through.objects
    attended = Summit.parties.through.objects
    return (
        Commitment.objects.annotate(
            by_us=Exists(made_by.filter(commitment_id=OuterRef("pk"), party_id=us)),
            by_them=Exists(made_by.filter(commitment_id=OuterRef("pk"), party_id__in=them)),
            us_present=Exists(attended.filter(summit_id=OuterRef("summit_id"), party_id=us)),
            them_present=Exists(attended.filter(summit_id=OuterRef("summit_id"), party_id__in=them)),
        )
        .filter(
            Q(by_us=True, by_them=True)
            | (
                Q(by_us=True, by_them=False)
                & (Q(counterparty_id__in=them) | Q(counterparty__isnull=True, them_present=True))
            )
            | (Q(by_us=False, by_them=True) & (Q(counterparty_id=us) | Q(counterparty__isnull=True, us_present=True)))
        )
        # Never a draft: tracked (open) ones, and the closed ones of the window.
        .filter(Q(status__in=TRACKED_STATUSES) | Q(status__in=CLOSED_STATUSES, closed_on__gte=closed_since))
        .select_related("summit", "desk", "owner", "counterparty")
        # The meeting's record can be long and the brief shows only its title and day.
        .defer("summit__source_text", "summit__summary_points")
        .prefetch_related("made_by")
    )


def _latest(queryset: QuerySet[Any], time_field: str, ids: list[int]) -> dict[int, Any]:
    """The newest row per commitment among `ids` (one query: a window ranks each commitment's rows)."""
    if not ids:
        return {}
    ranked = queryset.filter(commitment_id__in=ids).annotate(
        rank=Window(RowNumber(), partition_by=[F("commitment_id")], order_by=[F(time_field).desc(), F("pk").desc()])
    )
    return {row.commitment_id: row for row in ranked.filter(rank=1)}


def last_updates(ids: list[int]) -> dict[int, LastUpdate]:
    """Each commitment's latest update, status change or deadline move — what "stale" is measured from —
    in three queries whatever the number of commitments."""
    notes = _latest(Update.objects.select_related("author"), "created_at", ids)
    # The first row of a commitment records its creation, not a change: "" → not started or draft.
    changes = _latest(StatusChange.objects.exclude(from_status="").select_related("by"), "recorded_at", ids)
    moves = _latest(DeadlineChange.objects.select_related("by"), "recorded_at", ids)
    result: dict[int, LastUpdate] = {}
    for pk in ids:
        candidates: list[LastUpdate] = []
        if (note := notes.get(pk)) is not None:
            candidates.append(
                LastUpdate(
                    "update",
                    note.created_at,
                    note.note,
                    display_name(note.author),
                    note.evidence_url,
                    by_nobody=note.author_id is None,
                )
            )
        if (change := changes.get(pk)) is not None:
            candidates.append(
                LastUpdate(
                    "status_change",
                    change.recorded_at,
                    change.note,
                    display_name(change.by),
                    change.evidence_url,
                    to_status=change.to_status,
                    occurred_on=change.occurred_on,
                    by_nobody=change.by_id is None,
                )
            )
        if (move := moves.get(pk)) is not None:
            candidates.append(
                LastUpdate(
                    "deadline_move",
                    move.recorded_at,
                    move.reason,
                    display_name(move.by),
                    new_due_by=move.new_due_by,
                    by_nobody=move.by_id is None,
                )
            )
        if candidates:
            result[pk] = max(candidates, key=lambda candidate: candidate.at)
    return result


def _standing(commitment: Commitment, now: datetime, soon: int) -> tuple[str, int | None, int | None]:
    """Where an open commitment stands: (attention, days overdue, days left), on its desk's clock."""
    if commitment_is_overdue(commitment, now):
        return OVERDUE, commitment_days_overdue(commitment, now), None
    days_left = None
    if commitment.due_by is not None:
        days_left = (commitment.due_by - local_today(commitment.desk.time_zone, now)).days
    # A pending condition suspends the deadline (no due-soon reminder either): it is not "due soon".
    if commitment.condition_state == Commitment.ConditionState.PENDING:
        return CONDITION_PENDING, None, days_left
    if days_left is not None and days_left <= soon:
        return DUE_SOON, None, days_left
    return OTHER, None, days_left


def _open_order(item: BriefItem) -> tuple[Any, ...]:
    c = item.commitment
    rank = ATTENTION.index(item.attention)
    if item.attention == OVERDUE:
        return (rank, -(item.days_overdue or 0), c.pk)  # longest overdue first
    if item.attention == DUE_SOON:
        return (rank, item.days_left, c.pk)  # soonest first
    # Waiting on a condition, and the rest: dated ones by deadline, then open-ended ones by meeting.
    return (rank, c.due_by is None, c.due_by or date.min, c.summit.starts_at, c.pk)


def brief_get(subject: BriefSubject, *, now: datetime) -> Brief:
    """The brief as of `now`."""
    as_of = timezone.localdate(now)
    closed_since = as_of - timedelta(days=CLOSED_WINDOW_DAYS)
    soon = due_soon_days()
    commitments = list(brief_commitments(subject, closed_since=closed_since))
    updates = last_updates([c.pk for c in commitments])
    labels = _side_labels(subject)
    sides = {key: BriefSide(key, labels[key]) for key in SIDES}
    for commitment in commitments:
        by_us, by_them = getattr(commitment, "by_us", False), getattr(commitment, "by_them", False)
        side = JOINT if by_us and by_them else OURS if by_us else THEIRS
        if commitment.status in TRACKED_STATUSES:
            attention, days_overdue, days_left = _standing(commitment, now, soon)
            item = BriefItem(commitment, side, attention, days_overdue, days_left, updates.get(commitment.pk))
            sides[side].open.append(item)
        else:
            sides[side].closed.append(BriefItem(commitment, side, "", None, None, updates.get(commitment.pk)))
    for brief_side in sides.values():
        brief_side.open.sort(key=_open_order)
        brief_side.closed.sort(
            key=lambda item: (item.commitment.closed_on or date.min, item.commitment.pk), reverse=True
        )
    return Brief(
        subject=subject,
        now=now,
        as_of=as_of,
        closed_since=closed_since,
        due_soon_days=soon,
        sides=[sides[key] for key in SIDES],
    )
