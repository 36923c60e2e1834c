"""Reading settings from the environment, failing loudly on malformed values.

A setting that is wrong should stop the process at start with a message that names the variable,
not surface later as a confusing error in a request or a task.
"""

from __future__ import annotations

import os
import zoneinfo
from typing import Any
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_required(name: str, hint: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} is required: {hint}")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use true or false.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_time_zone(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip() or default
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not an IANA time zone (for example Asia/Tokyo or Europe/Moscow)."
        ) from None
    return value


def env_redis_url(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip() or default
    parsed = urlparse(value)
    if parsed.scheme not in {"redis", "rediss", "unix"} or not (parsed.hostname or parsed.path):
        raise ImproperlyConfigured(f"{name}={value!r} is not a Redis URL (expected redis://host:port/db).")
    return value


def env_int_list(name: str, default: list[int]) -> list[int]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        values = sorted({int(item) for item in raw.split(",") if item.strip()}, reverse=True)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a comma-separated list of whole numbers.") from None
    if not values or min(values) < 1:
        raise ImproperlyConfigured(f"{name}={raw!r} must list whole numbers of days, each at least 1.")
    return values


def email_from_url(url: str) -> dict[str, Any]:
    """EMAIL_URL to Django's email settings (dj-email-url), with a message that names the variable."""
    import dj_email_url

    try:
        return dict(dj_email_url.parse(url))
    except Exception as exc:  # the library raises bare KeyError/ValueError for unknown schemes
        raise ImproperlyConfigured(
            f"EMAIL_URL={url!r} is not an email URL (smtp://host:port, submission://…, console://): {exc!r}"
        ) from None
