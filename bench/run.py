"""`make bench`: grow the data set, measure, compare with the database's own limit, write BENCHMARKS.md.

    python -m bench.run [--scales 1k,10k,100k,1M] [--runs 5] [--only sweep,admin,…] [--fresh]

Against PostgreSQL (BENCH_DATABASE_URL, default the local `pledgebook_bench`, created if missing) and
Redis (REDIS_URL). Every ratio comes from A/B runs alternated (bench/harness.py: one untimed warm-up of
each, then A B A B …), medians with the minimum and maximum; every page is measured beside its floor, the
same result by the cheapest SQL on the same connection, with its queries counted. The tables are vacuumed
(VACUUM (ANALYZE)) after generating and after each measure, whose rolled-back runs leave dead rows. Results
accumulate in bench/results.json (one entry per scale and measure, the latest run wins) and BENCHMARKS.md is
rewritten from it (bench/report.py), so scales and measures can be run one at a time.

Measures (--only): sweep, admin (the list), search, dashboard, lists (every API filter and ordering, the
admin's filters), history, report (compliance, admin and API, overall and one summit), export (time and
peak memory), api (gunicorn under wrk against a minimal view), delivery (Celery to an SMTP sink against
no-op tasks, both queued before the clock starts).

How long: 1k and 10k take 3–5 minutes each (lists, report and export dominate: dozens of pages, each run
1 + 2 × runs times). At 1M, with issue 20's fixes, about 15–20 minutes with --runs 5 on 2 cores: growing the
data from 100k (2–3 min of COPY and a baseline sweep), the sweep (~1.5 min), lists (28 pages, ~3 min), the
report (~2 min), export (~2 min: the 1M-row export and its COPY), api (~2 min of wrk), delivery (~1 min), and
a VACUUM after each measure (~20–40 s each). Before the fixes the report alone takes ~10 min at 1M (29 s a
page) and the all-rows export is skipped (it would need ~12 GB).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# BENCH_RESULTS: another results file (a trial run), with its BENCHMARKS.md written beside it as <name>.md.
RESULTS = Path(os.environ.get("BENCH_RESULTS") or ROOT / "bench" / "results.json")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/pledgebook_bench"
from bench.harness import Sample, queries, rolled_back, say, summary, timed_alternating, vacuum  # noqa: E402

SCALES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1M": 1_000_000}


def _database_ready(url: str) -> None:
    """Create the benchmark database if it is missing (it is never the service's own)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(server, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                say(f"creating database {name}")
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        sys.exit(f"[bench] PostgreSQL is needed for the benchmarks ({exc}). Start it, or set BENCH_DATABASE_URL.")


def _fresh(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


# --- preparing a scale ---------------------------------------------------------------------------


def prepare(total: int) -> None:
    from django.core.management import call_command

    from bench.generate import WORLD_NOW, generate
    from commitments.models import Delivery
    from commitments.reports.summaries import compliance_summaries_refresh
    from commitments.sweep import sweep_run

    call_command("migrate", verbosity=0)
    generate(total)
    # As a running service leaves the world: swept as of its present (flags set, past occasions recorded,
    # each row's next check stored). Nothing to do when it already is.
    say("baseline sweep as of the generated world's present")
    started = time.monotonic()
    result = sweep_run(now=WORLD_NOW, trigger="baseline")
    say(f"  {result.notifications:,} notifications in {time.monotonic() - started:.1f}s")
    # A running service has sent them by now (no worker ran during the baseline).
    Delivery.objects.filter(status="pending").update(status="sent", sent_at=WORLD_NOW, next_attempt_at=WORLD_NOW)
    # And beat has refreshed the compliance report's kept figures (hourly): the report reads them, as it
    # does in service; without them every report would be computed live, the path for one summit only.
    started = time.monotonic()
    compliance_summaries_refresh(now=WORLD_NOW)
    say(f"  compliance figures kept in {time.monotonic() - started:.1f}s")
    vacuum()


def bench_user() -> Any:
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True, "email": "bench@ministry.invalid"}
    )
    return user


