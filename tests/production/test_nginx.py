"""deploy/nginx.conf in front of a real gunicorn: TLS ends at nginx, Django sees https,
the request id goes through, uploads come from disk once Django allows them, large
bodies stop at nginx. Runs where nginx and openssl are installed (the sample is checked
as written, with only ports and paths swapped for test ones)."""

import http.client
import os
import shutil
import ssl
import subprocess
import time
import urllib.parse

import pytest
from django.conf import settings

from .servers import (
    ROOT,
    free_port,
    manage,
    production_env,
    request,
    start_gunicorn,
    wait_healthy,
)

pytestmark = pytest.mark.skipif(
    not (shutil.which("nginx") and shutil.which("openssl")),
    reason="nginx and openssl not installed (apt-get install nginx-light openssl)",
)


PHOTO = b"\xff\xd8\xff\xe0 een foto van "
#: A published story's photo (anyone), a pending one's (its author and curators only),
#: and a name with a letter that is not ASCII (percent-encoded in X-Accel-Redirect).
UPLOADS = ["stories/open.jpg", "stories/wacht.jpg", "stories/café.jpg"]
STORIES = """
import uuid
from book.models import Access, Book, Chapter
from stories.models import Status, Story
chapter = Chapter.objects.create(
    book=Book.objects.create(title="Het boek"), title="Open", slug="open",
    access=Access.OPEN, is_published=True,
)
for photo, status in [
    ("stories/open.jpg", Status.PUBLISHED),
    ("stories/wacht.jpg", Status.PENDING),
    ("stories/café.jpg", Status.PUBLISHED),
]:
    Story.objects.create(
        chapter=chapter, title=photo, body="x", photo=photo, status=status,
        submission_key=uuid.uuid4(),
    )
"""


@pytest.fixture
def proxied(tmp_path, collected_static):
    media, static = tmp_path / "media", tmp_path / "static"
    media.mkdir()
    static.mkdir()
    (media / "stories").mkdir()
    for name in UPLOADS:
        (media / name).write_bytes(PHOTO + name.encode())
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-keyout", tmp_path / "key.pem"]
        + ["-out", tmp_path / "cert.pem"],
        check=True,
        capture_output=True,
    )
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        DJANGO_SECURE_PROXY_SSL_HEADER="true",
        DJANGO_SECURE_SSL_REDIRECT="true",
        DJANGO_TRUSTED_PROXY_COUNT="1",
        DJANGO_SERVE_MEDIA="false",
        DJANGO_MEDIA_ROOT=str(media),
        # Collected once for the whole test run by tests/conftest.py (the 404 page).
        DJANGO_STATIC_ROOT=str(settings.STATIC_ROOT),
        DJANGO_SECURE_HSTS_SECONDS="60",
    )
    manage("migrate", "--noinput", env=env)
    manage("shell", "-c", STORIES, env=env)
    app = start_gunicorn(env=env, log=tmp_path / "gunicorn.log", workers=1)
    http_port, https_port = free_port(), free_port()
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    for sample, test in {
        "listen [::]:80;": "",
        "listen [::]:443 ssl http2;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl;",
        "server 127.0.0.1:8000": f"server 127.0.0.1:{app.port}",
        "/etc/letsencrypt/live/boek.example.nl/fullchain.pem": str(tmp_path / "cert.pem"),
        "/etc/letsencrypt/live/boek.example.nl/privkey.pem": str(tmp_path / "key.pem"),
        "/srv/boek/static/": f"{static}/",
        "/srv/boek/media/": f"{media}/",
    }.items():
        assert sample in site, sample
        site = site.replace(sample, test)
    (tmp_path / "boek.conf").write_text(site)
    temp = tmp_path / "nginx-temp"
    temp.mkdir()
    (tmp_path / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n"
        + "".join(
            f" {kind}_temp_path {temp}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f" include {tmp_path}/boek.conf;\n}}\n"
    )
    nginx = subprocess.Popen(
        ["nginx", "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_healthy(app)
        deadline = time.monotonic() + 20
        while True:
            try:
                _https(https_port, "GET", "/healthz")
                break
            except OSError:
                assert nginx.poll() is None, nginx.stdout.read().decode()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        yield http_port, https_port, app
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        app.stop()


def _https(port, method, path, *, headers=None, body=None):
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def test_nginx_sample_terminates_tls_and_passes_what_django_needs(proxied):
    http_port, https_port, app = proxied

    status, headers, _body = _https(
        https_port, "GET", "/healthz", headers={"X-Request-ID": "via-nginx-1234"}
    )
    assert status == 200
    assert headers["X-Request-ID"] == "via-nginx-1234"
    # Django knows the request came in over https (X-Forwarded-Proto): only then does
    # it send HSTS.
    assert headers["Strict-Transport-Security"].startswith("max-age=60")

    for port, path in ((http_port, "/healthz"), (app.port, "/exemplaar/")):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", path)
        response = connection.getresponse()
        assert response.status == 301, (port, path)
        assert response.headers["Location"].startswith("https://127.0.0.1")
        connection.close()
    # A load balancer's health check straight to gunicorn says it speaks for https.
    direct = request(app.port, "GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
    assert direct.status == 200

    status, _headers, _body = _https(
        https_port, "POST", "/exemplaar/code/", body=b"x" * (13 * 1024 * 1024)
    )
    assert status == 413


def test_nginx_sends_the_uploads_django_allows_and_nothing_else(proxied):
    _http_port, https_port, app = proxied

    for name in ("stories/open.jpg", "stories/caf%C3%A9.jpg"):
        status, headers, body = _https(https_port, "GET", f"/media/{name}")
        assert status == 200, name
        assert body == PHOTO + urllib.parse.unquote(name).encode()
        assert headers["Server"].startswith("nginx")
        # What Django decided, passed on by nginx; the redirect itself stays inside.
        assert headers["Content-Type"] == "image/jpeg"
        assert headers["Cache-Control"] == "public, max-age=3600"
        assert "X-Accel-Redirect" not in headers
        assert headers["Content-Security-Policy"] == "default-src 'none'; img-src 'self'; sandbox"
        assert headers["X-Content-Type-Options"] == "nosniff"

    # Gunicorn alone sends no bytes: only the name for nginx.
    direct = request(
        app.port, "GET", "/media/stories/open.jpg", headers={"X-Forwarded-Proto": "https"}
    )
    assert direct.status == 200 and direct.body == ""
    assert direct.headers["X-Accel-Redirect"] == "/media-internal/stories/open.jpg"

    for path in (
        "/media/stories/wacht.jpg",  # a pending story's photo: not for a visitor
        "/media/stories/nergens.jpg",
        "/media-internal/stories/open.jpg",  # the internal location, asked from outside
        "/media-internal/stories/wacht.jpg",
        "/media/stories/..%2fwacht.jpg",
    ):
        status, _headers, body = _https(https_port, "GET", path)
        assert status == 404, path
        assert PHOTO not in body, path
