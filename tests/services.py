"""Real services the tests start and stop themselves: a Redis server and Celery workers."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection

from .smtp import free_port

ROOT = Path(__file__).resolve().parents[1]


class RedisServer:
    """A throwaway redis-server on a free loopback port, which a test may stop and start again."""

    def __init__(self, binary: str, workdir: Path) -> None:
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def cache_settings(self) -> dict[str, Any]:
        """CACHES pointing Django's cache at this server, with half-second timeouts: a test that stops the server
        waits that long per call, not the client's default."""
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": self.url,
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def database_url() -> str:
    """The URL of the test database this test run is using, for a worker in another process."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{settings.get('HOST') or '127.0.0.1'}:{settings.get('PORT') or 5432}/{settings['NAME']}"


class Worker:
    """`celery -A config worker` in a subprocess, on the test database, Redis and SMTP server."""

    def __init__(self, redis_url: str, smtp_port: int, log: Path, **extra_env: str) -> None:
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "EMAIL_TIMEOUT": "5",
            "PLEDGEBOOK_DELIVERY_BACKOFF_SECONDS": "1",
            "PLEDGEBOOK_DELIVERY_LEASE_SECONDS": "3",
            # Tests stand in for beat with sweep_task.delay(); a one-second interval lets each call
            # claim its own interval (SweepRun.beat_slot) rather than being taken for a second beat.
            "PLEDGEBOOK_SWEEP_SECONDS": "1",
            **extra_env,
        }
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    # What the process prints once it is up.
    ready = b" ready."

    def command(self) -> list[str]:
        return [
            "worker",
            "--pool",
            "threads",
            "--concurrency",
            "2",
            "--loglevel",
            "INFO",
            "--without-mingle",
            "--without-gossip",
            "--hostname",
            f"test-{os.getpid()}-{self.log.stem}@%h",
        ]

    def start(self) -> None:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *self.command()],
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            # Its own process group, so that a kill takes a prefork worker's pool with it (as a container's
            # death would) and no pool process outlives the test holding a database connection.
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.ready in self.log.read_bytes():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"{self.command()[0]} did not start:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL to the whole process group: no chance to finish or acknowledge anything."""
        if self.process and self.process.poll() is None:
            self._kill_group()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._kill_group()  # any pool process its parent left behind

    def _kill_group(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)


class PreforkWorker(Worker):
    """A worker with the prefork pool of production (docker-compose), not the threads of `make run`."""

    def command(self) -> list[str]:
        command = super().command()
        command[command.index("threads")] = "prefork"
        return command


class Beat(Worker):
    """`celery -A config beat` in a subprocess, with its own schedule file beside its log."""

    ready = b"beat: Starting..."

    def command(self) -> list[str]:
        schedule = self.log.with_suffix(".schedule")
        return ["beat", "--loglevel", "INFO", "--schedule", str(schedule), "--pidfile", ""]


@contextmanager
def celery_publishing_to(url: str) -> Iterator[None]:
    """Point this process's Celery app (the one wake_sender uses) at `url` for a while."""
    from config.celery_app import app

    def reset() -> None:
        # The broker connection pool is created lazily from broker_url; drop it so the next
        # publish connects to the new URL. (The same reset Celery does after a fork.)
        app._after_fork()  # type: ignore[attr-defined]

    previous = app.conf.broker_url
    app.conf.broker_url = url
    reset()
    try:
        yield
    finally:
        app.conf.broker_url = previous
        reset()


def wait_until(predicate: Any, timeout: float = 30.0, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


class TableHold:
    """Holds the commitments table (PostgreSQL) so that a sweep, wherever it runs, waits at its first query.

    A test can then do something to the world (kill a process, stop Redis) while the sweep is
    provably in the middle of its transaction, and let it go on with `release()`.
    """

    def __init__(self) -> None:
        import psycopg

        self.dsn = connection.get_connection_params()
        self.blocker = psycopg.connect(**self.dsn, autocommit=False)
        self.blocker.execute("LOCK TABLE commitments_commitment IN ACCESS EXCLUSIVE MODE")

    def waiting_sweep(self, timeout: float = 30.0) -> int:
        """The backend pid of the sweep waiting on the table (its first query reads the schedule)."""
        import psycopg

        with psycopg.connect(**self.dsn, autocommit=True) as admin:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                rows = admin.execute(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND query LIKE '%commitments_commitment%next_check_at%'"
                ).fetchall()
                if rows:
                    return int(rows[0][0])
                time.sleep(0.1)
        raise AssertionError("no sweep reached its first query")

    def terminate(self, pid: int) -> None:
        import psycopg

        with psycopg.connect(**self.dsn, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])

    def release(self) -> None:
        if not self.blocker.closed:
            self.blocker.rollback()
            self.blocker.close()
