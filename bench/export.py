"""The CSV export (`GET /api/v1/commitments/export/`) against COPY of the same columns: time and peak memory.

Time: in-process, the export read to its last byte, alternated with `COPY (SELECT …) TO STDOUT` read
through the same connection. Memory: in a fresh subprocess (`python -m bench.export <query>`), the growth
of its peak resident set (ru_maxrss) over its resident set just before the request, after a small warm-up
export has loaded the code: what the serving process would need.

An export built in memory needs about 12 KB a row (1.2 GB for 90k open rows before issue 20): the export of
every row is skipped when the open rows' growth, scaled to all rows, would pass EXPORT_MEMORY_LIMIT_MB
(default 2,000), rather than take the machine down. It runs once the export streams.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .harness import say
from .pages import _get, browsing, page_vs_floor

ROOT = Path(__file__).resolve().parents[1]
CASES = {"open": "open=true", "all": ""}


def _copy_sql(only_open: bool) -> str:
    """The export's columns by plain SQL: the related names joined, makers and outcomes aggregated per row,
    the latest update by a lateral subquery; the flags as the sweep stores them (overdue_since) and as
    stale is defined (no activity for PLEDGEBOOK_STALE_DAYS)."""
    from django.conf import settings

    from commitments.workflow import OPEN_STATUSES

    statuses = ", ".join(f"'{s}'" for s in sorted(OPEN_STATUSES))
    where = f"WHERE c.status IN ({statuses})" if only_open else ""
    return f"""
        COPY (
            SELECT c.id, c.version, c.summit_id, c.source_ref, c.title, c.quote,
                (SELECT string_agg(p.code, ';' ORDER BY p.code) FROM commitments_commitment_made_by m
                 JOIN summits_party p ON p.id = m.party_id WHERE m.commitment_id = c.id) AS made_by,
                cp.code AS counterparty, sp.full_name AS speaker, d.name AS desk, u.username AS owner,
                c.kind, c.modality, c.level, c.description, c.due_phrase, c.due_from, c.due_by, c.due_precision,
                c.due_rule, c.condition_text, c.status,
                (SELECT string_agg(p.code || '=' || o.status, ';' ORDER BY p.code) FROM commitments_commitmentoutcome o
                 JOIN summits_party p ON p.id = o.party_id WHERE o.commitment_id = c.id) AS outcomes,
                CASE WHEN c.overdue_since IS NOT NULL THEN 'yes' ELSE '' END AS overdue,
                CASE WHEN c.status IN ('not_started', 'in_progress', 'stalled')
                      AND c.last_activity_at < now() - interval '{int(settings.PLEDGEBOOK_STALE_DAYS)} days'
                     THEN 'yes' ELSE '' END AS stale,
                c.original_due_by, lu.note AS last_update, lu.created_at::date AS last_update_on
            FROM commitments_commitment c
            JOIN commitments_desk d ON d.id = c.desk_id
            LEFT JOIN summits_party cp ON cp.id = c.counterparty_id
            LEFT JOIN summits_person sp ON sp.id = c.speaker_id
            LEFT JOIN auth_user u ON u.id = c.owner_id
            LEFT JOIN LATERAL (SELECT note, created_at FROM commitments_update up WHERE up.commitment_id = c.id
                               ORDER BY up.created_at DESC, up.id DESC LIMIT 1) lu ON true
            {where}
            ORDER BY c.summit_id, c.source_ref, c.title, c.id
        ) TO STDOUT WITH (FORMAT csv, HEADER)
    """


def copy_floor(only_open: bool) -> Callable[[], int]:
    from django.db import connection

    sql = _copy_sql(only_open)

    def floor() -> int:
        connection.ensure_connection()
        size = 0
        with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
            for chunk in copy:
                size += len(chunk)
        return size

    return floor


def _rss_kb() -> int:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def memory_in_subprocess(query: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.export", query], cwd=ROOT, env=os.environ.copy(),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"[bench] the export's memory measure failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def measure_export(total: int, runs: int) -> dict[str, Any]:
    from commitments.models import Commitment
    from commitments.workflow import OPEN_STATUSES

    limit_mb = float(os.environ.get("EXPORT_MEMORY_LIMIT_MB", "2000"))
    runs = min(runs, 3)  # a 1M export takes seconds: three alternated pairs are enough for a median
    result: dict[str, Any] = {"limit_mb": limit_mb}
    counts = {"open": Commitment.objects.filter(status__in=OPEN_STATUSES).count(), "all": Commitment.objects.count()}
    for name, query in CASES.items():
        rows = counts[name]
        if name == "all" and "open" in result:
            open_result = result["open"]
            per_row = open_result["memory_growth_mb"] / max(open_result["rows"], 1)
            estimate = per_row * rows
            if estimate > limit_mb:
                result[name] = {"rows": rows, "skipped": f"estimated {estimate:,.0f} MB from the open rows' export"}
                say(f"  all rows: skipped, estimated {estimate:,.0f} MB > {limit_mb:,.0f} MB")
                continue
        say(f"  {name} rows ({rows:,}): memory in a subprocess")
        memory = memory_in_subprocess(query)
        say(f"  {name} rows: {memory['growth_mb']:,.1f} MB growth; timing against COPY")
        with browsing() as (client, token):
            url = "/api/v1/commitments/export/" + (f"?{query}" if query else "")
            timing = page_vs_floor(_get(client, url, token), copy_floor(name == "open"), runs)
        result[name] = {"rows": rows, **timing, "memory_growth_mb": memory["growth_mb"], "copy_bytes": 0}
        result[name]["copy_bytes"] = copy_floor(name == "open")()
    return result


def main() -> None:
    """In a subprocess: one export of `argv[1]`'s rows after a small warm-up; JSON of the peak growth."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from .pages import report_summit

    query = sys.argv[1] if len(sys.argv) > 1 else ""
    with browsing() as (client, token):
        _get(client, f"/api/v1/commitments/export/?summit={report_summit()}", token)()  # load the code paths
        before = _rss_kb()
        size = _get(client, "/api/v1/commitments/export/" + (f"?{query}" if query else ""), token)()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "bytes": size,
                "rss_before_mb": before / 1024,
                "peak_mb": peak / 1024,
                # The process's high-water mark over what was resident just before the request: an upper bound
                # of what the request needed (a warm-up that peaked higher would count too; it is small).
                "growth_mb": (peak - before) / 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
