"""`make run` keeps its stack up: a worker or beat that dies is started again; one that keeps dying stops all."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

from config.devstack import MAX_RESTARTS, Child, backoff, stop_all, supervise

PYTHON = sys.executable
STAY_UP = [PYTHON, "-c", "import time; time.sleep(60)"]
DIE = [PYTHON, "-c", "import sys; sys.exit(3)"]


def _quick(restarts: int) -> float:
    return 0.05


def test_the_pause_before_a_restart_doubles_up_to_half_a_minute() -> None:
    assert [backoff(n) for n in range(1, 8)] == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


def test_a_worker_that_dies_once_is_started_again_and_the_stack_stays_up(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "died-once"
    # Dies on its first start (leaving a mark), stays up on the second.
    script = (
        f"import pathlib, sys, time\nm = pathlib.Path({str(marker)!r})\n"
        "if not m.exists():\n    m.write_text('x')\n    sys.exit(3)\ntime.sleep(60)\n"
    )
    flaky = [PYTHON, "-c", script]
    children = [Child("web", STAY_UP), Child("worker", flaky, restart=True)]
    for child in children:
        child.start()
    stop = threading.Event()
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(supervise(children, stop.is_set, wait=_quick)))
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (marker.exists() and len(children[1].restarts) == 1):
            time.sleep(0.1)
        time.sleep(1.5)  # the restarted worker stays up
        assert children[1].process is not None
        assert children[1].process.poll() is None
        assert children[0].process is not None
        assert children[0].process.poll() is None
    finally:
        stop.set()
        thread.join(10)
        stop_all(children)
    assert result == [0]
    out = capfd.readouterr().out
    assert "worker exited with code 3; starting it again in 0.05 s (restart 1 of 5 allowed within 5 minutes)" in out
    assert "starting worker again" in out


def test_a_worker_that_keeps_dying_stops_the_stack_with_its_code(capsys: pytest.CaptureFixture[str]) -> None:
    children = [Child("web", STAY_UP), Child("beat", DIE, restart=True)]
    for child in children:
        child.start()
    try:
        code = supervise(children, lambda: False, wait=_quick)
    finally:
        stop_all(children)
    assert code == 3
    assert len(children[1].restarts) == MAX_RESTARTS
    assert (
        "beat exited with code 3, its 6th exit within 5 minutes: it is broken, not unlucky" in capsys.readouterr().out
    )
    assert children[0].process is not None
    assert children[0].process.poll() is not None  # the web server was stopped with it


def test_the_web_server_dying_stops_everything_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    children = [Child("web", DIE), Child("worker", STAY_UP, restart=True)]
    for child in children:
        child.start()
    try:
        code = supervise(children, lambda: False, wait=_quick)
    finally:
        stop_all(children)
    assert code == 3
    assert "web exited with code 3; stopping the rest" in capsys.readouterr().out
    assert children[1].restarts == type(children[1].restarts)()
