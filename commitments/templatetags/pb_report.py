"""`{% report_table rows column %}`: a compliance report's table of figures, one row per summit, party or desk.

Written in Python, as the admin writes its change list's cells (`items_for_result`): a report's table has nine
cells a row, each with its column's name for the phone layout (data-label), and the template language's look-up
and filter for each cost more than the figures (the one-summit page is measured against its SQL, the whole
report draws fifty summits)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, pgettext

from common.numbers import count_format

from ..reports.compliance import Row

register = template.Library()

DASH = "—"


def _columns() -> list[tuple[str, str]]:
    """The figures' columns in the active language: (name, what it means, for the heading's tooltip)."""
    return [
        (gettext("Score"), ""),
        (gettext("Assessed"), ""),
        (pgettext("not yet assessable", "Open"), ""),
        (gettext("Excluded"), ""),
        (gettext("On time as promised"), gettext("Fulfilled by the deadline first promised")),
        (gettext("On time as rescheduled"), gettext("Fulfilled by the deadline in force then, after any moves")),
        (gettext("Mean delay (days)"), gettext("Against the deadline first promised")),
    ]


def _percent(rate: float | None) -> str:
    # As {% widthratio rate 1 100 %} wrote it: the nearest whole per cent.
    return DASH if rate is None else f"{round(float(rate) * 100)} %"


def _row(row: Row, names: list[str], link_summit: bool) -> SafeString:
    name = format_html('<a href="?summit={}#summit">{}</a>', row.key, row.label) if link_summit else row.label
    figures = (
        format_html("<strong>{}</strong>", DASH if row.score is None else localize(row.score)),
        count_format(row.assessed),
        count_format(row.open),
        count_format(row.excluded),
        _percent(row.on_time_as_promised_rate),
        _percent(row.on_time_as_rescheduled_rate),
        DASH if row.mean_delay_days is None else count_format(row.mean_delay_days),
    )
    return format_html(
        '<tr><td class="pb-report-name">{}</td>{}<td class="pb-report-statuses"><small>{}</small></td></tr>\n',
        name,
        format_html_join("", '<td data-label="{}">{}</td>', zip(names, figures, strict=True)),
        row.status_words,
    )


@register.simple_tag
def report_table(rows: Iterable[Row], column: str, link_summit: bool = False) -> SafeString:
    """The table: `column` names the rows' groups (Summit, Party, Desk); with `link_summit`, each name links to
    that summit's report."""
    columns = _columns()
    head = format_html_join(
        "", "<th{}>{}</th>", ((format_html(' title="{}"', about) if about else "", name) for name, about in columns)
    )
    names = [name for name, _about in columns]
    body = [_row(row, names, link_summit) for row in rows]
    if not body:
        body = [format_html('<tr><td colspan="9">{}</td></tr>\n', gettext("No commitments yet."))]
    return format_html(
        '<table class="pb-history pb-report">\n  <thead><tr><th>{}</th>{}<th>{}</th></tr></thead>\n'
        "  <tbody>{}</tbody>\n</table>",
        column,
        head,
        gettext("By status"),
        format_html_join("", "{}", ((part,) for part in body)),
    )
