"""Safe requests (GET, HEAD) leave the database as they found it. Checked on the SQL a
request sends, so that a write is caught even when it writes what was already there."""

from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@contextmanager
def no_database_writes():
    with CaptureQueriesContext(connection) as captured:
        yield captured
    writes = [
        query["sql"] for query in captured if query["sql"].lstrip().upper().startswith(WRITES)
    ]
    assert not writes, "a safe request wrote to the database:\n" + "\n".join(writes)


def assert_safe_requests_change_nothing(client, paths: Iterable[str]) -> None:
    """GET and HEAD every path with `client`: none writes to the database or fails."""
    for path in paths:
        for method in (client.get, client.head):
            with no_database_writes():
                response = method(path)
            assert response.status_code < 500, (method.__name__, path, response.status_code)
