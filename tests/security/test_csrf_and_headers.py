import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import EmailAddressFactory

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_VALUES = {
    "slug": "een-hoofdstuk",
    "pk": "1",
    "number": "1",
    "old": "1",
    "new": "2",
    "coauthor": "1",
    "code": "7KQ4M2XD9TRA5B1C",
    "token": "abc",
}


def _concrete_urls():
    """Every URL the site answers (admin included), with sample values in the parameters:
    a new view is covered the day it is added."""

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield route

    for route in walk(get_resolver().url_patterns, ""):
        route = route.replace("^", "").replace("$", "")
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: SAMPLE_VALUES.get(m.group(1), "x1"), route)
        route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLE_VALUES.get(m.group(1), "x"), route)
        yield "/" + route


URLS = sorted(set(_concrete_urls()))


def test_the_url_list_covers_the_site():
    assert "/exemplaar/" in URLS and "/accounts/login/" in URLS and "/admin/" in URLS
    assert len(URLS) > 40


@pytest.mark.django_db
@pytest.mark.parametrize("as_member", [False, True], ids=["anonymous", "member"])
def test_every_post_without_csrf_token_is_refused(as_member, member):
    client = Client(enforce_csrf_checks=True)
    if as_member:
        client.force_login(member)
    accepted = {}
    for url in URLS:
        status = client.post(url, {"x": "1"}).status_code
        if status != 403:
            accepted[url] = status
    assert accepted == {}, f"POST without CSRF token was not refused: {accepted}"


@pytest.mark.django_db
def test_security_headers_on_pages(client, chapters):
    response = client.get(chapters[0].get_absolute_url())
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_pages_load_nothing_from_elsewhere(client, chapters):
    html = client.get(chapters[0].get_absolute_url()).content.decode()
    for attribute in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not attribute.startswith(("http://", "https://", "//")), attribute


@pytest.mark.django_db
def test_login_rotates_the_session_key(client, user):

    EmailAddressFactory(user=user)
    client.get("/accounts/login/")
    session = client.session
    session["probe"] = 1
    session.save()
    before = client.cookies["sessionid"].value
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert client.cookies["sessionid"].value != before


def test_production_responses_carry_hsts_and_secure_cookies(tmp_path):
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0);"
        "r = Client().get('/healthz', secure=True, headers={'host': 'boek.example.nl'});"
        "print(r.status_code); print(r.headers.get('Strict-Transport-Security'));"
        "r = Client().get('/colofon/', headers={'host': 'boek.example.nl'});"
        "print(r.status_code, r.headers.get('Location'));"
        "r = Client().get('/healthz', headers={'host': 'boek.example.nl'});"
        "print(r.status_code)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "community.settings.production",
        "DJANGO_SECRET_KEY": "production-test-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "boek.example.nl",
        "EMAIL_URL": "console://",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "200"
    assert lines[1] == "max-age=31536000; includeSubDomains; preload"
    assert lines[2] == "301 https://boek.example.nl/colofon/"
    # The load balancer's probe over plain http is answered, not redirected.
    assert lines[3] == "200"
