"""The exchange file's format, shared by the portable export and import (exchange.py) and PostgreSQL's
fast export (export_pg.py), which writes the same bytes: its columns, and the characters that make a
spreadsheet read a cell as a formula."""

from __future__ import annotations

# What import reads: the fields staff edit (and, for an update, the id and the version it was exported at).
EDITABLE = [
    "summit",
    "source_ref",
    "title",
    "quote",
    "made_by",
    "counterparty",
    "speaker",
    "desk",
    "owner",
    "kind",
    "modality",
    "level",
    "description",
    "due_phrase",
    "due_from",
    "due_by",
    "due_precision",
    "due_rule",
    "condition",
]
# The status report: exported for reading, passed over by import (but see OUTCOMES).
REPORTED = ["status", "overdue", "stale", "original_due_by", "last_update", "last_update_on"]
# The parties' own outcomes of a joint commitment, beside its status. Import reads them for a row with an id
# (a new row starts not started: like its status, they are read past), and a file without the column (an
# export older than it) leaves them as they are.
OUTCOMES = "outcomes"
COLUMNS = ["id", "version", *EDITABLE, REPORTED[0], OUTCOMES, *REPORTED[1:]]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
