"""For anonymous readers of a chapter and of the home page a worker reads the versions
the page is keyed by at most once per settings.SHARED_VERSIONS_SECONDS
(core.cache.recent_versions): a change shows to them within that time, to members at
once. The rest of the suite runs with 0 (read on every request)."""

import pytest

from book.services import chapter_stories_changed
from core import cache
from tests.clients import signed_in
from tests.factories import MembershipFactory, StoryFactory


class Clock:
    """time.monotonic as core.cache reads it, moved on by the test."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(settings, monkeypatch):
    settings.SHARED_VERSIONS_SECONDS = 1
    now = Clock()
    monkeypatch.setattr(cache.time, "monotonic", now)
    cache.recent_versions_forget()
    yield now
    cache.recent_versions_forget()


def _publish(chapter, title):
    StoryFactory(chapter=chapter, title=title)
    chapter_stories_changed(chapters=[chapter.pk])  # as the services do


@pytest.mark.django_db
def test_anonymous_chapter_page_asks_the_database_nothing_within_the_second(
    client, chapters, clock, django_assert_num_queries
):
    url = chapters[0].get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first.content
    clock.now += 1.01
    with django_assert_num_queries(1):  # the versions, read again
        assert client.get(url).content == first.content


@pytest.mark.django_db
def test_a_new_story_shows_to_anonymous_readers_within_the_second_and_to_members_at_once(
    client, chapters, clock
):
    chapter = chapters[0]
    url = chapter.get_absolute_url()
    member = signed_in(MembershipFactory().user)
    assert "Een vers verhaal" not in client.get(url).content.decode()
    assert "Een vers verhaal" not in member.get(url).content.decode()
    _publish(chapter, "Een vers verhaal")
    assert "Een vers verhaal" in member.get(url).content.decode()
    assert "Een vers verhaal" not in client.get(url).content.decode()
    clock.now += 0.5
    assert "Een vers verhaal" not in client.get(url).content.decode()
    clock.now += 0.51
    assert "Een vers verhaal" in client.get(url).content.decode()


@pytest.mark.django_db
def test_each_chapter_has_its_own_versions(client, chapters, clock):
    client.get(chapters[0].get_absolute_url())
    _publish(chapters[1], "Onder het tweede hoofdstuk")
    # Not read yet in this second: the second chapter's page shows it at once.
    assert (
        "Onder het tweede hoofdstuk" in client.get(chapters[1].get_absolute_url()).content.decode()
    )


@pytest.mark.django_db
def test_home_page_versions_and_editions_read_once_within_the_second(
    client, chapters, clock, django_assert_num_queries
):
    first = client.get("/")
    assert first.status_code == 200
    with django_assert_num_queries(0):
        assert client.get("/").content == first.content
    clock.now += 1.01
    with django_assert_num_queries(2):  # the versions and the published editions
        client.get("/")


@pytest.mark.django_db
def test_without_a_window_the_versions_are_read_on_every_request(
    client, chapters, settings, django_assert_num_queries
):
    settings.SHARED_VERSIONS_SECONDS = 0
    url = chapters[0].get_absolute_url()
    client.get(url)
    with django_assert_num_queries(1):
        client.get(url)


def test_what_is_kept_stays_bounded(clock):
    for number in range(cache.RECENT_ENTRIES + 10):
        assert cache.recent_versions(("chapter", f"bestaat-niet-{number}"), lambda: None) is None
    assert len(cache._recent) <= cache.RECENT_ENTRIES
