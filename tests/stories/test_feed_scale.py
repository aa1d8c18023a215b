"""The Atom feeds read the newest stories on an index and stop at the feed's size, and
anonymous feed readers share one copy until a story or chapter changes."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stories.feeds import FEED_SIZE
from stories.models import Status
from stories.moderation import story_moderate
from tests.factories import StoryFactory, bulk_stories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _titles(response) -> list[str]:
    feed = ET.fromstring(response.getvalue())
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


@pytest.mark.parametrize("count", [10, 1000])
@pytest.mark.parametrize("feed", ["book", "chapter"])
def test_a_feed_costs_the_same_queries_whatever_the_number_of_stories_and_is_shared(
    count, feed, open_chapter, curator, client
):
    bulk_stories(count, chapter=open_chapter)
    url = (
        reverse("stories:feed")
        if feed == "book"
        else reverse("stories:chapter_feed", args=[open_chapter.slug])
    )
    with CaptureQueriesContext(connection) as made:
        first = client.get(url)
    assert first["Content-Type"].startswith("application/atom+xml")
    assert _titles(first) == [
        f"Verhaal {n}" for n in range(count - 1, count - 1 - min(count, FEED_SIZE), -1)
    ]
    with CaptureQueriesContext(connection) as shared:
        again = client.get(url)
    assert again.getvalue() == first.getvalue()
    assert again["Content-Type"] == first["Content-Type"]
    assert (len(made), len(shared)) == (6, 1)  # a copy costs the chapters' version only

    # A story published through the moderation changes the version: a new copy.
    pending = StoryFactory(chapter=open_chapter, title="Net goedgekeurd", status=Status.PENDING)
    story_moderate(story=pending, curator=curator, action="approve")
    assert _titles(client.get(url))[0] == "Net goedgekeurd"
