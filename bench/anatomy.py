"""Where one request's time goes, page by page, for the owners of the slow ones: the
median of a few requests through Django's test client in this process (no server, no
concurrency), its database queries and their share. Prints JSON; run by bench/run.py
with the bench settings, the page paths as JSON in argv[1]."""

import json
import statistics
import sys
import time

import django

REPEAT = 5


def main(pages: list[dict]) -> list[dict]:
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    results = []
    for page in pages:
        client = Client()
        if page.get("member"):
            client.force_login(get_user_model().objects.get(pk=page["member"]))
        client.get(_path(page, REPEAT), HTTP_HOST="127.0.0.1")  # templates, caches warm
        totals, sql = [], []
        for n in range(REPEAT):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(_path(page, n), HTTP_HOST="127.0.0.1")
                totals.append(time.perf_counter() - started)
            sql.append(sum(float(query["time"]) for query in queries.captured_queries))
        results.append(
            {
                "name": page["name"],
                "status": response.status_code,
                "ms": round(statistics.median(totals) * 1000, 1),
                "sql_ms": round(statistics.median(sql) * 1000, 1),
                "queries": len(queries.captured_queries),
                "html_kb": round(_size(response) / 1024, 1),
            }
        )
    return results


def _size(response) -> int:
    """The body's bytes, of a page or of a file (whitenoise streams those)."""
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def _path(page: dict, n: int) -> str:
    """The page's path; with words, a new question each time (as bench/report.lua asks)."""
    words = page.get("words")
    return f"{page['path']}{words[n % len(words)]}&n={n}" if words else page["path"]


if __name__ == "__main__":
    json.dump(main(json.loads(sys.argv[1])), sys.stdout)
