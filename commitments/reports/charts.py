"""Server-rendered SVG charts: readable without JavaScript, printable, with titles and labels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any, NamedTuple

from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

from common import compiled
from common.numbers import count_format

from ..deadlines import window_words
from ..models import Commitment
from ..rules import is_overdue
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


def status_bars_svg(bars: dict[str, Any]) -> SafeString:
    """`status_bars()` drawn: a bar per party, a segment per status with its words on hover, and the legend."""
    label_x = LABEL_WIDTH - 8
    parts: list[str] = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="bars-title" width="{}" height="{}"'
            ' viewBox="0 0 {} {}" font-family="sans-serif" font-size="12">\n  <title id="bars-title">{}</title>\n',
            *(bars["width"], bars["height"], bars["width"], bars["height"], bars["title"]),
        )
    ]
    for bar in bars["bars"]:
        parts.append(
            format_html(
                '  <text x="{}" y="{}" text-anchor="end">{} ({})</text>\n  ',
                *(label_x, bar.y + 17, bar.label, count_format(bar.total)),
            )
        )
        parts.append(
            format_html_join(
                "",
                '<rect x="{}" y="{}" width="{}" height="24" fill="{}"><title>{}</title></rect>',
                ((s.x_text, bar.y, s.width_text, s.colour, s.title) for s in bar.segments),
            )
        )
        parts.append("\n")
    parts.append(
        format_html_join(
            "",
            '  <g transform="translate({},{})"><rect width="10" height="10" fill="{}"/>'
            '<text x="14" y="9" font-size="11">{}</text></g>',
            ((x, y, colour, name) for name, colour, x, y in bars["legend"]),
        )
    )
    parts.append("\n</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (each part escaped by format_html, the rest constants)


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


class TimelineRow(NamedTuple):
    """What `timeline` reads of a commitment (timeline_rows)."""

    id: int
    title: str
    status: str
    condition_state: str
    due_phrase: str
    due_from: date | None
    due_by: date | None
    closed_on: date | None
    time_zone: str  # its desk's, for the overdue rule


def _timeline_query(summit_id: int) -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(summit_id=summit_id)
        .exclude(status=Status.DRAFT)
        .annotate(time_zone=F("desk__time_zone"))
        .order_by(F("due_by").asc(nulls_last=True), "pk")
        .values(*TimelineRow._fields)
    )


def timeline_rows(summit_id: int) -> list[TimelineRow]:
    """A summit's commitments as its timeline draws them, by deadline: the columns it reads (with the desk's
    zone), not whole model instances with their quotes and descriptions; from a statement compiled once."""
    return [TimelineRow(**row) for row in compiled.rows(_timeline_query, summit_id)]


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

    # The SVG's hover words (timeline_svg).
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


def timeline(commitments: Sequence[TimelineRow], meeting: date, now: datetime) -> dict[str, object]:
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

    # A summit's dates repeat (the meeting, the end of its year, today): each is written once.
    date_text = cache(date_format)
    status_names = labels()  # a lazy label per lane would look the message up in the catalogues each time
    lanes = []
    for index, commitment in enumerate(commitments):
        due = commitment.due_by
        end = x(due) if due else x(axis_end)
        overdue = is_overdue(
            status=commitment.status,
            condition_state=commitment.condition_state,
            due_by=due,
            time_zone=commitment.time_zone,
            now=now,
        )
        conditional = commitment.condition_state == Commitment.ConditionState.PENDING
        lanes.append(
            Lane(
                pk=commitment.id,
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
                status=status_names.get(commitment.status, commitment.status)
                + (gettext("; overdue") if overdue else "")
                + (gettext("; condition pending") if conditional else ""),
                due_text=(commitment.due_phrase or gettext("no deadline"))
                + (gettext(" — by %(end)s") % {"end": date_text(due)} if due else ""),
                window_text=window_words(commitment.due_from, commitment.due_by, date_text=date_text),
                closed_text=date_text(commitment.closed_on) if commitment.closed_on else "—",
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
        "today_label": gettext("today, %(date)s") % {"date": date_text(today)},
        "today_word": gettext("today"),
        "table_note": gettext("The table below lists the same commitments in words."),
        "start_label": date_text(meeting),
        "end_label": date_text(axis_end),
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
            "meeting": date_text(meeting),
            "end": date_text(axis_end),
            "gap": gap,
            "today": date_text(today),
        },
    }


def timeline_svg(drawn: dict[str, Any], title: str) -> SafeString:
    """The timeline `timeline()` laid out, as SVG: a title and description for screen readers, the axis, a
    lane per commitment (its label, its bar or dotted line, its window, its closing), the break and today.

    Written here rather than in a template: a lane is a dozen numbers and words, and the template language's
    look-up and filter for each cost several times the drawing (a summit's report is measured against its SQL)."""
    label_x = TIMELINE_LABEL_WIDTH - 8  # where the lanes' labels end
    height, end_x = drawn["height"], drawn["end_x"]
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="tl-title tl-desc" width="{}"'
            ' height="{}" viewBox="0 0 {} {}" font-family="sans-serif" font-size="11">\n'
            '  <title id="tl-title">{}</title>\n  <desc id="tl-desc">{} {}</desc>\n'
            '  <defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse"'
            ' patternTransform="rotate(45)"><rect width="3" height="6" fill="#7c3aed" opacity="0.45"/>'
            "</pattern></defs>\n"
            '  <text x="{}" y="14">{}</text>\n  <text x="{}" y="14" text-anchor="end">{}</text>\n'
            '  <line x1="{}" x2="{}" y1="22" y2="22" stroke="#9ca3af"/>\n',
            drawn["width"], height, drawn["width"], height, title, drawn["description"], drawn["table_note"],
            TIMELINE_LABEL_WIDTH, drawn["start_label"], end_x, drawn["end_label"], TIMELINE_LABEL_WIDTH, end_x,
        )
    ]  # fmt: skip
    gap = drawn["break"]
    if gap:
        x = gap["x"]
        parts.append(
            format_html(
                '  <g class="pb-tl-break"><title>{}</title>\n'
                '    <text x="{}" y="14" text-anchor="middle" fill="#374151">{}</text>\n'
                '    <line x1="{}" x2="{}" y1="28" y2="{}" stroke="#9ca3af"/>\n'
                '    <line x1="{}" x2="{}" y1="28" y2="{}" stroke="#9ca3af"/></g>\n',
                gap["title"], svg_number(x), gap["words"],
                svg_number(x - 6), svg_number(x - 2), height - 6, svg_number(x + 2), svg_number(x + 6), height - 6,
            )
        )  # fmt: skip
    for lane in drawn["lanes"]:
        parts.append(_lane_svg(lane, label_x))
    today = drawn["today"]
    if today is not None:
        x_text = svg_number(today)
        parts.append(
            format_html(
                '  <g class="pb-tl-today"><title>{}</title>\n    <text x="{}" y="14" text-anchor="end">{}</text>\n'
                '    <line x1="{}" x2="{}" y1="18" y2="{}" stroke="#111" stroke-dasharray="4 3"/></g>\n',
                capfirst(drawn["today_label"]), x_text, drawn["today_word"], x_text, x_text, height,
            )
        )  # fmt: skip
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))  # noqa: S308 (each part escaped by format_html)


