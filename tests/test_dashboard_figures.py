"""The dashboard's tiles, kept: beat counts them every minute, a page reads them and says when they were counted
(commitments/reports/dashboard.py). Never older than two intervals; a page finding none counts them itself."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from commitments.models import Commitment
from commitments.reports import dashboard
from summits.models import Summit

from .admin_helpers import login
from .services import RedisServer

pytestmark = pytest.mark.django_db

# Beat counts the tiles at 09:00:00 UTC; pages are opened in the minutes after.
COUNTED = datetime(2001, 2, 1, 9, 0, tzinfo=UTC)
INTERVAL = timedelta(seconds=settings.PLEDGEBOOK_DASHBOARD_REFRESH_SECONDS)
CONDITION_TILE = re.compile(r'<span class="pb-tile-count">(\d+)</span><span>Condition pending</span>')


def _condition_tile(html: str) -> int:
    found = CONDITION_TILE.search(html)
    assert found, "the dashboard shows the condition tile"
    return int(found.group(1))


def _dashboard(client: Client, at: datetime) -> tuple[str, int]:
    """The admin home as of `at`: its HTML and how many queries it took."""
    with time_machine.travel(at, tick=False), CaptureQueriesContext(connection) as captured:
        response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def _one_more_condition_pending() -> None:
    # Straight to the table: what is measured is which count the page shows, not how a condition is recorded.
    row = Commitment.objects.filter(condition_state="").exclude(status="draft").order_by("pk").first()
    assert row is not None
    Commitment.objects.filter(pk=row.pk).update(
        condition_text="If the talks go well", condition_state="pending", condition_pending_since=COUNTED
    )


def test_the_page_shows_the_tiles_beat_counted_and_when(client: Client, officer: Any, demo: Summit) -> None:
    login(client, officer)
    counted_html, counted_queries = _dashboard(client, COUNTED)  # nothing kept yet: the page counts
    assert _condition_tile(counted_html) == 2

    dashboard.dashboard_figures_refresh(COUNTED)  # beat
    _one_more_condition_pending()
    html, queries = _dashboard(client, COUNTED + INTERVAL)
    # The kept count, with its time in the reader's zone (the officer's: Tokyo, UTC+9), and no counting: the
    # desks' zones and the aggregate over open rows are the two queries the page no longer makes.
    assert _condition_tile(html) == 2
    assert "Counted at 18:00, every minute" in html
    assert queries == counted_queries - 2

    # Beat's next count shows the change.
    dashboard.dashboard_figures_refresh(COUNTED + INTERVAL)
    assert _condition_tile(_dashboard(client, COUNTED + INTERVAL + timedelta(seconds=5))[0]) == 3


def test_figures_older_than_two_intervals_are_counted_again_by_the_page(
    client: Client, officer: Any, demo: Summit
) -> None:
    login(client, officer)
    dashboard.dashboard_figures_refresh(COUNTED)
    _one_more_condition_pending()
    # Beat stopped: two intervals on, the kept figures still answer; a second later the page counts itself...
    assert _condition_tile(_dashboard(client, COUNTED + 2 * INTERVAL)[0]) == 2
    later = COUNTED + 2 * INTERVAL + timedelta(seconds=1)
    html, _queries = _dashboard(client, later)
    assert _condition_tile(html) == 3
    assert "Counted at 18:02" in html
    # ... and keeps what it counted for the pages after it.
    with time_machine.travel(later + timedelta(seconds=30), tick=False):  # the cache's expiry reads the clock
        kept = dashboard.dashboard_figures(later + timedelta(seconds=30))
    assert kept.as_of == later
    assert kept.counts["conditional"] == 3


def test_figures_from_the_future_are_not_trusted(officer: Any, demo: Summit) -> None:
    # Counted by a machine whose clock ran an hour ahead, or before a clock was set back.
    dashboard.dashboard_figures_refresh(COUNTED + timedelta(hours=1))
    _one_more_condition_pending()
    figures = dashboard.dashboard_figures(COUNTED)
    assert figures.as_of == COUNTED
    assert figures.counts["conditional"] == 3


def test_beat_counts_the_tiles_every_interval(officer: Any, demo: Summit) -> None:
    from commitments import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["dashboard-figures"]
    assert entry["task"] == "commitments.tasks.dashboard_figures"
    assert entry["schedule"] == INTERVAL
    with time_machine.travel(COUNTED, tick=False):
        tasks.dashboard_figures.apply().get()
        kept = dashboard.dashboard_figures(COUNTED + timedelta(seconds=1))
    assert kept.as_of == COUNTED
    assert kept.counts["conditional"] == 2


def test_with_the_shared_cache_down_the_page_counts_its_tiles(
    client: Client, officer: Any, demo: Summit, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    login(client, officer)
    with override_settings(CACHES=redis_server.cache_settings()):
        dashboard.dashboard_figures_refresh(COUNTED)  # kept in the real Redis...
        _one_more_condition_pending()
        assert _condition_tile(_dashboard(client, COUNTED + timedelta(seconds=10))[0]) == 2  # ... and read there
        redis_server.stop()
        html, _queries = _dashboard(client, COUNTED + timedelta(seconds=20))
    assert _condition_tile(html) == 3
    assert "the dashboard's kept figures could not be read: the shared cache did not answer" in caplog.text
    assert "the dashboard's figures could not be kept" in caplog.text
