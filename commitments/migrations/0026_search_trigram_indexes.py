"""Trigram indexes for search (commitments/search.py), on PostgreSQL only; nothing happens on SQLite.

Each index is on exactly the expression Django's `icontains` writes — `UPPER("col"::text) LIKE UPPER('%w%')` —
so that the planner can answer each searched word with a bitmap index scan instead of reading every row.
Built CONCURRENTLY (hence a non-atomic migration): on a live table of a million commitments a plain CREATE
INDEX would hold writes off for the minutes the build takes.
"""

from typing import Any

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# name, table, column: the columns commitments/search.py searches.
INDEXES = [
    ("commitment_title_trgm", "commitments_commitment", "title"),
    ("commitment_quote_trgm", "commitments_commitment", "quote"),
    ("commitment_description_trgm", "commitments_commitment", "description"),
    ("update_note_trgm", "commitments_update", "note"),
]


def create_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" ON "{table}" USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )
    # Statistics of the indexed expressions are gathered only by an ANALYZE after the index exists. Until then
    # the planner guesses that '%investment%' matches 100 rows of a million (it matched 142,857) and sorts them
    # all instead of walking the list's order index: 7 s instead of 14 ms.
    for table in sorted({table for _name, table, _column in INDEXES}):
        schema_editor.execute(f'ANALYZE "{table}"')


def drop_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("commitments", "0025_verbose_names_translatable"),
    ]

    operations = [
        # CreateExtension does nothing on a database other than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
