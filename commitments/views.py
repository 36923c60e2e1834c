"""Plain views outside the admin: the health check, the calendar feed and the site's icon."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import heartbeat_last, redis_client, worker_late
from .reports.calendar import calendar_feed_for_key, calendar_ics
from .sweep import sweep_last_finished, sweep_late


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, "ok"
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"


def _redis_ok() -> tuple[bool, str]:
    try:
        redis_client().ping()  # type: ignore[attr-defined]
        return True, "ok"
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"


def _worker(now: datetime, redis_ok: bool) -> dict[str, Any]:
    if not redis_ok:
        return {"ok": False, "detail": "unknown: Redis does not answer", "last_seen": None, "worker": None}
    try:
        last = heartbeat_last()
    except Exception as exc:
        return {"ok": False, "detail": f"{type(exc).__name__}: {exc}", "last_seen": None, "worker": None}
    late = worker_late(last, now)
    detail = "ok" if not late else ("no worker has checked in" if last is None else "no worker has checked in lately")
    return {
        "ok": not late,
        "detail": detail,
        "last_seen": last.at.isoformat() if last else None,
        "worker": last.worker if last else None,
        "age_seconds": int((now - last.at).total_seconds()) if last else None,
        "limit_seconds": settings.PLEDGEBOOK_WORKER_LATE_SECONDS,
    }


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, Redis, a worker's heartbeat and the sweep's age; 503 when any fails.

    Anyone may ask (a load balancer has no login), but only staff who are logged in read the details:
    an error text can name hosts, ports and versions. Others get each check's ok and nothing else.
    """
    now = timezone.now()
    database_ok, database_detail = _database_ok()
    redis_ok, redis_detail = _redis_ok()
    last = sweep_last_finished() if database_ok else None
    sweep_ok = database_ok and not sweep_late(last, now)
    checks: dict[str, dict[str, Any]] = {
        "database": {"ok": database_ok, "detail": database_detail},
        "redis": {"ok": redis_ok, "detail": redis_detail},
        "worker": _worker(now, redis_ok),
        "sweep": {
            "ok": sweep_ok,
            "last_finished": last.isoformat() if last else None,
            "age_seconds": int((now - last).total_seconds()) if last else None,
            "limit_seconds": 2 * settings.PLEDGEBOOK_SWEEP_SECONDS,
        },
    }
    healthy = all(check["ok"] for check in checks.values())
    if not (request.user.is_authenticated and request.user.is_staff):
        checks = {name: {"ok": check["ok"]} for name, check in checks.items()}
    body = {"status": "ok" if healthy else "failing", "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@require_GET
def calendar_feed(request: HttpRequest, key: str) -> HttpResponse:
    """The secret ICS URL of one user; 404 for a wrong, revoked or deactivated one (no hint which)."""
    feed = calendar_feed_for_key(key)
    if feed is None:
        raise Http404("No such calendar.")
    response = HttpResponse(calendar_ics(feed.user, timezone.now()), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="pledgebook.ics"'
    return response


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on any page that names no icon: the admin's SVG icon.

    Resolved per request, not when the URLs load, because the manifest storage of production knows the
    hashed name only once collectstatic has run.
    """
    return HttpResponsePermanentRedirect(static("pledgebook/favicon.svg"))
