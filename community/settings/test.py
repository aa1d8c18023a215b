"""The one settings module for the test suite: fast hashing, mail in the outbox, local
memory cache (unless REDIS_URL is set: the CI pass on PostgreSQL + Redis uses it)."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="test-only-not-secret")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = BASE_DIR / ".test-media"
STATIC_ROOT = BASE_DIR / ".test-static"
ALLOWED_HOSTS = ["*"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
# A change shows at once on every page (tests/book/test_recent_versions.py sets it).
SHARED_VERSIONS_SECONDS = 0
