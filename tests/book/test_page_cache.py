"""The chapter page as anonymous readers see it is cached whole: the same for all of
them (no CSRF token: the language switcher is a list of links), keyed by what it shows."""

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from django.urls import translate_url

from book.services import chapter_stories_changed
from tests.factories import StoryFactory


@pytest.mark.django_db
def test_anonymous_chapter_page_comes_from_the_cache_the_second_time(
    client, chapters, django_assert_num_queries
):
    url = chapters[0].get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200
    # One query remains: the versions the key is made of (the book, the chapters'
    # updated_at and this chapter's stories_version), read from the database so that
    # every worker sees a change at once, whichever worker's cache holds the page.
    with django_assert_num_queries(1):
        second = client.get(url)
    assert second.status_code == 200
    assert second.content == first.content
    assert "Cookie" in second["Vary"]


@pytest.mark.django_db
def test_cached_page_holds_no_csrf_token_and_sets_no_cookie(client, chapters):
    url = chapters[0].get_absolute_url()
    for _ in range(2):
        response = client.get(url)
        html = response.content.decode()
        assert "csrfmiddlewaretoken" not in html
        assert not response.cookies
    assert 'aria-labelledby="language-switcher-label"' in html
    assert f'href="{translate_url(url, "en")}"' in html


@pytest.mark.django_db
def test_a_new_story_shows_at_once(client, chapters):
    chapter = chapters[0]
    assert "Een vers verhaal" not in client.get(chapter.get_absolute_url()).content.decode()
    StoryFactory(chapter=chapter, title="Een vers verhaal")
    chapter_stories_changed(chapters=[chapter.pk])  # as the services do
    assert "Een vers verhaal" in client.get(chapter.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_chapter_edit_shows_at_once(client, chapters):
    chapter = chapters[1]
    client.get(chapter.get_absolute_url())
    chapters[0].title = "Een nieuwe titel"
    chapters[0].save()
    assert "Een nieuwe titel" in client.get(chapter.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_each_language_and_stories_page_has_its_own_page(client, chapters):
    url = chapters[0].get_absolute_url()
    assert '<html lang="nl">' in client.get(url).content.decode()
    assert '<html lang="en">' in client.get(translate_url(url, "en")).content.decode()
    assert '<html lang="nl">' in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_member_never_gets_the_anonymous_page(client, chapters, member):
    url = chapters[2].get_absolute_url()  # members only
    anonymous = client.get(url).content.decode()
    client.get(url)
    client.force_login(member)
    page = client.get(url).content.decode()
    assert page != anonymous
    assert "Uitloggen" in page
    assert "Uitloggen" not in anonymous


@pytest.mark.django_db
def test_messages_still_show(client, chapters):
    url = chapters[0].get_absolute_url()
    client.get(url)
    client.get(url)
    storage = CookieStorage(HttpRequest())
    client.cookies[CookieStorage.cookie_name] = storage._encode(
        [Message(constants.SUCCESS, "Je bent uitgelogd.")]
    )
    assert "Je bent uitgelogd." in client.get(url).content.decode()
    assert "Je bent uitgelogd." not in client.get(url).content.decode()


@pytest.mark.django_db
def test_other_query_strings_are_not_cached(client, chapters):
    url = chapters[0].get_absolute_url() + "?utm_source=x"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) > 1  # rendered again, not from the cache
