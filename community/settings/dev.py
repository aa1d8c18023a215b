"""`make run`: debug on, SQLite file in the project, a key that is only for this machine."""

from .base import *  # noqa: F403
from .base import env

DEBUG = True
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-not-secret-never-use-in-production")

# No DJANGO_SITE_URL: links in e-mails made during a request point at the host and port
# the request came to (runserver on another port, the site opened from another device);
# mails sent outside a request use SITE_URL, or send_digests --site-url.
SITE_URL_FROM_REQUEST = "DJANGO_SITE_URL" not in env
