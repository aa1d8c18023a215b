from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def signed_in(user=None) -> Client:
    """A browser of its own, signed in as `user` (anonymous for None): for a test with
    several visitors at once besides pytest-django's `client`."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def cold_and_cached_queries(client: Client, path: str, user=None) -> tuple[int, int]:
    """The queries of a GET of `path` with nothing cached (every cache cleared; `user`
    signed in again and their session's first request made), and then again, from the
    cache. Both must answer 200."""
    for each in caches.all():
        each.clear()
    if user is not None:
        client.force_login(user)
        client.get(reverse("contact"))
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        counts.append(len(queries))
    return counts[0], counts[1]
