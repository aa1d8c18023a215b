"""Production settings are checked in a separate process: they are read once at start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
    assert missing in result.stderr


def test_check_deploy_with_production_variables_reports_no_warnings():
    result = _run("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_mailer_from_url():
    from community.settings.base import mailer_from_url

    mailer = mailer_from_url("smtps://boek%40x.nl:ge%3Aheim@mail.example.nl")
    assert mailer["OPTIONS"]["username"] == "boek@x.nl"
    assert mailer["OPTIONS"]["password"] == "ge:heim"
    assert mailer["OPTIONS"]["port"] == 465 and mailer["OPTIONS"]["use_ssl"] is True
