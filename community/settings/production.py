"""Production: everything from the environment, and a loud refusal when a required
variable is missing rather than a silently generated secret."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, env_bool, env_int, env_list, mailer_from_url

DEBUG = False
LOGGING["handlers"]["console"]["formatter"] = env("DJANGO_LOG_FORMAT", "json")  # noqa: F405

SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY: production does not start without it.")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS (comma separated host names).")

SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", False)

# Behind a proxy that terminates TLS, opt in with DJANGO_SECURE_PROXY_SSL_HEADER=true.
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True

EMAIL_URL = env("EMAIL_URL")
if not EMAIL_URL:
    raise ImproperlyConfigured(
        "Set EMAIL_URL, e.g. smtp://user:password@mail.example.nl:587?tls=true"
    )
MAILERS = {"default": mailer_from_url(EMAIL_URL)}

TASKS = {"default": {"BACKEND": env("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
