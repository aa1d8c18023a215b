import time
from datetime import timedelta
from unittest import mock

from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.utils import timezone

from members import ratelimit
from members.ratelimit import (
    Limit,
    failures,
    is_limited,
    minutes_left,
    network_key,
    person_key,
    record_failure,
    take,
)

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


def test_a_request_is_counted_by_person_and_by_network(user):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1")
    request.user = AnonymousUser()
    request.session = SessionStore()
    assert network_key(request) == "ip:192.0.2.1"
    assert person_key(request) is None
    request.session.save()
    assert person_key(request) == f"session:{request.session.session_key}"
    request.user = user
    assert person_key(request) == f"user:{user.pk}"


def test_minutes_left_round_up_to_whole_minutes():
    assert minutes_left(limit=LIMIT, keys=["ip:1.2.3.4"]) == 0
    for _ in range(LIMIT.attempts):
        record_failure(limit=LIMIT, keys=["ip:1.2.3.4"])
    assert minutes_left(limit=LIMIT, keys=["ip:1.2.3.4"]) == 1
    hour = Limit(scope="hour", attempts=1, seconds=3600)
    record_failure(limit=hour, keys=["user:7"])
    started = timezone.now()
    with mock.patch.object(ratelimit.timezone, "now", return_value=started + timedelta(minutes=30)):
        assert minutes_left(limit=hour, keys=["user:7"]) == 30
    with mock.patch.object(
        ratelimit.timezone, "now", return_value=started + timedelta(minutes=59, seconds=50)
    ):
        assert minutes_left(limit=hour, keys=["user:7"]) == 1


def test_failures_are_read_per_key():
    record_failure(limit=LIMIT, keys=["ip:1.2.3.4", "user:7"])
    record_failure(limit=LIMIT, keys=["user:7"])
    assert failures(limit=LIMIT, key="ip:1.2.3.4") == 1
    assert failures(limit=LIMIT, key="user:7") == 2
    assert failures(limit=LIMIT, key="user:8") == 0
