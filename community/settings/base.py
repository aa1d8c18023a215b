"""Settings shared by every mode. Everything that differs per machine comes from the
environment; the defaults are the safe, embedded ones (SQLite, local memory cache)."""

import os
import re
from collections.abc import Mapping
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import dj_database_url
import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


class Env(environ.Env):
    """django-environ's reader, with four habits the settings rely on:

    - an empty variable counts as unset (a `NAME=` line in systemd's EnvironmentFile
      gives the default, not an empty string);
    - a boolean is true/false, yes/no, on/off or 1/0, and anything else is refused:
      django-environ reads every other word as false, so `DJANGO_SECURE_SSL_REDIRECT=ture`
      would turn the redirect off;
    - a list is comma separated, and the spaces around an item are not part of it;
    - a value is taken as written: django-environ reads one that starts with `$` as the
      name of another variable, and a generated secret key may start with `$`.

    A value that does not parse stops the start with the variable's name.
    """

    BOOLEAN_TRUE_STRINGS = ("true", "yes", "on", "1")
    BOOLEAN_FALSE_STRINGS = ("false", "no", "off", "0")
    # EMAIL_URL schemes (see `mailer_from_url`); django-environ refuses any other.
    EMAIL_SCHEMES = {
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
        "console": "django.core.mail.backends.console.EmailBackend",
    }

    def __init__(self, variables: Mapping[str, str] = os.environ) -> None:
        super().__init__()
        self.ENVIRON = {name: value for name, value in variables.items() if value != ""}

    def get_value(
        self,
        var: str,
        cast: Any = None,
        default: Any = environ.Env.NOTSET,
        parse_default: bool = False,
    ) -> Any:
        if var not in self.ENVIRON:
            # The default, or django-environ's refusal when there is none.
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        value = self.ENVIRON[var]
        try:
            return self.parse_value(value, cast)
        except ValueError as exc:
            if cast is bool:
                raise ImproperlyConfigured(f"{var} must be true or false, not {value!r}") from exc
            if cast is int:
                raise ImproperlyConfigured(f"{var} must be a whole number, not {value!r}") from exc
            raise ImproperlyConfigured(f"{var} cannot be read: {exc}") from exc

    @classmethod
    def parse_value(cls, value: Any, cast: Any) -> Any:
        if cast is bool and isinstance(value, str):
            if value.strip().lower() not in (*cls.BOOLEAN_TRUE_STRINGS, *cls.BOOLEAN_FALSE_STRINGS):
                raise ValueError(value)
        parsed = super().parse_value(value, cast)
        if cast is list:
            return [item.strip() for item in parsed if item.strip()]
        return parsed


env = Env()


def mailer_from_url(url: str) -> dict:
    """`EMAIL_URL` to a MAILERS entry: smtp://user:password@host:587?tls=true,
    smtps://... for implicit TLS, console:// to print mails.

    django-environ parses the URL into the old EMAIL_* settings; Django 6.1 takes a
    mailer's options instead. Its `smtps` means STARTTLS; here, as documented, `smtps` is
    implicit TLS (port 465 unless given) and `?tls=true` asks for STARTTLS."""
    parts = urlparse(url)
    try:
        config = Env.email_url_config(parts)
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(
            f"EMAIL_URL: {exc}; use smtp://, smtps:// or console://"
        ) from exc
    except ValueError as exc:
        raise ImproperlyConfigured(f"EMAIL_URL cannot be read: {exc}") from exc
    if parts.scheme == "console":
        return {"BACKEND": config["EMAIL_BACKEND"]}
    tls = str(config.get("OPTIONS", {}).get("TLS", "false"))
    try:
        use_tls = Env.parse_value(tls, bool)
    except ValueError as exc:
        raise ImproperlyConfigured(f"EMAIL_URL: tls must be true or false, not {tls!r}") from exc
    return {
        "BACKEND": config["EMAIL_BACKEND"],
        "OPTIONS": {
            "host": config["EMAIL_HOST"] or "localhost",
            "port": config["EMAIL_PORT"] or (465 if parts.scheme == "smtps" else 25),
            "username": config["EMAIL_HOST_USER"] or "",
            "password": config["EMAIL_HOST_PASSWORD"] or "",
            "use_ssl": parts.scheme == "smtps",
            "use_tls": use_tls,
            "timeout": 20,
        },
    }


