"""BENCHMARKS.md, written from bench/results.json and the hand-written findings in bench/findings.md."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

# bench.pages' words (not imported from there: this module renders without Django)
SEARCH_WORD, COMMON_WORD = "visit", "agreement"

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["1k", "10k", "100k", "1M"]


def _ms(value: dict[str, float], key: str = "") -> str:
    median, low, high = value[f"{key}median_ms"], value[f"{key}min_ms"], value[f"{key}max_ms"]
    return f"{median:,.1f} ms ({low:,.1f}–{high:,.1f})"


def _rate(median: float, low: float, high: float) -> str:
    return f"{median:,.0f} ({low:,.0f}–{high:,.0f})"


def _section(
    results: dict[str, Any],
    measure: str,
    title: str,
    intro: list[str],
    columns: list[str],
    row: Callable[[str, dict[str, Any]], list[str]],
) -> list[str]:
    """A measure's growth table: heading, what was measured, then one row per scale that has it."""
    scales = _scales(results, measure)
    if not scales:
        return []
    lines = [f"## {title}", "", *intro, "", "| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    lines += ["| " + " | ".join(row(scale, results[scale][measure])) + " |" for scale in scales]
    return [*lines, ""]


def _pages(results: dict[str, Any], measure: str, title: str, intro: list[str], keys: dict[str, str]) -> list[str]:
    """A page-vs-floor measure's growth table: one row per scale and page."""
    scales = _scales(results, measure)
    if not scales:
        return []
    columns = ["commitments", "page", "time", "floor", "page / floor", "queries", "floor queries", "size"]
    lines = [f"## {title}", "", *intro, "", "| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    for key, label in keys.items():
        for scale in scales:
            r = results[scale][measure].get(key)
            if not r:
                continue
            lines.append(
                f"| {scale} | {label} | {_ms(r['page'])} | {_ms(r['floor'])} | {r['ratio']:.2f} | {r['queries']} "
                f"| {r['floor_queries']} | {r['bytes'] / 1024:,.0f} KB |"
            )
    return [*lines, ""]


def _lists(results: dict[str, Any]) -> list[str]:
    """Every filter and ordering, one row each: the page's median at each scale (× its floor), its queries,
    and the largest scale against 1k."""
    scales = _scales(results, "lists")
    if not scales:
        return []
    cases = list(results[scales[-1]]["lists"])
    top = scales[-1]
    columns = ["list", *(f"{scale}: ms (× floor)" for scale in scales), "rows", "queries", f"{top} / 1k"]
    lines = [
        "## Filtered lists and orderings (growth)",
        "",
        "Every filter and ordering the API offers (`/api/v1/commitments/?…`), and the admin list's overdue,",
        'overdue + desk, urgency band and "mine" (as the busiest owner). The owner, desk and summit are the',
        "busiest ones. Floor: the same page by one `SELECT` of the API's columns with the filter, in the order",
        "asked with `id` as the tie-breaker, LIMIT 50. Median page time, in brackets the ratio to the floor.",
        f"Rows: the rows each page shows at {' / '.join(scales)}. * in the last column: the full pages show",
        "different numbers of rows at the two scales, so the ratio compares short pages, as many rows at both:",
        "the API's `page_size=10`, and the admin's list paged by one row (its `list_per_page`, set by the bench:",
        "overdue at the busiest desk shows one row at 1k).",
        "",
        "| " + " | ".join(columns) + " |",
        "|" + " --- |" * len(columns),
    ]
    for case in cases:
        cells = [f"`{case}`"]
        for scale in scales:
            r = results[scale]["lists"].get(case)
            cells.append(f"{r['page']['median_ms']:,.1f} ({r['ratio']:.1f}×)" if r else "—")
        queries = sorted({str(results[s]["lists"][case]["queries"]) for s in scales if case in results[s]["lists"]})
        cells.append(" / ".join(str(results[s]["lists"].get(case, {}).get("rows", "?")) for s in scales))
        cells.append("/".join(queries))
        small = results.get("1k", {}).get("lists", {}).get(case)
        if small:
            big, small, note = like_for_like(results[top]["lists"][case], small)
            cells.append(f"{big['page']['median_ms'] / small['page']['median_ms']:.2f}×" + ("*" if note else ""))
        else:
            cells.append("—")
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _exports(results: dict[str, Any]) -> list[str]:
    scales = _scales(results, "export")
    if not scales:
        return []
    columns = ["commitments", "rows", "export", "COPY", "export / COPY", "queries", "peak memory growth", "size"]
    lines = [
        "## CSV export (growth): `/api/v1/commitments/export/`",
        "",
        "The open rows (`?open=true`) and all rows, read to the last byte in-process, alternated with",
        "`COPY (SELECT the same columns …) TO STDOUT` on the same connection. Memory: the growth of the peak",
        "resident set of a fresh process serving one export (ru_maxrss over the resident set just before).",
        "The all-rows export is skipped when the open rows' growth, scaled up, would pass the limit.",
        "",
        "| " + " | ".join(columns) + " |",
        "|" + " --- |" * len(columns),
    ]
    for scale in scales:
        for key in ("open", "all"):
            r = results[scale]["export"].get(key)
            if not r:
                continue
            if "skipped" in r:
                lines.append(f"| {scale} | {r['rows']:,} ({key}) | skipped: {r['skipped']} | | | | | |")
                continue
            lines.append(
                f"| {scale} | {r['rows']:,} ({key}) | {_ms(r['page'])} | {_ms(r['floor'])} | {r['ratio']:.2f} "
                f"| {r['queries']} | {r['memory_growth_mb']:,.1f} MB | {r['bytes'] / 1024 / 1024:,.1f} MB |"
            )
    return [*lines, ""]


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _scales(results: dict[str, Any], measure: str) -> list[str]:
    return [s for s in ORDER if measure in results.get(s, {})]


Goal = tuple[str, str, str, bool]  # measure, goal, result, met


def page_of(entry: dict[str, Any]) -> dict[str, Any]:
    """A page's timing: `page` in the alternated results, the entry itself in those from before them."""
    page: dict[str, Any] = entry.get("page", entry)
    return page


def _against_1k(results: dict[str, Any], top: str, name: str, big: dict[str, Any], path: list[str]) -> Goal | None:
    """≤ 2× its time at 1k, same queries: `path` leads from a scale's results to the page's entry."""
    small: Any = results.get("1k", {})
    for key in path:
        small = small.get(key, {}) if isinstance(small, dict) else {}
    if not small or "queries" not in small or "queries" not in big:
        return None
    big, small, note = like_for_like(big, small)
    ratio = page_of(big)["median_ms"] / page_of(small)["median_ms"]
    same = big["queries"] == small["queries"]
    value = f"{ratio:.2f}×, {big['queries']} vs {small['queries']} queries{note}"
    return (f"{name} {top} vs 1k", "≤ 2×, same queries", value, ratio <= 2 and same)


def like_for_like(big: dict[str, Any], small: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The two pages to compare across scales, and what to say of them: a list page showing more rows at the
    larger scale (17 at 1k, 50 at 1M) is compared by its short pages (`short`: as many rows at both scales)
    where they were measured; where not (results from before), the rows are named."""
    rows = (big.get("rows"), small.get("rows"))
    if None in rows or rows[0] == rows[1]:
        return big, small, ""
    if "short" in big and "short" in small and big["short"]["rows"] == small["short"]["rows"]:
        short = big["short"]["rows"]
        return big["short"], small["short"], f" (pages of {short} rows; full pages: {rows[1]} at 1k, {rows[0]})"
    return big, small, f" (pages of {rows[1]} rows at 1k, {rows[0]})"


def evaluate_goals(results: dict[str, Any]) -> list[Goal]:
    """Issue 20's goals (and the earlier ones), met or missed, from the largest scale measured."""
    goals: list[Goal] = []
    top = next((s for s in reversed(ORDER) if s in results), None)
    if not top:
        return goals
    data = results[top]
    for scale in _scales(results, "sweep"):
        ratio = results[scale]["sweep"]["ratio"]
        # Results from before issue 20 timed all sweep runs, then all SQL runs: say so beside the figure.
        how = "" if "samples" in results[scale]["sweep"]["sweep"] else " (runs not alternated)"
        goals.append((f"Sweep vs hand-written SQL at {scale}", "≤ 1.5", f"{ratio:.2f}{how}", ratio <= 1.5))
    if "sweep" in data:
        share = data["sweep"]["idle_share"]
        goals.append(("Idle sweep vs full sweep", "< 5%", f"{100 * share:.1f}%", share < 0.05))
    pages = [
        ("admin", "unfiltered", "Admin list (unfiltered)"),
        ("admin", "overdue", "Admin list (overdue)"),
        ("search", "admin", "Admin search"),
        ("search", "api", "API search"),
        ("search", "admin_common", "Admin search (common word)"),
        ("search", "api_common", "API search (common word)"),
        ("dashboard", "admin", "Dashboard (admin home)"),
        ("history", "admin", "History page"),
    ]
    for measure, key, name in pages:
        if key in data.get(measure, {}):
            goal = _against_1k(results, top, name, data[measure][key], [measure, key])
            if goal:
                goals.append(goal)
    if "lists" in data:
        checked = [
            (case, goal)
            for case, entry in data["lists"].items()
            if (goal := _against_1k(results, top, case, entry, ["lists", case]))
        ]
        if checked:
            missed = [case for case, goal in checked if not goal[3]]
            compared = {case: like_for_like(data["lists"][case], results["1k"]["lists"][case]) for case, _ in checked}
            worst_case, worst = max(
                ((case, page_of(big)["median_ms"] / page_of(small)["median_ms"])
                 for case, (big, small, _note) in compared.items()),
                key=lambda pair: pair[1],
            )  # fmt: skip
            value = f"worst {worst:.2f}× ({worst_case}); " + (
                f"missed: {', '.join(missed)}" if missed else f"all {len(checked)} met"
            )
            goals.append((f"Filtered lists and orderings, admin and API ({len(checked)}) {top} vs 1k",
                          "each ≤ 2×, same queries", value, not missed))  # fmt: skip
    for key, name in (
        ("admin_overall", "Compliance report, admin, overall"),
        ("api_overall", "Compliance report, API, overall"),
        ("admin_summit", "Compliance report, admin, one summit"),
        ("api_summit", "Compliance report, API, one summit"),
    ):
        entry = data.get("report", {}).get(key)
        if entry:
            ms, ratio = entry["page"]["median_ms"], entry["ratio"]
            target, value = "≤ 2× raw SQL", f"{ratio:.2f}×, {ms:,.0f} ms"
            frame: dict[str, Any] | None = data["report"].get("frame")
            if key.startswith("admin") and frame:
                # The floor is the SQL plus the admin's empty frame (bench/pages.measure_report says why).
                target = "≤ 2× (raw SQL + the admin's empty frame)"
                value += f" (frame {frame['median_ms']:,.1f} ms)"
            if key.endswith("summit"):
                goals.append((name, f"{target}, < 1 s", value, ratio <= 2 and ms < 1000))
            else:
                goals.append((name, target, value, ratio <= 2))
    for key, name in (("open", "open rows"), ("all", "all rows")):
        entry = data.get("export", {}).get(key)
        if entry and "skipped" in entry:
            goals.append((f"CSV export, {name}", "≤ 2× COPY, < 100 MB", f"not run: {entry['skipped']}", False))
        elif entry:
            ratio, growth = entry["ratio"], entry["memory_growth_mb"]
            value = f"{ratio:.2f}×, {growth:,.0f} MB"
            goals.append((f"CSV export, {name} ({entry['rows']:,})", "≤ 2× COPY, < 100 MB", value,
                          ratio <= 2 and growth < 100))  # fmt: skip
    if "api" in data:
        for name in ("list", "detail"):
            ratio = data["api"][name]["ratio"]
            goals.append((f"API {name} vs minimal view", "≥ 0.5", f"{ratio:.2f}", ratio >= 0.5))
    if "delivery" in data:
        ratio = data["delivery"]["ratio"]
        like = "like for like" if "method" in data["delivery"] else "the old, unequal method"
        goals.append((f"Delivery vs no-op task ({like})", "≥ 0.5", f"{ratio:.2f}", ratio >= 0.5))
    return goals


def write(results: dict[str, Any], path: Path | None = None) -> None:
    (path or ROOT / "BENCHMARKS.md").write_text(render(results))


def render(results: dict[str, Any]) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench.run`) from `bench/results.json`; the findings at the end are",
        "written by hand. Not part of `make test`: benchmarks report ratios, tests assert behaviour.",
        "",
        f"- **Date**: {results.get('date', '?')}; each figure is the median of {results.get('runs', '?')} runs after a "
        "warm-up, with the minimum and maximum in brackets.",
    ]
    for key, value in results.get("machine", {}).items():
        lines.append(f"- **{key}**: {value}")
    lines += [
        "- **Data**: generated by `bench/generate.py` with COPY: about ten commitments per meeting since 1990,",
        "  meetings denser towards the present, deadlines read as the importer reads them (31 December the busiest",
        "  due date), old commitments almost all closed, recent ones mostly open, 3% conditional; 24 desks in",
        "  ten time zones, 8 staff each. The world is swept as of 31 Dec 2026 06:00 UTC, then measured a day later.",
        "",
    ]

    top = next((s for s in reversed(ORDER) if s in results), None)
    goals = evaluate_goals(results)
    if goals:
        lines += [f"## Goals at {top}", "", "| measure | goal | result | |", "| --- | --- | --- | --- |"]
        lines += [f"| {name} | {goal} | {value} | {_verdict(ok)} |" for name, goal, value, ok in goals]
        lines.append("")

    lines += _section(
        results,
        "sweep",
        "Sweep against hand-written SQL (growth)",
        [
            "The clock moves one day past the world's present (1 January 2027, 06:00 UTC): everything due on",
            "31 December becomes overdue. Both sides run in a transaction that is rolled back, so every run starts",
            "from the same state; before timing, the benchmark checks that both create the same notifications",
            "and deliveries and leave every due row with the same overdue flag and next check",
            "(`bench/sqlsweep.py`). The ratio is against SQL that, like the sweep, reads only the rows whose",
            "stored next check has come and stores each one's next check; \"SQL, every row\" reads every open",
            "commitment and keeps no schedule, as a sweep without one must.",
        ],
        ["commitments", "newly overdue", "reminded", "notifications", "`sweep_run`", "SQL", "ratio", "SQL, every row",
         "queries", "idle sweep", "idle queries", "idle / full"],
        lambda scale, r: [
            f"{r['commitments']:,}", f"{r['newly_overdue']:,} ({r['newly_overdue_pct']:.1f}%)",
            f"{r['reminded_commitments_pct']:.1f}%", f"{r['notifications']:,}", _ms(r["sweep"]), _ms(r["sql"]),
            f"{r['ratio']:.2f}", _ms(r["sql_every_row"]) if "sql_every_row" in r else "—", str(r["sweep_queries"]),
            _ms(r["idle"]), str(r["idle_queries"]), f"{100 * r['idle_share']:.1f}%",
        ],
    )  # fmt: skip
    lines += _section(
        results,
        "admin",
        "Admin commitment list (growth)",
        [
            "One page (50 rows) as a superuser, in-process (Django's test client, no network), as of the",
            "measured day; beside its floor, the page's rows alone (`.values()` of the API's columns, LIMIT 50).",
        ],
        ["rows", "unfiltered", "floor", "queries", "overdue only", "floor", "queries"],
        lambda scale, r: [
            scale,
            *(cell for key in ("unfiltered", "overdue") for cell in (
                _ms(page_of(r[key])), _ms(r[key]["floor"]) if "floor" in r[key] else "—", str(r[key]["queries"])
            )),
        ],
    )  # fmt: skip
    lines += _pages(
        results,
        "search",
        f"Search (growth): `?q={SEARCH_WORD}` and `?q={COMMON_WORD}`",
        [
            f"The admin list and the API list searching `{SEARCH_WORD}` (the issue's word: no generated row has it,",
            f"so the answer means asking every row or an index) and `{COMMON_WORD}` (about one title in seven),",
            "beside the floor: the same page by `title ILIKE '%word%' OR quote ILIKE … OR description ILIKE …` in",
            "the page's order, LIMIT 50 (a pg_trgm GIN index answers it once there is one).",
        ],
        {
            "admin": f"admin, {SEARCH_WORD}",
            "api": f"API, {SEARCH_WORD}",
            "admin_common": f"admin, {COMMON_WORD}",
            "api_common": f"API, {COMMON_WORD}",
        },
    )
    lines += _pages(
        results,
        "dashboard",
        "Dashboard (growth): `/admin/`",
        [
            "The admin home as a running service serves it (the tiles as beat counted them in the last minute:",
            "`commitments/reports/dashboard.py`) and as a page that counts them itself (beat stopped, or the cache",
            "emptied), beside one aggregate over the tracked (open) rows counting the same tiles.",
        ],
        {"admin": "admin home", "admin_counting": "admin home, counting"},
    )
    lines += _pages(
        results,
        "report",
        "Compliance report (growth)",
        [
            "The admin page and the API, overall and for one summit (the latest with commitments:",
            "`?summit=<id>`), beside the raw aggregate SQL for the figures shown: overall, per party (each party's",
            "own outcome), per desk, and the first page of per summit (the latest 50) — or that summit's overall,",
            "per party and per desk. One aggregate per table, no DISTINCT (no grouping here can duplicate a row).",
            "An admin page's floor adds what no admin page goes below, the admin's empty frame (login, header,",
            "navigation: `bench/views.admin_frame`), and for one summit the rows its timeline and assessments show.",
            "Since issue 20's last round the one-summit page shows that summit only (the whole report is a link",
            "away).",
        ],
        {"admin_overall": "admin, overall", "api_overall": "API, overall",
         "admin_summit": "admin, one summit", "api_summit": "API, one summit"},
    )  # fmt: skip
    lines += _pages(
        results,
        "history",
        "History page (growth): a commitment with 200 historical records",
        [
            "`/admin/commitments/commitment/<id>/history/` for one commitment given 200 historical records",
            "(title, status and deadline changing in turn; rolled back afterwards), beside the SQL reading those",
            "records with their authors.",
        ],
        {"admin": "history page"},
    )
    lines += _lists(results)
    lines += _exports(results)
    lines += _section(
        results,
        "api",
        "API under gunicorn, 8 concurrent clients (growth)",
        [
            "`wrk -t2 -c8 -d4s` against gunicorn (sync workers, 2 × cores + 1) on the same machine; the API with a",
            "token against `bench/views.py`, which returns the same rows (the columns the API reads, `ROW_COLUMNS`)",
            "from `.values()` as JSON with no authentication, permissions, relations, serializers or pagination.",
            "Requests per second.",
        ],
        ["commitments", "list: API", "list: minimal", "ratio", "one commitment: API", "minimal", "ratio"],
        lambda scale, r: [
            scale,
            *(
                cell
                for x in (r["list"], r["detail"])
                for cell in (
                    _rate(x["api_rps"], x["api_min"], x["api_max"]),
                    _rate(x["minimal_rps"], x["minimal_min"], x["minimal_max"]),
                    f"{x['ratio']:.2f}",
                )
            ),
        ],
    )
    lines += _section(
        results,
        "delivery",
        "Reminder delivery through Celery and Redis (growth)",
        [
            "A batch of emails sent by one worker (prefork pool of 4, as docker-compose deploys it) to a local",
            "SMTP sink (aiosmtpd), against the same number of no-op tasks on the same worker, like for like: on",
            "both sides all the work is queued while the worker does not consume (the delivery rows written and",
            "the sender woken as the product wakes it, `wake_sender`; the no-op tasks published), then the",
            "worker is told to consume and the clock runs until the last email is recorded sent or the last",
            "no-op has counted itself (both polled every 10 ms). Publishing, row writes and the worker's start",
            "are outside the clock on both sides, and the two sides alternate. The delivery side needs fewer",
            "broker messages (PLEDGEBOOK_DELIVERY_SENDERS wake-ups, each run handing over every 200 emails)",
            "than the no-op side (one a task): a message is part of what a no-op costs. Before issue 20 the",
            "no-op side's clock included the bench's own 1,000 sequential `delay()` calls. Per second.",
        ],
        ["commitments", "emails a batch", "broker messages (delivery / no-op)", "delivered", "no-op tasks", "ratio"],
        lambda scale, r: [
            scale,
            f"{r['emails']:,}",
            f"{r['delivery_messages']:,} / {r['noop_messages']:,}"
            if "method" in r
            else "old method: publishing inside the clock",
            _rate(r["delivery_per_s"], r["delivery_min_per_s"], r["delivery_max_per_s"]),
            _rate(r["noop_per_s"], r["noop_min_per_s"], r["noop_max_per_s"]),
            f"{r['ratio']:.2f}",
        ],
    )
    findings = ROOT / "bench" / "findings.md"
    if findings.exists():
        lines += [findings.read_text().rstrip(), ""]
    return "\n".join(lines)
