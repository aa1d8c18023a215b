"""The home page never waits for the public counts: they are kept without an expiry and
renewed by a background task once they are a minute old, one renewal at a time
(core.cache.fetch_renewed, community.statistics.public_counts)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.tasks import default_task_backend
from django.test.utils import CaptureQueriesContext

from community import statistics
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

QUEUED = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def _a_minute_later():
    """The kept counts, past their freshness (as a minute after they were worked out)."""
    fresh_until, counts = cache.get(statistics.PUBLIC_COUNTS_KEY)
    cache.set(statistics.PUBLIC_COUNTS_KEY, (fresh_until - 61, counts), None)


def _renewals() -> list:
    return [
        result
        for result in default_task_backend.results
        if result.task.module_path == "community.statistics.public_counts_renew"
    ]


def test_after_a_minute_the_home_page_shows_the_kept_counts_and_queues_one_renewal(
    client, member, chapters, settings, django_assert_num_queries
):
    settings.TASKS = QUEUED
    statistics.public_counts_renew.call()  # as the worker did a minute ago
    client.force_login(member)
    client.get("/")
    with CaptureQueriesContext(connection) as fresh:
        assert client.get("/").context["counts"]["members"] == 1
    MembershipFactory()
    _a_minute_later()
    for _request in range(3):
        # What the page cost with fresh counts (the book, the session, the user with
        # their membership, the chapters, ...): not one query for the counts.
        with django_assert_num_queries(len(fresh)):
            response = client.get("/")
        assert response.context["counts"]["members"] == 1
    (renewal,) = _renewals()  # one, not one per request
    assert renewal.status == "READY"

    renewal.task.call(*renewal.args, **renewal.kwargs)  # the worker runs it

    assert client.get("/").context["counts"]["members"] == 2
    assert len(_renewals()) == 1  # fresh again: nothing more queued


def test_a_renewal_that_never_finished_is_queued_again_once_its_lock_expires(settings):
    settings.TASKS = QUEUED
    statistics.public_counts_renew.call()
    _a_minute_later()
    statistics.public_counts()
    statistics.public_counts()
    assert len(_renewals()) == 1
    cache.delete(statistics.PUBLIC_COUNTS_KEY + ":renewing")  # the lock's expiry
    statistics.public_counts()
    assert len(_renewals()) == 2


def test_after_a_restart_the_home_page_shows_at_once_without_the_counts(client, chapters, settings):
    settings.TASKS = QUEUED
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["counts"] is None
    assert b"community-counter" not in response.content
    assert len(_renewals()) == 1


def test_with_the_immediate_backend_the_counts_are_worked_out_in_the_request(client, chapters):
    MembershipFactory()
    response = client.get("/")
    assert response.context["counts"] == {"members": 1, "municipalities": 0, "stories": 0}
    _a_minute_later()
    MembershipFactory()
    # The request after the minute gets the counts kept; its renewal (run at once in
    # development and tests) serves the next.
    assert statistics.public_counts()["members"] == 1
    assert statistics.public_counts()["members"] == 2
