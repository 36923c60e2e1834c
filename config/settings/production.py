"""Production: every secret from the environment, secure cookies, HSTS. Refuses to start when wrong."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_required

from .base import *  # noqa: F403
from .base import DEBUG, MIDDLEWARE

# gunicorn serves the collected static files itself (no separate web server needed).
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]

SECRET_KEY = env_required(
    "DJANGO_SECRET_KEY",
    "set it to a long random string (python -c 'import secrets; print(secrets.token_urlsafe(50))').",
)
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is too short for production: use at least 50 characters.")
if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required in production (comma-separated host names).")

# SECURE_PROXY_SSL_HEADER: set in base only when PLEDGEBOOK_TRUSTED_PROXIES declares a proxy that writes it.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
