import json
import logging

import pytest
from django.test import override_settings

from core.logging import JsonFormatter, RequestIdFilter, request_id_var


@pytest.mark.django_db
def test_healthz_reports_database_and_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_cache_is_unreachable(client):
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens on port 9 of the loopback: the connection is refused.
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    with override_settings(
        CACHES=unreachable, SESSION_ENGINE="django.contrib.sessions.backends.db"
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "error"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_every_response_carries_a_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("incoming", "kept"),
    [("abc12345-proxy", True), ("<script>alert(1)</script>", False), ("kort", False)],
)
def test_request_id_from_the_proxy_is_kept_only_when_safe(client, incoming, kept):
    echoed = client.get("/healthz", headers={"x-request-id": incoming})["X-Request-ID"]
    assert (echoed == incoming) is kept


def test_json_log_lines_carry_the_request_id():
    token = request_id_var.set("req-123456")
    try:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "kapot: %s", ("a",), None)
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "req-123456"
    assert line["message"] == "kapot: a" and line["level"] == "ERROR"


@pytest.mark.django_db
def test_django_error_log_lines_carry_the_request_id(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/hoofdstuk/bestaat-niet/", headers={"x-request-id": "trace-abc-123"})
    assert response.status_code == 404
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records
    RequestIdFilter().filter(records[-1])
    assert records[-1].request_id == "trace-abc-123"
