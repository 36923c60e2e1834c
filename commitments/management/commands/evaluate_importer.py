from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commitments.importer.evaluation import CorpusMissing, corpus_dir, corpus_evaluate, corpus_load, report_lines


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
            labelled = corpus_load(directory, "en", ids)
        except (CorpusMissing, ValueError, OSError) as exc:
            raise CommandError(str(exc)) from None
        score = corpus_evaluate(labelled)
        self.stdout.write(f"Importer on {len(labelled)} labelled English records in {directory}:\n")
        for line in report_lines(score, details=not summary):
            self.stdout.write(line)
