"""Trigram indexes for search (commitments/search.py), on PostgreSQL only; nothing happens on SQLite.

How they are built, and why so: migrations/_trigram.py.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from ._trigram import trigram_indexes

# name, table, column: the columns commitments/search.py searches.
INDEXES = [
    ("commitment_title_trgm", "commitments_commitment", "title"),
    ("commitment_quote_trgm", "commitments_commitment", "quote"),
    ("commitment_description_trgm", "commitments_commitment", "description"),
    ("update_note_trgm", "commitments_update", "note"),
]


create_indexes, drop_indexes = trigram_indexes(INDEXES)


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
