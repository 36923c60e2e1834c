"""Trigram indexes for the title and quote in the other language (commitments/search.py searches them since
issue 20), on PostgreSQL only; nothing happens on SQLite. Built as migration 0026 built the others: on exactly
the expression `icontains` writes, CONCURRENTLY (writes go on while they are built), then ANALYZE."""

from typing import Any

from django.db import migrations

INDEXES = [
    ("commitment_title_other_trgm", "commitments_commitment", "title_other"),
    ("commitment_quote_other_trgm", "commitments_commitment", "quote_other"),
]


def create_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" ON "{table}" USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )
    schema_editor.execute('ANALYZE "commitments_commitment"')


def drop_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("commitments", "0029_open_desk_triage_and_statistics"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
