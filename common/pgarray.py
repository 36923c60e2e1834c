"""PostgreSQL arrays: literals for the set-based writes (the sweep's inserts and updates), and `= ANY(array)`.

psycopg turns a Python list into an array literal in pure Python, element by element; for the tens of
thousands of values one sweep binds (ids, recipients, occasions, messages, times) that cost more than
the statements themselves. The text form is simple and documented ("Array Value Input" in the
PostgreSQL manual): elements in braces, separated by commas, each one double-quoted with backslash
escapes for quotes and backslashes, NULL unquoted. The statement casts the one text parameter to the
array type it needs (`%s::bigint[]`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.db.models import Lookup


def _element(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("Aware datetimes only: a naive one would be read in the session's time zone.")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise TypeError(f"No array literal for {type(value).__name__}")


def array_literal(values: Iterable[object]) -> str:
    """The PostgreSQL text form of a one-dimensional array of ints, strings, dates or aware datetimes."""
    return "{" + ",".join(map(_element, values)) + "}"


def column_literals(rows: Sequence[Sequence[object]], width: int) -> list[str]:
    """One array literal per column of `rows` (each `width` wide), for `unnest(%s::…[], %s::…[], …)`."""
    return [array_literal(row[column] for row in rows) for column in range(width)]


class EqualsAny(Lookup):
    """`lhs = ANY(rhs)`, rhs an array (e.g. ArraySubquery): what a primary-key index serves as one index condition.

    `id IN (SELECT …)` inside an OR can only be a filter evaluated for every row; `id = ANY(ARRAY(SELECT …))`
    computes the array once and lets PostgreSQL OR the condition with others as a BitmapOr of index scans."""

    lookup_name = "pb_equals_any"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)