# --- 1, 2: the sweep against hand-written SQL ------------------------------------------------------


def measure_sweep(total: int, runs: int) -> dict[str, Any]:
    from bench.generate import WORLD_NOW
    from bench.sqlsweep import sql_sweep
    from commitments.models import Commitment, Delivery, Notification, SweepRun
    from commitments.sweep import sweep_run

    next_day = WORLD_NOW + timedelta(days=1)

    def keys(run_id: int) -> set[tuple[int, int, str, str]]:
        return set(
            Notification.objects.filter(sweep_run_id=run_id).values_list(
                "commitment_id", "recipient_id", "kind", "occasion"
            )
        )

    # The same work, checked before it is timed: notifications, flags, and each due row's next check.
    due = list(Commitment.objects.filter(next_check_at__lte=next_day).values_list("pk", flat=True))

    def schedule() -> set[tuple[int, Any, Any]]:
        return set(Commitment.objects.filter(pk__in=due).values_list("pk", "overdue_since", "next_check_at"))

    with rolled_back():
        ours = sweep_run(now=next_day, trigger="bench")
        run = SweepRun.objects.filter(trigger="bench").latest("id")
        ours_keys, ours_schedule = keys(run.pk), schedule()
        ours_deliveries = Delivery.objects.filter(notification__sweep_run=run).count()
    with rolled_back():
        theirs = sql_sweep(next_day)
        run = SweepRun.objects.filter(trigger="sql").latest("id")
        sql_keys, sql_schedule = keys(run.pk), schedule()
    if ours_keys != sql_keys or ours_schedule != sql_schedule or ours_deliveries != theirs["deliveries"]:
        sys.exit(
            f"[bench] the SQL sweep does not do the same work: {len(ours_keys ^ sql_keys)} notifications and "
            f"{len(ours_schedule ^ sql_schedule) // 2} rows' flag or next check differ; fix bench/sqlsweep.py "
            "before timing anything."
        )
    if (theirs["flagged_overdue"], theirs["cleared"]) != (ours.flagged_overdue, ours.cleared):
        sys.exit("[bench] the SQL sweep counts flags differently from sweep_run; fix bench/sqlsweep.py.")
    say(f"  same work: {ours.flagged_overdue:,} newly overdue, {ours.notifications:,} notifications")

    # Each side is timed inside its transaction (the rollback is not the work), and the three are alternated:
    # sweep, SQL, SQL over every row, sweep, … The idle sweep runs after the full one in the same transaction
    # (nothing has come due since), so each round gives a full and an idle sample from the same state.
    idle_samples: list[float] = []

    def ours_run() -> Sample:
        with rolled_back():
            started = time.perf_counter()
            sweep_run(now=next_day, trigger="bench")
            full = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            sweep_run(now=next_day + timedelta(minutes=15), trigger="bench")
            idle_samples.append((time.perf_counter() - started) * 1000)
        return Sample(full)

    def sql_run() -> Sample:
        with rolled_back():
            started = time.perf_counter()
            sql_sweep(next_day)
            return Sample((time.perf_counter() - started) * 1000)

    def sql_every_row_run() -> Sample:
        with rolled_back():
            started = time.perf_counter()
            sql_sweep(next_day, scheduled=False)
            return Sample((time.perf_counter() - started) * 1000)

    times = timed_alternating({"sweep": ours_run, "sql": sql_run, "sql_every_row": sql_every_row_run}, runs)
    ours_time, sql_time, sql_every_row_time = times["sweep"], times["sql"], times["sql_every_row"]
    idle_samples = idle_samples[1:]  # drop the warm-up
    idle_queries: list[int] = []
    with rolled_back():
        sweep_run(now=next_day, trigger="bench")
        idle_queries.append(queries(lambda: sweep_run(now=next_day + timedelta(minutes=15), trigger="bench")))
    full_queries = 0
    with rolled_back():
        full_queries = queries(lambda: sweep_run(now=next_day, trigger="bench"))
    commitments = Commitment.objects.count()
    return {
        "commitments": commitments,
        "newly_overdue": ours.flagged_overdue,
        "newly_overdue_pct": 100 * ours.flagged_overdue / commitments,
        "notifications": ours.notifications,
        "reminded_commitments_pct": 100 * len({k[0] for k in ours_keys}) / commitments,
        "sweep": ours_time,
        "sql": sql_time,
        "sql_every_row": sql_every_row_time,
        "ratio": ours_time["median_ms"] / sql_time["median_ms"],
        "sweep_queries": full_queries,
        "idle": summary(idle_samples),
        "idle_queries": idle_queries[0],
        "idle_share": statistics.median(idle_samples) / ours_time["median_ms"],
    }


