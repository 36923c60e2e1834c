"""`make chaos`: a bounded soak of the production processes under faults (loopback only, a few minutes).

    python -m bench.chaos [--duration 180] [--commitments 300] [--settle 150] [--pace 0.5] [--keep-logs]

It starts a fresh PostgreSQL database (`pledgebook_chaos`, dropped at the end), its own redis-server on a
free port, an SMTP sink (bench/chaos_sink.py), gunicorn with config.settings.production, two Celery
workers (prefork, as docker-compose runs them) and one beat. While staff change commitments through the
REST API and new commitments fall due in waves, it SIGKILLs workers (and starts a replacement, as a
supervisor would), stops Redis and starts it again, makes SMTP refuse and then hang, and runs a second
beat for a while. Then it stops the faults, waits for the outbox to settle, counts (bench/chaos_tally.py)
and exits 1 on any loss, duplicate, 5xx or dead worker.

Why bench/: like the benchmarks it is run by hand against real PostgreSQL and Redis, never by `make test`,
and it is tooling rather than product (not installed, not under the import contracts); its pure counting
lives beside it in chaos_tally.py, which tests/test_chaos.py checks in CI.

The orchestrator itself sets up Django on the soak's database (production settings, the children's
environment) to create the data through the services and to read the outbox at the end; the children
are started each in its own session, so that a SIGKILL takes a whole prefork worker (parent and pool) as
a container's death would, and cleanup kills exactly the process groups this run started.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from .chaos_sink import HANG, NORMAL, REFUSE, Sink
from .chaos_tally import UNSETTLED, DeliveryRow, Tally, tally

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("CHAOS_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "pledgebook_chaos"
PASSWORD = "chaos-" + secrets.token_urlsafe(12)
STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[chaos {time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- processes -------------------------------------------------------------------------------------


@dataclass
class Child:
    """One process this run started, in its own session; `expected_exit` when the soak ended it."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    ready: bytes = b""
    popen: subprocess.Popen[bytes] | None = None
    expected_exit: bool = False
    restarts: int = 0

    def start(self, timeout: float = 60) -> None:
        self.expected_exit = False
        handle = self.log.open("ab")
        self.popen = subprocess.Popen(
            self.argv, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        handle.close()
        if not self.ready:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ready in self.log.read_bytes():
                return
            if self.popen.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start:\n{self.log.read_text(errors='replace')[-3000:]}")

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal_group(self, signum: int) -> None:
        if self.popen is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signum)

    def kill(self) -> None:
        """SIGKILL the whole group: nothing gets to finish or acknowledge anything."""
        self.expected_exit = True
        self.signal_group(signal.SIGKILL)
        if self.popen is not None:
            self.popen.wait(timeout=10)

    def stop(self) -> None:
        self.expected_exit = True
        if self.popen is None:
            return
        self.signal_group(signal.SIGTERM)
        try:
            self.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.signal_group(signal.SIGKILL)
            self.popen.wait(timeout=10)
        # Pool children of a prefork worker whose parent went first.
        self.signal_group(signal.SIGKILL)


def redis_ping(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.3, socket_timeout=0.3).ping())
    except redis.RedisError:
        return False


# --- the world -------------------------------------------------------------------------------------


@dataclass
class World:
    args: argparse.Namespace
    workdir: Path
    db_url: str = ""
    redis_url: str = ""
    web_url: str = ""
    sink: Sink | None = None
    env: dict[str, str] = field(default_factory=dict)
    redis: Child | None = None
    web: Child | None = None
    workers: list[Child] = field(default_factory=list)
    beats: list[Child] = field(default_factory=list)
    dead: list[str] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    django_ready: bool = False

    def fault(self, message: str) -> None:
        self.faults.append(f"{time.monotonic() - STARTED:6.1f}s  {message}")
        say(message)

    def children(self) -> list[Child]:
        return [c for c in [self.redis, self.web, *self.workers, *self.beats] if c is not None]

    def worker(self, number: int) -> Child:
        python = sys.executable
        return Child(
            name=f"worker-{number}",
            argv=[python, "-m", "celery", "-A", "config", "worker", "--loglevel", "INFO", "--concurrency", "2",
                  "--without-mingle", "--without-gossip", "--hostname", f"chaos{number}@%h"],
            env=self.env,
            log=self.workdir / f"worker-{number}.log",
            ready=b" ready.",
        )  # fmt: skip

    def beat(self, number: int) -> Child:
        return Child(
            name=f"beat-{number}",
            argv=[sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
                  "--schedule", str(self.workdir / f"beat-{number}.schedule"), "--pidfile", ""],
            env=self.env,
            log=self.workdir / f"beat-{number}.log",
            ready=b"beat: Starting...",
        )  # fmt: skip


