"""gunicorn settings for the web process: `gunicorn -c deploy/gunicorn.conf.py community.wsgi`.

Everything that differs per machine comes from the environment:
  WEB_CONCURRENCY      worker processes (default 2 x cores + 1, at most 8: each holds a
                       Django process of 60-100 MB and, on PostgreSQL, a connection)
  GUNICORN_THREADS     threads per worker (default 1: plain sync workers)
  BIND_HOST, PORT      address to listen on (default 127.0.0.1:8000, behind nginx);
                       BIND_HOST=0.0.0.0 on a platform that routes to $PORT itself
  FORWARDED_ALLOW_IPS  read by gunicorn itself: the proxies whose X-Forwarded-Proto it
                       believes (default 127.0.0.1,::1, right for nginx on the same
                       machine; a load balancer's address otherwise, never "*" on a
                       port the internet reaches)
  GUNICORN_TIMEOUT     seconds before a silent worker is killed and replaced (default 30)
"""

import multiprocessing
import os

bind = f"{os.environ.get('BIND_HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 8))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM (a restart, a deploy) a worker finishes the requests it has for this long.
graceful_timeout = 30
# nginx keeps connections to us open a little; matches its upstream keepalive.
keepalive = 5

# Each worker is replaced after about 1000 requests, so a slow leak cannot grow without
# bound; the jitter keeps the workers from all restarting at the same moment.
max_requests = 1000
max_requests_jitter = 100

# Heartbeat files in memory: a worker on a slow or full disk is not taken for dead.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Both logs on stdout/stderr, for journald or the platform. One line per request, as a
# JSON object (gunicorn escapes the quotes in values) with the request id that Django
# puts in the response and in its own log lines.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '{"time": "%(t)s", "request_id": "%({x-request-id}o)s", "remote": "%(h)s", '
    '"forwarded_for": "%({x-forwarded-for}i)s", "method": "%(m)s", "path": "%(U)s", '
    '"query": "%(q)s", "status": %(s)s, "bytes": "%(b)s", "duration_ms": %(M)s, '
    '"referer": "%(f)s", "user_agent": "%(a)s"}'
)

# Django and its database connections (or psycopg pool) are made in each worker after
# the fork, never shared between workers.
preload_app = False


def post_worker_init(worker):
    """Imports, templates and catalogues before the first request (core/warmup.py)."""
    from core.warmup import warm

    warm()


proc_name = "boek-web"
