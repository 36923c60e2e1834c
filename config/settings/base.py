"""Settings shared by every environment. Values come from the environment (see README)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    email_from_url,
    env_bool,
    env_int,
    env_int_list,
    env_list,
    env_redis_url,
    env_str,
    env_time_zone,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("PLEDGEBOOK_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    # Login lockout and the audit trail of logins and failed logins (AccessLog, AccessFailureLog).
    "axes",
    "summits",
    "commitments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
    # A write refused because the disk is full or the database read-only: a clear 503, not a 500.
    "config.storage.StorageErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (Accept-Language) among LANGUAGES, else LANGUAGE_CODE; after sessions, before
    # common (which may redirect, and its redirect should speak the same language).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's own choice (Preferences → Language) overrides the browser's, from the session.
    "commitments.locale.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the request's user on every history row written during the request.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a locked-out login attempt into the lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username and address is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("PLEDGEBOOK_LOGIN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("PLEDGEBOOK_LOCKOUT_MINUTES", 15, minimum=1))
# Locked: this username from this address; the API's per-address throttle limits guessing across names.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "commitments.api.errors.lockout_response"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # Unread notifications and sweep health in every admin page's header.
                "commitments.context_processors.pledgebook",
            ],
        },
    },
]


def database_from_url(url: str) -> dict[str, Any]:
    """Parse DATABASE_URL; tune SQLite for a multi-process embedded deployment."""
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL={url!r} is not a database URL: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Web, worker and beat share one file: WAL lets readers run beside the writer, the timeout
        # makes a writer wait for the lock instead of failing at once, and IMMEDIATE transactions
        # take the write lock at BEGIN so a read-then-write never deadlocks on lock upgrade.
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # No JIT compilation: every query the web and the workers run is an index lookup or a page, whose
        # whole run is shorter than compiling it. PostgreSQL decides to compile on the planner's cost alone
        # (jit_above_cost), and at a million rows one mis-estimated aggregate crossed it: the dashboard spent
        # 90 ms of its 396 ms compiling a scan. With it off, a page's time does not jump with an estimate.
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return config


DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'pledgebook.sqlite3'}")
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# The interface's languages; each name is written in its own language, as a language menu should be.
LANGUAGES = [("en-gb", "English"), ("ja", "日本語")]
# The project's translations (locale/ja/LC_MESSAGES/django.po); the .mo files are built by `make`.
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as "31 Dec 2000" and "31 Dec 2000 14:05" in every admin page (config/formats/en/formats.py), and as
# "2000年12月31日" in Japanese (config/formats/ja/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True
# Times are stored in UTC; the admin shows them in the ministry's zone. Deadlines are days and are
# judged in each desk's own zone (Desk.time_zone), never in this one.
PLEDGEBOOK_TIME_ZONE = env_time_zone("PLEDGEBOOK_TIME_ZONE", "Asia/Tokyo")
TIME_ZONE = PLEDGEBOOK_TIME_ZONE

STATIC_URL = "static/"
# Collected at build time (docker image) and served by WhiteNoise in production.
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGIN_URL = "admin:login"
# Reverting to an old version from the history page would bypass the workflow services.
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Pledgebook ---------------------------------------------------------------------------------
# An open commitment with no transition, update or deadline move for this many days is "stale".
PLEDGEBOOK_STALE_DAYS = env_int("PLEDGEBOOK_STALE_DAYS", 90, minimum=1)
PLEDGEBOOK_DEMO_PASSWORD = env_str("PLEDGEBOOK_DEMO_PASSWORD", "pledgebook")

# Reminders (see commitments/sweep.py): due-soon offsets in days before due_by, then the due day,
# overdue reminders every N days, escalation to the desk's supervisors after M days overdue,
# condition checks every K days while a condition is pending.
PLEDGEBOOK_REMINDER_OFFSETS = env_int_list("PLEDGEBOOK_REMINDER_OFFSETS", [30, 7, 1])
PLEDGEBOOK_OVERDUE_REPEAT_DAYS = env_int("PLEDGEBOOK_OVERDUE_REPEAT_DAYS", 7, minimum=1)
PLEDGEBOOK_ESCALATION_DAYS = env_int("PLEDGEBOOK_ESCALATION_DAYS", 14, minimum=1)
PLEDGEBOOK_CONDITION_CHECK_DAYS = env_int("PLEDGEBOOK_CONDITION_CHECK_DAYS", 30, minimum=1)
PLEDGEBOOK_SWEEP_MINUTES = env_int("PLEDGEBOOK_SWEEP_MINUTES", 15, minimum=1)
# The same interval in seconds; set directly only where minutes are too coarse (tests of beat itself).
PLEDGEBOOK_SWEEP_SECONDS = env_int("PLEDGEBOOK_SWEEP_SECONDS", PLEDGEBOOK_SWEEP_MINUTES * 60, minimum=1)
# Sweep records older than this are deleted by the daily clean-up.
PLEDGEBOOK_SWEEP_KEEP_DAYS = env_int("PLEDGEBOOK_SWEEP_KEEP_DAYS", 30, minimum=1)
# Email delivery: tries before giving up on a transient error, and the first retry's delay.
PLEDGEBOOK_DELIVERY_MAX_ATTEMPTS = env_int("PLEDGEBOOK_DELIVERY_MAX_ATTEMPTS", 8, minimum=1)
PLEDGEBOOK_DELIVERY_BACKOFF_SECONDS = env_int("PLEDGEBOOK_DELIVERY_BACKOFF_SECONDS", 30, minimum=1)
# How long a worker's claim on an email lasts; past it, the claim is taken to belong to a dead worker.
PLEDGEBOOK_DELIVERY_LEASE_SECONDS = env_int("PLEDGEBOOK_DELIVERY_LEASE_SECONDS", 300, minimum=1)
# Beat wakes the email sender this often, for retries and anything whose own wake-up was lost: the only
# way later work is picked up (no task waits in a worker with a countdown; see notifications/sender.py).
PLEDGEBOOK_DELIVERY_WAKE_SECONDS = env_int("PLEDGEBOOK_DELIVERY_WAKE_SECONDS", 60, minimum=1)
# How often the compliance report's kept figures are recomputed (commitments.reports.summaries), hourly by
# default. A full refresh is three INSERT … SELECT (one scan of the commitments per grouping) and a sum: 30-50 s
# on a loaded 2-core machine at a million commitments, about 1 % of one core at this interval. That is surer
# than marking rows dirty from every path that moves a figure (transitions, parties' outcomes, deadline moves,
# drafts, deletions, imports), and the per-party and per-desk rows would still need a full pass. The report
# says "as of" when they were computed; one summit's figures are always computed live.
PLEDGEBOOK_COMPLIANCE_REFRESH_SECONDS = env_int("PLEDGEBOOK_COMPLIANCE_REFRESH_SECONDS", 60 * 60, minimum=60)
# How often beat counts the dashboard's tiles (commitments.reports.dashboard): the admin's home page reads the
# kept counts and says when they were counted, never older than twice this (a page finding none counts them).
# At a million commitments a count is ~50 ms of database time, about 0.1 % of one core at this interval.
PLEDGEBOOK_DASHBOARD_REFRESH_SECONDS = env_int("PLEDGEBOOK_DASHBOARD_REFRESH_SECONDS", 60, minimum=10)
# Beat asks a worker to check in this often; /healthz fails when none has within the second figure.
PLEDGEBOOK_HEARTBEAT_SECONDS = env_int("PLEDGEBOOK_HEARTBEAT_SECONDS", 20, minimum=1)
PLEDGEBOOK_WORKER_LATE_SECONDS = env_int("PLEDGEBOOK_WORKER_LATE_SECONDS", 60, minimum=1)
# How many senders one wake-up starts; each claims emails one at a time (SKIP LOCKED), so they never
# send the same one. Match it to the worker's concurrency.
PLEDGEBOOK_DELIVERY_SENDERS = env_int("PLEDGEBOOK_DELIVERY_SENDERS", 4, minimum=1)
# The importer's extractor: a dotted path to a function(Record) -> list[Draft]. The default is rule-based
# and offline; a stronger one can be plugged in here.
PLEDGEBOOK_EXTRACTOR = env_str("PLEDGEBOOK_EXTRACTOR", "commitments.importer.extract.extract")
# The state whose ministry uses Pledgebook (ISO 3166 alpha-3): a record that says neither who published it
# nor whose meeting it was in its title speaks of this state's officials without naming it.
PLEDGEBOOK_HOME_PARTY = env_str("PLEDGEBOOK_HOME_PARTY", "JPN").upper()
# The labelled meeting records `make eval` measures the importer on (labels.json and its README).
# Empty: `shared/records` beside the checkout, or beside the repository it was cloned from.
PLEDGEBOOK_RECORDS_DIR = env_str("PLEDGEBOOK_RECORDS_DIR", "")
# Links in emails and the calendar feed point here. Unset, they follow where `make run` serves the site
# (PLEDGEBOOK_HOST and PLEDGEBOOK_PORT, as config/devstack.py reads them), so that a demo on port 8101
# does not mail links to port 8000. A wildcard bind address is not one a browser can open: loopback.
_served_host = env_str("PLEDGEBOOK_HOST", "127.0.0.1")
if _served_host in ("0.0.0.0", "::", ""):  # noqa: S104 (naming the wildcard, not binding to it)
    _served_host = "127.0.0.1"
if ":" in _served_host:
    _served_host = f"[{_served_host}]"
PLEDGEBOOK_BASE_URL = (
    env_str("PLEDGEBOOK_BASE_URL", "") or f"http://{_served_host}:{env_int('PLEDGEBOOK_PORT', 8000, minimum=1)}"
).rstrip("/")

# --- Email --------------------------------------------------------------------------------------
# EMAIL_URL (smtp://user:password@host:587/?tls=True, or console:// ) configures the backend; without
# it, email is printed to the console. A timeout keeps a hung SMTP server from holding a worker.
EMAIL_URL = env_str("EMAIL_URL", "console://")
_email = email_from_url(EMAIL_URL)
# console:// prints each email as its reader sees it (decoded subject, the text part), not as raw MIME.
EMAIL_BACKEND = {"django.core.mail.backends.console.EmailBackend": "config.console_email.EmailBackend"}.get(
    _email["EMAIL_BACKEND"], _email["EMAIL_BACKEND"]
)
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = bool(_email["EMAIL_USE_TLS"])
EMAIL_USE_SSL = bool(_email["EMAIL_USE_SSL"])
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Pledgebook <pledgebook@localhost>")

# --- Celery -------------------------------------------------------------------------------------
REDIS_URL = env_redis_url("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
# Redis, without restoring held messages through a connection already gone (config/celery_broker.py).
CELERY_BROKER_TRANSPORT = "config.celery_broker:Transport"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
# A dead or unreachable Redis must never hang a web request that enqueues a task: connecting and
# every socket operation give up after a few seconds, and publishing does not retry for long.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 3,
    "socket_connect_timeout": 3,
    "retry_on_timeout": False,
    "max_retries": 1,
    "health_check_interval": 30,
    # Tasks are short; a task not acknowledged within an hour is redelivered to another worker.
    "visibility_timeout": 3600,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
# Acknowledged when a task starts, not when it ends. Nothing depends on redelivery: the outbox rows in
# the database are the truth (a delivery whose worker died is taken over when its lease runs out and the
# next sweep wakes the sender), and a lost sweep is the next tick's work. Late acks would add nothing but
# a crash: with a task running when Redis goes away, Celery 5.7 / kombu 5.7 fail to restore the unacked
# message and the worker exits ("Unrecoverable error: AttributeError … 'hostname'"); see
# tests/test_worker.py::test_redis_stopped_mid_sweep_….
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Every task stops in time, so that a stuck one never holds a worker slot for ever: at the soft limit
# the task gets SoftTimeLimitExceeded (a sweep rolls back and is recorded as failed, the next tick
# sweeps again; a sender's claimed emails come due again when their lease ends), at the hard limit the
# worker process running it is replaced.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("PLEDGEBOOK_TASK_SOFT_SECONDS", 300, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("PLEDGEBOOK_TASK_HARD_SECONDS", CELERY_TASK_SOFT_TIME_LIMIT + 60, minimum=1)
if CELERY_TASK_TIME_LIMIT <= CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"PLEDGEBOOK_TASK_HARD_SECONDS={CELERY_TASK_TIME_LIMIT} must be more than "
        f"PLEDGEBOOK_TASK_SOFT_SECONDS={CELERY_TASK_SOFT_TIME_LIMIT}: the soft limit lets a task stop cleanly first."
    )
# The periodic work. Run one beat process (see README). A second one by mistake does no harm: each
# sweep interval is claimed once (SweepRun.beat_slot), and every other task is idempotent.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "sweep": {
        "task": "commitments.tasks.sweep",
        "schedule": timedelta(seconds=PLEDGEBOOK_SWEEP_SECONDS),
        # A sweep that waited longer than its interval in the queue is superseded by the next one.
        "options": {"expires": PLEDGEBOOK_SWEEP_SECONDS},
    },
    "deliveries": {
        "task": "commitments.tasks.deliveries",
        "schedule": timedelta(seconds=PLEDGEBOOK_DELIVERY_WAKE_SECONDS),
        "options": {"expires": PLEDGEBOOK_DELIVERY_WAKE_SECONDS},
    },
    "heartbeat": {
        "task": "commitments.tasks.heartbeat",
        "schedule": timedelta(seconds=PLEDGEBOOK_HEARTBEAT_SECONDS),
        "options": {"expires": PLEDGEBOOK_HEARTBEAT_SECONDS},
    },
    "digests": {
        "task": "commitments.tasks.digests",
        "schedule": crontab(minute=0),
        "options": {"expires": 3000},
    },
    "cleanup": {"task": "commitments.tasks.cleanup", "schedule": crontab(hour=3, minute=30)},
    "dashboard-figures": {
        "task": "commitments.tasks.dashboard_figures",
        "schedule": timedelta(seconds=PLEDGEBOOK_DASHBOARD_REFRESH_SECONDS),
        "options": {"expires": PLEDGEBOOK_DASHBOARD_REFRESH_SECONDS},
    },
    "compliance-summaries": {
        "task": "commitments.tasks.compliance_summaries",
        "schedule": timedelta(seconds=PLEDGEBOOK_COMPLIANCE_REFRESH_SECONDS),
        # A refresh still queued when the next is due is superseded by it: the next computes the same, later.
        "options": {"expires": PLEDGEBOOK_COMPLIANCE_REFRESH_SECONDS},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Proxies and the shared cache -----------------------------------------------------------------
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none, clients connect
# directly). The client's address is REMOTE_ADDR unless this says otherwise; then it is the address the
# outermost trusted proxy saw (the right-most but N-1 of X-Forwarded-For): anything to its left was
# written by the client and could be anything. The API's throttles and axes' lockouts both read it
# (common.clientip.client_address), and X-Forwarded-Proto is believed only when a proxy is declared.
PLEDGEBOOK_TRUSTED_PROXIES = env_int("PLEDGEBOOK_TRUSTED_PROXIES", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "common.clientip.client_address"
if PLEDGEBOOK_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The throttle counts live here, so that every gunicorn process (and every web machine) counts the same
# requests: in a per-process memory each process would allow the full rate. Redis by default, the one
# Celery uses, under its own key prefix (not another db number: a managed Redis may offer only db 0, and
# Celery's keys — celery, unacked, _kombu.* — never start with it). `locmem://` keeps counts in the
# process (one process only: the test suite). Redis being down does not stop logins: the throttle lets
# the request through and logs it (commitments.api.throttles), and axes' lockouts, in the database, hold.
PLEDGEBOOK_CACHE_URL = env_str("PLEDGEBOOK_CACHE_URL", "") or REDIS_URL
if PLEDGEBOOK_CACHE_URL.startswith("locmem:"):
    CACHES: dict[str, dict[str, Any]] = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pledgebook"}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_redis_url("PLEDGEBOOK_CACHE_URL", PLEDGEBOOK_CACHE_URL),
            "KEY_PREFIX": "pledgebook-cache",
            # A request waits at most this long for a Redis that does not answer.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

# The most the API reads of one request body (413 past it), and how deeply its JSON may nest (400 past it):
# see commitments/api/parsers.py. A meeting record of a million characters fits the default.
PLEDGEBOOK_API_MAX_BODY_BYTES = env_int("PLEDGEBOOK_API_MAX_BODY_BYTES", 5 * 1024 * 1024, minimum=1024)
PLEDGEBOOK_API_MAX_JSON_DEPTH = env_int("PLEDGEBOOK_API_MAX_JSON_DEPTH", 32, minimum=4)
# Django's own limit on a body read into memory (forms, and a body read before the API's parser): the same,
# so that the admin's import form and the API accept the same record and refuse the same oversized one.
DATA_UPLOAD_MAX_MEMORY_SIZE = PLEDGEBOOK_API_MAX_BODY_BYTES

REST_FRAMEWORK = {
    # Token first: an anonymous request gets 401 with "WWW-Authenticate: Token", not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "commitments.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["commitments.api.permissions.CanView"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "commitments.api.schema.PledgebookAutoSchema",
    "EXCEPTION_HANDLER": "commitments.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_RATES": {"login": env_str("PLEDGEBOOK_LOGIN_RATE", "10/min")},
    # The same count as PLEDGEBOOK_TRUSTED_PROXIES (DRF's own default, None, believes the whole header).
    "NUM_PROXIES": PLEDGEBOOK_TRUSTED_PROXIES,
    # JSON with limits on size and depth, answered in the API's error shape (commitments.api.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "commitments.api.parsers.LimitedJSONParser",
        "commitments.api.parsers.LimitedFormParser",
        "commitments.api.parsers.LimitedMultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "common.api.ByIdCursor",
    "PAGE_SIZE": 50,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Pledgebook API",
    "DESCRIPTION": (
        "Commitments from diplomatic meetings and their workflow. The same services and permissions as the "
        "admin: status changes only through transitions; writes need the version you read (If-Match)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "commitments.workflow.Status",
        "CommitmentKindEnum": "commitments.models.core.Commitment.Kind",
        "SummitKindEnum": "summits.models.Summit.Kind",
        "PartyKindEnum": "summits.models.Party.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"client_errors_one_line": {"()": "config.logfilters.ClientErrorsOneLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["client_errors_one_line"]}
    },
    "root": {"handlers": ["console"], "level": env_str("PLEDGEBOOK_LOG_LEVEL", "INFO")},
    # Every failed login is already a row (AccessFailureLog); the log keeps the warnings only.
    "loggers": {"axes": {"level": "WARNING"}},
}
