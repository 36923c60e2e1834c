from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.formats import date_format

from commitments.importer.service import ImportRefused, record_import


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: write it as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = "Import a meeting record (a .txt or .html file, or - for standard input) as a summit with draft commitments."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The record's file, or - to read standard input.")
        parser.add_argument("--url", default="", help="Where the record was published.")
        parser.add_argument(
            "--publisher", default="", help="Who published it, e.g. Ministry of Foreign Affairs of Japan."
        )
        parser.add_argument(
            "--date",
            type=_day,
            default=None,
            help="The meeting's date (YYYY-MM-DD) when the record does not say it; it wins over the text's.",
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(
        self, *args: Any, path: str, url: str, publisher: str, date: dt.date | None, format: str, **options: Any
    ) -> None:
        try:
            raw = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        try:
            result = record_import(
                raw=raw, by=None, now=timezone.now(), source_url=url, publisher=publisher, meeting_date=date
            )
        except ImportRefused as refused:
            hint = " (--date YYYY-MM-DD)" if refused.field == "date" else ""
            raise CommandError(f"{refused}{hint}") from None
        if format == "json":
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            return
        verb = "Attached to" if result.attached else "Imported"
        self.stdout.write(
            f"{verb} “{result.summit.title}” as summit {result.summit.pk}, "
            f"with {len(result.drafts)} draft commitment(s):"
        )
        for draft, _commitment in result.drafts:
            due = draft.window.due_by if draft.window and draft.window.due_by else "no date"
            self.stdout.write(
                f"  [{draft.source_ref or '-'}] {'+'.join(draft.made_by)} {draft.modality}: {draft.quote[:90]} ({due})"
            )
        # A command runs in LANGUAGE_CODE (nothing activates another): its dates in that language's form.
        for follow_up in result.follow_ups:
            self.stdout.write(
                f"  follow-up of commitment {follow_up.commitment_id}: {follow_up.get_proposed_display().lower()} "
                f"on {date_format(follow_up.occurred_on)} — {follow_up.reason}"
            )
        for note in result.notes:
            self.stdout.write(self.style.WARNING(f"  note: {note}"))
        self.stdout.write("Review them in the admin, then accept or reject each one.")
