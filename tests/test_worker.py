"""A real Celery worker on a real Redis, delivering to a real SMTP server: exactly once, through faults.

No eager mode and no mocks: the worker is `celery -A config worker` in a subprocess on the test
database; Redis is a redis-server the test starts (and stops); SMTP is aiosmtpd with scripted answers.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commitments import policy
from commitments.demo import demo_load
from commitments.health import heartbeat_last
from commitments.models import Commitment, Delivery, Desk, DeskMembership, SweepRun
from commitments.tasks import sweep_task

from .admin_helpers import login
from .conftest import DAY_AFTER_MEETING
from .factories import UserFactory, make_commitment
from .services import Beat, PreforkWorker, RedisServer, TableHold, Worker, wait_until
from .smtp import ScriptedHandler, smtp_server

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def workers(redis_server: RedisServer, tmp_path: Path) -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.stop()


def _start_worker(workers: list[Worker], redis_server: RedisServer, smtp_port: int, tmp_path: Path) -> Worker:
    worker = Worker(redis_server.url, smtp_port, tmp_path / f"worker-{len(workers)}.log")
    worker.start()
    workers.append(worker)
    return worker


def _message_ids(handler: ScriptedHandler) -> list[str]:
    return [str(m["Message-ID"]) for m in handler.accepted]


def _settled(expected: int, handler: ScriptedHandler) -> bool:
    return (
        len(handler.accepted) >= expected
        and not Delivery.objects.exclude(status__in=[Delivery.Status.SENT, Delivery.Status.SKIPPED]).exists()
    )


def test_the_worker_runs_the_periodic_sweep_and_emails_each_notification_once(
    redis_server: RedisServer, workers: list[Worker], tmp_path: Path
) -> None:
    demo_load(now=DAY_AFTER_MEETING, with_users=True, password="unused")
    with smtp_server() as (handler, port):
        _start_worker(workers, redis_server, port, tmp_path)
        sweep_task.delay()  # what beat sends every 15 minutes
        assert wait_until(lambda: Delivery.objects.exists(), timeout=30), (tmp_path / "worker-0.log").read_text()
        expected = Delivery.objects.count()
        assert wait_until(lambda: _settled(expected, handler), timeout=60)
        sweep_task.delay()  # a second sweep: nothing new, nothing resent
        time.sleep(3)
    ids = _message_ids(handler)
    assert len(ids) == expected == len(set(ids))
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == expected
    recipients = {m["To"] for m in handler.accepted}
    assert recipients == {"officer@pledgebook.invalid", "supervisor@pledgebook.invalid"}


def _one_overdue_commitment() -> Commitment:
    officer = UserFactory(username="officer", email="officer@ministry.invalid")
    officer.groups.add(Group.objects.get_or_create(name=policy.GROUP_OFFICER)[0])
    desk = Desk.objects.create(name="Russian Federation Division")
    DeskMembership.objects.create(desk=desk, user=officer, role="officer")
    yesterday = timezone.localdate() - timedelta(days=1)
    return make_commitment(desk=desk, due_by=yesterday, owner=officer, now=timezone.now() - timedelta(days=2))


def test_refusals_then_acceptance_deliver_each_email_once(
    redis_server: RedisServer, workers: list[Worker], tmp_path: Path
) -> None:
    demo_load(now=DAY_AFTER_MEETING, with_users=True, password="unused")
    refusals = ["451 4.3.2 System not accepting messages"] * 6
    with smtp_server(refusals) as (handler, port):
        _start_worker(workers, redis_server, port, tmp_path)
        sweep_task.delay()
        assert wait_until(lambda: Delivery.objects.exists(), timeout=30)
        expected = Delivery.objects.count()
        # Retries come from the sweeps' (and in production beat's) wake-ups: no task waits with a countdown.
        deadline = time.monotonic() + 90
        while not _settled(expected, handler) and time.monotonic() < deadline:
            time.sleep(2)
            sweep_task.delay()
    assert handler.refused == 6
    ids = _message_ids(handler)
    assert len(ids) == expected == len(set(ids))


def test_a_worker_killed_mid_delivery_leads_to_exactly_one_email(
    redis_server: RedisServer, workers: list[Worker], tmp_path: Path
) -> None:
    commitment = _one_overdue_commitment()
    with smtp_server(["hang"]) as (handler, port):
        handler.hang_seconds = 20
        first = _start_worker(workers, redis_server, port, tmp_path)
        sweep_task.delay()
        assert wait_until(lambda: Delivery.objects.filter(status=Delivery.Status.SENDING).exists(), timeout=30), (
            tmp_path / "worker-0.log"
        ).read_text()
        time.sleep(1)  # the worker is now inside the SMTP conversation, waiting on DATA
        first.kill()
        _start_worker(workers, redis_server, port, tmp_path)
        time.sleep(4)  # the dead worker's lease (3 s) runs out
        sweep_task.delay()  # the sweep wakes the sender for the abandoned delivery
        assert wait_until(lambda: len(handler.accepted) >= 1, timeout=60), (tmp_path / "worker-1.log").read_text()
        time.sleep(2)
    assert len(handler.accepted) == 1
    delivery = Delivery.objects.get(notification__commitment=commitment)
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 2


def test_with_redis_down_a_status_change_is_saved_and_its_email_goes_out_after(
    redis_server: RedisServer, workers: list[Worker], tmp_path: Path
) -> None:
    commitment = _one_overdue_commitment()
    supervisor = UserFactory(username="supervisor", email="supervisor@ministry.invalid")
    supervisor.groups.add(Group.objects.get_or_create(name=policy.GROUP_SUPERVISOR)[0])
    DeskMembership.objects.create(desk=commitment.desk, user=supervisor, role="supervisor")
    redis_server.stop()

    client = login(Client(), supervisor)
    started = time.monotonic()
    response = client.post(
        reverse("admin:commitments_commitment_transition", args=[commitment.pk]),
        {"to_status": "in_progress", "note": "Talks resumed.", "version": commitment.version},
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 15, f"the page took {elapsed:.1f}s with Redis down"
    commitment.refresh_from_db()
    assert commitment.status == "in_progress"
    owed = Delivery.objects.get(recipient__username="officer", notification__kind="status_changed")
    assert owed.status == Delivery.Status.PENDING

    redis_server.start()
    with smtp_server() as (handler, port):
        _start_worker(workers, redis_server, port, tmp_path)
        sweep_task.delay()
        assert wait_until(
            lambda: any("Talks resumed" in str(m) or "In progress" in str(m["Subject"]) for m in handler.accepted),
            timeout=60,
        )
        time.sleep(2)
    owed.refresh_from_db()
    assert owed.status == Delivery.Status.SENT
    subjects = [str(m["Subject"]).strip() for m in handler.accepted]
    assert sum("Not started → In progress" in s for s in subjects) == 1


def test_two_beats_by_mistake_sweep_each_interval_once_and_send_nothing_twice(
    redis_server: RedisServer, workers: list[Worker], tmp_path: Path
) -> None:
    demo_load(now=DAY_AFTER_MEETING, with_users=True, password="unused")
    interval = {"PLEDGEBOOK_SWEEP_SECONDS": "2"}
    with smtp_server() as (handler, port):
        worker = Worker(redis_server.url, port, tmp_path / "worker.log", **interval)
        worker.start()
        workers.append(worker)
        for name in ("beat-a", "beat-b"):
            beat = Beat(redis_server.url, port, tmp_path / f"{name}.log", **interval)
            beat.start()
            workers.append(beat)
        # Long enough for each beat to tick several times.
        assert wait_until(lambda: SweepRun.objects.filter(trigger="beat").count() >= 4, timeout=40), (
            tmp_path / "worker.log"
        ).read_text()[-3000:]
        expected = Delivery.objects.count()
        assert expected > 0
        assert wait_until(lambda: _settled(expected, handler), timeout=60)
        for process in workers[1:]:
            process.stop()
    runs = list(SweepRun.objects.filter(trigger="beat").values_list("beat_slot", "error"))
    assert all(error == "" for _, error in runs)
    assert len({slot for slot, _ in runs}) == len(runs)  # each interval swept once
    assert "already claimed" in (tmp_path / "worker.log").read_text()  # the other beat's ticks did nothing
    ids = _message_ids(handler)
    assert len(ids) == expected == len(set(ids))


def test_a_worker_killed_mid_sweep_loses_nothing_the_next_sweep_does_it_all(
    postgres: None, redis_server: RedisServer, workers: list[Worker], tmp_path: Path
) -> None:
    demo_load(now=DAY_AFTER_MEETING, with_users=True, password="unused")
    with smtp_server() as (handler, port):
        first = _start_worker(workers, redis_server, port, tmp_path)
        hold = TableHold()
        try:
            sweep_task.delay()
            hold.waiting_sweep()  # the worker is inside the sweep's transaction
            first.kill()
        finally:
            hold.release()
        interrupted = SweepRun.objects.get()
        assert interrupted.finished_at is None  # it shows as never finished, not as a success
        assert not Delivery.objects.exists()  # its work was rolled back with it

        _start_worker(workers, redis_server, port, tmp_path)
        time.sleep(1.1)  # the next interval
        sweep_task.delay()
        assert wait_until(lambda: SweepRun.objects.filter(finished_at__isnull=False).exists(), timeout=30)
        expected = Delivery.objects.count()
        assert expected > 0
        assert wait_until(lambda: _settled(expected, handler), timeout=60)
    ids = _message_ids(handler)
    assert len(ids) == expected == len(set(ids))


def test_redis_stopped_mid_sweep_the_sweep_finishes_and_the_emails_follow_once(
    postgres: None, redis_server: RedisServer, workers: list[Worker], tmp_path: Path
) -> None:
    demo_load(now=DAY_AFTER_MEETING, with_users=True, password="unused")
    with smtp_server() as (handler, port):
        _start_worker(workers, redis_server, port, tmp_path)
        hold = TableHold()
        try:
            sweep_task.delay()
            hold.waiting_sweep()
            redis_server.stop()  # the sweep cannot wake the sender when it ends
        finally:
            hold.release()
        assert wait_until(lambda: SweepRun.objects.filter(finished_at__isnull=False).exists(), timeout=30)
        run = SweepRun.objects.get()
        assert run.error == ""
        expected = Delivery.objects.count()
        assert expected == run.notifications > 0
        assert handler.accepted == []

        redis_server.start()  # the worker reconnects by itself
        time.sleep(1.1)
        sweep_task.delay()  # the next sweep wakes the sender for what is owed
        assert wait_until(lambda: _settled(expected, handler), timeout=90), (tmp_path / "worker-0.log").read_text()[
            -3000:
        ]
    ids = _message_ids(handler)
    assert len(ids) == expected == len(set(ids))


def test_after_a_refusal_no_task_waits_in_the_worker_and_it_survives_redis_going_away(
    redis_server: RedisServer, workers: list[Worker], tmp_path: Path, settings: Any
) -> None:
    """Issue 18's reproduction: a retry held as a countdown task sat unacknowledged in the worker, and
    when Redis stopped, Celery could not restore it and the worker exited for good. Retries are rows now;
    beat's periodic wake-up sends them once Redis is back, and the worker never stopped."""
    import redis

    demo_load(now=DAY_AFTER_MEETING, with_users=True, password="unused")
    # The first email is refused; its retry falls due ~10 s later, long enough that a countdown would be held.
    slow_retry = {
        "PLEDGEBOOK_DELIVERY_BACKOFF_SECONDS": "10",
        "PLEDGEBOOK_DELIVERY_WAKE_SECONDS": "1",
        "PLEDGEBOOK_HEARTBEAT_SECONDS": "1",
    }
    with smtp_server(["451 4.3.2 Try again later"]) as (handler, port):
        worker = Worker(redis_server.url, port, tmp_path / "worker.log", **slow_retry)
        worker.start()
        workers.append(worker)
        sweep_task.delay()
        assert wait_until(lambda: handler.refused == 1, timeout=30)
        assert wait_until(lambda: not Delivery.objects.filter(status=Delivery.Status.SENDING).exists(), timeout=30)
        expected = Delivery.objects.count()
        time.sleep(1)
        broker = redis.Redis.from_url(redis_server.url)
        assert broker.hlen("unacked") == 0  # nothing waits in the worker for a later moment

        redis_server.stop()
        time.sleep(4)  # the worker notices the broker is gone and keeps trying to reconnect
        assert worker.process is not None
        assert worker.process.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]

        redis_server.start()
        beat = Beat(redis_server.url, port, tmp_path / "beat.log", **slow_retry)
        beat.start()
        workers.append(beat)
        assert wait_until(lambda: _settled(expected, handler), timeout=90), (tmp_path / "worker.log").read_text()[
            -3000:
        ]
        # The same beat and worker keep the heartbeat that /healthz reads.
        settings.REDIS_URL = redis_server.url
        assert wait_until(lambda: heartbeat_last() is not None, timeout=15)
    assert worker.process.poll() is None
    assert "Unrecoverable error" not in (tmp_path / "worker.log").read_text()
    ids = _message_ids(handler)
    assert len(ids) == expected == len(set(ids))