def oidc_apps(env: Env) -> list[dict[str, Any]]:
    """Single sign-on through organisations' own OpenID Connect providers, from the
    environment: `DJANGO_OIDC_PROVIDERS` names the organisations by their slug
    (`zwolle,utrecht`), and each has `DJANGO_OIDC_<SLUG>_SERVER_URL` (the issuer),
    `_CLIENT_ID`, `_SECRET` and, optionally, `_NAME` (what allauth's own pages call the
    provider; default the slug), with the slug in capitals and `-` as `_`. The sign-in
    button says "Inloggen via" and the organisation's name as the site has it.

    Each becomes one of allauth's `openid_connect` apps whose `provider_id` is the slug:
    settings read no database, and organisations.sso finds the organisation by that slug
    when someone signs in. A named organisation without its three values stops the start
    with the missing variable's name."""
    apps = []
    for slug in env.list("DJANGO_OIDC_PROVIDERS", default=[]):
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
            raise ImproperlyConfigured(
                f"DJANGO_OIDC_PROVIDERS: {slug!r} is not an organisation's slug "
                "(small letters, digits and hyphens, as in its address)"
            )
        prefix = f"DJANGO_OIDC_{slug.upper().replace('-', '_')}_"
        values = {}
        for part in ("SERVER_URL", "CLIENT_ID", "SECRET"):
            values[part] = env.str(prefix + part, default=None)
            if not values[part]:
                raise ImproperlyConfigured(
                    f"Set {prefix}{part} (DJANGO_OIDC_PROVIDERS names {slug})"
                )
        apps.append(
            {
                "provider_id": slug,
                "name": env.str(prefix + "NAME", default="") or slug,
                "client_id": values["CLIENT_ID"],
                "secret": values["SECRET"],
                "settings": {
                    "server_url": values["SERVER_URL"],
                    # PKCE as well as the secret: a code caught on its way back is useless.
                    "oauth_pkce_enabled": True,
                },
            }
        )
    return apps


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=None)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_tasks_db",
    "core",
    "community",
    "book",
    "members",
    "organisations",
    "stories",
    "meetings",
    "editions",
    "introductions",
    "newsletter",
    "suggestions",
]

MIDDLEWARE = [
    "core.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.site_url.RequestOriginMiddleware",
]

ROOT_URLCONF = "community.urls"
WSGI_APPLICATION = "community.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    },
]

# SQLite is the embedded default. IMMEDIATE transactions take the write lock at BEGIN, so
# two claims of a member number queue up instead of failing on a lock upgrade; WAL lets
# readers go on while a writer works.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASES = {
    "default": dj_database_url.parse(
        env.str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env.int("DJANGO_CONN_MAX_AGE", default=60),
        conn_health_checks=True,
    )
}
# SQLite keeps its connection for DJANGO_CONN_MAX_AGE seconds too, like PostgreSQL: each
# worker thread has its own (Django's connections are per thread), health-checked before
# reuse, and the init_command PRAGMAs then run once per connection instead of per request.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
# PostgreSQL without JIT compilation: the site asks short queries, and the planner's cost
# estimates on 100,000 stories pass jit_above_cost for some of them (a chapter's page of
# stories with its reaction counts), whose JIT compiling then took 1.4 s of a 1.5 s
# query (make bench, BENCHMARKS.md). DJANGO_DB_JIT=true leaves the server's setting.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env.bool(
    "DJANGO_DB_JIT", default=False
):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# PostgreSQL: each web process keeps its connection for DJANGO_CONN_MAX_AGE seconds, or,
# with DJANGO_DB_POOL=true, holds a psycopg pool of them. Django refuses a pool together
# with persistent connections, so the pool sets CONN_MAX_AGE to 0.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DJANGO_DB_POOL", default=False
):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DJANGO_DB_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DJANGO_DB_POOL_MAX_SIZE", default=4),
        "timeout": 10,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Two caches, so that a crawler cannot empty the one readers need (core/cache.py):
