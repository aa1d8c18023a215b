"""Deep pages of the stories beneath a chapter are read on the (chapter, status,
published_at) index: featured stories first, then the others newest first, as before,
without sorting the whole chapter on each page and in the same queries for a chapter
of 30 stories as for 1,000 (StoryQuerySet.reading_order_page_for_display)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.cache import KEPT_PAGES
from stories.fragments import STORIES_PER_PAGE
from stories.models import Status, Story
from tests.caching import clear_caches
from tests.factories import bulk_stories
from tests.markup import attributes

pytestmark = pytest.mark.django_db


def _beneath(chapter, *, featured: int, published: int) -> None:
    """Stories under `chapter`, each published at another moment (a few at the same one:
    the higher pk goes first)."""
    bulk_stories(featured, chapter=chapter, status=Status.FEATURED)
    bulk_stories(published, chapter=chapter)
    now = timezone.now()
    for index, pk in enumerate(Story.objects.filter(chapter=chapter).values_list("pk", flat=True)):
        Story.objects.filter(pk=pk).update(published_at=now - timedelta(hours=index % 17))


def _page_anchors(client, chapter, number: int) -> list[str]:
    html = client.get(chapter.get_absolute_url(), {"verhalen": number}).content
    return attributes(html, "article.story-card", "id")


def test_every_page_holds_the_stories_of_the_reading_order(client, open_chapter):
    # More featured stories than a page: the featured part ends inside the second page.
    _beneath(open_chapter, featured=STORIES_PER_PAGE + 5, published=30)
    in_order = [
        story.anchor
        for story in Story.objects.published().filter(chapter=open_chapter).in_reading_order()
    ]
    shown = []
    for number in range(1, 5):
        shown += _page_anchors(client, open_chapter, number)
    assert shown == in_order
    assert len(shown) == STORIES_PER_PAGE * 2 + 15


@pytest.mark.parametrize("featured", [0, 3, 45])
def test_any_slice_is_the_slice_of_the_reading_order(open_chapter, featured):
    _beneath(open_chapter, featured=featured, published=50)
    stories = Story.objects.published().filter(chapter=open_chapter)
    in_order = list(stories.in_reading_order())
    for start in (0, 1, 20, 40, 44, 45, 46, 80, 94, 95, 120):
        page = stories.reading_order_page_for_display(start, start + STORIES_PER_PAGE + 1)
        assert page == in_order[start : start + STORIES_PER_PAGE + 1], start


def _deep_page_queries(client, chapter, number: int) -> list[str]:
    clear_caches()  # the page rendered, not a kept copy
    with CaptureQueriesContext(connection) as queries:
        response = client.get(chapter.get_absolute_url(), {"verhalen": number})
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_a_page_costs_the_same_queries_whatever_the_chapter_holds(client, open_chapter, chapters):
    other = chapters[1]
    _beneath(open_chapter, featured=3, published=150)
    _beneath(other, featured=3, published=1000)
    first = _deep_page_queries(client, open_chapter, 2)
    assert len(_deep_page_queries(client, open_chapter, 3)) == len(first)
    assert len(_deep_page_queries(client, other, 2)) == len(first)
    # Past the pages kept in the cache (core.cache.KEPT_PAGES) no key is read.
    deep = _deep_page_queries(client, open_chapter, KEPT_PAGES + 1)
    assert len(_deep_page_queries(client, other, KEPT_PAGES + 1)) == len(deep)
    assert len(_deep_page_queries(client, other, 40)) == len(deep)


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's query plan (EXPLAIN QUERY PLAN); PostgreSQL plans by its statistics",
)
def test_a_deep_page_reads_the_index_and_sorts_no_chapter(client, chapters):
    chapter = chapters[1]
    _beneath(chapter, featured=3, published=1000)
    queries = _deep_page_queries(client, chapter, 40)
    stories = [sql for sql in queries if 'FROM "stories_story"' in sql]
    assert len(stories) == 2  # the count and the page
    steps = []
    for sql in stories:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            steps += [row[-1] for row in cursor.fetchall()]
    assert not [step for step in steps if "TEMP B-TREE" in step], steps
    assert not [step for step in steps if step.startswith("SCAN stories_story")], steps
    on_index = "USING COVERING INDEX stories_sto_chapter_f56415_idx (chapter_id=? AND status=?)"
    assert [step for step in steps if on_index in step], steps