# --- 4: the API under gunicorn against a minimal view -----------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wrk(url: str, token: str | None, seconds: int) -> float:
    command = ["wrk", "-t", "2", "-c", "8", "-d", f"{seconds}s", url]
    if token:
        command[1:1] = ["-H", f"Authorization: Token {token}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        sys.exit(f"[bench] {url} answered {non_2xx.group(1)} errors under load:\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not match or float(match.group(1)) == 0:
        sys.exit(f"[bench] {url} served nothing under load:\n{out}")
    return float(match.group(1))


def _until_served(url: str, server: subprocess.Popen[bytes], seconds: float = 180) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"[bench] gunicorn did not serve {url} within {seconds:.0f}s")
        time.sleep(0.5)


def measure_api(total: int, runs: int) -> dict[str, Any]:
    from rest_framework.authtoken.models import Token

    from commitments.models import Commitment

    if not shutil.which("wrk"):
        sys.exit("[bench] the API benchmark needs wrk: apt-get install wrk")
    token = Token.objects.get_or_create(user=bench_user())[0].key
    pk = Commitment.objects.order_by("id").values_list("pk", flat=True)[total // 2]
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    workers = str(2 * (os.cpu_count() or 1) + 1)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", workers,
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        # Served, not only listening: gunicorn's master accepts connections before its workers have loaded
        # Django (tens of seconds on a loaded machine), and wrk would count those seconds as 0 requests/s.
        _until_served(f"{base}/bench/minimal/commitments/", server)
        pairs = {
            "list": (f"{base}/api/v1/commitments/", f"{base}/bench/minimal/commitments/"),
            "detail": (f"{base}/api/v1/commitments/{pk}/", f"{base}/bench/minimal/commitments/{pk}/"),
        }
        result: dict[str, Any] = {"workers": int(workers), "clients": 8}
        for name, (api_url, minimal_url) in pairs.items():
            _wrk(api_url, token, 2)  # warm-up
            _wrk(minimal_url, None, 2)
            api_rates, minimal_rates = [], []
            for _ in range(runs):  # interleaved, so drift hits both alike
                api_rates.append(_wrk(api_url, token, 4))
                minimal_rates.append(_wrk(minimal_url, None, 4))
            result[name] = {
                "api_rps": statistics.median(api_rates),
                "api_min": min(api_rates),
                "api_max": max(api_rates),
                "minimal_rps": statistics.median(minimal_rates),
                "minimal_min": min(minimal_rates),
                "minimal_max": max(minimal_rates),
                "ratio": statistics.median(api_rates) / statistics.median(minimal_rates),
            }
        return result
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


# --- 5: reminder delivery through Celery and Redis to an SMTP sink -------------------------------------


class _Worker:
    """One Celery worker (prefork pool of 4, as docker-compose deploys it) whose consuming the bench switches
    off and on: work is queued while it is off, and the clock starts when it is switched on."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        from config.celery_app import app

        self.app = app
        self.hostname = f"bench-{os.getpid()}@{socket.gethostname()}"
        self.queue = app.conf.task_default_queue or "celery"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork", "--concurrency", "4",
             "--without-mingle", "--without-gossip", "--loglevel", "WARNING", "--include", "bench.tasks",
             "--hostname", self.hostname],
            cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[self.hostname], timeout=1):
            if time.monotonic() > deadline or self.process.poll() is not None:
                sys.exit(f"[bench] the Celery worker did not start; see {log}")

    def pause(self) -> None:
        self.app.control.cancel_consumer(self.queue, destination=[self.hostname], reply=True, timeout=10)

    def resume(self) -> None:
        self.app.control.add_consumer(self.queue, destination=[self.hostname], reply=True, timeout=10)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def measure_delivery(total: int, runs: int, batch: int = 1000) -> dict[str, Any]:
    """Like for like: both sides have all their work queued before the clock starts.

    Delivery: `batch` pending deliveries written and the sender woken as the product wakes it (wake_sender:
    PLEDGEBOOK_DELIVERY_SENDERS messages; each run hands over to a fresh one every sender.BATCH emails), all
    while the worker does not consume. No-op: `batch` no-op tasks published while it does not consume. Then
    the worker is switched on and the clock runs until the last email is recorded sent / the last no-op has
    counted itself (both polled every 10 ms). The publishing, the row writes and the worker's start are
    outside the clock on both sides; the two sides are alternated."""
    import redis
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from bench.tasks import noop
    from commitments.models import Commitment, Delivery, Notification
    from commitments.notifications.create import wake_sender

    smtp_port, log = _free_port(), ROOT / "var" / "bench-worker.log"
    log.parent.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
    }
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}", "-c", "aiosmtpd.handlers.Sink"],
        cwd=ROOT,
        env=env,
    )
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    user = bench_user()
    commitment_ids = list(Commitment.objects.order_by("id").values_list("pk", flat=True)[:batch])
    worker = _Worker(env, log)
    messages = {"delivery": 0}

    def wait(done: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + 600
        while not done():
            if time.monotonic() > deadline:
                sys.exit(f"[bench] {what} did not finish in 10 minutes; see {log}")
            time.sleep(0.01)

    def deliver() -> Sample:
        worker.pause()
        now = timezone.now()
        stamp = f"bench:{time.time_ns()}"
        notifications = Notification.objects.bulk_create(
            Notification(commitment_id=pk, recipient=user, kind="status_changed", occasion=stamp,
                         message="Benchmark delivery", created_at=now)
            for pk in commitment_ids
        )  # fmt: skip
        deliveries = Delivery.objects.bulk_create(
            Delivery(notification=n, recipient=user, next_attempt_at=now) for n in notifications
        )
        wake_sender()  # the messages wait in the broker: the worker is not consuming
        messages["delivery"] = settings.PLEDGEBOOK_DELIVERY_SENDERS
        ids = [n.pk for n in notifications]
        # Polled as cheaply as the no-op side's Redis GET: a range of primary keys (nothing else writes
        # deliveries meanwhile), not the thousand ids as a list, which cost ~0.7 ms of CPU a poll, a hundred
        # polls a second, on the same two cores as the worker being measured.
        first, last = min(d.pk for d in deliveries), max(d.pk for d in deliveries)
        pending = Delivery.objects.filter(pk__gte=first, pk__lte=last, status__in=["pending", "sending"])
        started = time.perf_counter()
        worker.resume()
        wait(lambda: not pending.exists(), "deliveries")
        elapsed = Sample((time.perf_counter() - started) * 1000)
        sent = Delivery.objects.filter(notification_id__in=ids, status="sent").count()
        if sent != len(ids):
            sys.exit(f"[bench] only {sent} of {len(ids)} emails were sent; see {log}")
        return elapsed

    def noops() -> Sample:
        worker.pause()
        key = f"bench:noop:{time.time_ns()}"
        for _ in range(batch):
            noop.delay(key)
        started = time.perf_counter()
        worker.resume()
        wait(lambda: int(client.get(key) or 0) >= batch, "no-op tasks")
        elapsed = Sample((time.perf_counter() - started) * 1000)
        client.delete(key)
        return elapsed

    try:
        connection.close()
        pair = timed_alternating({"delivery": deliver, "noop": noops}, runs)
        Notification.objects.filter(occasion__startswith="bench:").delete()
    finally:
        worker.stop()
        sink.send_signal(signal.SIGTERM)
        sink.wait(timeout=10)
    delivered, plain = pair["delivery"], pair["noop"]
    return {
        "emails": batch,
        "method": "queued before the clock, alternated",
        "delivery_messages": messages["delivery"],
        "noop_messages": batch,
        "delivery_per_s": batch / (delivered["median_ms"] / 1000),
        "delivery_min_per_s": batch / (delivered["max_ms"] / 1000),
        "delivery_max_per_s": batch / (delivered["min_ms"] / 1000),
        "noop_per_s": batch / (plain["median_ms"] / 1000),
        "noop_min_per_s": batch / (plain["max_ms"] / 1000),
        "noop_max_per_s": batch / (plain["min_ms"] / 1000),
        "ratio": plain["median_ms"] / delivered["median_ms"],
    }


def _measures() -> dict[str, Callable[[int, int], dict[str, Any]]]:
    from bench import export, pages

    return {
        "sweep": measure_sweep,
        "admin": pages.measure_admin,
        "search": pages.measure_search,
        "dashboard": pages.measure_dashboard,
        "lists": pages.measure_lists,
        "history": pages.measure_history,
        "report": pages.measure_report,
        "export": export.measure_export,
        "api": measure_api,
        "delivery": measure_delivery,
    }


MEASURE_NAMES = ["sweep", "admin", "search", "dashboard", "lists", "history", "report", "export", "api", "delivery"]


def machine() -> dict[str, str]:
    from django.db import connection

    cpu = "unknown"
    with suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    memory = ""
    try:
        kb = int(
            next(
                line.split()[1]
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            )
        )
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": memory,
        "python": platform.python_version(),
        "postgres": postgres,
        "os": platform.platform(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="1k,10k,100k,1M")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default=",".join(MEASURE_NAMES), help="any of " + ", ".join(MEASURE_NAMES))
    parser.add_argument("--fresh", action="store_true", help="drop the benchmark database first")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    _database_ready(url)
    if args.fresh:
        _fresh(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/12")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from bench.report import write
    from commitments.models import Commitment

    labels = args.scales.split(",")
    unknown = [label for label in labels if label not in SCALES]
    if unknown:
        sys.exit(f"[bench] unknown scale {', '.join(unknown)}: choose from {', '.join(SCALES)}")
    if args.runs < 1:
        sys.exit("[bench] --runs must be at least 1 (each run is timed after an untimed warm-up)")
    only = args.only.split(",")
    unknown = [name for name in only if name not in MEASURE_NAMES]
    if unknown:
        sys.exit(f"[bench] unknown measure {', '.join(unknown)}: choose from {', '.join(MEASURE_NAMES)}")
    measures = _measures()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    have = Commitment.objects.count()
    if have > SCALES[labels[0]]:
        # The data only grows: a smaller scale needs a new database.
        say(f"the benchmark database holds {have:,} commitments, more than {labels[0]}: starting afresh")
        from django.db import connections

        connections.close_all()
        _fresh(url)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["machine"] = machine()
    results["date"] = time.strftime("%Y-%m-%d (UTC)", time.gmtime())
    results["runs"] = args.runs
    campaign = time.monotonic()
    for label in labels:
        total = SCALES[label]
        say(f"scale {label}: preparing {total:,} commitments")
        started = time.monotonic()
        prepare(total)
        say(f"scale {label}: prepared in {time.monotonic() - started:,.0f}s")
        for number, name in enumerate(only, 1):
            say(f"scale {label}: {name} ({number}/{len(only)})")
            started = time.monotonic()
            results.setdefault(label, {})[name] = measures[name](total, args.runs)
            say(f"  {json.dumps(results[label][name])[:300]}")
            # The rolled-back runs leave their rows dead; the next measure meets vacuumed tables.
            vacuum()
            say(f"scale {label}: {name} done in {time.monotonic() - started:,.0f}s "
                f"({(time.monotonic() - campaign) / 60:,.1f} min so far)")  # fmt: skip
            RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True))
            write(results, None if "BENCH_RESULTS" not in os.environ else RESULTS.with_suffix(".md"))


if __name__ == "__main__":
    main()
