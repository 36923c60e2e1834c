"""Which reader a record needs: the English one (record.py and extract.py) or the Japanese (japanese.py).

Kept apart from both so that neither imports the other's language: japanese.py builds on record.py's Record
and extract.py's Draft, and this module is the only one that knows both readers.
"""

from __future__ import annotations

from collections.abc import Callable

from .extract import Draft, extract
from .japanese import extract_japanese, language_of, parse_japanese
from .record import Record, parse


def record_parse(text: str, default_zone: str, home_party: str = "") -> Record:
    """Read a record's meeting in its language (the script it is written in says which)."""
    if language_of(text) == "ja":
        return parse_japanese(text, default_zone, home_party)
    return parse(text, default_zone, home_party)


def drafts_extract(record: Record, english: Callable[[Record], list[Draft]] = extract) -> list[Draft]:
    """The draft commitments of a parsed record: the Japanese reader's for a Japanese record, else those of
    `english` (the configured extractor, `PLEDGEBOOK_EXTRACTOR`)."""
    if record.language == "ja":
        return extract_japanese(record)
    return english(record)
