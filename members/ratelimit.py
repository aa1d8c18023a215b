"""Counting failed attempts in Django's cache, per user and per client IP.

A small fixed window per key: the first failure starts a window of `limit.seconds`; when
a key reaches `limit.attempts` failures within it, the caller refuses until the window
ends. `cache.incr` is atomic in Redis (and within one process for the local memory
cache), so the count holds across web processes when REDIS_URL is set."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    scope: str
    attempts: int
    seconds: int


CODE_FAILURES = Limit(scope="claim-code", attempts=10, seconds=15 * 60)


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


def record_failure(*, limit: Limit, keys: Iterable[str]) -> None:
    for key in keys:
        cache_key = _cache_key(limit, key)
        cache.add(cache_key, 0, timeout=limit.seconds)
        try:
            cache.incr(cache_key)
        except ValueError:
            # The window ended between add and incr: this failure opens a new one.
            cache.add(cache_key, 1, timeout=limit.seconds)