def database_create(world: World) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    world.db_url = f"{PG_SERVER}/{DB_NAME}"


def database_drop() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def environment(world: World, smtp_port: int, web_port: int) -> dict[str, str]:
    """What every child (and this process's Django) runs with: production settings, short intervals."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PLEDGEBOOK_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no redirect to https (a proxy would terminate TLS in front of gunicorn).
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(world.workdir / "static"),
        "DATABASE_URL": world.db_url,
        "REDIS_URL": world.redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_TIMEOUT": "3",
        "PLEDGEBOOK_VAR_DIR": str(world.workdir),
        "PLEDGEBOOK_BASE_URL": f"http://127.0.0.1:{web_port}",
        "PLEDGEBOOK_DEMO_PASSWORD": PASSWORD,
        "PLEDGEBOOK_SWEEP_SECONDS": "5",
        "PLEDGEBOOK_DELIVERY_WAKE_SECONDS": "3",
        "PLEDGEBOOK_DELIVERY_BACKOFF_SECONDS": "1",
        # Longer than a hung SMTP conversation (EMAIL_TIMEOUT) several times over, short enough that a
        # killed worker's claims come due again within the soak.
        "PLEDGEBOOK_DELIVERY_LEASE_SECONDS": "12",
        "PLEDGEBOOK_HEARTBEAT_SECONDS": "5",
        "PLEDGEBOOK_WORKER_LATE_SECONDS": "30",
        "PLEDGEBOOK_DELIVERY_SENDERS": "2",
        "PLEDGEBOOK_LOG_LEVEL": "INFO",
    }


def django_setup(world: World) -> None:
    os.environ.update(world.env)
    import django

    django.setup()
    world.django_ready = True
    # The sink runs in this process: its per-command log lines would drown the soak's own.
    logging.getLogger("mail.log").setLevel(logging.WARNING)


# --- data ------------------------------------------------------------------------------------------


@dataclass
class Cast:
    officers: list[Any]
    supervisors: list[Any]
    desk: Any
    summit: Any
    templates: list[Any]
    created: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def pool(self) -> list[int]:
        with self.lock:
            return list(self.created)


def data_load() -> Cast:
    """The demo (summit, desk, the four demo users), its backlog swept quietly, and more staff with email."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.utils import timezone

    from commitments import policy
    from commitments.demo import demo_load
    from commitments.models import Commitment, DeskMembership

    call_command("migrate", verbosity=0)
    result = demo_load(now=timezone.now(), with_users=True, password=PASSWORD)
    # The demo is Brunei, 2000: a quarter of a century of reminders, recorded in-app but not emailed.
    call_command("sweep_commitments", "--quiet", stdout=open(os.devnull, "w"))  # noqa: SIM115
    User = get_user_model()
    desk = result.summit.commitments.first().desk  # type: ignore[union-attr]
    officer_group = Group.objects.get(name=policy.GROUP_OFFICER)
    supervisor_group = Group.objects.get(name=policy.GROUP_SUPERVISOR)
    officers = [User.objects.get(username="officer")]
    for number in range(1, 6):
        user = User.objects.create_user(
            f"officer{number}",
            f"officer{number}@chaos.invalid",
            PASSWORD,
            is_staff=True,
            first_name=f"Officer {number}",
        )
        user.groups.add(officer_group)
        DeskMembership.objects.create(desk=desk, user=user, role=DeskMembership.Role.OFFICER)
        officers.append(user)
    supervisors = [User.objects.get(username="supervisor")]
    user = User.objects.create_user("supervisor2", "supervisor2@chaos.invalid", PASSWORD, is_staff=True)
    user.groups.add(supervisor_group)
    DeskMembership.objects.create(desk=desk, user=user, role=DeskMembership.Role.SUPERVISOR)
    supervisors.append(user)
    templates = list(Commitment.objects.filter(summit=result.summit).order_by("pk"))
    return Cast(officers=officers, supervisors=supervisors, desk=desk, summit=result.summit, templates=templates)


