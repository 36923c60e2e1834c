"""/healthz: database, Redis, a worker's heartbeat and the sweep; details for staff only."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from commitments.health import KEY, heartbeat_last, heartbeat_record, worker_late
from commitments.sweep import sweep_run

from .admin_helpers import login
from .services import RedisServer
from .smtp import free_port

pytestmark = pytest.mark.django_db

# The moment the checks are read at, and how far past the worker's limit a silent worker is.
LIMIT_PASSED = timedelta(seconds=61)


@pytest.fixture
def healthy(redis_server: RedisServer, settings: Any) -> None:
    """A sweep just finished and a worker just checked in, on the test's own Redis."""
    settings.REDIS_URL = redis_server.url
    sweep_run(now=timezone.now())
    heartbeat_record(now=timezone.now(), worker="celery@test")


def test_all_checks_pass_when_the_database_redis_a_worker_and_the_sweep_do(
    client: Client, healthy: None, administrator: Any
) -> None:
    login(client, administrator)
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "worker", "sweep"}
    assert body["checks"]["worker"]["worker"] == "celery@test"
    assert body["checks"]["worker"]["age_seconds"] < 60
    assert body["checks"]["sweep"]["age_seconds"] < 60


def test_a_silent_worker_fails_the_check_within_a_minute(client: Client, healthy: None, administrator: Any) -> None:
    login(client, administrator)
    with time_machine.travel(timezone.now() + LIMIT_PASSED, tick=False):
        response = client.get("/healthz")
    assert response.status_code == 503
    worker = response.json()["checks"]["worker"]
    assert worker["ok"] is False
    assert worker["detail"] == "no worker has checked in lately"
    assert response.json()["checks"]["sweep"]["ok"] is True  # the sweep would notice only after 30 minutes


def test_no_heartbeat_at_all_is_a_failing_worker(
    client: Client, redis_server: RedisServer, settings: Any, administrator: Any
) -> None:
    settings.REDIS_URL = redis_server.url
    sweep_run(now=timezone.now())
    login(client, administrator)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {
        "ok": False,
        "detail": "no worker has checked in",
        "last_seen": None,
        "worker": None,
        "age_seconds": None,
        "limit_seconds": 60,
    }


def test_a_late_sweep_fails_the_check(client: Client, healthy: None) -> None:
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        heartbeat_record(now=timezone.now(), worker="celery@test")
        late = client.get("/healthz")
    assert late.status_code == 503
    assert late.json()["checks"]["sweep"] == {"ok": False}


def test_anonymous_callers_read_ok_or_failing_and_nothing_more(client: Client, settings: Any) -> None:
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "failing",
        "checks": {"database": {"ok": True}, "redis": {"ok": False}, "worker": {"ok": False}, "sweep": {"ok": False}},
    }
    assert b"Error" not in response.content  # no error text, host or port for a stranger


def test_staff_read_why_redis_fails(client: Client, settings: Any, viewer: Any) -> None:
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    login(client, viewer)
    checks = client.get("/healthz").json()["checks"]
    assert "Error" in checks["redis"]["detail"]
    assert checks["worker"]["detail"] == "unknown: Redis does not answer"


def test_the_heartbeat_is_one_key_with_when_and_who(redis_server: RedisServer, settings: Any) -> None:
    import redis

    settings.REDIS_URL = redis_server.url
    now = timezone.now()
    assert heartbeat_last() is None
    heartbeat_record(now=now, worker="celery@a")
    raw = redis.Redis.from_url(redis_server.url).get(KEY)
    assert raw is not None
    assert json.loads(raw) == {"at": now.isoformat(), "worker": "celery@a"}
    last = heartbeat_last()
    assert last is not None
    assert last.worker == "celery@a"
    assert not worker_late(last, now + timedelta(seconds=60))
    assert worker_late(last, now + LIMIT_PASSED)


def test_the_container_check_passes_with_a_fresh_heartbeat_and_fails_without(
    redis_server: RedisServer, settings: Any
) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    settings.REDIS_URL = redis_server.url
    with pytest.raises(CommandError, match=r"No worker has checked in lately \(none recorded\)"):
        call_command("check_heartbeat")
    heartbeat_record(now=timezone.now(), worker="celery@w1")
    out = StringIO()
    call_command("check_heartbeat", stdout=out)
    assert out.getvalue().startswith("ok: celery@w1 checked in ")
    with (
        time_machine.travel(timezone.now() + LIMIT_PASSED, tick=False),
        pytest.raises(CommandError, match=r"last at .* by celery@w1"),
    ):
        call_command("check_heartbeat")


def test_every_long_running_service_of_compose_restarts_and_is_health_checked() -> None:
    from pathlib import Path

    import yaml

    compose = yaml.safe_load((Path(__file__).resolve().parents[1] / "docker-compose.yml").read_text())
    for name, service in compose["services"].items():
        if name == "migrate":  # runs once and ends
            assert service["restart"] == "no"
            continue
        assert service["restart"] == "unless-stopped", name
        assert service["healthcheck"]["test"], name
    assert "check_heartbeat" in compose["services"]["beat"]["healthcheck"]["test"]
    assert "inspect ping" in compose["services"]["worker"]["healthcheck"]["test"][1]
