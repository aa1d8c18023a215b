"""Whole pages cached for anonymous readers, and the cache-key queries they need.

A page may be shared by every reader who is not logged in and carries no session or
messages cookie: nothing in it can belong to one of them (no CSRF token, no message,
no name). Such a page is kept under a key made of what it shows, read from the
database on every request (one query compiled once, core.prepared): with the
local-memory cache each worker process has a cache of its own, and a change made
through one worker must show at once in the others."""

import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse


def sessionless_anonymous(request) -> bool:
    """Whether the request may get a page shared with every anonymous reader: a GET
    or HEAD without a session or messages cookie (so without messages waiting either),
    by someone who is not logged in."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return False
    return not request.user.is_authenticated  # no session cookie: answered without a query


def shareable(request, response) -> bool:
    """Only a plain 200 page that set no cookie and holds no CSRF token may be cached."""
    return (
        response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and b"csrfmiddlewaretoken" not in response.content
    )


def cached_page(request, key: str | None, view, seconds: int) -> HttpResponse:
    """The page under `key` from the cache, or `view()` (kept under `key` when it is
    shareable). `key` None: the request may not share a page; `view()` answers it."""
    if key is not None:
        content = cache.get(key)
        if content is not None:
            return HttpResponse(content)
    response = view()
    if key is not None and shareable(request, response):
        cache.set(key, response.content, seconds)
    return response


def digest(values) -> str:
    """A short key part for `values` (a list of rows, timestamps with spaces in them):
    cache keys stay short and hold no character a cache refuses."""
    return hashlib.sha1(repr(values).encode(), usedforsecurity=False).hexdigest()
