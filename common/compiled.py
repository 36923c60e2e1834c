"""A query a page runs on every request with one value changing (a summit's id), compiled by Django once.

Building and compiling a queryset costs Django about as long as PostgreSQL takes to run it over the tens of
rows of one meeting (a few tenths of a millisecond, to several for twenty filtered aggregates). On PostgreSQL
`rows()` builds the queryset once per process with a stand-in for the value, keeps its SQL with every
parameter bound, and from then on only writes the value in. The statement is the queryset's own, so it cannot
drift from the ORM's; psycopg gives each column its Python type (an aware datetime, a date, an interval).
On SQLite, the embedded default, `rows()` is the ORM itself: its portable twin.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import QuerySet

# Stands for the value in the statement compiled once; no id is negative.
STAND_IN = -2_000_000_001

Build = Callable[[int], "QuerySet[Any]"]


@functools.cache
def statement(build: Build) -> tuple[str, int]:
    """`build(STAND_IN)`'s SQL on PostgreSQL with every parameter bound in, and where the stand-in is written.

    Bound here, once, as psycopg's client-side binding would bind them on every run. Left as parameters, a
    statement with more than 50 of them (a summit's figures per party have 87), or longer than 4 kB, is over
    psycopg's limits for caching a parsed query, so each run parsed its kilobytes of SQL and adapted every value
    again (0.4 ms a run)."""
    sql, params = build(STAND_IN).query.sql_with_params()
    if sum(param == STAND_IN for param in params) != 1:
        raise ValueError(f"{build.__qualname__} must use its value exactly once, as a parameter")
    bound: str = connection.ops.compose_sql(sql, params)  # type: ignore[attr-defined]  # PostgreSQL's own
    (at,) = [match.start() for match in re.finditer(rf"(?<![0-9]){STAND_IN}(?![0-9])", bound)]
    return bound, at


def rows(build: Build, value: int) -> list[dict[str, Any]]:
    """`build(value)`'s rows as dicts by column name. `build` must be a module-level function (the statement's
    cache key) returning a `.values()` queryset that uses `value` once, as a filter's parameter."""
    value = int(value)  # a whole number, written as one: nothing else can reach the SQL
    if connection.vendor != "postgresql":
        return list(build(value))
    sql, at = statement(build)
    with connection.cursor() as cursor:
        cursor.execute(sql[:at] + str(value) + sql[at + len(str(STAND_IN)) :])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, record, strict=True)) for record in cursor.fetchall()]
