"""For a chapter page (anonymous readers and members) and the home page a worker reads
the versions the page is keyed by at most once per settings.SHARED_VERSIONS_SECONDS
(core.cache.recent_versions): a change shows on them within that time; what is a
member's own at once. The rest of the suite runs with 0 (read on every request)."""

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.urls import reverse

from book.services import chapter_stories_changed
from core import cache
from organisations.services import organisation_save
from stories.models import ReactionKind
from tests.clients import signed_in
from tests.factories import MembershipFactory, OrganisationFactory, StoryFactory


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
def test_a_new_story_shows_on_the_shared_chapter_pages_within_the_second(client, chapters, clock):
    chapter = chapters[0]
    url = chapter.get_absolute_url()
    member = signed_in(MembershipFactory().user)
    assert "Een vers verhaal" not in client.get(url).content.decode()
    assert "Een vers verhaal" not in member.get(url).content.decode()
    _publish(chapter, "Een vers verhaal")
    clock.now += 0.5
    assert "Een vers verhaal" not in client.get(url).content.decode()
    assert "Een vers verhaal" not in member.get(url).content.decode()
    clock.now += 0.51
    assert "Een vers verhaal" in client.get(url).content.decode()
    assert "Een vers verhaal" in member.get(url).content.decode()


@pytest.mark.django_db
def test_what_is_a_members_own_shows_at_once_within_the_second(chapters, clock):
    """The reactions they gave are read on every request; with a message waiting (after
    posting, editing, deleting) the page is rendered for them alone."""
    chapter = chapters[0]
    url = chapter.get_absolute_url()
    story = StoryFactory(chapter=chapter, title="Een verhaal om te waarderen")
    chapter_stories_changed(chapters=[chapter.pk])
    member = signed_in(MembershipFactory().user)
    given = f'data-given="{story.pk} {ReactionKind.THANKS}" aria-pressed="true"'
    assert given not in member.get(url).content.decode()
    member.post(reverse("stories:react", args=[story.pk]), {"kind": ReactionKind.THANKS})
    assert given in member.get(url).content.decode()
    _publish(chapter, "Net geplaatst")
    member.cookies[CookieStorage.cookie_name] = CookieStorage(HttpRequest())._encode(
        [Message(constants.SUCCESS, "Je verhaal is geplaatst.")]
    )
    page = member.get(url).content.decode()
    assert "Je verhaal is geplaatst." in page and "Net geplaatst" in page


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


@pytest.mark.django_db
def test_an_organisations_page_for_anonymous_readers_within_the_second(
    client, chapters, clock, django_assert_num_queries
):
    organisation = OrganisationFactory(name="Buurtkracht", slug="buurtkracht")
    url = organisation.get_absolute_url()
    member = signed_in(MembershipFactory().user)
    client.get(url)
    member.get(url)
    with django_assert_num_queries(0):
        client.get(url)
    organisation.name = "Buurtkracht Noord"
    organisation_save(organisation=organisation)
    assert "Buurtkracht Noord" not in client.get(url).content.decode()
    # Members' pages are keyed by what is their own too (coordinating it): read each time.
    assert "Buurtkracht Noord" in member.get(url).content.decode()
    clock.now += 1.01
    assert "Buurtkracht Noord" in client.get(url).content.decode()
