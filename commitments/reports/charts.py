"""Server-rendered SVG charts: readable without JavaScript, printable, with titles and labels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from ..models import Commitment
from ..selectors import commitment_is_overdue
from ..workflow import STATUS_COLOURS, Status, label
from .compliance import Row

BAR_WIDTH = 520
LABEL_WIDTH = 170


@dataclass
class Segment:
    x: float
    width: float
    colour: str
    title: str


@dataclass
class Bar:
    label: str
    y: int
    total: int
    segments: list[Segment]


def status_bars(rows: list[Row]) -> dict[str, object]:
    """Stacked bars: each party's commitments by status (drafts excluded)."""
    bars = []
    for index, row in enumerate(rows):
        total = sum(row.by_status.values())
        x = float(LABEL_WIDTH)
        segments = []
        for status in Status.values:
            count = row.by_status.get(status, 0)
            if not count:
                continue
            width = BAR_WIDTH * count / total
            segments.append(Segment(x, width, STATUS_COLOURS[status], f"{row.label}: {count} {label(status).lower()}"))
            x += width
        bars.append(Bar(row.label, 10 + index * 34, total, segments))
    top = 20 + len(bars) * 34
    statuses = [s for s in Status.values if s != Status.DRAFT]
    legend = [(label(s), STATUS_COLOURS[s], 10 + (i % 4) * 170, top + (i // 4) * 18) for i, s in enumerate(statuses)]
    return {
        "bars": bars,
        "height": top + 18 * ((len(statuses) + 3) // 4) + 10,
        "width": LABEL_WIDTH + BAR_WIDTH + 60,
        "legend": legend,
        "label_width": LABEL_WIDTH,
    }


@dataclass
class Lane:
    title: str
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


def timeline(commitments: list[Commitment], meeting: date, now: datetime) -> dict[str, object]:
    """One lane per commitment from the meeting day to due_by (window shaded from due_from)."""
    today = timezone.localdate(now)
    dated = [c for c in commitments if c.due_by]
    ends = [c.due_by for c in dated if c.due_by] + [c.closed_on for c in commitments if c.closed_on]
    last = max([*ends, meeting + timedelta(days=30)])
    span = max((last - meeting).days, 1)
    width = 640.0

    def x(day: date) -> float:
        return LABEL_WIDTH + width * min(max((day - meeting).days, 0), span) / span

    lanes = []
    for index, commitment in enumerate(commitments):
        due = commitment.due_by
        end = x(due) if due else x(last)
        lanes.append(
            Lane(
                title=commitment.title[:60],
                y=30 + index * 24,
                start=x(meeting),
                end=end,
                width=max(end - x(meeting), 2),
                window_start=x(commitment.due_from) if commitment.due_from else None,
                window_width=max(end - x(commitment.due_from), 2) if commitment.due_from and due else 0,
                closed=x(commitment.closed_on) if commitment.closed_on else None,
                overdue=commitment_is_overdue(commitment, now) if due else False,
                conditional=commitment.condition_state == Commitment.ConditionState.PENDING,
                dated=due is not None,
                status=commitment.get_status_display(),
                due_text=f"{commitment.due_phrase or 'no deadline'}" + (f" — by {due:%d %b %Y}" if due else ""),
            )
        )
    return {
        "lanes": lanes,
        "height": 50 + len(lanes) * 24,
        "width": LABEL_WIDTH + width + 20,
        "today": x(today) if meeting <= today <= last else None,
        "start_label": f"{meeting:%d %b %Y}",
        "end_label": f"{last:%d %b %Y}",
        "end_x": LABEL_WIDTH + width,
        "label_width": LABEL_WIDTH,
    }