# "default" holds the hot pages (the home page, the first pages of every list, stories,
# counts; sessions too with Redis), "long-tail" what any address with a free query
# string makes a new entry of (a search question, a filtered "Nieuwste verhalen"), each
# bounded on its own. Deep pages of a list are not stored at all (core.cache.KEPT_PAGES).
# Sizes of the local-memory caches (per worker process): the default holds the home
# page, the first KEPT_PAGES pages of each chapter (anonymous, member, following, in two
# languages, and their lists of stories) and the most read stories; about 20 kB a page.
CACHE_ENTRIES = env.int("DJANGO_CACHE_ENTRIES", default=5000)
LONG_TAIL_CACHE_ENTRIES = env.int("DJANGO_LONG_TAIL_CACHE_ENTRIES", default=1000)
#: Long-tail entries expire after this many seconds at most (with Redis, one memory for
#: both caches, this is what bounds them), so what a crawler asked for leaves soon.
LONG_TAIL_CACHE_SECONDS = env.int("DJANGO_LONG_TAIL_CACHE_SECONDS", default=300)
REDIS_URL = env.str("REDIS_URL", default=None)
#: With Redis: how many entries each worker keeps near, in its own memory, of what Redis
#: holds under versioned keys (core/cache.py: pages, fragments, values; pages are about
#: 20-50 kB, so 300 entries are at most about 15 MB a worker).
NEAR_CACHE_ENTRIES = env.int("DJANGO_NEAR_CACHE_ENTRIES", default=300)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "community",
        },
        "long-tail": {
            "BACKEND": "core.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "community-long-tail",
            "TIMEOUT": LONG_TAIL_CACHE_SECONDS,
        },
        "near": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "community-near",
            "OPTIONS": {"MAX_ENTRIES": NEAR_CACHE_ENTRIES},
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "community",
            "OPTIONS": {"MAX_ENTRIES": CACHE_ENTRIES},
        },
        "long-tail": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "community-long-tail",
            "TIMEOUT": LONG_TAIL_CACHE_SECONDS,
            "OPTIONS": {"MAX_ENTRIES": LONG_TAIL_CACHE_ENTRIES},
        },
    }
    # In the database: each worker process has its own local-memory cache, so sessions
    # kept there would outlive a logout made through another worker.
    SESSION_ENGINE = "core.sessions"

# The busiest shared pages (a chapter, the home page) are keyed by versions read from
# the database (core/cache.py); each worker reads them again at most once per this many
# seconds, so a change shows on them within it (whoever made it, with a message
# waiting, gets the page rendered for them). 0: read on every request.
SHARED_VERSIONS_SECONDS = env.float("DJANGO_SHARED_VERSIONS_SECONDS", default=1.0)

# The curators' statistics aggregate every member and story: computed at most once per
# this many seconds (per language), so a figure on the page is at most this stale; the
# page says when it was computed.
STATISTICS_SECONDS = env.int("DJANGO_STATISTICS_SECONDS", default=300)

