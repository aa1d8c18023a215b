"""`manage.py backup_db PATH`: a consistent copy of the database while the site runs.

SQLite: the online backup API copies the pages inside one read transaction; with WAL the
site's writers go on meanwhile, and the copy holds exactly what was committed when the
backup began. PostgreSQL: pg_dump in its custom format (restore with pg_restore), which
also reads one snapshot. Either way the backup is written next to PATH first and only
renamed into place once complete, so PATH never holds half a backup."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

# DATABASES["OPTIONS"] keys that libpq also reads from the environment.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


def pg_dump_command(settings_dict: dict, path: Path) -> tuple[list[str], dict[str, str]]:
    """The pg_dump arguments and the environment for it. Every connection setting goes
    through libpq's PG* variables, so the password never shows on a command line (where
    any user of the machine can read it in the process list)."""
    env = {
        "PGHOST": settings_dict.get("HOST") or "",
        "PGPORT": str(settings_dict.get("PORT") or ""),
        "PGUSER": settings_dict.get("USER") or "",
        "PGPASSWORD": settings_dict.get("PASSWORD") or "",
        "PGDATABASE": settings_dict.get("NAME") or "",
    }
    options = settings_dict.get("OPTIONS") or {}
    env |= {
        variable: str(options[key]) for key, variable in LIBPQ_OPTIONS.items() if key in options
    }
    env = {name: value for name, value in env.items() if value}
    args = ["pg_dump", "--format=custom", "--no-password", f"--file={path}"]
    return args, env


class Command(BaseCommand):
    help = "Back up the database to PATH: SQLite's online backup, or pg_dump -Fc on PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="file to write the backup to")
        parser.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="database alias")

    def handle(self, *args, path, force, database, **options):
        path = path.expanduser().absolute()
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        if path.is_dir():
            raise CommandError(f"{path} is a folder; give the name of the backup file.")
        if path.exists() and not force:
            raise CommandError(f"{path} exists; add --force to overwrite it.")

        connection = connections[database]
        partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
        try:
            if connection.vendor == "sqlite":
                self._backup_sqlite(connection.settings_dict, partial)
            elif connection.vendor == "postgresql":
                self._backup_postgresql(connection.settings_dict, partial)
            else:
                raise CommandError(f"No backup for the {connection.vendor} database backend.")
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        size = path.stat().st_size
        self.stdout.write(f"Backed up the {connection.vendor} database to {path} ({size:,} bytes)")

    def _backup_sqlite(self, settings_dict: dict, target: Path) -> None:
        name = str(settings_dict["NAME"])
        if name == ":memory:" or name.startswith("file:") or not Path(name).is_file():
            raise CommandError(f"No SQLite database file at {name}.")
        timeout = (settings_dict.get("OPTIONS") or {}).get("timeout", 20)
        source = sqlite3.connect(name, timeout=timeout)
        copy = sqlite3.connect(target)
        try:
            # pages=-1: everything in one step, one read transaction, one snapshot. In
            # small steps, every write by the site would restart the copy.
            source.backup(copy, pages=-1)
            # The copy is one self-contained file, not a WAL database with side files.
            copy.execute("PRAGMA journal_mode=DELETE")
            (result,) = copy.execute("PRAGMA integrity_check").fetchone()
        finally:
            copy.close()
            source.close()
        if result != "ok":
            raise CommandError(f"The copy fails SQLite's integrity check: {result}")

    def _backup_postgresql(self, settings_dict: dict, target: Path) -> None:
        if shutil.which("pg_dump") is None:
            raise CommandError(
                "pg_dump not found: install the PostgreSQL client (postgresql-client), "
                "of the server's major version or newer."
            )
        args, pg_env = pg_dump_command(settings_dict, target)
        clean = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        result = subprocess.run(
            args, env=clean | pg_env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed ({result.returncode}): {result.stderr.strip()}")
