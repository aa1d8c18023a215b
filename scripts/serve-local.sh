#!/usr/bin/env bash
# `make serve`: the production settings, gunicorn (deploy/gunicorn.conf.py) and the task
# worker, to try production mode on this machine. Whatever is not set in the environment
# gets a value that only works here: a secret key that says it is not one, plain http on
# localhost, mail printed to the terminal, media served by Django. Never a deployment.
set -euo pipefail
cd "$(dirname "$0")/.."

export DJANGO_SETTINGS_MODULE=community.settings.production
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-local-serve-only-not-secret-never-deploy-this-key}"
export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-localhost,127.0.0.1,[::1]}"
export EMAIL_URL="${EMAIL_URL:-console://}"
export DJANGO_SECURE_SSL_REDIRECT="${DJANGO_SECURE_SSL_REDIRECT:-false}"
export DJANGO_SECURE_HSTS_SECONDS="${DJANGO_SECURE_HSTS_SECONDS:-0}"
export DJANGO_SERVE_MEDIA="${DJANGO_SERVE_MEDIA:-true}"
export DJANGO_LOG_FORMAT="${DJANGO_LOG_FORMAT:-plain}"
export PORT="${PORT:-8000}"
export WEB_CONCURRENCY="${WEB_CONCURRENCY:-2}"

PY=.venv/bin/python
$PY manage.py migrate --noinput -v 1

# The worker sends the mails that signup and password reset queue.
$PY manage.py db_worker --queue-name '*' --interval 1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT

echo "Serving http://localhost:$PORT/ in production mode (stop with Ctrl-C)"
.venv/bin/gunicorn -c deploy/gunicorn.conf.py community.wsgi