# Days from today to each new commitment's deadline: long overdue (overdue and escalation), overdue,
# due today, and the 1-, 7- and 30-day reminders.
DUE_OFFSETS = [-20, -3, -1, 0, 1, 7, 30]


def commitments_create(cast: Cast, count: int, first: int) -> None:
    """`count` tracked commitments through the service, owned by officers, watched by a supervisor and an officer."""
    from django.utils import timezone

    from commitments import services
    from commitments.models import Commitment

    now = timezone.now()
    today = timezone.localdate()
    for number in range(first, first + count):
        template = cast.templates[number % len(cast.templates)]
        commitment = Commitment(
            summit=cast.summit,
            quote=template.quote,
            source_ref=template.source_ref,
            title=f"Chaos {number}: {template.title}"[:200],
            kind=template.kind,
            level=template.level,
            modality=template.modality,
            desk=cast.desk,
            owner=cast.officers[number % len(cast.officers)],
            due_by=today + timedelta(days=DUE_OFFSETS[number % len(DUE_OFFSETS)]),
            due_precision=Commitment.Precision.DAY,
        )
        services.commitment_create(commitment=commitment, by=None, now=now, read_window=False)
        commitment.made_by.set(template.made_by.all())
        commitment.watchers.set([cast.supervisors[1], cast.officers[(number + 1) % len(cast.officers)]])
        with cast.lock:
            cast.created.append(commitment.pk)


# --- staff through the API ---------------------------------------------------------------------------


@dataclass
class Traffic:
    responses: Counter[int] = field(default_factory=Counter)
    unanswered: int = 0
    server_errors: list[str] = field(default_factory=list)
    client_errors: dict[int, str] = field(default_factory=dict)  # the first answer of each 4xx status
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, method: str, path: str, status: int | None, body: bytes) -> None:
        with self.lock:
            if status is None:
                self.unanswered += 1
                self.server_errors.append(f"{method} {path}: no answer {body[:200]!r}")
            else:
                self.responses[status] += 1
                if status >= 500:
                    self.server_errors.append(f"{method} {path}: {status} {body[:300]!r}")
                elif status >= 400:
                    self.client_errors.setdefault(status, f"{method} {path}: {body[:300]!r}")


