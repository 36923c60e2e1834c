"""The pure parts of `make bench`: the alternated clock, the goals' verdicts, BENCHMARKS.md from results.

The benchmarks themselves run by hand against a large PostgreSQL database; these hold their arithmetic.
No timing is asserted: the clock is a fake that advances by what each function says it costs.
"""

from __future__ import annotations

from typing import Any

import pytest

from bench.harness import Sample, summary, timed_alternating, timed_pair
from bench.report import evaluate_goals, like_for_like, render


class FakeClock:
    """perf_counter's stand-in: time moves only when a timed function says how long it took."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def spend(self, ms: float) -> None:
        self.now += ms / 1000


def test_timed_pair_warms_each_up_then_alternates_a_and_b() -> None:
    calls: list[str] = []
    clock = FakeClock()

    def a() -> None:
        calls.append("a")
        clock.spend(30)

    def b() -> None:
        calls.append("b")
        clock.spend(10)

    result = timed_pair(a, b, runs=3, clock=clock)
    assert calls == ["a", "b", "a", "b", "a", "b", "a", "b"]  # one warm-up each, then A B A B …
    assert result["a"]["samples"] == pytest.approx([30, 30, 30])  # the warm-ups are not samples
    assert result["ratio"] == pytest.approx(3.0)


def test_drift_hits_both_sides_alike_when_alternated() -> None:
    """A machine slowing down over the runs: alternated, A and B see the same drift and the ratio holds."""
    clock = FakeClock()
    load = iter(range(100))

    def slower(base: float) -> Any:
        def run() -> None:
            clock.spend(base * (1 + next(load) / 10))

        return run

    result = timed_pair(slower(20), slower(10), runs=5, clock=clock)
    assert 1.8 < result["ratio"] < 2.2  # blocks of A then B would have given ~2.9


def test_a_function_may_report_its_own_sample() -> None:
    """Only part of a run is the measure (the idle sweep after a full one): the returned figure counts."""
    clock = FakeClock()

    def part() -> Sample:
        clock.spend(100)
        return Sample(7.0)

    def counted() -> int:  # a floor returns its row count: not a sample
        clock.spend(5)
        return 50

    result = timed_alternating({"part": part, "other": counted}, runs=2, clock=clock)
    assert result["part"]["samples"] == [7.0, 7.0]
    assert result["other"]["median_ms"] == pytest.approx(5)


def test_summary_is_median_min_max() -> None:
    assert summary([5, 1, 9, 3, 7]) == {"median_ms": 5, "min_ms": 1, "max_ms": 9}


def ms(median: float) -> dict[str, float]:
    return {"median_ms": median, "min_ms": median * 0.9, "max_ms": median * 1.1}


def page(median: float, floor: float, queries: int) -> dict[str, Any]:
    return {"page": ms(median), "floor": ms(floor), "ratio": median / floor, "queries": queries,
            "floor_queries": 1, "bytes": 20480}  # fmt: skip


def sweep(ratio: float) -> dict[str, Any]:
    return {"commitments": 1000, "newly_overdue": 4, "newly_overdue_pct": 0.4, "notifications": 7,
            "reminded_commitments_pct": 0.5, "sweep": {**ms(10 * ratio), "samples": [10 * ratio]},
            "sql": ms(10), "sql_every_row": ms(11),
            "ratio": ratio, "sweep_queries": 15, "idle": ms(0.2), "idle_queries": 8, "idle_share": 0.02}  # fmt: skip


def delivery(ratio: float) -> dict[str, Any]:
    per_s = 500 * ratio
    return {"emails": 1000, "method": "queued", "ratio": ratio, "delivery_per_s": per_s, "delivery_messages": 4,
            "noop_messages": 1000,
            "delivery_min_per_s": per_s, "delivery_max_per_s": per_s, "noop_per_s": 500,
            "noop_min_per_s": 490, "noop_max_per_s": 510}  # fmt: skip


def small_results() -> dict[str, Any]:
    return {
        "date": "2026-12-01 (UTC)",
        "runs": 3,
        "machine": {"cpu": "test"},
        "1k": {
            "sweep": sweep(1.4),
            "search": {"word": "visit", "admin": page(20, 2, 12), "api": page(5, 1, 4)},
            "lists": {"api overdue": page(10, 1, 4), "api ordering=-due_by": page(10, 1, 4)},
            "report": {"summit": 1, "admin_summit": page(50, 40, 8)},
            "export": {"open": {"rows": 90, **page(30, 20, 5), "memory_growth_mb": 2.0}},
            "delivery": delivery(0.6),
        },
        "1M": {
            "sweep": sweep(1.6),
            "search": {"word": "visit", "admin": page(30, 3, 12), "api": page(1190, 1, 5)},
            "lists": {"api overdue": page(15, 1, 4), "api ordering=-due_by": page(500, 1, 4)},
            "report": {"summit": 1, "admin_summit": page(1500, 1000, 8)},
            "export": {
                "open": {"rows": 90_000, **page(1600, 800, 5), "memory_growth_mb": 20.0},
                "all": {"rows": 1_000_000, "skipped": "estimated 12,000 MB from the open rows' export"},
            },
            "delivery": delivery(0.4),
        },
    }


def verdicts(results: dict[str, Any]) -> dict[str, tuple[str, bool]]:
    return {name: (value, ok) for name, _goal, value, ok in evaluate_goals(results)}


def test_the_sweep_goal_is_judged_at_every_scale() -> None:
    goals = verdicts(small_results())
    assert goals["Sweep vs hand-written SQL at 1k"] == ("1.40", True)
    assert goals["Sweep vs hand-written SQL at 1M"] == ("1.60", False)


def test_a_sweep_ratio_from_runs_not_alternated_says_so() -> None:
    results = small_results()
    del results["1M"]["sweep"]["sweep"]["samples"]  # as bench/results.json held them before issue 20
    assert verdicts(results)["Sweep vs hand-written SQL at 1M"] == ("1.60 (runs not alternated)", False)


def test_pages_are_judged_against_their_time_and_queries_at_1k() -> None:
    goals = verdicts(small_results())
    assert goals["Admin search 1M vs 1k"] == ("1.50×, 12 vs 12 queries", True)
    # 238× slower and one query more: missed on both counts.
    assert goals["API search 1M vs 1k"] == ("238.00×, 5 vs 4 queries", False)


def test_one_slow_list_misses_the_lists_goal_and_is_named() -> None:
    value, ok = verdicts(small_results())["Filtered lists and orderings, admin and API (2) 1M vs 1k"]
    assert not ok
    assert "worst 50.00× (api ordering=-due_by)" in value
    assert "missed: api ordering=-due_by" in value
    assert "api overdue" not in value.split("missed:")[1]


def test_a_list_showing_more_rows_at_1m_is_compared_by_its_short_pages() -> None:
    results = small_results()
    # 17 rows at 1k, 50 at 1M: the full pages differ by their rows; the 10-row pages are like for like.
    results["1k"]["lists"]["api overdue"] = {**page(6, 1, 4), "rows": 17, "short": {**page(5, 1, 4), "rows": 10}}
    results["1M"]["lists"]["api overdue"] = {**page(13, 1, 4), "rows": 50, "short": {**page(6, 1, 4), "rows": 10}}
    big, small = results["1M"]["lists"]["api overdue"], results["1k"]["lists"]["api overdue"]
    assert like_for_like(big, small) == (big["short"], small["short"], " (pages of 10 rows; full pages: 17 at 1k, 50)")
    assert "| `api overdue` | 6.0 (6.0×) | 13.0 (13.0×) | 17 / 50 | 4 | 1.20×* |" in render(results)
    value, _ok = verdicts(results)["Filtered lists and orderings, admin and API (2) 1M vs 1k"]
    assert value == "worst 50.00× (api ordering=-due_by); missed: api ordering=-due_by"  # 2.17× full, 1.20× short
    # Short pages not measured (results from before them): the full pages, their rows named.
    del big["short"]
    assert like_for_like(big, small) == (big, small, " (pages of 17 rows at 1k, 50)")
    assert "| `api overdue` | 6.0 (6.0×) | 13.0 (13.0×) | 17 / 50 | 4 | 2.17×* |" in render(results)


def test_an_admin_report_is_judged_against_its_sql_and_the_admins_empty_frame() -> None:
    results = small_results()
    results["1M"]["report"]["frame"] = ms(8)
    value, ok = verdicts(results)["Compliance report, admin, one summit"]
    assert (value, ok) == ("1.50×, 1,500 ms (frame 8.0 ms)", False)
    assert "≤ 2× (raw SQL + the admin's empty frame), < 1 s" in render(results)


def test_a_summits_report_needs_both_the_ratio_and_the_second() -> None:
    results = small_results()
    assert verdicts(results)["Compliance report, admin, one summit"] == ("1.50×, 1,500 ms", False)  # over 1 s
    results["1M"]["report"]["admin_summit"] = page(900, 300, 8)
    assert verdicts(results)["Compliance report, admin, one summit"] == ("3.00×, 900 ms", False)  # over 2×
    results["1M"]["report"]["admin_summit"] = page(900, 600, 8)
    assert verdicts(results)["Compliance report, admin, one summit"][1]


def test_an_export_needs_time_and_memory_and_a_skipped_one_is_missed() -> None:
    goals = verdicts(small_results())
    assert goals["CSV export, open rows (90,000)"] == ("2.00×, 20 MB", True)
    value, ok = goals["CSV export, all rows"]
    assert not ok
    assert value.startswith("not run: estimated 12,000 MB")


def test_delivery_is_judged_like_for_like() -> None:
    assert verdicts(small_results())["Delivery vs no-op task (like for like)"] == ("0.40", False)


def test_the_report_renders_every_measure_and_keeps_the_findings() -> None:
    text = render(small_results())
    assert text.startswith("# Benchmarks")
    assert "## Goals at 1M" in text
    assert "| Sweep vs hand-written SQL at 1M | ≤ 1.5 | 1.60 | **missed** |" in text
    assert "## Search (growth): `?q=visit` and `?q=agreement`" in text
    assert "| 1M | API, visit | 1,190.0 ms (1,071.0–1,309.0) | 1.0 ms (0.9–1.1) | 1190.00 | 5 | 1 | 20 KB |" in text
    assert "| `api ordering=-due_by` | 10.0 (10.0×) | 500.0 (500.0×) | ? / ? | 4 | 50.00× |" in text
    assert "skipped: estimated 12,000 MB" in text
    assert "## Compliance report (growth)" in text
    # The hand-written findings (bench/findings.md) follow the generated part.
    assert text.index("## What the measurements found") > text.index("## Reminder delivery")