def _lane_svg(lane: Lane, label_x: int) -> SafeString:
    dy = mark_safe(' dy="13"')  # each line after the first, below it
    lines = format_html_join(
        "", '<tspan x="{}"{}>{}</tspan>', ((label_x, dy if i else "", line) for i, line in enumerate(lane.lines))
    )
    bar_y, middle_y = lane.y + 6, lane.y + 12
    if lane.dated:
        fill = "url(#hatch)" if lane.conditional else "#dc2626" if lane.overdue else "#93c5fd"
        bar = format_html(
            '<rect x="{}" y="{}" width="{}" height="12" fill="{}"/>',
            *(svg_number(lane.start), bar_y, svg_number(lane.width), fill),
        )
    else:
        bar = format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#9ca3af" stroke-dasharray="3 4"/>',
            *(svg_number(lane.start), svg_number(lane.end), middle_y, middle_y),
        )
    window = ""
    if lane.window_start is not None:
        window = format_html(
            '\n    <rect x="{}" y="{}" width="{}" height="12" fill="#1d4ed8" opacity="0.45"><title>{}</title></rect>',
            *(svg_number(lane.window_start), bar_y, svg_number(lane.window_width), lane.window_title),
        )
    closed = ""
    if lane.closed is not None:
        closed = format_html(
            '\n    <circle cx="{}" cy="{}" r="5" fill="#15803d"><title>{}</title></circle>',
            *(svg_number(lane.closed), middle_y, lane.closed_title),
        )
    return format_html(
        '  <g><title>{}</title>\n    <text x="{}" y="{}" text-anchor="end">{}</text>\n    {}{}{}\n  </g>\n',
        *(lane.summary, label_x, lane.y + 11, lines, bar, window, closed),
    )
