"""Two-character Japanese words searched alone (訪問, 条約, 首脳): a function listing a text's pairs of non-ASCII
characters, upper-cased, and a GIN index of its result on every searched column (commitments/search.py).

A trigram index holds nothing for a two-character word, so such a word alone used to be refused (at a million
rows the scan it needs took 17 s). The function skips text with no non-ASCII character after one regular
expression test, so English rows cost the index next to nothing; a Japanese title of 20 characters gives at most
19 pairs. IMMUTABLE as UPPER is (the database's own trigram indexes lean on the same promise); PARALLEL SAFE so
that the index builds in parallel.
"""

from typing import Any

from django.db import migrations

from ._trigram import bigram_indexes

FUNCTION = r"""
CREATE OR REPLACE FUNCTION pb_cjk_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN value ~ '[^\x01-\x7f]' THEN ARRAY(
        SELECT DISTINCT substr(upper_value, i, 2)
        FROM (SELECT upper(value) AS upper_value) AS folded, generate_series(1, char_length(upper_value) - 1) AS i
        WHERE substr(upper_value, i, 2) !~ '[\x01-\x7f[:space:]]'
    ) ELSE '{}'::text[] END
$$
"""

INDEXES = [
    ("commitment_title_bigram", "commitments_commitment", "title"),
    ("commitment_title_other_bigram", "commitments_commitment", "title_other"),
    ("commitment_quote_bigram", "commitments_commitment", "quote"),
    ("commitment_quote_other_bigram", "commitments_commitment", "quote_other"),
    ("commitment_description_bigram", "commitments_commitment", "description"),
    ("update_note_bigram", "commitments_update", "note"),
]

create_indexes, drop_indexes = bigram_indexes(INDEXES)


def create_function(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def drop_function(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS pb_cjk_bigrams(text)")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("commitments", "0030_search_other_language"),
    ]

    operations = [
        migrations.RunPython(create_function, drop_function, elidable=False),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
