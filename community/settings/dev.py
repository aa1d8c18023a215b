"""`make run`: debug on, SQLite file in the project, a key that is only for this machine."""

from .base import *  # noqa: F403
from .base import env

DEBUG = True
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-not-secret-never-use-in-production")
