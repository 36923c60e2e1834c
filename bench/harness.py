"""The benchmark's fair clock: A/B runs alternated, medians with their spread, queries counted, dead rows vacuumed.

Pure helpers (no Django at import time) so that tests can check them without a database.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Timed = Callable[[], Any]
Clock = Callable[[], float]


class Sample(float):
    """Milliseconds a timed function measured itself, when only part of its work is the measure (the
    sweep without its rollback; the delivery once its rows are written): returned, it counts instead of
    the function's wall time. Any other return value (a row count, a size) is ignored."""


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def summary(samples: list[float]) -> dict[str, float]:
    """Median, minimum and maximum (milliseconds) of some samples."""
    return {"median_ms": statistics.median(samples), "min_ms": min(samples), "max_ms": max(samples)}


def _sample(function: Timed, clock: Clock) -> float:
    started = clock()
    returned = function()
    elapsed = (clock() - started) * 1000
    return float(returned) if isinstance(returned, Sample) else elapsed


def timed_alternating(functions: dict[str, Timed], runs: int, clock: Clock = time.perf_counter) -> dict[str, Any]:
    """Each function once untimed (warm caches, compiled plans), then `runs` rounds of A B C … A B C ….

    Alternating, not all A runs then all B runs: on a shared machine the load drifts over a minute, and a
    block of A runs followed by a block of B runs turns that drift into a ratio (the old sweep figure 1.25
    became 1.36 once alternated)."""
    for function in functions.values():
        function()
    samples: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(runs):
        for name, function in functions.items():
            samples[name].append(_sample(function, clock))
    return {name: {**summary(values), "samples": values} for name, values in samples.items()}


def timed_pair(a: Timed, b: Timed, runs: int, clock: Clock = time.perf_counter) -> dict[str, Any]:
    """A against B, alternated (see timed_alternating): both summaries and the ratio of their medians."""
    both = timed_alternating({"a": a, "b": b}, runs, clock)
    return {"a": both["a"], "b": both["b"], "ratio": both["a"]["median_ms"] / both["b"]["median_ms"]}


def timed(function: Timed, runs: int, clock: Clock = time.perf_counter) -> dict[str, Any]:
    """One function alone (only where there is nothing to alternate with)."""
    return timed_alternating({"only": function}, runs, clock)["only"]


class Rollback(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run the body in a transaction and undo it, so every run starts from the same state.

    Every rolled-back run leaves its rows dead in the table: `vacuum()` after each measure."""
    from django.db import transaction

    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass


def queries(function: Callable[[], Any]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def vacuum() -> None:
    """VACUUM (ANALYZE): reclaim what rolled-back runs left dead (~700k rows after a full 1M run) and refresh
    the planner's statistics, so the next measure meets the tables a running service would have."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def fetch_all(sql: str, params: list[Any] | dict[str, Any] | None = None) -> int:
    """Run a floor's SQL through Django's own connection and read every row (as a page would); how many."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return len(cursor.fetchall())
