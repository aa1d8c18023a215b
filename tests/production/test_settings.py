"""Production settings read from the environment, each case in a fresh process (settings
are read once at start). Nothing here opens a network connection: the S3 storage is
built and asked for URLs, which boto3 signs locally."""

import json
import subprocess
import sys

import pytest

from .servers import ROOT, production_env

PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
default_storage = storages["default"]
database = settings.DATABASES["default"]
print(json.dumps({
    "storage": f"{type(default_storage).__module__}.{type(default_storage).__name__}",
    "url": default_storage.url("stories/foto.jpg"),
    "img_src": settings.SECURE_CSP["img-src"],
    "engine": database["ENGINE"],
    "name": str(database["NAME"]),
    "conn_max_age": database["CONN_MAX_AGE"],
    "health_checks": database["CONN_HEALTH_CHECKS"],
    "transaction_mode": database.get("OPTIONS", {}).get("transaction_mode"),
    "pool": database.get("OPTIONS", {}).get("pool"),
    "static_root": str(settings.STATIC_ROOT),
    "trusted_proxies": settings.ALLAUTH_TRUSTED_PROXY_COUNT,
    "mailers": settings.MAILERS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "allowed_hosts": settings.ALLOWED_HOSTS,
}))
"""


def _settings(**env: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        # No credentials lookup or instance metadata: boto3 stays on this machine.
        env=production_env(AWS_EC2_METADATA_DISABLED="true", **env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


S3 = {
    "AWS_STORAGE_BUCKET_NAME": "boek-media",
    "AWS_S3_REGION_NAME": "eu-central-1",
    "AWS_ACCESS_KEY_ID": "AKIATESTONLY",
    "AWS_SECRET_ACCESS_KEY": "test-only-secret",
}


def test_media_on_local_disk_without_a_bucket():
    found = _settings()
    assert found["storage"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert found["url"] == "/media/stories/foto.jpg"
    assert found["img_src"] == ["'self'", "data:"]


def test_media_on_s3_with_signed_urls_when_a_bucket_is_named():
    found = _settings(**S3)
    assert found["storage"] == "storages.backends.s3.S3Storage"
    assert found["url"].startswith("https://boek-media.s3.")
    assert "X-Amz-Signature=" in found["url"]
    assert "https://boek-media.s3.eu-central-1.amazonaws.com" in found["img_src"]


def test_s3_compatible_store_with_a_public_domain_and_plain_urls():
    found = _settings(
        **S3,
        AWS_S3_ENDPOINT_URL="https://objects.example.nl",
        AWS_S3_CUSTOM_DOMAIN="media.boek.example.nl",
        AWS_QUERYSTRING_AUTH="false",
    )
    assert found["storage"] == "storages.backends.s3.S3Storage"
    assert found["url"] == "https://media.boek.example.nl/stories/foto.jpg"
    assert found["img_src"] == ["'self'", "data:", "https://media.boek.example.nl"]


@pytest.mark.parametrize(
    ("env", "conn_max_age", "pool"),
    [
        ({}, 60, None),
        ({"DJANGO_CONN_MAX_AGE": "300"}, 300, None),
        (
            {"DJANGO_DB_POOL": "true", "DJANGO_DB_POOL_MAX_SIZE": "8"},
            0,
            {"min_size": 1, "max_size": 8, "timeout": 10},
        ),
    ],
)
def test_postgresql_connections_persist_or_come_from_a_pool(env, conn_max_age, pool):
    found = _settings(DATABASE_URL="postgres://boek:geheim@127.0.0.1:5432/boek", **env)
    assert (found["conn_max_age"], found["pool"]) == (conn_max_age, pool)


def test_static_root_and_trusted_proxies_from_the_environment(tmp_path):
    found = _settings(DJANGO_STATIC_ROOT=str(tmp_path), DJANGO_TRUSTED_PROXY_COUNT="1")
    assert found["static_root"] == str(tmp_path)
    assert found["trusted_proxies"] == 1


@pytest.mark.parametrize(("env", "conn_max_age"), [({}, 60), ({"DJANGO_CONN_MAX_AGE": "0"}, 0)])
def test_sqlite_connections_persist_like_postgresql(env, conn_max_age):
    found = _settings(**env)
    assert found["conn_max_age"] == conn_max_age


@pytest.mark.parametrize("env", [{}, {"DATABASE_URL": ""}])
def test_sqlite_in_the_project_folder_without_a_database_url(env):
    found = _settings(**env)
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["name"] == str(ROOT / "db.sqlite3")
    assert found["health_checks"] is True
    assert found["transaction_mode"] == "IMMEDIATE"


def test_email_url_becomes_the_default_mailer():
    found = _settings(EMAIL_URL="smtps://boek%40example.nl:ge%3Aheim@mail.example.nl")
    assert found["mailers"] == {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": "mail.example.nl",
                "port": 465,
                "username": "boek@example.nl",
                "password": "ge:heim",
                "use_ssl": True,
                "use_tls": False,
                "timeout": 20,
            },
        }
    }


@pytest.mark.parametrize(("value", "ssl_redirect"), [("1", True), ("TRUE", True), ("0", False)])
def test_booleans_and_lists_from_the_environment(value, ssl_redirect):
    found = _settings(
        DJANGO_SECURE_SSL_REDIRECT=value,
        DJANGO_ALLOWED_HOSTS="boek.example.nl, www.boek.example.nl",
    )
    assert found["ssl_redirect"] is ssl_redirect
    assert found["allowed_hosts"] == ["boek.example.nl", "www.boek.example.nl"]
