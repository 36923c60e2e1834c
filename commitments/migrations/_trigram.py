"""Search indexes (commitments/search.py), built the same way by every migration that adds some.

Not a migration (the loader skips modules whose name starts with "_"). On PostgreSQL only; nothing happens on
SQLite. Each index is on exactly the expression the search writes, so that the planner answers each searched
word with a bitmap index scan instead of reading every row:

- trigram indexes on `UPPER("col"::text)`, the expression Django's `icontains` writes (`UPPER("col"::text) LIKE
  UPPER('%w%')`), for words of three characters or more;
- bigram indexes on `pb_cjk_bigrams("col")` (migration 0031 defines the function), for a Japanese word of two
  characters (`pb_cjk_bigrams("col") @> ARRAY[UPPER('訪問')]`), which holds no trigram.

Built CONCURRENTLY (the migration must be non-atomic): on a live table of a million commitments a plain CREATE
INDEX would hold writes off for the minutes the build takes.
"""

from collections.abc import Callable
from typing import Any

# name, table, column
Index = tuple[str, str, str]
Operations = tuple[Callable[[Any, Any], None], Callable[[Any, Any], None]]


def _gin_indexes(indexes: list[Index], expression: Callable[[str], str]) -> Operations:
    """The RunPython pair that creates and drops GIN `indexes`, each on `expression(column)`."""

    def create(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, table, column in indexes:
            schema_editor.execute(
                f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" ON "{table}" USING gin ({expression(column)})'
            )
        # Statistics of the indexed expressions are gathered only by an ANALYZE after the index exists. Until
        # then the planner guesses that '%investment%' matches 100 rows of a million (it matched 142,857) and
        # sorts them all instead of walking the list's order index: 7 s instead of 14 ms.
        for table in sorted({table for _name, table, _column in indexes}):
            schema_editor.execute(f'ANALYZE "{table}"')

    def drop(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, _table, _column in indexes:
            schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')

    return create, drop


def trigram_indexes(indexes: list[Index]) -> Operations:
    """Trigram indexes on UPPER(column), for icontains."""
    return _gin_indexes(indexes, lambda column: f'UPPER("{column}"::text) gin_trgm_ops')


def bigram_indexes(indexes: list[Index]) -> Operations:
    """Indexes on the column's two-character Japanese (non-ASCII) pairs, for a two-character word."""
    return _gin_indexes(indexes, lambda column: f'pb_cjk_bigrams("{column}")')
