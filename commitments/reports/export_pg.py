"""The exports on PostgreSQL: the database writes the file's text, Python only passes it on.

The portable export (exchange.export_batches) reads each row as values and formats 28 cells a row in Python:
at a million rows that was ~35 µs of Python a row, 4.4× `COPY` of the same rows. Here one statement computes
every cell as the file writes it, and
- CSV: `COPY (…) TO STDOUT WITH (FORMAT csv)` is streamed as it comes (one CopyData message a row); Python
  joins the rows of a batch and decodes them. No row becomes a Python object.
- JSON: each row's whole object (`to_json` of each string, which escapes exactly as json.dumps does with
  ensure_ascii=False: `"` `\\` \\b \\f \\n \\r \\t, other control characters as \\u00xx, nothing else) is one
  text column read through a server-side cursor, a batch per FETCH.

Both give the bytes the portable path gives (tests/test_export_stream.py holds them to the same oracle). What
it takes for COPY's CSV to be Python's csv.writer (QUOTE_MINIMAL, lineterminator "\\n"):
- Both quote a cell holding the delimiter, the quote or a line feed, and double its quotes; neither quotes
  anything else, except: COPY quotes an empty string (to tell it from NULL), so every empty cell is sent as
  NULL (NULLIF); COPY quotes a cell holding a carriage return, which csv.writer (Python 3.11's, at least)
  does not when the line terminator is "\\n" alone: those few cells are unquoted again in Python
  (_QUOTED_FOR_CR, only for a batch holding a \\r, and only if the running csv module would not quote them).
  `\\.` alone is quoted only in a one-column COPY, and this one has 28.
- Cells a spreadsheet would run as a formula get exchange's leading apostrophe in SQL (_FORMULA).
- Dates are to_char(…, 'YYYY-MM-DD') (date.isoformat; not ::text, which follows DateStyle); the last update's
  day is its time in the caller's time zone (`AT TIME ZONE`, as timezone.localdate).
- Party codes sort bytewise (COLLATE "C"), which for UTF-8 is code point order, as Python's sorted().
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from contextlib import nullcontext
from datetime import datetime, tzinfo
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.postgres.aggregates import StringAgg
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Case, F, OuterRef, QuerySet, Subquery, TextField, Value, When
from django.db.models.functions import Coalesce, Collate, Concat

from summits.models import Party

from .. import selectors
from ..models import Commitment, CommitmentOutcome, Update
from ..workflow import SCORED_STATUSES
from .exchange_format import COLUMNS, FORMULA_START

# Party codes sorted as Python sorts them (by code point), not by the database's language collation.
_BYTEWISE = "C"

# How each column of the file is computed from the inner query's columns (named e_<column>; see _inner_sql):
# int: written as is; text: a string, maybe NULL (empty); date: an ISO day; flag: "yes" or empty; day: the
# local day of a timestamp.
_KINDS: dict[str, str] = {
    "id": "int", "version": "int", "summit": "int", "due_from": "date", "due_by": "date",
    "original_due_by": "date", "overdue": "flag", "stale": "flag", "last_update_on": "day",
}  # fmt: skip
assert set(_KINDS) <= set(COLUMNS)


def _sql_literal(value: Any) -> str:
    """`value` as an SQL literal, quoted as psycopg binds it (party codes and the time zone are data)."""
    return _bound("%s", [value])


def _bound(sql: str, params: Any) -> str:
    """`sql` with its parameters bound into its text, as psycopg binds them client-side (COPY takes none)."""
    ops: Any = connection.ops  # compose_sql is the PostgreSQL backend's own, unknown to the stubs' base class
    return str(ops.compose_sql(sql, params))


# `'` + the cell, when the cell starts as a formula would (exchange._cell's rule, in SQL), checked on each text
# cell: the rule is the file's, whatever the column. ascii() is the first character's code point (0 for an
# empty cell), compared as integers: `left(cell, 1) IN (...)` built a string and compared it six times, for
# each of 20 cells a row (0.9 s of the 2.4 s the 90k open rows took at 1M).
_FORMULA_CODES = ", ".join(str(ord(c)) for c in FORMULA_START)
_FORMULA = "CASE WHEN ascii({cell}) IN (" + _FORMULA_CODES + ") THEN chr(39) || {cell} ELSE {cell} END"


def _iso_day(kind: str, ref: str, zone_literal: str) -> str:
    """A date column, or an instant's day in the reader's zone ("day"), as ISO text (NULL stays NULL)."""
    return (
        f"to_char({ref} AT TIME ZONE {zone_literal}, 'YYYY-MM-DD')"
        if kind == "day"
        else f"to_char({ref}, 'YYYY-MM-DD')"
    )


def _csv_cell(column: str, ref: str, zone_literal: str) -> str:
    kind = _KINDS.get(column, "text")
    if kind == "int":
        return ref
    if kind in ("date", "day"):
        return _iso_day(kind, ref, zone_literal)
    if kind == "flag":
        return f"CASE WHEN {ref} THEN 'yes' END"
    # NULLIF: COPY writes an empty string as "" (to tell it from NULL, which it writes as nothing).
    return "NULLIF(" + _FORMULA.format(cell=ref) + ", '')"


def _json_value(column: str, ref: str, zone_literal: str) -> str:
    kind = _KINDS.get(column, "text")
    if kind == "int":
        return f"COALESCE({ref}::text, '')"  # never NULL, which would empty the whole row (see _statement)
    if kind in ("date", "day"):
        return f"COALESCE('\"' || {_iso_day(kind, ref, zone_literal)} || '\"', '\"\"')"
    if kind == "flag":
        return f"CASE WHEN {ref} THEN '\"yes\"' ELSE '\"\"' END"
    return f"to_json(COALESCE({ref}, ''))::text"


def _inner_queryset(commitments: QuerySet[Commitment], now: datetime) -> QuerySet[Commitment, dict[str, Any]]:
    """The rows in the file's order, each column under the name e_<column>, values as the database holds them.

    makers is added by _statement (it needs the outer row's id); the rest comes from here: desk is required
    (an inner join), counterparty, speaker and owner are optional (left outer joins), the outcomes and the
    latest update are correlated subqueries, each an index scan on the commitment's id."""
    username = f"owner__{get_user_model().USERNAME_FIELD}"
    # prefetch_related(None): a caller's list queryset may prefetch makers, which plain values cannot take.
    queryset = selectors.commitment_flags(commitments.prefetch_related(None), now)
    latest = Update.objects.filter(commitment_id=OuterRef("pk")).order_by("-created_at", "-pk")
    named = {
        "e_id": F("id"), "e_version": F("version"), "e_summit": F("summit_id"), "e_source_ref": F("source_ref"),
        "e_title": F("title"), "e_quote": F("quote"), "e_counterparty": F("counterparty__code"),
        "e_speaker": F("speaker__full_name"), "e_desk": F("desk__name"), "e_owner": F(username),
        "e_kind": F("kind"), "e_modality": F("modality"), "e_level": F("level"),
        "e_description": F("description"), "e_due_phrase": F("due_phrase"), "e_due_from": F("due_from"),
        "e_due_by": F("due_by"), "e_due_precision": F("due_precision"), "e_due_rule": F("due_rule"),
        "e_condition": F("condition_text"), "e_status": F("status"), "e_outcomes": _outcomes_subquery(),
        "e_overdue": F("is_overdue"), "e_stale": F("is_stale"), "e_original_due_by": F("original_due_by"),
        "e_last_update": Subquery(latest.values("note")[:1]),
        "e_last_update_on": Subquery(latest.values("created_at")[:1]),
    }  # fmt: skip
    return queryset.annotate(**named).order_by("summit_id", "source_ref", "title", "pk").values(*named)


def _outcomes_subquery() -> Any:
    """`JPN=fulfilled;RUS=not_fulfilled` (exchange.outcomes_text) for a scored closing, else empty.

    Only a scored closing shows the outcomes recorded, as selectors.outcome_ids has it for the portable path."""
    code = Collate("party__code", _BYTEWISE)
    outcomes = (
        CommitmentOutcome.objects.filter(commitment_id=OuterRef("pk"))
        .order_by()
        .values("commitment_id")
        .annotate(
            cell=StringAgg(Concat("party__code", Value("="), "status", output_field=TextField()), ";", order_by=code)
        )
        .values("cell")
    )
    return Case(
        When(status__in=SCORED_STATUSES, then=Coalesce(Subquery(outcomes), Value(""), output_field=TextField())),
        default=Value(""),
        output_field=TextField(),
    )


def _statement(commitments: QuerySet[Commitment], now: datetime, zone: tzinfo, *, as_json: bool) -> str | None:
    """The export as one SELECT: a text column per cell (CSV), or one column with each row's JSON object.

    The outer SELECT formats what the inner one (Django's, with the caller's filters) reads. Its ORDER BY
    repeats the inner one's: PostgreSQL keeps a subquery's order in practice, and this makes it a promise;
    the plan has no second sort (the subquery scan's output is known to be sorted so). None: no row can match
    (an empty list, `.none()`), which Django knows without asking the database."""
    inner = _inner_queryset(commitments, now)
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:
        return None
    zone_literal = _sql_literal(str(getattr(zone, "key", zone)))
    # The makers' codes, bytewise: made_by's unique (commitment_id, party_id) index finds a row's parties
    # (index-only), and each code comes from a literal array indexed by party id (from the lowest), not a
    # join: a join to party per row cost 1.4 s for 90k rows (a hash of the parties built for each). The
    # parties are a few dozen, their ids close together; a gap is an empty string never looked up (made_by's
    # foreign key names only parties that exist).
    codes = dict(Party.objects.values_list("pk", "code"))
    first = min(codes, default=1)
    code_array = _sql_literal([codes.get(i, "") for i in range(first, max(codes, default=0) + 1)])
    through: Any = Commitment.made_by.through
    # In a lateral join, read once a row: as a subquery in the select list it ran again for each mention of the
    # cell in _FORMULA. A nested loop keeps the ordered rows' order.
    makers = (
        f"LEFT JOIN LATERAL (SELECT string_agg(c.code, ';' ORDER BY c.code COLLATE \"{_BYTEWISE}\") AS codes "  # noqa: S608 - codes bound
        f"FROM (SELECT ({code_array}::text[])[m.party_id - {int(first) - 1}] AS code "
        f"FROM {through._meta.db_table} m WHERE m.commitment_id = e.e_id) c) made_by ON true"
    )
    refs = {column: f"e.e_{column}" for column in COLUMNS}
    refs["made_by"] = "made_by.codes"
    if as_json:
        parts = []
        for i, column in enumerate(COLUMNS):
            key = (" {\n  " if i == 0 else ",\n  ") + json.dumps(column) + ": "
            parts += [_sql_literal(key), _json_value(column, refs[column], zone_literal)]
        # `||`, not concat(): concat() looks up each argument's output function again for every row (57 of them),
        # about a tenth of the statement's time. Every part is a literal or a value that is never NULL.
        cells = "(" + " || ".join([*parts, _sql_literal("\n }")]) + ")"
    else:
        cells = ", ".join(_csv_cell(column, refs[column], zone_literal) for column in COLUMNS)
    inner_sql = _bound(sql, params)
    order = "e.e_summit, e.e_source_ref, e.e_title, e.e_id"
    return f"SELECT {cells} FROM ({inner_sql}) e {makers} ORDER BY {order}"  # noqa: S608 - values bound literals


def csv_stream(commitments: QuerySet[Commitment], now: datetime, zone: tzinfo, chunk_size: int) -> Iterator[str]:
    """The CSV export: the header with the first batch of `chunk_size` rows, then a piece per batch."""
    select = _statement(commitments, now, zone, as_json=False)
    header = ",".join(COLUMNS) + "\n"  # plain names: csv.writer quotes none of them
    if select is None:
        yield header
        return
    statement = f"COPY ({select}) TO STDOUT WITH (FORMAT csv)"
    with transaction.atomic():
        _settings()
        with connection.cursor() as cursor:
            # COPY is not a statement Django's cursor runs, so it is logged (and counted by tests) here.
            debug = getattr(cursor, "debug_sql", None)
            with debug(statement) if debug else nullcontext(), cursor.cursor.copy(statement) as copy:
                rows: list[Any] = []
                for row in copy:  # one CopyData message: one whole row
                    rows.append(row)
                    if len(rows) == chunk_size:
                        yield header + _csv_text(rows)
                        header, rows = "", []
                if rows or header:
                    yield header + _csv_text(rows)


def _settings() -> None:
    """The planner told how the export's one statement is read, for this transaction only.

    jit off: the statement's estimated cost (a row per commitment, four subplans each) passes
    jit_above_cost, and compiling it cost 6.1 of the 9.0 s a 90k-row export took at 1M.
    cursor_tuple_fraction 1: a server-side cursor is planned to return its first 10 % soon (the default),
    which at 1M chose a plan that took 8 s to read whole where COPY of the same query took 2; an export
    reads every row."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL cursor_tuple_fraction = 1")


def _csv_quotes_carriage_returns() -> bool:
    """Does csv.writer quote a cell holding a carriage return but no line feed, as COPY does? (Python 3.11's
    does not when the line terminator is "\\n".) Asked of the csv module running, so the answer cannot drift."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(["a\rb"])
    return out.getvalue().startswith('"')


_CSV_QUOTES_CR = _csv_quotes_carriage_returns()
# A cell COPY quoted only for its carriage return(s): no quote, comma or line feed inside. A quote that follows
# a comma and is followed by neither a quote nor a delimiter opens a cell (inside a quoted cell a quote is
# doubled, or closes it before a delimiter), and the cell holds no quote, so the next one closes it.
_QUOTED_FOR_CR = re.compile(r'(?<=,)"([^",\n]*\r[^",\n]*)"(?=[,\n])')


def _csv_text(rows: list[Any]) -> str:
    data = b"".join(rows).decode()
    if not _CSV_QUOTES_CR and "\r" in data:
        data = _QUOTED_FOR_CR.sub(r"\1", data)
    return data


def json_stream(commitments: QuerySet[Commitment], now: datetime, zone: tzinfo, chunk_size: int) -> Iterator[str]:
    """The JSON export: `[`, the objects a batch at a time, `]` (exchange._json_pieces's text)."""
    statement = _statement(commitments, now, zone, as_json=True)
    separator = "[\n"
    if statement is None:
        yield "[]"
        return
    with transaction.atomic():
        _settings()
        # A named (server-side) cursor: FETCH `chunk_size` rows at a time, never the whole result.
        with connection.chunked_cursor() as cursor:
            cursor.execute(statement)
            while rows := cursor.fetchmany(chunk_size):
                yield separator + ",\n".join([row[0] for row in rows])
                separator = ",\n"
    yield "[]" if separator == "[\n" else "\n]"
