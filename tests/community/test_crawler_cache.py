"""A crawler cannot empty the cache for readers: deep pages of a chapter's stories are
rendered without being stored (core.cache.KEPT_PAGES), and what any address with a
free query string makes a new entry of (a search question, a filtered list) goes to a
cache of its own (core.cache, the "long-tail" cache)."""

import time
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.cache import KEPT_PAGES
from stories.fragments import STORIES_PER_PAGE
from tests.factories import bulk_stories

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_caches(settings, monkeypatch):
    """Caches far smaller than the site's, so that anything a crawler's walk stores
    pushes the hot pages out; their clock stands still, so that what leaves them is
    pushed out, never expired (the home page is kept a minute, and a walk on a busy
    machine may take longer)."""
    now = time.time()
    monkeypatch.setattr("django.core.cache.backends.locmem.time", SimpleNamespace(time=lambda: now))
    settings.CACHES = {
        name: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"crawled-{name}",
            "OPTIONS": {"MAX_ENTRIES": 40, "CULL_FREQUENCY": 2},
        }
        for name in ("default", "long-tail")
    }


def _hot_pages(client, chapter) -> dict[str, tuple[bytes, int]]:
    """The home page and the chapter's first page, each with the queries it costs
    when it comes from the cache (only the versions of its key)."""
    hot = {}
    for url in ("/", chapter.get_absolute_url()):
        client.get(url)
        with CaptureQueriesContext(connection) as kept:
            content = client.get(url).content
        hot[url] = (content, len(kept))
    return hot


def _still_kept(client, hot: dict[str, tuple[bytes, int]], django_assert_num_queries) -> None:
    for url, (content, queries) in hot.items():
        with django_assert_num_queries(queries):
            assert client.get(url).content == content


def test_walking_500_deep_pages_leaves_the_hot_pages_in_the_cache(
    client, chapters, small_caches, django_assert_num_queries
):
    chapter = chapters[0]
    bulk_stories(STORIES_PER_PAGE * 30, chapter=chapter)
    hot = _hot_pages(client, chapter)
    for number in range(KEPT_PAGES + 1, KEPT_PAGES + 501):
        response = client.get(chapter.get_absolute_url(), {"verhalen": number})
        assert response.status_code == 200
    _still_kept(client, hot, django_assert_num_queries)


def test_a_deep_page_shows_what_it_showed_when_it_was_stored(client, chapters):
    chapter = chapters[0]
    bulk_stories(STORIES_PER_PAGE * (KEPT_PAGES + 2), chapter=chapter)
    deep = {"verhalen": KEPT_PAGES + 1}
    first = client.get(chapter.get_absolute_url(), deep)
    assert b"story-card" in first.content
    assert client.get(chapter.get_absolute_url(), deep).content == first.content


def test_asking_200_questions_and_filters_leaves_the_hot_pages_in_the_cache(
    client, chapters, small_caches, django_assert_num_queries
):
    chapter = chapters[0]
    bulk_stories(30, chapter=chapter)
    hot = _hot_pages(client, chapter)
    for number in range(100):
        assert client.get(reverse("stories:search"), {"q": f"verhaal {number}"}).status_code == 200
        assert client.get(reverse("stories:latest"), {"pagina": number + 2}).status_code == 200
    _still_kept(client, hot, django_assert_num_queries)
