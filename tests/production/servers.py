"""Real gunicorn servers with the production settings, and a small HTTP client for them.

Every request goes to 127.0.0.1. The client keeps cookies like a browser and sends the
form's CSRF token back, so requests go through the same middleware as a visitor's."""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
SECRET_KEY = "scale-out-test-only-not-secret-" + "x" * 30


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a production process on loopback: this test process's
    environment minus its settings, plus test-safe values."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "EMAIL_", "AWS_"))
        and name not in {"DATABASE_URL", "REDIS_URL", "PORT", "WEB_CONCURRENCY"}
    }
    return clean | {
        "DJANGO_SETTINGS_MODULE": "community.settings.production",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "EMAIL_URL": "console://",
        "DJANGO_SERVE_MEDIA": "true",
        "DJANGO_LOG_LEVEL": "WARNING",
        **overrides,
    }


def manage(*args: str, env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        """SIGTERM: gunicorn lets its workers finish, as on a restart."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_gunicorn(*, env: dict[str, str], log: Path, workers: int = 2) -> Server:
    port = free_port()
    process_env = env | {
        "BIND_HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", "deploy/gunicorn.conf.py", "community.wsgi"],
            cwd=ROOT,
            env=process_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Server(port=port, process=process, log=log)


def wait_healthy(server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"gunicorn on {server.port} exited:\n{server.log_text()}")
        try:
            # As a load balancer asks (it speaks for https when a proxy is trusted).
            reply = request(server.port, "GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            if reply.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(
        f"gunicorn on {server.port} not healthy in {timeout}s:\n{server.log_text()}"
    )


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def location(self) -> str:
        return urllib.parse.urlsplit(self.headers.get("Location", "")).path


def request(
    port: int, method: str, path: str, *, headers: dict | None = None, body: str | None = None
) -> Reply:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read().decode())
    finally:
        connection.close()


_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Visitor:
    """One browser: its cookies, and the address nginx would report for it in
    X-Forwarded-For (the servers trust one proxy, as behind deploy/nginx.conf)."""

    ip: str
    cookies: dict[str, str] = field(default_factory=dict)
    csrf_token: str = ""

    def _send(self, port: int, method: str, path: str, body: str | None = None) -> Reply:
        headers = {"X-Forwarded-For": self.ip, "Accept-Language": "nl"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        reply = request(port, method, path, headers=headers, body=body)
        for set_cookie in reply.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(set_cookie).items():
                self.cookies[name] = morsel.value
        return reply

    def get(self, port: int, path: str) -> Reply:
        reply = self._send(port, "GET", path)
        if match := _CSRF_INPUT.search(reply.body):
            self.csrf_token = match.group(1)
        return reply

    def post(self, port: int, path: str, data: dict | None = None) -> Reply:
        form = {"csrfmiddlewaretoken": self.csrf_token, **(data or {})}
        return self._send(port, "POST", path, urllib.parse.urlencode(form))
