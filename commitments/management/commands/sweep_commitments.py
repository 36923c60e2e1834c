from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from commitments.sweep import sweep_run


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--now {value!r} is not an ISO-8601 moment, e.g. 2001-01-05T09:00+09:00.") from None
    if timezone.is_naive(moment):
        raise CommandError(f"--now {value!r} has no time zone: add one, e.g. {value}+09:00 or {value}Z.")
    return moment


class Command(BaseCommand):
    help = "Flag overdue commitments and create the reminders due now (the periodic sweep, run at once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            type=_moment,
            help="Judge every tracked commitment as of this aware ISO-8601 moment instead of now (a later "
            "moment only with --dry-run); the real schedule is never moved later.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; change nothing.")
        parser.add_argument(
            "--quiet",
            action="store_true",
            help="Record the reminders in-app only, without emailing them: for catching up a backlog once "
            "(the demo's start, a first import of past meetings). Later sweeps email as usual.",
        )

    def handle(self, *args: Any, now: datetime | None, dry_run: bool, quiet: bool, **options: Any) -> None:
        started = timezone.now()
        if now is not None and now > started and not dry_run:
            raise CommandError(
                f"--now {now.isoformat()} is later than the clock ({started.isoformat(timespec='seconds')}): "
                "a sweep for a moment that has not come would record reminders dated in the future and push the "
                "real schedule ahead, silencing reminders until then. Add --dry-run to see what would happen then."
            )
        result = sweep_run(
            now=now or started,
            dry_run=dry_run,
            trigger="command (quiet)" if quiet else "command",
            started_at=started,
            hypothetical=now is not None,
            quiet=quiet,
        )
        self.stdout.write(json.dumps(result.as_dict()))
