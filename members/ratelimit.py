"""Counting attempts in Django's cache, per user and per client IP: failed claim codes,
and photo uploads.

A small fixed window per key: the first attempt starts a window of `limit.seconds`; when
a key reaches `limit.attempts` within it, the caller refuses until the window ends.
`cache.incr` is atomic in Redis (and within one process for the local memory cache), so
the count holds across web processes when REDIS_URL is set."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.utils.translation import ngettext_lazy

from community.images import PhotoError


@dataclass(frozen=True)
class Limit:
    scope: str
    attempts: int
    seconds: int


CODE_FAILURES = Limit(scope="claim-code", attempts=10, seconds=15 * 60)
# Story photos and profile photos together, per account.
PHOTO_UPLOADS = Limit(scope="photo-upload", attempts=20, seconds=60 * 60)


def request_keys(request) -> list[str]:
    """Who is trying: the client's IP (as allauth determines it, honouring its trusted
    proxy settings) and, when logged in, the user."""
    keys = [f"ip:{get_adapter(request).get_client_ip(request)}"]
    if request.user.is_authenticated:
        keys.append(f"user:{request.user.pk}")
    return keys


def _cache_key(limit: Limit, key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"ratelimit:{limit.scope}:{digest}"


def is_limited(*, limit: Limit, keys: Iterable[str]) -> bool:
    counts = cache.get_many([_cache_key(limit, key) for key in keys])
    return any(count >= limit.attempts for count in counts.values())


def _count(limit: Limit, key: str) -> int:
    cache_key = _cache_key(limit, key)
    cache.add(cache_key, 0, timeout=limit.seconds)
    try:
        return cache.incr(cache_key)
    except ValueError:
        # The window ended between add and incr: this attempt opens a new one.
        cache.add(cache_key, 1, timeout=limit.seconds)
        return 1


def record_failure(*, limit: Limit, keys: Iterable[str]) -> None:
    for key in keys:
        _count(limit, key)


def take(*, limit: Limit, keys: Iterable[str]) -> bool:
    """Count one attempt against every key, and say whether it is within the limit.
    Counting comes first: two requests at once cannot both take the last place, as they
    could if each checked is_limited before counting."""
    counts = [_count(limit, key) for key in keys]
    return all(count <= limit.attempts for count in counts)


def photo_upload_take(*, user) -> None:
    """Counts a photo `user` sends (a story photo or a profile photo) before it is
    decoded, and refuses it with a message for the form past PHOTO_UPLOADS. Decoding
    costs memory and time whatever the file turns out to be, so every upload counts, not
    only the photos that are kept."""
    if not take(limit=PHOTO_UPLOADS, keys=[f"user:{user.pk}"]):
        raise PhotoError(
            ngettext_lazy(
                "Je hebt het afgelopen uur al %(limit)d foto geüpload; meer kan er niet bij. "
                "Probeer het later nog eens.",
                "Je hebt het afgelopen uur al %(limit)d foto's geüpload; meer kan er niet bij. "
                "Probeer het later nog eens.",
                "limit",
            ),
            code="rate_limited",
            params={"limit": PHOTO_UPLOADS.attempts},
        )
