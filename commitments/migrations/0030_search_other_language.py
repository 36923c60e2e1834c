"""Trigram indexes for the title and quote in the other language (commitments/search.py searches them since
issue 20), built as migration 0026 built the others (migrations/_trigram.py)."""

from django.db import migrations

from ._trigram import trigram_indexes

INDEXES = [
    ("commitment_title_other_trgm", "commitments_commitment", "title_other"),
    ("commitment_quote_other_trgm", "commitments_commitment", "quote_other"),
]


create_indexes, drop_indexes = trigram_indexes(INDEXES)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("commitments", "0029_open_desk_triage_and_statistics"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
