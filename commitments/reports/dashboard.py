"""The dashboard's tiles, kept: counted by beat every minute, read by every visit to the admin's home page.

Counting the tiles is one aggregate over the open commitments (selectors.dashboard_counts): at a million
commitments about 50 ms on a quiet machine, more than the rest of the page, on every visit by every officer —
and the page is where each of them starts. Beat counts them once a minute (PLEDGEBOOK_DASHBOARD_REFRESH_SECONDS)
into the shared cache (Redis, the one the throttles use), and a page reads them there and says when they were
counted. A page that finds none fresh enough — beat stopped, the cache emptied or restarted, Redis down —
counts them itself and keeps them for the pages after it, so the figures are never older than two intervals.
The lists the tiles link to, and "my commitments" beside them, are always read live.

Kept rather than maintained row by row: a tile moves not only when a row changes (transitions, deadline moves,
edits, imports, owners leaving) but when time passes (midnight in each desk's zone moves overdue and due-soon,
every moment some row goes stale), so a count kept exact would need every writing path and a clock; a count a
minute old needs neither, and says its age.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils.dateparse import parse_datetime
from redis.exceptions import RedisError

from .. import selectors

log = logging.getLogger(__name__)

KEY = "dashboard-figures"


@dataclass(frozen=True)
class DashboardFigures:
    counts: dict[str, int]
    as_of: datetime


def _interval() -> timedelta:
    return timedelta(seconds=settings.PLEDGEBOOK_DASHBOARD_REFRESH_SECONDS)


def _keep(figures: DashboardFigures) -> None:
    # Kept for two intervals: one missed beat does not send every page back to counting.
    value = {"counts": figures.counts, "as_of": figures.as_of.isoformat()}
    try:
        cache.set(KEY, value, timeout=int(2 * _interval().total_seconds()))
    except (RedisError, OSError):
        log.warning("the dashboard's figures could not be kept: the shared cache did not answer", exc_info=True)


def _kept() -> DashboardFigures | None:
    try:
        value = cache.get(KEY)
    except (RedisError, OSError):
        log.warning("the dashboard's kept figures could not be read: the shared cache did not answer", exc_info=True)
        return None
    if not isinstance(value, dict):
        return None
    as_of = parse_datetime(str(value.get("as_of", "")))
    counts = value.get("counts")
    if as_of is None or not isinstance(counts, dict):
        return None
    return DashboardFigures(counts={str(name): int(count) for name, count in counts.items()}, as_of=as_of)


def dashboard_figures_refresh(now: datetime) -> DashboardFigures:
    """Count the tiles as of `now` and keep them (beat, every PLEDGEBOOK_DASHBOARD_REFRESH_SECONDS)."""
    figures = DashboardFigures(counts=selectors.dashboard_counts(now), as_of=now)
    _keep(figures)
    return figures


def dashboard_figures(now: datetime) -> DashboardFigures:
    """The tiles as last counted, when that was at most two intervals before `now`; otherwise counted now.

    Figures from `now`'s future (a clock set back, figures counted on another machine whose clock runs ahead)
    are not trusted either: counted again."""
    kept = _kept()
    if kept is not None and now - 2 * _interval() <= kept.as_of <= now:
        return kept
    return dashboard_figures_refresh(now)
