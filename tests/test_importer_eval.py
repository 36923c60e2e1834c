"""The importer's quality on the hand-labelled development corpus, held at floors (`make eval` prints
the same figures with every miss). Raise a floor when the importer improves; never lower one to pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import override_settings

from commitments.importer.evaluation import (
    CorpusMissing,
    alignment_evaluate,
    alignment_lines,
    corpus_dir,
    corpus_evaluate,
    corpus_load,
    record_body,
    report_lines,
)
from commitments.importer.extract import extract
from commitments.importer.record import parse

from .conftest import require

# Measured on 2026-11-30 over the 25 English records (99 labelled commitments): recall 0.96, precision 0.97,
# deadlines 0.92, bound 0.83; see README "The importer".
RECALL_FLOOR = 0.95
PRECISION_FLOOR = 0.95
DEADLINE_FLOOR = 0.91
BOUND_FLOOR = 0.80  # found commitments that bind exactly the labelled parties

# Measured on 2026-12-01 over the 9 Japanese records (41 labelled commitments): recall 1.00, precision 1.00,
# deadlines 0.98, bound 0.98. Floors a little under, as the corpus is small: one sentence moves a figure 0.02.
JA_RECALL_FLOOR = 0.95
JA_PRECISION_FLOOR = 0.95
JA_DEADLINE_FLOOR = 0.95
JA_BOUND_FLOOR = 0.95

# Measured on 2026-12-01 over the 3 paired records (J01, J04, J08 with their English pages; 13 labelled pair
# commitments): 12 aligned to the right counterpart (0.92). Issue 19's target is 0.90.
ALIGNMENT_FLOOR = 0.90


@pytest.fixture(scope="module")
def corpus() -> Path:
    try:
        return corpus_dir()
    except CorpusMissing as missing:
        require(False, str(missing))
        raise


def test_the_importer_holds_its_floors_on_the_development_corpus(corpus: Path) -> None:
    score = corpus_evaluate(corpus_load(corpus))
    table = "\n".join(report_lines(score))
    assert len(score.records) >= 25, table
    assert score.recall >= RECALL_FLOOR, table
    assert score.precision >= PRECISION_FLOOR, table
    assert score.deadline >= DEADLINE_FLOOR, table
    assert score.bound >= BOUND_FLOOR, table
    assert score.parties == 1.0, table  # every record's two parties read
    assert score.dates_wrong == 0, table


def test_the_importer_holds_its_floors_on_the_japanese_records(corpus: Path) -> None:
    score = corpus_evaluate(corpus_load(corpus, "ja"))
    table = "\n".join(report_lines(score))
    assert len(score.records) >= 9, table
    assert score.recall >= JA_RECALL_FLOOR, table
    assert score.precision >= JA_PRECISION_FLOOR, table
    assert score.deadline >= JA_DEADLINE_FLOOR, table
    assert score.bound >= JA_BOUND_FLOOR, table
    assert score.parties == 1.0, table
    assert score.dates_wrong == 0, table
    assert score.dates_asked == 0, table


def test_the_two_languages_of_a_meeting_are_aligned_at_the_floor(corpus: Path) -> None:
    score = alignment_evaluate(corpus)
    table = "\n".join(alignment_lines(score))
    assert score.pairs >= 13, table
    assert score.accuracy >= ALIGNMENT_FLOOR, table


def test_a_corpus_header_is_not_part_of_the_body() -> None:
    text = "# title: A meeting\n# meeting_date: 2001-01-01\n---\nOn 1 January 2001 the ministers met.\n"
    assert record_body(text) == "On 1 January 2001 the ministers met."
    assert record_body("No header here.\n") == "No header here."


def test_a_configured_folder_without_labels_is_refused_with_where_it_looked(tmp_path: Path) -> None:
    with (
        override_settings(PLEDGEBOOK_RECORDS_DIR=str(tmp_path)),
        pytest.raises(CorpusMissing, match=r"no labels\.json"),
    ):
        corpus_dir()


def test_a_label_whose_offsets_miss_its_quote_is_refused(tmp_path: Path) -> None:
    (tmp_path / "r.txt").write_text("On 1 January 2001 the two sides agreed to meet again.", encoding="utf-8")
    label = {"quote": "agreed to meet", "quote_start": 0, "quote_end": 14, "made_by": ["JPN"]}
    record = {"id": "X", "file": "r.txt", "language": "en", "meeting_date": "2001-01-01", "parties": []}
    record |= {"commitments": [label], "non_commitments": [], "pair": None}
    (tmp_path / "labels.json").write_text(json.dumps([record]), encoding="utf-8")
    with pytest.raises(ValueError, match="offsets do not hold its quote"):
        corpus_load(tmp_path)


def test_every_draft_in_the_corpus_quotes_its_record_verbatim(corpus: Path) -> None:
    for labelled in corpus_load(corpus):  # several copies stop mid-sentence: quotes are still verbatim
        record = parse(labelled.body, "UTC")
        record.meeting_date = record.meeting_date or labelled.meeting_date
        for draft in extract(record):
            assert labelled.body[draft.start : draft.end] == draft.quote, labelled.id
