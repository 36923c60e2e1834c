"""The test suite: SQLite by default, PostgreSQL when DATABASE_URL says so."""

import os

from config.env import env_str

from .base import *  # noqa: F403
from .base import VAR_DIR, database_from_url

DEBUG = False
SECRET_KEY = "test-only-not-secret"
# A separate file so that tests never touch the demo database of `make run`.
DATABASES = {"default": database_from_url(env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'test.sqlite3'}"))}
# The live server answers each request in a new thread: persistent connections would outlive those
# threads and keep the test database busy at teardown.
DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: Celery workers started by the tests open the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-run.sqlite3")}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# In-memory unless a test (or a worker it starts) points EMAIL_URL at a real SMTP server.
if not os.environ.get("EMAIL_URL"):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Throttle counts in the test process's memory: the suite must not need a Redis, nor share counts with
# whatever Redis this machine runs. Tests of the shared counts start their own redis-server and set
# PLEDGEBOOK_CACHE_URL (or build their own cache clients) to reach it.
if not os.environ.get("PLEDGEBOOK_CACHE_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pledgebook-tests"}}
