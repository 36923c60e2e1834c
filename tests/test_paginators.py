"""Counting long lists: exact up to a bound, the planner's estimate beyond it, same queries either way."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.models import Commitment
from common import paginators
from common.paginators import EstimatedCountPaginator

pytestmark = pytest.mark.django_db


def test_short_lists_are_counted_exactly_and_long_ones_estimated(demo: Any, monkeypatch: Any) -> None:
    total = Commitment.objects.count()
    exact = EstimatedCountPaginator(Commitment.objects.order_by("id"), 5)
    assert exact.count == total
    assert not exact.estimated
    if connection.vendor != "postgresql":
        return  # SQLite (the embedded default) always counts exactly
    monkeypatch.setattr(paginators, "EXACT_BELOW", 3)
    with CaptureQueriesContext(connection) as long_list:
        estimated = EstimatedCountPaginator(Commitment.objects.order_by("id"), 5)
        assert estimated.count >= 4  # at least what was counted before stopping
        assert estimated.estimated
    monkeypatch.setattr(paginators, "EXACT_BELOW", 1000)
    with CaptureQueriesContext(connection) as short_list:
        assert EstimatedCountPaginator(Commitment.objects.order_by("id"), 5).count == total
    assert len(long_list) == len(short_list) == 2  # a bounded COUNT and an EXPLAIN, whatever the length
    assert "LIMIT" in long_list[0]["sql"]


def test_the_admin_says_about_when_the_count_is_an_estimate(client: Any, officer: Any, monkeypatch: Any) -> None:
    client.force_login(officer)
    monkeypatch.setattr(paginators, "EXACT_BELOW", 3)
    html = client.get("/admin/commitments/commitment/").content.decode()
    if connection.vendor == "postgresql":
        assert "about " in html
    else:
        assert "about " not in html


def test_a_list_known_to_be_empty_counts_nothing(demo: Any) -> None:
    """No query at all for queryset.none() (a search of short words alone), on PostgreSQL as on SQLite: it has
    no SQL to EXPLAIN."""
    with CaptureQueriesContext(connection) as captured:
        assert EstimatedCountPaginator(Commitment.objects.none(), 5).count == 0
    assert len(captured) == 0
    assert paginators.planner_rows(Commitment.objects.none()) in (0, None)  # None: SQLite has no planner to ask
