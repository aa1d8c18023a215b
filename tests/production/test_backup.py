"""`manage.py backup_db`: a consistent copy while the site keeps writing."""

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from community.management.commands.backup_db import pg_dump_command
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]

needs_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's online backup: this pass runs on PostgreSQL (see test_postgresql_*)",
)
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pg_dump needs PostgreSQL: runs in `make test-postgres`",
)


@pytest.fixture
def probe_table():
    """A table of padding (32 MB) so the copy takes long enough for writes to land
    during it; dropped afterwards."""
    name = connection.settings_dict["NAME"]
    raw = sqlite3.connect(name, timeout=20)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("CREATE TABLE backup_probe (id INTEGER PRIMARY KEY, payload BLOB, at REAL)")
    raw.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000) "
        "INSERT INTO backup_probe (payload, at) SELECT randomblob(8192), 0 FROM n"
    )
    raw.commit()
    yield name
    raw.execute("DROP TABLE backup_probe")
    raw.commit()
    raw.close()


def _write_until(name: str, stop: threading.Event, commits: list[tuple[int, float]]) -> None:
    """The site at work: one row a transaction, as fast as SQLite takes them."""
    writer = sqlite3.connect(name, timeout=20, isolation_level=None)
    try:
        while not stop.is_set():
            writer.execute("BEGIN IMMEDIATE")
            cursor = writer.execute(
                "INSERT INTO backup_probe (payload, at) VALUES (randomblob(64), ?)",
                (time.monotonic(),),
            )
            writer.execute("COMMIT")
            commits.append((cursor.lastrowid, time.monotonic()))
    finally:
        writer.close()


def _count(name: str) -> int:
    reader = sqlite3.connect(name, timeout=20)
    try:
        return reader.execute("SELECT count(*) FROM backup_probe").fetchone()[0]
    finally:
        reader.close()


@needs_sqlite
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_while_the_site_writes_is_whole_and_consistent(probe_table, tmp_path):
    UserFactory(username="voor-de-backup")
    stop, commits = threading.Event(), []
    writer = threading.Thread(target=_write_until, args=(probe_table, stop, commits))
    writer.start()
    try:
        while len(commits) < 20:
            time.sleep(0.005)
        committed_before = _count(probe_table)
        started = time.monotonic()
        call_command("backup_db", str(tmp_path / "boek.sqlite3"), stdout=open(os.devnull, "w"))
        finished = time.monotonic()
        time.sleep(0.05)
    finally:
        stop.set()
        writer.join(timeout=30)

    during = [rowid for rowid, at in commits if started < at < finished]
    assert during, "the site wrote nothing while the backup ran"
    backup = sqlite3.connect(tmp_path / "boek.sqlite3")
    try:
        assert backup.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert backup.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        rows, highest = backup.execute("SELECT count(*), max(id) FROM backup_probe").fetchone()
        users = backup.execute("SELECT username FROM auth_user").fetchall()
    finally:
        backup.close()
    # Everything committed before the backup began is in it; what it holds is one
    # moment's state (ids 1..n without a gap), not rows picked up along the way.
    assert rows >= committed_before
    assert rows == highest
    assert rows <= _count(probe_table)
    assert ("voor-de-backup",) in users
    assert not list(tmp_path.glob(".boek.sqlite3.partial-*"))


@needs_sqlite
@pytest.mark.django_db(transaction=True)
def test_backup_refuses_to_overwrite_without_force(tmp_path):
    target = tmp_path / "boek.sqlite3"
    target.write_text("an older backup")

    with pytest.raises(CommandError, match="--force"):
        call_command("backup_db", str(target))
    assert target.read_text() == "an older backup"

    call_command("backup_db", str(target), "--force", stdout=open(os.devnull, "w"))
    check = sqlite3.connect(target)
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    check.close()


def test_backup_into_a_missing_folder_fails_with_a_clear_message(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "manage.py", "backup_db", str(tmp_path / "nergens" / "boek.backup")],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "community.settings.test"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert f"The folder {tmp_path / 'nergens'} does not exist." in result.stderr


def test_pg_dump_gets_the_password_from_the_environment_only(tmp_path):
    settings_dict = {
        "NAME": "boek",
        "USER": "boek",
        "PASSWORD": "ge heim'$",
        "HOST": "db.internal",
        "PORT": 5433,
        "OPTIONS": {"sslmode": "require", "pool": True},
    }
    args, env = pg_dump_command(settings_dict, tmp_path / "boek.backup")

    assert not any("ge heim" in arg for arg in args)
    assert args[:3] == ["pg_dump", "--format=custom", "--no-password"]
    assert env == {
        "PGHOST": "db.internal",
        "PGPORT": "5433",
        "PGUSER": "boek",
        "PGPASSWORD": "ge heim'$",
        "PGDATABASE": "boek",
        "PGSSLMODE": "require",
    }


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_restores_into_a_new_database(tmp_path):
    UserFactory(username="voor-de-backup")
    target = tmp_path / "boek.backup"

    call_command("backup_db", str(target), stdout=open(os.devnull, "w"))

    _args, pg_env = pg_dump_command(connection.settings_dict, target)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")} | pg_env
    listing = subprocess.run(
        ["pg_restore", "--list", str(target)], env=env, capture_output=True, text=True
    )
    assert listing.returncode == 0, listing.stderr
    assert "TABLE DATA public auth_user" in listing.stdout

    restored = "community_restore_check"
    admin = psycopg.connect(dbname=connection.settings_dict["NAME"], autocommit=True, **_login())
    try:
        admin.execute(f"DROP DATABASE IF EXISTS {restored} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {restored}")
        restore = subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(target)],
            env=env | {"PGDATABASE": restored},
            capture_output=True,
            text=True,
        )
        assert restore.returncode == 0, restore.stderr
        with psycopg.connect(dbname=restored, **_login()) as copy:
            users = copy.execute("SELECT username FROM auth_user").fetchall()
        assert ("voor-de-backup",) in users
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {restored} WITH (FORCE)")
        admin.close()


def _login() -> dict:
    settings_dict = connection.settings_dict
    return {
        "user": settings_dict["USER"],
        "password": settings_dict["PASSWORD"],
        "host": settings_dict["HOST"],
        "port": settings_dict["PORT"],
    }
