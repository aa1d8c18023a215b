"""With Redis, each worker keeps a near copy of the pages it serves under versioned keys
(core.cache: the "near" cache in front of the shared one). Here both are local-memory
caches of their own, so that what each holds can be told apart."""

import time
from types import SimpleNamespace

import pytest
from django.core.cache import caches

from book.services import chapter_stories_changed
from core import cache
from tests.factories import StoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def near_and_shared(settings, monkeypatch):
    """A shared cache and a near one, with a clock the test moves."""
    clock = SimpleNamespace(now=time.time())
    for module in ("base", "locmem"):  # when an entry expires, and whether it has
        monkeypatch.setattr(
            f"django.core.cache.backends.{module}.time", SimpleNamespace(time=lambda: clock.now)
        )
    settings.CACHES = {
        name: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name}
        for name in ("default", "long-tail", "near")
    }
    return clock


def test_a_page_is_served_from_the_near_copy_without_the_shared_cache(
    client, chapters, near_and_shared, django_assert_num_queries
):
    url = chapters[0].get_absolute_url()
    first = client.get(url).content
    caches["default"].clear()  # as if Redis had let it go: the worker's copy answers
    with django_assert_num_queries(1):  # the versions of the key only
        assert client.get(url).content == first


def test_a_page_from_the_shared_cache_is_copied_near(client, chapters, near_and_shared):
    url = chapters[0].get_absolute_url()
    first = client.get(url).content
    caches["near"].clear()  # another worker: only the shared cache has it
    assert client.get(url).content == first
    caches["default"].clear()
    assert client.get(url).content == first  # the copy this worker took


def test_a_change_shows_at_once_although_the_old_page_is_near(client, chapters, near_and_shared):
    chapter = chapters[0]
    url = chapter.get_absolute_url()
    client.get(url)
    story = StoryFactory(chapter=chapter, title="Net verschenen bij de buren")
    chapter_stories_changed(chapters=[chapter.pk])  # as the services do
    assert story.title in client.get(url).content.decode()


def test_near_and_shared_together_keep_an_entry_no_longer_than_asked(near_and_shared):
    clock = near_and_shared
    cache.fetch("counts", lambda: 1, 60)
    # Read from the shared cache by another worker just before it lets the entry go:
    clock.now += 29
    caches["near"].clear()
    assert cache.fetch("counts", lambda: 2, 60) == 1
    clock.now += 29  # 58 s after it was computed: the copy is still within its minute
    assert cache.fetch("counts", lambda: 3, 60) == 1
    clock.now += 3  # 61 s: neither keeps it any longer
    assert cache.fetch("counts", lambda: 4, 60) == 4


def test_the_long_tail_has_no_near_copy(near_and_shared):
    cache.fetch("question", lambda: "antwoord", 60, long_tail=True)
    assert caches["near"].get("question") is None
    assert caches["long-tail"].get("question") == "antwoord"
