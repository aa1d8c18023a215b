import time

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from members.ratelimit import Limit, is_limited, record_failure, request_keys, take

LIMIT = Limit(scope="test", attempts=3, seconds=60)


def test_limit_is_reached_after_the_allowed_failures():
    for _ in range(LIMIT.attempts - 1):
        record_failure(limit=LIMIT, keys=["ip:1.2.3.4"])
    assert not is_limited(limit=LIMIT, keys=["ip:1.2.3.4"])
    record_failure(limit=LIMIT, keys=["ip:1.2.3.4"])
    assert is_limited(limit=LIMIT, keys=["ip:1.2.3.4"])


def test_take_counts_each_attempt_and_refuses_the_one_past_the_limit():
    taken = [take(limit=LIMIT, keys=["user:7"]) for _ in range(LIMIT.attempts + 1)]
    assert taken == [True] * LIMIT.attempts + [False]
    assert is_limited(limit=LIMIT, keys=["user:7"])
    assert take(limit=LIMIT, keys=["user:8"])


def test_any_limited_key_limits_the_request():
    for _ in range(LIMIT.attempts):
        record_failure(limit=LIMIT, keys=["user:7"])
    assert is_limited(limit=LIMIT, keys=["ip:9.9.9.9", "user:7"])
    assert not is_limited(limit=LIMIT, keys=["ip:9.9.9.9", "user:8"])


def test_scopes_are_counted_apart():
    other = Limit(scope="other", attempts=3, seconds=60)
    for _ in range(LIMIT.attempts):
        record_failure(limit=LIMIT, keys=["ip:1.2.3.4"])
    assert not is_limited(limit=other, keys=["ip:1.2.3.4"])


def test_the_window_ends():
    short = Limit(scope="short", attempts=1, seconds=1)
    record_failure(limit=short, keys=["ip:1.2.3.4"])
    assert is_limited(limit=short, keys=["ip:1.2.3.4"])
    time.sleep(1.1)
    assert not is_limited(limit=short, keys=["ip:1.2.3.4"])


def test_request_keys_name_the_ip_and_the_user(user):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1")
    request.user = AnonymousUser()
    assert request_keys(request) == ["ip:192.0.2.1"]
    request.user = user
    assert request_keys(request) == ["ip:192.0.2.1", f"user:{user.pk}"]
