"""The layout's promises that no linter states: no import circle anywhere, stylesheets whose blocks close."""

from __future__ import annotations

import grimp


def test_no_module_imports_itself_back_through_any_chain() -> None:
    graph = grimp.build_graph("commitments", "summits", "common", "config")
    circles = sorted(
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if graph.chain_exists(importer=imported, imported=module)
    )
    assert circles == []


def test_summits_imports_nothing_of_commitments_even_lazily() -> None:
    graph = grimp.build_graph("commitments", "summits", "common", "config")
    assert not graph.find_shortest_chains(importer="summits", imported="commitments")


def test_every_stylesheet_closes_each_block_it_opens() -> None:
    """Two merges in a row lost a closing brace in admin.css and put the next rules inside a phone-only
    (or print-only) block: the page looked right at one width only. Count them, comments left out."""
    import re
    from pathlib import Path

    sheets = sorted((Path(__file__).resolve().parents[1] / "commitments" / "static").rglob("*.css"))
    assert sheets
    for sheet in sheets:
        text = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.S)
        depth = 0
        for line_number, line in enumerate(text.splitlines(), 1):
            depth += line.count("{") - line.count("}")
            assert depth >= 0, f"{sheet.name}:{line_number} closes a block it never opened"
        assert depth == 0, f"{sheet.name} leaves {depth} block(s) open"


def test_no_date_is_written_with_a_platform_only_strftime_flag() -> None:
    """strftime's "-" flag (a day without its leading zero) is glibc's: elsewhere it raises or prints
    nothing, and its month names follow the process's C locale, not the reader's language. Dates in text go
    through Django's date_format (the language's formats module), or common.stored for stored text."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    flag = re.compile(r"%-[A-Za-z]")
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for package in ("commitments", "config", "summits", "common", "templates")
        for path in sorted((root / package).rglob("*"))
        if path.suffix in (".py", ".html", ".txt")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if flag.search(line)
    ]
    assert offenders == []


def test_no_task_is_sent_to_wait_in_a_worker() -> None:
    """No ETA or countdown (house style 12): such a task sits unacknowledged in a worker until it is due,
    and when Redis went away meanwhile, Celery could not restore it and the worker exited for good (issue
    18). Later work is a row with a due time that beat's periodic wake-ups pick up."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for package in ("commitments", "config", "summits", "common")
        for path in sorted((root / package).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\b(countdown|eta)\s*=|[\"'](countdown|eta)[\"']|apply_async\(", line)
        and not line.lstrip().startswith("#")
    ]
    assert offenders == []


def test_every_periodic_entry_names_a_task_that_exists() -> None:
    from django.conf import settings

    from config.celery_app import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
    assert {"sweep", "deliveries", "heartbeat"} <= set(settings.CELERY_BEAT_SCHEDULE)