AUTHENTICATION_BACKENDS = [
    "members.backends.ModelBackend",
    "members.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail only, verified, no account enumeration, rate limits on.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# The confirmation link logs in only the browser that signed up (allauth keeps the pending
# login in that session), so a leaked link does not open the account elsewhere.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# allauth's limits, with the confirmation mail ("Stuur de bevestiging opnieuw", and every
# signup or login that sends one) at most once per three minutes and five times an
# hour per address; the rest stay allauth's defaults.
ACCOUNT_RATE_LIMITS = {"confirm_email": "1/3m/key,5/h/key"}
# Renders allauth's mails in the request and sends them through the `send_email` task.
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_USER_DISPLAY = "members.adapters.user_display"
# Behind nginx every request comes from the proxy's address: with the number of proxies
# we run, allauth (and the code-attempt limit in members/ratelimit.py) take the client's
# address from X-Forwarded-For instead. 0 ignores the header, which anyone can forge.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

# Single sign-on for the staff of organisations with an OpenID Connect provider of their
# own (oidc_apps above; README, "Production"). organisations.sso decides who gets in: the
# provider's e-mail address counts only when it says it verified it and it is on one of
# the organisation's domains; then an account with that address is signed in (and the
# provider connected to it), a new one made, and "werkt bij" confirmed.
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": oidc_apps(env)}}
SOCIALACCOUNT_ADAPTER = "organisations.sso.SocialAccountAdapter"
# A GET (a link, a prefetch) never starts a sign-in: the buttons POST.
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
# The provider's tokens are used once, to learn who signed in, and not kept.
SOCIALACCOUNT_STORE_TOKENS = False

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Every upload is sent only to who may see its page (community.media_views decides).
# SERVE_MEDIA: Django sends the file's bytes itself; without it, Django answers with
# X-Accel-Redirect to MEDIA_INTERNAL_URL + the name, and nginx sends the file from that
# `internal` location (deploy/nginx.conf), which no request from outside can reach.
SERVE_MEDIA = env.bool("DJANGO_SERVE_MEDIA", default=True)
MEDIA_INTERNAL_URL = "/media-internal/"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Het boek <boek@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people write to: the contact page, which every "neem contact op" links to. By
# default the address the site's mail comes from, so questions reach the same mailbox
# as the replies to that mail.
CONTACT_EMAIL = env.str("DJANGO_CONTACT_EMAIL", default="") or parseaddr(DEFAULT_FROM_EMAIL)[1]

TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# Every asset is self-hosted: the policy allows nothing from elsewhere, and no inline
# script or style.
SECURE_CSP: dict[str, Any] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"},
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("DJANGO_LOG_FORMAT", default="plain"),
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
    },
}

SITE_NAME = "Het boek waar je lid van kunt worden"
# Where the site lives, for the links in e-mails (notifications, the daily digest) and
# EPUBs (core.site_url). Default: https:// and the first of DJANGO_ALLOWED_HOSTS when
# that is set (production requires it), else the development server of `make run`.
SITE_URL = env.str("DJANGO_SITE_URL", default=None) or (
    f"https://{ALLOWED_HOSTS[0]}"
    if "DJANGO_ALLOWED_HOSTS" in env and ALLOWED_HOSTS
    else "http://127.0.0.1:8000"
)
# Links made during a request point at the address of that request instead (dev.py
# turns this on when DJANGO_SITE_URL is not set).
SITE_URL_FROM_REQUEST = False

# How new learning stories reach readers: "pre" (a curator approves every story), "post"
# (published at once, curators hide afterwards) or "auto" (a member's stories wait for a
# curator until one of them has been approved, then publish at once).
STORIES_MODERATION = env.str("DJANGO_STORIES_MODERATION", default="auto")
# Reports hide a story or reply only when they come from established members: with a
# story a curator approved, or a member for at least this many days (stories.reports).
STORIES_ESTABLISHED_MEMBER_DAYS = env.int("DJANGO_STORIES_ESTABLISHED_MEMBER_DAYS", default=30)
# The hourly ceiling on stories and on replies for trusted members and curators; new
# members have the lower one in stories.writing (NEW_MEMBER_*_PER_HOUR).
STORIES_TRUSTED_STORIES_PER_HOUR = env.int("DJANGO_STORIES_TRUSTED_STORIES_PER_HOUR", default=20)
STORIES_TRUSTED_REPLIES_PER_HOUR = env.int("DJANGO_STORIES_TRUSTED_REPLIES_PER_HOUR", default=60)

# Invitations by e-mail one member may make per day (members.invitations).
MEMBERS_INVITATIONS_PER_DAY = env.int("DJANGO_MEMBERS_INVITATIONS_PER_DAY", default=10)

# The newsletter goes out at most this many mails a minute, in batches of
# NEWSLETTER_BATCH_SIZE that the worker runs one after the other (newsletter.sending).
NEWSLETTER_PER_MINUTE = env.int("DJANGO_NEWSLETTER_PER_MINUTE", default=120)
NEWSLETTER_BATCH_SIZE = env.int("DJANGO_NEWSLETTER_BATCH_SIZE", default=50)
# Welcome mails one task sends at most (newsletter.welcome); the timer runs daily.
WELCOME_BATCH_SIZE = env.int("DJANGO_WELCOME_BATCH_SIZE", default=1000)
