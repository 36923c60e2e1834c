"""Build each .mo from its .po under LOCALE_PATHS (`make run` and `make test` call this; so does the test suite).

Pure Python (polib) rather than Django's compilemessages, which shells out to GNU gettext's msgfmt: that is a
system package a fresh machine may not have, and the .mo files are not committed. Only a .mo older than its
.po is rewritten, so calling this before every run costs next to nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def translations_compile(*, force: bool = False) -> list[Path]:
    """Compile the stale (or, with `force`, every) .po of the project; returns the .mo files written."""
    written = []
    for root in settings.LOCALE_PATHS:
        for po_path in sorted(Path(root).glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if force or not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
                # Fuzzy entries are left out, as msgfmt does: a guessed translation is not shown to anyone.
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                written.append(mo_path)
    return written


class Command(BaseCommand):
    help = "Compile the project's translations (locale/*/LC_MESSAGES/*.po) to .mo files."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Rewrite every .mo, stale or not.")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        for path in translations_compile(force=force):
            self.stdout.write(f"compiled {path}")
