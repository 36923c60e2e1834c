"""Counting large lists: exact when small, the planner's estimate when an exact COUNT(*) would dominate."""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections

# Up to this many rows an exact count is cheap enough to pay on every page (twenty pages of fifty; for
# filters that match rows scattered through the table, counting 20,000 cost more than the page).
EXACT_BELOW = 1_000


def planner_rows(queryset: Any) -> int | None:
    """PostgreSQL's estimate of how many rows `queryset` returns (EXPLAIN, nothing executed)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:  # known empty without asking (queryset.none(), an `in` of nothing)
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """A paginator whose count is exact up to EXACT_BELOW rows and estimated beyond, on PostgreSQL.

    COUNT(*) over a million commitments costs more than rendering the page; staff browsing such a
    list need "about 1,000,000", not the last digit. `estimated` tells the template to say "about".
    A page past the true end (the estimate was high) is the admin's usual "page out of range" notice.
    """

    estimated = False

    @cached_property
    def count(self) -> int:
        queryset: Any = self.object_list
        if not hasattr(queryset, "query") or connections[queryset.db].vendor != "postgresql":
            return super().count
        # Counting stops after EXACT_BELOW + 1 rows, so this costs the same at a thousand rows or a million.
        # (Only the ids: the list's computed columns need not be computed to be counted.)
        bounded = queryset.order_by().values("pk")[: EXACT_BELOW + 1].count()
        # Asked every time, so that a page costs the same number of queries whatever the list's length.
        guess = planner_rows(queryset) or 0
        if bounded <= EXACT_BELOW:
            return int(bounded)
        self.estimated = True
        return max(guess, bounded)
