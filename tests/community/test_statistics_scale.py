"""The statistics page computes its aggregates in queries that do not grow with the
community, and at most once per STATISTICS_SECONDS: in between, curators get the
figures as computed then, and the page says when that was."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stories.models import Status
from tests.factories import MembershipFactory, bulk_stories

pytestmark = pytest.mark.django_db


def _pending(response) -> int:
    (table,) = [t for t, _chart in response.context["tables"] if t.slug == "verhalen-per-hoofdstuk"]
    return sum(row[3] for row in table.rows)


@pytest.mark.parametrize("count", [10, 1000])
def test_statistics_are_computed_in_the_same_queries_and_then_kept(
    count, chapters, curator, client, session_queries
):
    authors = [MembershipFactory() for _n in range(3)]
    bulk_stories(count, chapter=chapters[0], status=Status.PENDING, authors=authors)
    client.force_login(curator)
    url = reverse("statistics")
    with CaptureQueriesContext(connection) as computed:
        first = client.get(url)
    assert _pending(first) == count
    assert "Berekend om " in first.content.decode()

    bulk_stories(5, chapter=chapters[0], status=Status.PENDING)
    with CaptureQueriesContext(connection) as kept:
        again = client.get(url)
        table = client.get(reverse("statistics_csv", args=["verhalen-per-hoofdstuk"]))
    # Within STATISTICS_SECONDS the page and its tables are what was computed.
    assert _pending(again) == count
    assert table.content.decode().splitlines()[1].endswith(f",{count}")
    # Computed: one or two queries a table (three for the introductions': who takes
    # part, the rounds, one aggregate of the introductions; four for the meetings':
    # community.statistics.meetings_per_month; four for the growth tables: routes by
    # month, invitations by month and their waits, the welcome funnel). Kept: two
    # requests cost the session, the account and its permissions only.
    assert (len(computed), len(kept)) == (23 + session_queries, 6 + 2 * session_queries)


@pytest.mark.parametrize("seconds", [0, 300])
def test_the_staleness_is_a_setting(seconds, chapters, curator, client, settings):
    settings.STATISTICS_SECONDS = seconds
    client.force_login(curator)
    url = reverse("statistics")
    assert _pending(client.get(url)) == 0
    bulk_stories(2, chapter=chapters[0], status=Status.PENDING)
    assert _pending(client.get(url)) == (2 if seconds == 0 else 0)