def call(
    world: World,
    traffic: Traffic,
    method: str,
    path: str,
    token: str | None,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int | None, dict[str, str], Any]:
    request = urllib.request.Request(
        world.web_url + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Accept": "application/json",
            "Content-Type": "application/json",
            **({"Authorization": f"Token {token}"} if token else {}),
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            traffic.record(method, path, response.status, raw)
            return response.status, dict(response.headers), json.loads(raw or b"null")
    except urllib.error.HTTPError as error:
        raw = error.read()
        traffic.record(method, path, error.code, raw)
        return error.code, dict(error.headers), None
    except (OSError, ValueError) as error:
        traffic.record(method, path, None, repr(error).encode())
        return None, {}, None


def token_get(world: World, traffic: Traffic, username: str) -> str:
    status, _, body = call(
        world, traffic, "POST", "/api/v1/auth/token/", None, {"username": username, "password": PASSWORD}
    )
    if status != 200:
        raise RuntimeError(f"no API token for {username}: {status}")
    return str(body["token"])


def staff_at_work(
    world: World, traffic: Traffic, cast: Cast, token: str, supervisor: bool, stop: threading.Event
) -> None:
    """One member of staff: read a commitment, then move it on, note progress or (a supervisor) move its deadline."""
    rng = random.Random()
    today = time.strftime("%Y-%m-%d")
    while not stop.wait(rng.uniform(0.5, 1.5) * world.args.pace):
        pool = cast.pool()
        if not pool:
            continue
        pk = rng.choice(pool)
        status, headers, commitment = call(world, traffic, "GET", f"/api/v1/commitments/{pk}/", token)
        if status != 200 or not isinstance(commitment, dict):
            continue
        if_match = {"If-Match": headers.get("ETag", '"1"')}
        base = f"/api/v1/commitments/{pk}"
        roll = rng.random()
        is_open = commitment.get("status") in {"not_started", "in_progress", "stalled"}
        if is_open and roll < 0.55:
            to = rng.choice(["in_progress", "stalled"]) if rng.random() < 0.85 else "fulfilled"
            if to == commitment.get("status"):
                to = "in_progress" if to == "stalled" else "stalled"
            body = {"to": to, "note": f"Chaos soak: {to} as of {today}."}
            call(world, traffic, "POST", f"{base}/transitions/", token, body, if_match)
        elif supervisor and is_open and roll < 0.75:
            due = time.strftime("%Y-%m-%d", time.localtime(time.time() + 86400 * rng.choice([-15, -2, 0, 1, 7, 40])))
            body = {"due_by": due, "reason": "Chaos soak: the talks moved.", "change_class": "renegotiated"}
            call(world, traffic, "POST", f"{base}/deadline/", token, body, if_match)
        else:
            call(world, traffic, "POST", f"{base}/updates/", token, {"note": "Chaos soak: progress noted."})


# --- the soak ----------------------------------------------------------------------------------------


def supervise(world: World) -> None:
    """Count every child that exited without the soak ending it, and start a replacement, as a supervisor would."""
    for child in world.children():
        if child.popen is not None and not child.expected_exit and child.popen.poll() is not None:
            world.dead.append(f"{child.name} exited with {child.popen.returncode}")
            world.fault(f"DEAD: {child.name} exited on its own with {child.popen.returncode}; restarting it")
            child.restarts += 1
            child.start()


def schedule() -> list[tuple[float, str]]:
    """When each fault begins and ends, as fractions of the run (every one at least once)."""
    return [
        (0.12, "kill worker"),
        (0.22, "redis stop"),
        (0.22, "redis start +10"),
        (0.38, "smtp refuse"),
        (0.38, "smtp normal +15"),
        (0.52, "smtp hang"),
        (0.52, "kill worker +5"),
        (0.52, "smtp normal +15"),
        (0.66, "second beat"),
        (0.66, "second beat stop +20"),
        (0.80, "kill worker"),
        (0.84, "redis stop"),
        (0.84, "redis start +10"),
    ]


def _at(duration: float, spec: tuple[float, str]) -> tuple[float, str]:
    fraction, what = spec
    name, _, plus = what.partition(" +")
    return duration * fraction + (float(plus) if plus else 0.0), name


def fault_do(world: World, name: str, killed: list[int]) -> None:
    sink = world.sink
    assert sink is not None
    assert world.redis is not None
    if name == "kill worker":
        index = len(killed) % len(world.workers)
        killed.append(index)
        victim = world.workers[index]
        victim.kill()
        world.fault(f"SIGKILL {victim.name} (pid {victim.popen.pid if victim.popen else '?'}, whole group)")
        victim.restarts += 1
        victim.start()
        world.fault(f"{victim.name} replaced (pid {victim.popen.pid if victim.popen else '?'})")
    elif name == "redis stop":
        world.redis.stop()
        world.fault("Redis stopped")
    elif name == "redis start":
        world.redis.start()
        deadline = time.monotonic() + 10
        while not redis_ping(world.redis_url) and time.monotonic() < deadline:
            time.sleep(0.1)
        world.fault("Redis started again (empty: no persistence)")
    elif name == "smtp refuse":
        sink.mode = REFUSE
        world.fault("SMTP refuses every email (451)")
    elif name == "smtp hang":
        sink.mode = HANG
        world.fault("SMTP hangs (connections accepted, never answered)")
    elif name == "smtp normal":
        was = sink.mode
        sink.mode = NORMAL
        world.fault(f"SMTP answers again (was {was}; {sink.refused} refused, {sink.held} held so far)")
    elif name == "second beat":
        beat = world.beat(2)
        beat.start()
        world.beats.append(beat)
        world.fault("a second beat started")
    elif name == "second beat stop":
        for beat in world.beats[1:]:
            beat.stop()
        world.beats = world.beats[:1]
        world.fault("the second beat stopped")


def outbox_rows() -> tuple[list[DeliveryRow], int]:
    from django.db.models import OuterRef, Subquery

    from commitments.models import Delivery, DeliveryAttempt, Notification

    last = DeliveryAttempt.objects.filter(delivery=OuterRef("pk")).order_by("-finished_at", "-pk").values("outcome")[:1]
    rows = [
        DeliveryRow(notification_id=n, status=s, last_error=e, last_outcome=o or "")
        for n, s, e, o in Delivery.objects.annotate(last_outcome=Subquery(last)).values_list(
            "notification_id", "status", "last_error", "last_outcome"
        )
    ]
    return rows, Notification.objects.count()


def faults_bit() -> str:
    """How the faults showed in the outbox: tries by outcome, and emails that needed more than one try."""
    from django.db.models import Count

    from commitments.models import Delivery, DeliveryAttempt

    outcomes = dict(DeliveryAttempt.objects.values_list("outcome").annotate(n=Count("pk")).values_list("outcome", "n"))
    retried = Delivery.objects.filter(status=Delivery.Status.SENT, attempts__gt=1).count()
    return f"tries by outcome {outcomes}; emails sent after more than one try: {retried}"


def settle(world: World, limit: float) -> bool:
    """Wait until every delivery is sent, skipped or failed, two sweeps after the last change (or `limit`)."""
    from commitments.models import Delivery, SweepRun

    deadline = time.monotonic() + limit
    quiet_since: float | None = None
    seen = SweepRun.objects.filter(error="", finished_at__isnull=False).count()
    while time.monotonic() < deadline:
        supervise(world)
        unsettled = Delivery.objects.filter(status__in=UNSETTLED).count()
        sweeps = SweepRun.objects.filter(error="", finished_at__isnull=False).count() - seen
        if unsettled == 0 and sweeps >= 2:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since > 3:
                return True
        else:
            quiet_since = None
        time.sleep(1)
    return False


def log_alarms(world: World) -> int:
    """'Unrecoverable error' (a worker giving up on the broker) and lost pool processes, in every log."""
    count = 0
    for path in sorted(world.workdir.glob("*.log")):
        text = path.read_text(errors="replace")
        claimed = text.count("already claimed")
        if claimed:
            say(f"{path.name}: {claimed} sweep ticks found their interval already claimed (the second beat)")
        for needle in ("Unrecoverable error", "WorkerLostError"):
            hits = text.count(needle)
            if hits:
                say(f"{path.name}: {hits} × {needle!r}")
                count += hits
    return count


def soak(world: World) -> Tally:
    args = world.args
    database_create(world)
    redis_port, smtp_port, web_port = free_port(), free_port(), free_port()
    world.redis_url = f"redis://127.0.0.1:{redis_port}/0"
    world.web_url = f"http://127.0.0.1:{web_port}"
    world.env = environment(world, smtp_port, web_port)
    redis_binary = shutil.which("redis-server") or sys.exit("redis-server is needed (apt-get install redis-server)")
    world.redis = Child(
        name="redis",
        argv=[redis_binary, "--bind", "127.0.0.1", "--port", str(redis_port), "--save", "", "--appendonly", "no",
              "--dir", str(world.workdir)],
        env=world.env,
        log=world.workdir / "redis.log",
        ready=b"Ready to accept connections",
    )  # fmt: skip
    world.redis.start()
    world.sink = Sink(smtp_port)
    world.sink.start()
    say(f"database {DB_NAME}, Redis :{redis_port}, SMTP :{smtp_port}, web :{web_port}, logs {world.workdir}")

    django_setup(world)
    cast = data_load()
    say(f"demo loaded, backlog swept quietly; {len(cast.officers)} officers, {len(cast.supervisors)} supervisors")

    world.web = Child(
        name="gunicorn",
        argv=[sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{web_port}",
              "--workers", "2", "--threads", "2", "--timeout", "60"],
        env=world.env,
        log=world.workdir / "gunicorn.log",
        ready=b"Booting worker",
    )  # fmt: skip
    world.web.start()
    world.workers = [world.worker(1), world.worker(2)]
    world.beats = [world.beat(1)]
    for child in [*world.workers, *world.beats]:
        child.start()
    say("gunicorn, two workers and a beat are up")

    traffic = Traffic()
    deadline = time.monotonic() + 30
    while call(world, Traffic(), "GET", "/healthz", None)[0] is None and time.monotonic() < deadline:
        time.sleep(0.5)
    tokens = [(token_get(world, traffic, "supervisor"), True), (token_get(world, traffic, "officer1"), False)]
    stop = threading.Event()
    staff = [
        threading.Thread(target=staff_at_work, args=(world, traffic, cast, token, boss, stop), daemon=True)
        for token, boss in tokens
    ]

    duration = float(args.duration)
    events = sorted(_at(duration, spec) for spec in schedule())
    waves = 10
    per_wave = max(1, args.commitments // waves)
    wave_times = [duration * 0.7 * i / waves for i in range(waves)]
    created = 0
    killed: list[int] = []
    begun = time.monotonic()
    commitments_create(cast, per_wave, created)
    created += per_wave
    wave_times.pop(0)
    for thread in staff:
        thread.start()
    try:
        while (elapsed := time.monotonic() - begun) < duration:
            while events and events[0][0] <= elapsed:
                fault_do(world, events.pop(0)[1], killed)
            if wave_times and wave_times[0] <= elapsed:
                wave_times.pop(0)
                count = per_wave if wave_times else args.commitments - created
                commitments_create(cast, count, created)
                created += count
                say(f"{created} commitments so far; {sum(traffic.responses.values())} API responses")
            supervise(world)
            time.sleep(0.5)
        for _, name in events:  # anything the schedule ends after the run (a stopped Redis, say)
            if name in {"redis start", "smtp normal", "second beat stop"}:
                fault_do(world, name, killed)
    finally:
        stop.set()
        for thread in staff:
            thread.join(timeout=40)
    world.fault(f"faults over; settling (up to {args.settle} s)")
    settled = settle(world, float(args.settle))
    say("settled" if settled else "NOT settled within the limit")
    time.sleep(2)  # an email in flight when the last row was marked reaches the sink's list

    health = call(world, Traffic(), "GET", "/healthz", None)
    say(f"/healthz after the soak: {health[0]}")
    rows, notifications = outbox_rows()
    result = tally(
        rows,
        world.sink.accepted_ids(),
        notifications=notifications,
        responses=traffic.responses,
        unanswered=traffic.unanswered,
        dead_workers=len(world.dead),
        log_alarms=log_alarms(world),
        seconds=time.monotonic() - begun,
    )
    for code, line in sorted(traffic.client_errors.items()):
        say(f"  first {code}: {line}")
    for line in traffic.server_errors[:20]:
        say(f"  {line}")
    for line in result.lost_examples:
        say(f"  lost: {line}")
    say(faults_bit())
    say(f"SMTP sink: {world.sink.refused} refused, {world.sink.held} connections or commands held while hanging")
    return result


def cleanup(world: World) -> None:
    if world.sink is not None:
        world.sink.mode = NORMAL
    for child in reversed(world.children()):
        try:
            child.stop()
        except Exception as exc:
            say(f"stopping {child.name}: {exc!r}")
    if world.sink is not None:
        world.sink.stop()
    if world.django_ready:
        from django.db import connections

        connections.close_all()
    try:
        database_drop()
    except Exception as exc:
        say(f"could not drop {DB_NAME}: {exc!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=180, help="seconds of faults and staff work (default 180)")
    parser.add_argument("--commitments", type=int, default=300, help="tracked commitments created in waves (300)")
    parser.add_argument("--settle", type=int, default=150, help="longest wait for the outbox to settle (150 s)")
    parser.add_argument("--pace", type=float, default=0.6, help="mean seconds between one client's changes (0.6)")
    args = parser.parse_args()

    workdir = ROOT / "var" / "chaos" / time.strftime("%Y%m%d-%H%M%S")
    workdir.mkdir(parents=True, exist_ok=True)
    world = World(args=args, workdir=workdir)

    def terminated(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminated)
    result: Tally | None = None
    try:
        result = soak(world)
    except KeyboardInterrupt:
        say("interrupted: cleaning up")
    finally:
        cleanup(world)
    print("\nFaults:")
    print("\n".join(f"  {line}" for line in world.faults))
    if world.dead:
        print("Dead:", "; ".join(world.dead))
    if result is None:
        sys.exit(2)
    print("\n" + result.table())
    failures = result.failures()
    print(f"\nlogs: {workdir}")
    if failures:
        print("FAILED: " + "; ".join(failures))
        sys.exit(1)
    print("PASSED: 0 lost, 0 duplicated, 0 5xx, 0 dead workers")


if __name__ == "__main__":
    main()
