# The two commands of the README: `make run` and `make test`. Both are idempotent.
SHELL := /bin/bash
.DEFAULT_GOAL := run
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# Django 6.1 needs Python 3.12 or newer: take the first one on PATH, else one from pyenv.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3; do \
	  if $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then command -v $$p; exit; fi; done; \
	  ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V | tail -n 1)

.PHONY: run serve test test-postgres screenshots lint format check messages static gettext chromium clean

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "No Python 3.12+ found: install python3.12 or newer."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

gettext:
	@command -v msgfmt >/dev/null || { apt-get update -qq && apt-get install -y -qq gettext; }

chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

messages: $(VENV)/.installed | gettext
	$(PY) manage.py compilemessages --ignore=$(VENV) -v 0

# Validates the EPUB editions in tests/book/test_editions.py (the test skips without it).
.PHONY: epubcheck
epubcheck:
	@command -v epubcheck >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq epubcheck; }

static: $(VENV)/.installed
	$(PY) manage.py collectstatic --noinput -v 0

# The membership card PNG is drawn in DejaVu (members/cards.py): Pillow cannot read the
# site's woff2 fonts. Without it the card falls back to Pillow's plainer built-in font.
.PHONY: fonts
fonts:
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core; }

run: messages static | fonts
	$(PY) manage.py migrate --noinput -v 1
	$(PY) manage.py load_demo
	@echo "Serving http://$(HOST):$(PORT)/  (stop with Ctrl-C)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production mode on this machine: gunicorn + the task worker with the production
# settings; local-only values for whatever is not set (scripts/serve-local.sh, README).
serve: messages static
	PORT=$(PORT) bash scripts/serve-local.sh

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=community.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=community.settings.test $(PY) manage.py makemigrations --check --dry-run

test: messages lint check | chromium epubcheck fonts
	$(PY) -m pytest $(PYTEST_ARGS)

# The same suite on PostgreSQL + Redis, as production runs (started by .ci/services.sh).
PG_URL ?= postgres://community:community@127.0.0.1:5432/community
test-postgres: messages | chromium
	bash .ci/services.sh
	DATABASE_URL=$(PG_URL) REDIS_URL=redis://127.0.0.1:6379/1 $(PY) -m pytest $(PYTEST_ARGS)

# A minute of mixed traffic on gunicorn (production settings, PostgreSQL + Redis started
# by .ci/services.sh), one worker killed halfway, then the rows checked against what the
# clients were told: prints LOAD: PASS or FAIL. `make load LOAD_ARGS="--seconds 10"`;
# all options: `$(PY) bench/load_faults.py --help`.
.PHONY: load
load: messages
	$(PY) bench/load_faults.py --database-url $(PG_URL) $(LOAD_ARGS)

# Refresh the README's screenshots (docs/screenshots) from the browser journeys.
screenshots: messages | chromium
	UPDATE_SCREENSHOTS=1 $(PY) -m pytest tests/browser -q

# Load, page weight and photo size on 10,000 members and 100,000 stories (BENCHMARKS.md):
# a report, not a test, and never part of `make test`. Two tables: the embedded default
# (SQLite, local-memory cache), then production's path (PostgreSQL + Redis, started by
# .ci/services.sh, in a fresh database `bench`). Quick run: BENCH_DURATION=3.
.PHONY: bench bench-sqlite bench-postgres bench-scale wrk
BENCH_PG_URL ?= postgres://community:community@127.0.0.1:5432/bench
bench: bench-sqlite bench-postgres

wrk:
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }

bench-sqlite: messages | wrk
	$(PY) -m bench.run

bench-postgres: messages | wrk
	bash .ci/services.sh
	psql -q $(PG_URL) -c 'DROP DATABASE IF EXISTS bench' -c 'CREATE DATABASE bench'
	redis-cli -n 3 flushdb >/dev/null
	DATABASE_URL=$(BENCH_PG_URL) REDIS_URL=redis://127.0.0.1:6379/3 $(PY) -m bench.run

# The scale row: ten times the data (100,000 members, 1,000,000 stories) on PostgreSQL +
# Redis, compared with the last `make bench-postgres` (its figures in .bench-results/).
bench-scale: messages | wrk
	bash .ci/services.sh
	psql -q $(PG_URL) -c 'DROP DATABASE IF EXISTS bench_scale' -c 'CREATE DATABASE bench_scale'
	redis-cli -n 4 flushdb >/dev/null
	BENCH_SCALE=10 DATABASE_URL=$(BENCH_PG_URL)_scale REDIS_URL=redis://127.0.0.1:6379/4 $(PY) -m bench.run

clean:
	rm -rf staticfiles .test-static .test-media
