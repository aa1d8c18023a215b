"""The sample files in deploy/ name commands and options that exist."""

import re
import shlex

import pytest
from django.core.management import get_commands, load_command_class

from .servers import ROOT

DEPLOY = ROOT / "deploy"
# Commands the samples already name that arrive with a feature still being built.
PENDING = {"send_digests": "the daily digest comes with the stories feature"}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _manage_py_calls() -> list[tuple[str, list[str]]]:
    """(command, options) of every `manage.py` in the Procfile and the systemd units."""
    procfile = (DEPLOY / "Procfile").read_text().splitlines()
    lines = [line.split(":", 1)[1] for line in procfile if re.match(r"^\w+:", line)]
    for unit in sorted((DEPLOY / "systemd").glob("*.service")):
        lines += [
            line.split("=", 1)[1]
            for line in unit.read_text().replace("%%", "%").splitlines()
            if line.startswith("Exec")
        ]
    calls = []
    for line in lines:
        words = shlex.split(line)
        if words[:2] == ["/bin/sh", "-c"]:
            words = shlex.split(words[2])
        while "manage.py" in words:
            words = words[words.index("manage.py") + 1 :]
            end = words.index("&&") if "&&" in words else len(words)
            calls.append((words[0], words[1:end]))
    return calls


CALLS = _manage_py_calls()


def test_the_samples_name_the_three_processes_and_the_timers():
    procfile = (DEPLOY / "Procfile").read_text()
    assert re.search(r"^release: .*migrate.*collectstatic", procfile, re.MULTILINE)
    assert re.search(r"^web: .*gunicorn -c deploy/gunicorn.conf.py", procfile, re.MULTILINE)
    assert re.search(r"^worker: python manage.py db_worker", procfile, re.MULTILINE)
    for timer in ("boek-digest", "boek-prune-tasks", "boek-prune-photos", "boek-backup"):
        assert (DEPLOY / "systemd" / f"{timer}.timer").exists()
        assert (DEPLOY / "systemd" / f"{timer}.service").exists()
    assert {name for name, _args in CALLS} >= {
        "migrate",
        "collectstatic",
        "db_worker",
        "prune_db_task_results",
        "prune_pending_photos",
        "backup_db",
        "send_digests",
    }


@pytest.mark.parametrize(("name", "args"), CALLS, ids=[" ".join([n, *a]) for n, a in CALLS])
def test_each_command_in_the_samples_exists_and_takes_its_options(name, args, settings):
    settings.TASKS = DATABASE_TASKS  # as in production: db_worker checks the backend
    commands = get_commands()
    if name not in commands and name in PENDING:
        pytest.skip(f"{name}: {PENDING[name]}")
    assert name in commands
    command = load_command_class(commands[name], name)
    command.create_parser("manage.py", name).parse_args(args)


def test_nginx_passes_what_django_and_gunicorn_read():
    nginx = (DEPLOY / "nginx.conf").read_text()
    for directive in (
        "client_max_body_size 12m;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header X-Forwarded-For $remote_addr;",
        "proxy_set_header X-Request-ID $boek_request_id;",
        "location /media-internal/ {",
        "internal;",
        "alias /srv/boek/media/;",
        "proxy_pass http://boek_app;",
    ):
        assert directive in nginx
