"""Configuration from the environment: sensible defaults, loud failures on bad values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_redis_url, env_time_zone
from config.settings.base import database_from_url

ROOT = Path(__file__).resolve().parents[1]


def _django_check(settings_module: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PLEDGEBOOK_", "DATABASE_URL"))}
    clean.update(env, DJANGO_SETTINGS_MODULE=settings_module)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _django_check("config.settings.production", DJANGO_ALLOWED_HOSTS="pledgebook.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_production_refuses_debug() -> None:
    result = _django_check(
        "config.settings.production",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_DEBUG="true",
        DJANGO_ALLOWED_HOSTS="pledgebook.example",
    )
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off in production" in result.stderr


def test_production_starts_with_its_secrets(tmp_path: Path) -> None:
    result = _django_check(
        "config.settings.production",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="pledgebook.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_malformed_time_zone_stops_the_process() -> None:
    result = _django_check("config.settings.local", PLEDGEBOOK_TIME_ZONE="Tokyo/Japan")
    assert result.returncode != 0
    assert "PLEDGEBOOK_TIME_ZONE='Tokyo/Japan' is not an IANA time zone" in result.stderr


def test_env_readers_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BOOL", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL='perhaps' is not a boolean"):
        env_bool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "ninety")
    with pytest.raises(ImproperlyConfigured, match="X_INT='ninety' is not a whole number"):
        env_int("X_INT", 90)
    monkeypatch.setenv("X_REDIS", "http://localhost:6379")
    with pytest.raises(ImproperlyConfigured, match="not a Redis URL"):
        env_redis_url("X_REDIS", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("X_TZ", "")
    assert env_time_zone("X_TZ", "Asia/Tokyo") == "Asia/Tokyo"
    monkeypatch.setenv("X_BOOL", "off")
    assert env_bool("X_BOOL", True) is False


def test_database_url_defaults_and_errors(tmp_path: Path) -> None:
    sqlite = database_from_url(f"sqlite:///{tmp_path / 'sub' / 'db.sqlite3'}")
    assert sqlite["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in sqlite["OPTIONS"]["init_command"]
    assert sqlite["OPTIONS"]["timeout"] == 20
    assert (tmp_path / "sub").is_dir()
    postgres = database_from_url("postgres://pledgebook:pw@db.internal:5432/pledgebook")
    assert (postgres["ENGINE"], postgres["HOST"], postgres["NAME"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        "pledgebook",
    )
    # Web pages are short queries: no JIT compile decided by a cost estimate (settings: why).
    assert postgres["OPTIONS"]["options"] == "-c jit=off"
    assert "options" not in sqlite["OPTIONS"]
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL='mysqlx://x' is not a database URL"):
        database_from_url("mysqlx://x")


def test_the_celery_app_uses_json_and_redis_with_timeouts() -> None:
    from config.celery_app import app

    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.result_backend is None
    assert conf.broker_url.startswith("redis://")
    assert conf.broker_transport_options["socket_connect_timeout"] <= 5
    assert conf.broker_connection_timeout <= 5


def test_the_deploy_checklist_passes_with_the_production_settings(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PLEDGEBOOK_", "DATABASE_URL"))}
    clean.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="k" * 20 + "-Zq9" * 10,
        DJANGO_ALLOWED_HOSTS="pledgebook.example.org",
        # A database with no tables yet, as on a new server before migrating: the checks must not read it.
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_every_task_has_soft_and_hard_time_limits_from_the_environment() -> None:
    """The worker reads its limits from the settings; a task's own options could only narrow them."""
    from config.celery_app import app

    app.loader.import_default_modules()  # what a worker does at start: finds commitments.tasks
    assert (app.conf.task_soft_time_limit, app.conf.task_time_limit) == (300, 360)
    tasks = [name for name in app.tasks if name.startswith("commitments.tasks.")]
    assert sorted(tasks) == [
        "commitments.tasks.cleanup",
        "commitments.tasks.compliance_summaries",
        "commitments.tasks.dashboard_figures",
        "commitments.tasks.deliveries",
        "commitments.tasks.digests",
        "commitments.tasks.heartbeat",
        "commitments.tasks.sweep",
    ]
    for name in tasks:  # none sets limits of its own
        assert (app.tasks[name].soft_time_limit, app.tasks[name].time_limit) == (300, 360)

    script = (
        "import django; django.setup(); from config.celery_app import app; "
        "print(app.conf.task_soft_time_limit, app.conf.task_time_limit)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEBOOK_TASK_")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.test", PLEDGEBOOK_TASK_SOFT_SECONDS="20")
    shown = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert shown.stdout.split() == ["20", "80"], shown.stderr
    env.update(PLEDGEBOOK_TASK_HARD_SECONDS="30")
    shown = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert shown.stdout.split() == ["20", "30"], shown.stderr


def test_a_hard_time_limit_not_above_the_soft_one_stops_the_process() -> None:
    result = _django_check(
        "config.settings.local", PLEDGEBOOK_TASK_SOFT_SECONDS="300", PLEDGEBOOK_TASK_HARD_SECONDS="300"
    )
    assert result.returncode != 0
    assert "PLEDGEBOOK_TASK_HARD_SECONDS=300 must be more than PLEDGEBOOK_TASK_SOFT_SECONDS=300" in result.stderr
