"""The compliance report at scale: figures kept per summit, party and desk, refreshed set-based, read in pages.

Grouping a million commitments takes seconds; the report page and the API read the ComplianceSummary rows a
periodic refresh keeps instead (a few rows, or one page of summits), and say how fresh they are. One summit's
figures are computed live on demand (its commitments only: an index lookup on summit_id). Both read the same
SELECT (`compliance.grouped`), so a summary and the live figures agree (tests/test_compliance_summaries.py).

Until the first refresh there are no summaries: the report then computes everything live, as it always did.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.utils.translation import gettext

from summits.models import Summit

from ..models import Commitment, ComplianceSummary
from ..workflow import Status
from .compliance import (
    FIGURES,
    Row,
    compliance,
    figures_summed,
    grouped,
    overall,
    rows_of,
    summit_grouped,
)

log = logging.getLogger(__name__)

Scope = ComplianceSummary.Scope
SUMMITS_PER_PAGE = 50
# The column of ComplianceSummary each grouping fills.
KEY_COLUMNS = {"summit": "summit_id", "party": "party_id", "desk": "desk_id"}


@dataclass
class RefreshResult:
    rows: int
    seconds: float
    computed_at: datetime


def compliance_summaries_refresh(now: datetime) -> RefreshResult:
    """Recompute every ComplianceSummary from the commitments: one INSERT … SELECT per grouping (the very
    SELECT the live report runs, wrapped) and one ungrouped aggregate for the row of all commitments — a
    handful of statements whatever the size, nothing looped over in Python.

    All in one transaction: readers keep seeing the previous figures until it commits, never a half-written
    set. On PostgreSQL an EXCLUSIVE lock on the table (which still lets readers in) makes a second refresh
    started meanwhile wait and then redo the work, instead of failing on the unique keys; SQLite has one writer
    at a time anyway."""
    started = time.monotonic()
    table = connection.ops.quote_name(ComplianceSummary._meta.db_table)
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (the table's own name, quoted)
            total = 0
            for by, column in KEY_COLUMNS.items():
                total += _insert_grouped(cursor, table, by, column, now)
        # All commitments together, each once by its status, is the sum of the summits' rows just written (a
        # commitment belongs to one summit; every figure is a count or a sum): 100k summary rows, not 1M again.
        ComplianceSummary.objects.create(scope=Scope.ALL, computed_at=now, **_summed(Scope.SUMMIT))
    seconds = time.monotonic() - started
    log.info("compliance summaries refreshed: %d rows in %.2f s", total + 1, seconds)
    return RefreshResult(rows=total + 1, seconds=seconds, computed_at=now)


def _summed(scope: str) -> dict[str, Any]:
    sums = ComplianceSummary.objects.filter(scope=scope).aggregate(**{name: Sum(name) for name in FIGURES})
    # An empty table sums to NULL: no commitments is zero of everything (and no delay at all).
    return {name: value if value is not None or name == "delay_sum" else 0 for name, value in sums.items()}


def _insert_grouped(cursor: Any, table: str, by: str, column: str, now: datetime) -> int:
    sql, params = grouped(by).query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in ("scope", column, *FIGURES, "computed_at"))
    # The subquery's columns are read by the aliases Django gave them (group_key, and each figure's name).
    picked = ", ".join(f"q.{quote(name)}" for name in ("group_key", *FIGURES))
    cursor.execute(
        f"INSERT INTO {table} ({columns}) SELECT %s, {picked}, %s FROM ({sql}) q",  # noqa: S608 (names quoted)
        [by, connection.ops.adapt_datetimefield_value(now), *params],
    )
    return int(cursor.rowcount)


# --- reading -------------------------------------------------------------------------------------------------


@dataclass
class Report:
    """What the report shows: the overall figures, one page of summits (latest first, optionally searched),
    every party and desk, and when the figures were computed (`as_of`; `live` when computed for this request)."""

    overall: Row
    by_summit: list[Row]
    by_party: list[Row]
    by_desk: list[Row]
    page: Page[Any]
    as_of: datetime | None
    live: bool


def report_get(*, now: datetime, search: str = "", page: Any = 1, per_page: int = SUMMITS_PER_PAGE) -> Report:
    """The whole report, from the summaries: six queries whatever the size (the overall row, which says when
    they were computed, the summits' count and page, that page's rows, the parties, the desks). Before the first
    refresh, the same computed live (fine on a small database; a big one has its hourly refresh)."""
    overall_row = ComplianceSummary.objects.filter(scope=Scope.ALL).first()  # the unique row of all commitments
    live = overall_row is None
    # The summits that count (those with a tracked commitment), newest first; `id` breaks ties so that pages
    # are stable. The newest-first walk of Summit's starts_at index, each summit checked by a semi-join on the
    # summaries' unique summit index (or live, on Commitment's summit index), stops after one page.
    summits = Summit.objects.only("pk", "title", "starts_at", "time_zone").order_by("-starts_at", "-pk")
    counted = (
        Exists(Commitment.objects.filter(summit=OuterRef("pk")).exclude(status=Status.DRAFT))
        if live
        else Exists(ComplianceSummary.objects.filter(summit=OuterRef("pk")))
    )
    summits = summits.filter(counted)
    if search.strip():
        summits = summits.filter(title__icontains=search.strip())
    paginator = Paginator(summits, per_page)
    if not live and not search.strip():
        # Every summit with a row is listed: count the rows on the scope index (about 10 ms at 100k summits)
        # rather than the semi-join of all summits with them (about 200 ms).
        paginator.count = ComplianceSummary.objects.filter(scope=Scope.SUMMIT).count()
    shown = paginator.get_page(page)
    titles = {s.pk: s.title for s in shown.object_list}
    if live:
        rows = {row.key: row for row in compliance("summit", Commitment.objects.filter(summit_id__in=list(titles)))}
        by_summit = [rows[pk] for pk in titles if pk in rows]
        return Report(
            overall=overall(),
            by_summit=by_summit,
            by_party=compliance("party"),
            by_desk=compliance("desk"),
            page=shown,
            as_of=now,
            live=True,
        )
    assert overall_row is not None  # for mypy: not live
    kept = {s.summit_id: s for s in ComplianceSummary.objects.filter(summit_id__in=list(titles))}
    return Report(
        overall=summary_row(overall_row, None, None),
        by_summit=[summary_row(kept[pk], pk, titles[pk]) for pk in titles if pk in kept],
        by_party=_kept_rows(Scope.PARTY),
        by_desk=_kept_rows(Scope.DESK),
        page=shown,
        as_of=overall_row.computed_at,
        live=False,
    )


def summary_row(summary: ComplianceSummary, key: Any, label: str | None) -> Row:
    return Row.from_figures(key, label if label is not None else gettext("All"), _figures_of(summary))


def _figures_of(summary: ComplianceSummary) -> dict[str, Any]:
    return {name: getattr(summary, name) for name in FIGURES}


def _kept_rows(scope: str) -> list[Row]:
    """Every party's or desk's row (tens of them), in the live report's order: by name."""
    related = scope  # the FK named after the scope: party, desk
    rows: QuerySet[ComplianceSummary] = ComplianceSummary.objects.filter(scope=scope).select_related(related)
    result = []
    for summary in rows:
        target = getattr(summary, related)
        key = target.code if scope == Scope.PARTY else target.pk
        result.append(Row.from_figures(key, target.name, _figures_of(summary)))
    return sorted(result, key=lambda row: (row.label, str(row.key)))


@dataclass
class SummitReport:
    """One summit's figures, computed now: overall, and per party and per desk among its commitments."""

    summit: Row
    by_party: list[Row]
    by_desk: list[Row]


def summit_report(summit: Summit) -> SummitReport:
    """Two queries over the summit's commitments only (Commitment's summit_id index), per party and per desk,
    each a statement compiled once per process (compliance.summit_grouped); the summit's own figures are the
    sum of its desks' (a commitment has exactly one desk and counts there once, by its status, as overall()
    counts it), not a third pass over the same rows."""
    by_desk = summit_grouped("desk", summit.pk)
    return SummitReport(
        summit=Row.from_figures(summit.pk, summit.title, figures_summed(by_desk)),
        by_party=rows_of(summit_grouped("party", summit.pk)),
        by_desk=rows_of(by_desk),
    )