def test_a_prefork_worker_with_messages_in_hand_survives_redis_stopping(
    redis_server: RedisServer, workers: list[Worker], tmp_path: Path
) -> None:
    """make chaos found it (issue 18): a prefork worker's main process holds each message, unacknowledged,
    until a pool process takes it; a Redis stop in that window made kombu restore it through a connection
    already gone (AttributeError … 'hostname') and the worker exited for good."""
    from celery import current_app

    from commitments.sweep import sweep_run

    demo_load(now=DAY_AFTER_MEETING, with_users=True, password="unused")
    sweep_run(now=timezone.now())  # a quarter of a century overdue: emails to send
    assert Delivery.objects.exists()
    # The mail server hangs: each pool process is busy with one email for EMAIL_TIMEOUT, so the wake-ups
    # that keep coming wait in the main process's hands, unacknowledged, as under real load.
    with smtp_server(["hang"] * 200) as (handler, port):
        handler.hang_seconds = 30
        worker = PreforkWorker(redis_server.url, port, tmp_path / "worker.log")
        worker.start()
        workers.append(worker)
        stop = threading.Event()

        def publish() -> None:  # a stream of wake-ups, as under load: some are always in the worker's hands
            while not stop.is_set():
                with contextlib.suppress(Exception):  # Redis is down for a while: keep trying
                    current_app.send_task("commitments.tasks.deliveries", retry=False)
                time.sleep(0.01)

        publisher = threading.Thread(target=publish, daemon=True)
        publisher.start()
        try:
            log = tmp_path / "worker.log"
            for stop_number in range(1, 4):
                time.sleep(2)  # wake-ups pile up in the worker's hands
                redis_server.stop()
                assert wait_until(lambda n=stop_number: log.read_text().count("Connection to broker lost") >= n)
                time.sleep(1)
                assert worker.process is not None
                assert worker.process.poll() is None, log.read_text()[-3000:]
                redis_server.start()
                # Back before the next stop: the worker reconnects by itself (its retries back off).
                assert wait_until(lambda n=stop_number: log.read_text().count("Connected to") > n, timeout=30)
        finally:
            stop.set()
            publisher.join(5)
    log = (tmp_path / "worker.log").read_text()
    assert log.count("Connection to broker lost") >= 3
    # The step that crashed is not taken at all: held messages wait in Redis for the visibility timeout.
    assert "Restoring" not in log
    assert "Unrecoverable error" not in log
    assert worker.process.poll() is None
