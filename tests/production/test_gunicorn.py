"""deploy/gunicorn.conf.py: what it reads from the environment, and a real server with it."""

import json
import subprocess

import pytest

from .servers import GUNICORN, ROOT, production_env, request, start_gunicorn, wait_healthy


def _config(**env: str) -> dict[str, str]:
    result = subprocess.run(
        [str(GUNICORN), "--print-config", "-c", "deploy/gunicorn.conf.py", "community.wsgi"],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    pairs = (line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def test_workers_and_address_come_from_the_environment():
    config = _config(WEB_CONCURRENCY="7", PORT="8123")
    assert config["workers"] == "7"
    assert config["bind"] == "['127.0.0.1:8123']"
    assert config["forwarded_allow_ips"] == "['127.0.0.1', '::1']"


def test_workers_default_to_twice_the_cores_plus_one_at_most_eight():
    import os

    expected = min(2 * os.cpu_count() + 1, 8)
    config = _config()
    assert config["workers"] == str(expected)
    assert config["bind"] == "['127.0.0.1:8000']"
    assert (config["max_requests"], config["max_requests_jitter"]) == ("1000", "100")
    assert config["graceful_timeout"] == "30"


@pytest.fixture
def server(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}")
    started = start_gunicorn(env=env, log=tmp_path / "gunicorn.log", workers=1)
    try:
        wait_healthy(started)
        yield started
    finally:
        started.stop()


def test_access_log_is_one_json_object_a_request_with_the_request_id(server):
    reply = request(server.port, "GET", "/healthz", headers={"X-Request-ID": "probe-1234abcd"})

    assert reply.status == 200
    assert reply.headers["X-Request-ID"] == "probe-1234abcd"
    server.stop()
    entries = [json.loads(line) for line in server.log_text().splitlines() if line.startswith("{")]
    entry = next(entry for entry in entries if entry["request_id"] == "probe-1234abcd")
    assert entry["method"] == "GET"
    assert entry["path"] == "/healthz"
    assert entry["status"] == 200
    assert entry["duration_ms"] >= 0
