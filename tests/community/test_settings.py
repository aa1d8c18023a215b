"""Production settings are checked in a separate process: they are read once at start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from community.settings.base import Env, mailer_from_url

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "community.settings.production",
    "DJANGO_SECRET_KEY": "x" * 40 + "-production-test-key-with-enough-entropy-1234567890",
    "DJANGO_ALLOWED_HOSTS": "boek.example.nl",
    "EMAIL_URL": "smtp://boek:geheim@mail.example.nl:587?tls=true",
}


def _run(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "EMAIL_URL"])
def test_production_refuses_to_start_without_required_variable(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _run("check", env=env)
    assert result.returncode != 0
    assert f"Set {missing}" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DJANGO_SECRET_KEY", ""),
        ("DJANGO_ALLOWED_HOSTS", ""),
        ("DJANGO_ALLOWED_HOSTS", " , "),
        ("EMAIL_URL", ""),
    ],
)
def test_production_refuses_to_start_with_an_empty_required_variable(name, value):
    result = _run("check", env=PRODUCTION_ENV | {name: value})
    assert result.returncode != 0
    assert f"Set {name}" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "DJANGO_SECURE_SSL_REDIRECT",
            "ture",
            "DJANGO_SECURE_SSL_REDIRECT must be true or false, not 'ture'",
        ),
        (
            "DJANGO_SECURE_HSTS_SECONDS",
            "een jaar",
            "DJANGO_SECURE_HSTS_SECONDS must be a whole number, not 'een jaar'",
        ),
        ("EMAIL_URL", "http://mail.example.nl", "EMAIL_URL: Invalid email schema http"),
    ],
)
def test_production_refuses_to_start_with_a_value_it_cannot_read(name, value, message):
    result = _run("check", env=PRODUCTION_ENV | {name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_check_deploy_with_production_variables_reports_no_warnings():
    result = _run("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


SITE_URL_SETTINGS = (
    "from django.conf import settings; print(settings.SITE_URL_FROM_REQUEST, settings.SITE_URL)"
)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        # Development: links made during a request follow it; the digest command's
        # default is the address `make run` serves on.
        ({"DJANGO_SETTINGS_MODULE": "community.settings.dev"}, "True http://127.0.0.1:8000"),
        (
            {
                "DJANGO_SETTINGS_MODULE": "community.settings.dev",
                "DJANGO_SITE_URL": "http://boek.test:9000",
            },
            "False http://boek.test:9000",
        ),
        (PRODUCTION_ENV, "False https://boek.example.nl"),
    ],
)
def test_links_follow_the_request_only_in_development_without_a_site_url(env, expected):
    result = _run("shell", "--no-imports", "-c", SITE_URL_SETTINGS, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == expected.split()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *[(word, True) for word in ["true", "True", "TRUE", "1", "yes", "on", " true "]],
        *[(word, False) for word in ["false", "False", "0", "no", "off"]],
    ],
)
def test_booleans_are_read_in_the_usual_words(value, expected):
    assert Env({"DJANGO_DEBUG": value}).bool("DJANGO_DEBUG", default=not expected) is expected


@pytest.mark.parametrize("value", ["ture", "2", "-1", "ja", "enabled"])
def test_a_boolean_in_another_word_is_refused_rather_than_read_as_false(value):
    with pytest.raises(ImproperlyConfigured) as refusal:
        Env({"DJANGO_SECURE_SSL_REDIRECT": value}).bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    assert str(refusal.value) == (
        f"DJANGO_SECURE_SSL_REDIRECT must be true or false, not {value!r}"
    )


def test_a_number_that_is_not_whole_is_refused_with_the_variable_name():
    with pytest.raises(ImproperlyConfigured) as refusal:
        Env({"DJANGO_CONN_MAX_AGE": "1.5"}).int("DJANGO_CONN_MAX_AGE", default=60)
    assert str(refusal.value) == "DJANGO_CONN_MAX_AGE must be a whole number, not '1.5'"


def test_an_empty_variable_counts_as_unset():
    env = Env({"DJANGO_SECURE_SSL_REDIRECT": "", "DJANGO_LOG_FORMAT": "", "REDIS_URL": ""})
    assert env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True) is True
    assert env.str("DJANGO_LOG_FORMAT", default="json") == "json"
    assert env.str("REDIS_URL", default=None) is None
    assert "REDIS_URL" not in env


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("boek.example.nl", ["boek.example.nl"]),
        ("boek.example.nl,www.boek.example.nl", ["boek.example.nl", "www.boek.example.nl"]),
        (" boek.example.nl , www.boek.example.nl,, ", ["boek.example.nl", "www.boek.example.nl"]),
        (",", []),
    ],
)
def test_lists_are_comma_separated_without_the_spaces(value, expected):
    assert Env({"DJANGO_ALLOWED_HOSTS": value}).list("DJANGO_ALLOWED_HOSTS", default=[]) == expected


def test_a_missing_list_gives_its_default():
    assert Env({}).list("DJANGO_ALLOWED_HOSTS", default=["localhost"]) == ["localhost"]


def test_a_missing_variable_without_a_default_is_refused():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        Env({}).str("DJANGO_SECRET_KEY")


def test_a_value_starting_with_a_dollar_is_taken_as_written():
    env = Env({"DJANGO_SECRET_KEY": "$ecret-key", "ecret-key": "another variable"})
    assert env.str("DJANGO_SECRET_KEY", default=None) == "$ecret-key"


SMTP = "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.parametrize(
    ("url", "mailer"),
    [
        (
            "smtp://boek:geheim@mail.example.nl:587?tls=true",
            {
                "BACKEND": SMTP,
                "OPTIONS": {
                    "host": "mail.example.nl",
                    "port": 587,
                    "username": "boek",
                    "password": "geheim",
                    "use_ssl": False,
                    "use_tls": True,
                    "timeout": 20,
                },
            },
        ),
        (
            "smtp://mail.example.nl",
            {
                "BACKEND": SMTP,
                "OPTIONS": {
                    "host": "mail.example.nl",
                    "port": 25,
                    "username": "",
                    "password": "",
                    "use_ssl": False,
                    "use_tls": False,
                    "timeout": 20,
                },
            },
        ),
        (
            "smtps://boek%40x.nl:ge%3Aheim@mail.example.nl",
            {
                "BACKEND": SMTP,
                "OPTIONS": {
                    "host": "mail.example.nl",
                    "port": 465,
                    "username": "boek@x.nl",
                    "password": "ge:heim",
                    "use_ssl": True,
                    "use_tls": False,
                    "timeout": 20,
                },
            },
        ),
        ("console://", {"BACKEND": "django.core.mail.backends.console.EmailBackend"}),
    ],
)
def test_email_url_schemes_become_a_mailer(url, mailer):
    assert mailer_from_url(url) == mailer


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://mail.example.nl", "EMAIL_URL: Invalid email schema http"),
        ("smtp+tls://mail.example.nl", "EMAIL_URL: Invalid email schema smtp+tls"),
        ("smtp://mail.example.nl:poort", "EMAIL_URL cannot be read"),
        ("smtp://mail.example.nl:587?tls=misschien", "EMAIL_URL: tls must be true or false"),
    ],
)
def test_an_email_url_that_cannot_be_read_is_refused(url, message):
    with pytest.raises(ImproperlyConfigured) as refusal:
        mailer_from_url(url)
    assert str(refusal.value).startswith(message)


DATABASE_OPTIONS = "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS', {}).get('options'))"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        # The site's short queries never wait for JIT compiling (BENCHMARKS.md: 1.4 s of a
        # 1.5 s query on 100,000 stories), unless asked for.
        ({}, "-c jit=off"),
        ({"DJANGO_DB_JIT": "true"}, "None"),
    ],
)
def test_postgresql_connections_switch_jit_off(extra, expected):
    env = PRODUCTION_ENV | {"DATABASE_URL": "postgres://boek:geheim@db.example.nl/boek"} | extra
    result = _run("shell", "--no-imports", "-c", DATABASE_OPTIONS, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_sqlite_gets_no_postgresql_options(tmp_path):
    env = PRODUCTION_ENV | {"DATABASE_URL": f"sqlite:///{tmp_path / 'boek.sqlite3'}"}
    result = _run("shell", "--no-imports", "-c", DATABASE_OPTIONS, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"
