"""Developer machine and the embedded first run (`make run`): SQLite, console email, DEBUG on."""

from config.env import env_bool, env_str

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)
# A fixed key is acceptable only here: local settings never serve the public (production refuses it).
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "local-development-only-not-secret")
