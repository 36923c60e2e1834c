"""Plain views outside the admin: the health check and the site's icon."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        return True, "ok"
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, Redis and sweep age; 503 when any fails. Says nothing secret, needs no login."""
    now = timezone.now()
    database_ok, database_detail = _database_ok()
    redis_ok, redis_detail = _redis_ok()
    last = sweep_last_finished() if database_ok else None
    sweep_ok = database_ok and not sweep_late(last, now)
    body = {
        "status": "ok" if database_ok and redis_ok and sweep_ok else "failing",
        "checks": {
            "database": {"ok": database_ok, "detail": database_detail},
            "redis": {"ok": redis_ok, "detail": redis_detail},
            "sweep": {
                "ok": sweep_ok,
                "last_finished": last.isoformat() if last else None,
                "age_seconds": int((now - last).total_seconds()) if last else None,
                "limit_seconds": 2 * settings.PLEDGEBOOK_SWEEP_SECONDS,
            },
        },
    }
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)


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
