"""The Redis cache of production (core.redis_cache): one client object per pool, shared
by every operation. Runs where Redis is (the PostgreSQL pass sets REDIS_URL)."""

import os

import pytest

from core.redis_cache import RedisCache

REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = pytest.mark.skipif(
    not REDIS_URL and os.environ.get("SCALEOUT_REQUIRED") != "1",
    reason="needs Redis: runs in `make test-postgres` (REDIS_URL set)",
)


def test_every_operation_uses_one_client_and_works():
    redis_cache = RedisCache(REDIS_URL, {"KEY_PREFIX": "test-reused-client"})
    redis_cache.clear()
    redis_cache.set("page", "<p>hoofdstuk</p>", 60)
    assert redis_cache.get("page") == "<p>hoofdstuk</p>"
    assert redis_cache.add("page", "anders", 60) is False
    assert redis_cache.get_many(["page", "missing"]) == {"page": "<p>hoofdstuk</p>"}
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    redis_cache.delete("page")
    assert redis_cache.get("page") is None
