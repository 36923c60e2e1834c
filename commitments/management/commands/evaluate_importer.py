from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commitments.importer.evaluation import (
    CorpusMissing,
    alignment_evaluate,
    alignment_lines,
    corpus_dir,
    corpus_evaluate,
    corpus_languages,
    corpus_load,
    report_lines,
)
from summits.models import RECORD_LANGUAGES, record_language_name


class Command(BaseCommand):
    help = (
        "Measure the importer on the hand-labelled meeting records: recall, precision, deadline windows and "
        "meeting dates per record and overall, with every miss and false alarm (`make eval`)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ids", nargs="*", help="Only these records (ids from labels.json, e.g. S00 E09).")
        parser.add_argument("--records", default="", help="The records folder (default: PLEDGEBOOK_RECORDS_DIR).")
        parser.add_argument("--summary", action="store_true", help="The table only, without the misses.")

    def handle(self, *args: Any, ids: list[str], records: str, summary: bool, **options: Any) -> None:
        from pathlib import Path

        try:
            directory = Path(records) if records else corpus_dir()
            languages = corpus_languages(directory)
            unknown = [i for i in ids if i not in languages]
            if unknown:
                raise ValueError(f"No labelled record with id {', '.join(unknown)}.")
            # Japanese records are measured apart: one language's figures must not hide the other's.
            corpora = [
                (record_language_name(code), corpus_load(directory, code, [i for i in ids if languages[i] == code]))
                for code in RECORD_LANGUAGES
                if not ids or any(languages[i] == code for i in ids)
            ]
        except (CorpusMissing, ValueError, OSError) as exc:
            raise CommandError(str(exc)) from None
        for name, labelled in corpora:
            score = corpus_evaluate(labelled)
            self.stdout.write(f"Importer on {len(labelled)} labelled {name} records in {directory}:\n")
            for line in report_lines(score, details=not summary):
                self.stdout.write(line)
            self.stdout.write("")
        if not ids or any(languages[i] == "ja" for i in ids):
            # Both languages of one meeting: does each Japanese commitment find its English counterpart?
            for line in alignment_lines(alignment_evaluate(directory, only=[i for i in ids if languages[i] == "ja"])):
                self.stdout.write(line)
