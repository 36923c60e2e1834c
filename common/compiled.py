"""A query a page runs on every request with one value changing (a summit's id), compiled by Django once.

Building and compiling a queryset costs Django about as long as the database takes to run it over the tens of
rows of one meeting (a few tenths of a millisecond to several for twenty filtered aggregates). `rows()` builds the
queryset once per process and kind of database with a stand-in for the value, keeps its SQL, and from then on
only binds the value. The statement is the queryset's own, so it cannot drift from the ORM's; what comes back are
the database's values by column name (a date, a number; on SQLite as its adapters give them).
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
def statement(build: Build, vendor: str) -> tuple[str, tuple[Any, ...] | None, int]:
    """`build(STAND_IN)`'s SQL and parameters, and where the value goes among them (the one that changes).

    On PostgreSQL every parameter is bound into the SQL here, once, as psycopg's client-side binding would bind
    them on every run, and the value's place is where its stand-in is written (no parameters are left: None).
    Left as parameters, a statement with more than 50 of them (a grouped report's has 87), or longer than 4 kB,
    is over psycopg's limits for caching a parsed query, so each run parsed its kilobytes of SQL and adapted
    every value again (0.4 ms a run)."""
    sql, params = build(STAND_IN).query.sql_with_params()
    (where,) = [i for i, param in enumerate(params) if param == STAND_IN]  # exactly one, or fail loudly
    if vendor != "postgresql":
        return sql, tuple(params), where
    bound: str = connection.ops.compose_sql(sql, params)  # type: ignore[attr-defined]  # PostgreSQL's own
    (at,) = [match.start() for match in re.finditer(rf"(?<![0-9]){STAND_IN}(?![0-9])", bound)]
    return bound, None, at


def rows(build: Build, value: int) -> list[dict[str, Any]]:
    """`build(value)`'s rows, by column name, from the statement compiled once (`statement`). `build` must be a
    module-level function (it is the cache's key) whose queryset depends on `value` alone."""
    sql, params, where = statement(build, connection.vendor)
    value = int(value)  # a whole number, written as one: nothing else can reach the SQL
    with connection.cursor() as cursor:
        if params is None:
            cursor.execute(sql[:where] + str(value) + sql[where + len(str(STAND_IN)) :])
        else:
            cursor.execute(sql, [*params[:where], value, *params[where + 1 :]])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, record, strict=True)) for record in cursor.fetchall()]
