"""Server-rendered SVG charts: readable without JavaScript, printable, with titles and labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from common.numbers import count_format

from ..deadlines import window_words
from ..models import Commitment
from ..selectors import commitment_is_overdue
from ..workflow import STATUS_COLOURS, Status, labels
from .compliance import Row

BAR_WIDTH = 520
LABEL_WIDTH = 170


def svg_number(value: float) -> str:
    """`value` with one decimal, rounded half up, as `{{ value|floatformat:'1u' }}` writes it (for the numbers a
    chart has hundreds of: the filter, and the template's look-up of each, cost more than the drawing)."""
    return str(Decimal(repr(value)).quantize(_TENTH, ROUND_HALF_UP))


_TENTH = Decimal("0.1")


@dataclass
class Segment:
    x: float
    width: float
    colour: str
    title: str
    x_text: str = field(init=False)  # x and width as the SVG writes them (svg_number)
    width_text: str = field(init=False)

    def __post_init__(self) -> None:
        self.x_text = svg_number(self.x)
        self.width_text = svg_number(self.width)


@dataclass
class Bar:
    label: str
    y: int
    total: int
    segments: list[Segment]


def status_bars(rows: list[Row]) -> dict[str, object]:
    """Stacked bars: each party's commitments by status (drafts excluded)."""
    names = labels().items()
    segment_words = gettext("%(party)s: %(count)s %(status)s")
    bars = []
    for index, row in enumerate(rows):
        total = sum(row.by_status.values())
        x = float(LABEL_WIDTH)
        segments = []
        for status, name in names:
            count = row.by_status.get(status, 0)
            if not count:
                continue
            width = BAR_WIDTH * count / total
            words = segment_words % {"party": row.label, "count": count_format(count), "status": name.lower()}
            segments.append(Segment(x, width, STATUS_COLOURS[status], words))
            x += width
        bars.append(Bar(row.label, 10 + index * 34, total, segments))
    top = 20 + len(bars) * 34
    statuses = [(s, name) for s, name in names if s != Status.DRAFT]
    legend = [
        (name, STATUS_COLOURS[s], 10 + (i % 4) * 170, top + (i // 4) * 18) for i, (s, name) in enumerate(statuses)
    ]
    return {
        "bars": bars,
        "height": top + 18 * ((len(statuses) + 3) // 4) + 10,
        "width": LABEL_WIDTH + BAR_WIDTH + 60,
        "legend": legend,
        "label_width": LABEL_WIDTH,
        "title": gettext("Commitments by status, per party"),
    }


# The timeline: labels on the left, the commitments' windows on a linear scale, and when today (or a late
# closing) lies far beyond them, a break and a short stretch after it, so the windows keep their width.
TIMELINE_LABEL_WIDTH = 250
TIMELINE_PLOT = 600
TIMELINE_BREAK = 90  # the gap that says how much time it leaves out ("⋯ 25 years ⋯")
TIMELINE_FAR = 60  # after the break: from the first event there to today
LANE_HEIGHT = 30
LABEL_CHARS = 40  # per line of a lane's label, at 11 px in TIMELINE_LABEL_WIDTH
# Beyond this share of the windows' span, later moments are drawn after a break instead of scaled in.
BREAK_AFTER = 0.25


# What `timeline` reads of each commitment (with select_related("desk")): a page loads these, not whole rows.
TIMELINE_COLUMNS = (
    "pk", "title", "status", "condition_state", "due_phrase", "due_from", "due_by", "closed_on", "desk__time_zone",
)  # fmt: skip


@dataclass
class Lane:
    pk: int
    title: str  # in full: the SVG's <title> and the table below it
    lines: list[str]  # the label as drawn, on at most two lines
    y: int
    start: float
    end: float
    width: float
    window_start: float | None
    window_width: float
    closed: float | None
    overdue: bool
    conditional: bool
    dated: bool
    status: str
    due_text: str
    window_text: str
    closed_text: str

    # The SVG's hover words, written here because makemessages does not read .svg templates.
    @property
    def summary(self) -> str:
        words = f"{self.title} — {self.status}; {self.due_text}"
        if self.closed is not None:
            words += gettext("; closed %(date)s") % {"date": self.closed_text}
        return words

    @property
    def window_title(self) -> str:
        return gettext("Window: %(window)s") % {"window": self.window_text}

    @property
    def closed_title(self) -> str:
        return gettext("Closed %(date)s: %(status)s") % {"date": self.closed_text, "status": self.status}


def label_lines(text: str, width: int = LABEL_CHARS) -> list[str]:
    """`text` wrapped on word boundaries onto at most two lines of `width` characters, the second cut with "…"."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    if len(lines) > 2:  # the second line keeps whole words and says that more follows
        second = ""
        for word in " ".join(lines[1:]).split():
            if len(second) + 1 + len(word) > width - 1:
                break
            second = f"{second} {word}".strip()
        lines = [lines[0], (second or lines[1][: width - 1]) + "…"]
    return [line if len(line) <= width else line[: width - 1] + "…" for line in lines]


def _gap_words(days: int) -> str:
    # The plural forms stay the English ones ("1 years" included), so English charts read as before.
    if days >= 548:
        years = round(days / 365.25)
        return ngettext("%(n)d years", "%(n)d years", years) % {"n": years}
    if days >= 45:
        months = round(days / 30.44)
        return ngettext("%(n)d months", "%(n)d months", months) % {"n": months}
    return ngettext("%(n)d days", "%(n)d days", days) % {"n": days}


def timeline(commitments: list[Commitment], meeting: date, now: datetime) -> dict[str, object]:
    """One lane per commitment from the meeting day to due_by (window shaded from due_from).

    The scale runs from the meeting to the latest deadline (at least 30 days), with a small margin. A closing
    or today up to BREAK_AFTER of that span later stretches it; anything later is drawn after a break that
    says how long it leaves out, so an old meeting's windows are not slivers beside 25 years of today."""
    today = timezone.localdate(now)
    dated = [c for c in commitments if c.due_by]
    core_end = max([*(c.due_by for c in dated if c.due_by), meeting + timedelta(days=30)])
    span = (core_end - meeting).days
    later = sorted({*(c.closed_on for c in commitments if c.closed_on), *([today] if today >= meeting else [])})
    near = [day for day in later if core_end < day <= core_end + timedelta(days=span * BREAK_AFTER)]
    if near:
        core_end = near[-1]
        span = (core_end - meeting).days
    axis_end = core_end + timedelta(days=max(span // 20, 3))
    span = (axis_end - meeting).days
    far = [day for day in later if day > axis_end]
    far_start = TIMELINE_LABEL_WIDTH + TIMELINE_PLOT + TIMELINE_BREAK

    def x(day: date) -> float:
        if far and day > axis_end:
            reach = max((far[-1] - far[0]).days, 1)
            return far_start + TIMELINE_FAR * (day - far[0]).days / reach if len(far) > 1 else far_start + TIMELINE_FAR
        return TIMELINE_LABEL_WIDTH + TIMELINE_PLOT * min(max((day - meeting).days, 0), span) / span

    lanes = []
    for index, commitment in enumerate(commitments):
        due = commitment.due_by
        end = x(due) if due else x(axis_end)
        status = commitment.get_status_display()
        overdue = commitment_is_overdue(commitment, now) if due else False
        conditional = commitment.condition_state == Commitment.ConditionState.PENDING
        lanes.append(
            Lane(
                pk=commitment.pk,
                title=commitment.title,
                lines=label_lines(commitment.title),
                y=34 + index * LANE_HEIGHT,
                start=x(meeting),
                end=end,
                width=max(end - x(meeting), 2),
                window_start=x(commitment.due_from) if commitment.due_from else None,
                window_width=max(end - x(commitment.due_from), 2) if commitment.due_from and due else 0,
                closed=x(commitment.closed_on) if commitment.closed_on else None,
                overdue=overdue,
                conditional=conditional,
                dated=due is not None,
                status=status
                + (gettext("; overdue") if overdue else "")
                + (gettext("; condition pending") if conditional else ""),
                due_text=(commitment.due_phrase or gettext("no deadline"))
                + (gettext(" — by %(end)s") % {"end": date_format(due)} if due else ""),
                window_text=window_words(commitment.due_from, commitment.due_by),
                closed_text=date_format(commitment.closed_on) if commitment.closed_on else "—",
            )
        )
    width = far_start + TIMELINE_FAR + 20 if far else TIMELINE_LABEL_WIDTH + TIMELINE_PLOT + 20
    height = 44 + len(lanes) * LANE_HEIGHT
    gap = _gap_words((far[0] - axis_end).days) if far else ""
    return {
        "lanes": lanes,
        "height": height,
        "width": width,
        "today": x(today) if today >= meeting else None,
        "today_label": gettext("today, %(date)s") % {"date": date_format(today)},
        "today_word": gettext("today"),
        "table_note": gettext("The table below lists the same commitments in words."),
        "start_label": date_format(meeting),
        "end_label": date_format(axis_end),
        "end_x": TIMELINE_LABEL_WIDTH + TIMELINE_PLOT,
        "label_width": TIMELINE_LABEL_WIDTH,
        "break": (
            {
                "x": TIMELINE_LABEL_WIDTH + TIMELINE_PLOT + TIMELINE_BREAK / 2,
                "words": f"⋯ {gap} ⋯",
                "gap": gap,
                "title": gettext("%(gap)s left out") % {"gap": gap},
            }
            if far
            else None
        ),
        "description": (
            gettext(
                "%(count)d commitments, from the meeting on %(meeting)s to %(end)s; "
                "then a break of %(gap)s, to today, %(today)s."
            )
            if far
            else gettext("%(count)d commitments, from the meeting on %(meeting)s to %(end)s.")
        )
        % {
            "count": len(lanes),
            "meeting": date_format(meeting),
            "end": date_format(axis_end),
            "gap": gap,
            "today": date_format(today),
        },
    }
