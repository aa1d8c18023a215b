"""The chapter page is cached whole for anonymous readers (the same for all of them: no
CSRF token, the language switcher is a list of links) and for members (with stand-ins for
their own parts), keyed by what it shows (community.pages, core.cache)."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, translate_url

from book.models import ReadingPosition
from book.services import chapter_stories_changed
from core.cache import CSRF_STAND_IN
from editions.services import edition_publish
from stories.models import ChapterFollow, ReactionKind
from tests.clients import signed_in
from tests.factories import (
    ChapterFollowFactory,
    EditionFactory,
    MembershipFactory,
    ReactionFactory,
    StoryFactory,
)
from tests.markup import hrefs, one


@pytest.mark.django_db
def test_anonymous_chapter_page_comes_from_the_cache_the_second_time(
    client, chapters, django_assert_num_queries
):
    url = chapters[0].get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200
    # One query remains: the versions the key is made of (the book, the chapters'
    # updated_at, this chapter's stories_version and the upcoming meetings about it),
    # read from the database so that every worker sees a change at once, whichever
    # worker's cache holds the page.
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
    assert translate_url(url, "en") in hrefs(response, "nav.language-switcher a")


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
    assert one(client.get(url), "html").get("lang") == "nl"
    assert one(client.get(translate_url(url, "en")), "html").get("lang") == "en"
    assert one(client.get(url), "html").get("lang") == "nl"


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


# Members share a page too: the same HTML with their own CSRF token, reactions and
# follow state filled in (book.pages, stories.fragments.personalise).


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


@pytest.mark.django_db
def test_member_page_comes_from_the_cache_with_three_queries_and_the_session(
    client, chapters, member, session_queries, django_assert_num_queries
):
    url = chapters[2].get_absolute_url()  # members only
    StoryFactory.create_batch(3, chapter=chapters[2])
    client.force_login(member)
    first = client.get(url).content.decode()
    # The session, the user with their membership, the page's versions (the upcoming
    # meetings about the chapter among them), and in one query whether they follow the
    # chapter and the reactions they gave. Nothing written.
    with django_assert_num_queries(3 + session_queries):
        second = client.get(url)
    assert second.status_code == 200
    assert "Cookie" in second["Vary"]
    html = second.content.decode()
    assert html.count('<article class="story-card') == 3
    assert CSRF_STAND_IN not in html and CSRF_STAND_IN not in first
    assert _token(html) and "Uitloggen" in html


@pytest.mark.django_db
def test_no_token_reaction_or_follow_state_crosses_from_one_member_to_another(chapters):
    chapter = chapters[2]
    story = StoryFactory(chapter=chapter)
    alice, bob = MembershipFactory(), MembershipFactory()
    ReactionFactory(story=story, member=alice, kind=ReactionKind.THANKS)
    ChapterFollowFactory(membership=alice, chapter=chapter)
    pages = {}
    for membership in (alice, bob, alice, bob):  # each one's page, then from the cache
        browser = Client()
        browser.force_login(membership.user)
        pages.setdefault(membership.pk, []).append(
            browser.get(chapter.get_absolute_url()).content.decode()
        )
    given = f'data-given="{story.pk} {ReactionKind.THANKS}" aria-pressed="true"'
    for alice_page in pages[alice.pk]:
        assert given in alice_page
        assert "Niet meer volgen" in alice_page
    for bob_page in pages[bob.pk]:
        assert given not in bob_page
        assert "Volg dit hoofdstuk" in bob_page and "Niet meer volgen" not in bob_page
    tokens = {_token(page) for page in pages[alice.pk]} & {_token(page) for page in pages[bob.pk]}
    assert not tokens


@pytest.mark.django_db
def test_the_token_in_a_cached_member_page_is_accepted(chapters, member):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    url = chapters[2].get_absolute_url()
    browser.get(url)
    html = browser.get(url).content.decode()  # from the cache
    response = browser.post(
        reverse("stories:follow", args=[chapters[2].slug]),
        {"csrfmiddlewaretoken": _token(html), "action": "follow"},
    )
    assert response.status_code == 302
    assert ChapterFollow.objects.filter(membership=member.membership, chapter=chapters[2]).exists()
    assert "Niet meer volgen" in browser.get(url).content.decode()


@pytest.mark.django_db
def test_a_cached_member_page_carries_this_members_position_form(client, chapters, member):
    other = MembershipFactory().user
    client.force_login(other)
    client.get(chapters[3].get_absolute_url())  # now in the cache
    client.force_login(member)
    page = client.get(chapters[3].get_absolute_url())
    assert not ReadingPosition.objects.exists()
    form = {"chapter": chapters[3].pk, "csrfmiddlewaretoken": _token(page.content.decode())}
    client.post(reverse("book:reading_position"), form)
    assert ReadingPosition.objects.get(user=member).chapter == chapters[3]


@pytest.mark.django_db
def test_a_new_story_and_a_reaction_show_at_once_to_members(client, chapters, member):
    chapter = chapters[2]
    client.force_login(member)
    client.get(chapter.get_absolute_url())
    story = StoryFactory(chapter=chapter, title="Nieuw voor leden")
    chapter_stories_changed(chapters=[chapter.pk])
    assert "Nieuw voor leden" in client.get(chapter.get_absolute_url()).content.decode()
    client.post(
        reverse("stories:react", args=[story.pk]),
        {"kind": ReactionKind.THANKS, "next": chapter.get_absolute_url()},
    )
    given = f'data-given="{story.pk} {ReactionKind.THANKS}" aria-pressed="true"'
    assert given in client.get(chapter.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_members_messages_show_and_are_not_shared(client, chapters, member):
    url = chapters[2].get_absolute_url()
    client.force_login(member)
    client.get(url)
    client.cookies[CookieStorage.cookie_name] = CookieStorage(HttpRequest())._encode(
        [Message(constants.SUCCESS, "Je verhaal is geplaatst.")]
    )
    assert "Je verhaal is geplaatst." in client.get(url).content.decode()
    assert "Je verhaal is geplaatst." not in client.get(url).content.decode()
    other = signed_in(MembershipFactory().user)
    assert "Je verhaal is geplaatst." not in other.get(url).content.decode()


@pytest.mark.django_db
def test_staff_pages_are_rendered_not_shared(client, chapters, member, curator):
    url = chapters[3].get_absolute_url()
    client.force_login(member)
    member_page = client.get(url).content.decode()
    client.force_login(curator)
    html = client.get(url).content.decode()
    assert "Nog niet klaar" not in member_page
    assert "Nog niet klaar" in html  # the draft chapter after this one, for the curator
    assert "Redactie" in html


# The home page, shared by anonymous readers.


@pytest.mark.django_db
def test_home_comes_from_the_cache_with_two_queries(client, chapters, django_assert_num_queries):
    first = client.get("/")
    # The book, chapters, stories' and upcoming meetings' versions; the published editions.
    with django_assert_num_queries(2):
        second = client.get("/")
    assert second.content == first.content
    assert "Cookie" in second["Vary"]


@pytest.mark.django_db
def test_home_shows_a_new_story_count_a_chapter_edit_and_an_edition_at_once(
    client, chapters, curator
):
    client.get("/")
    StoryFactory.create_batch(3, chapter=chapters[0])
    chapter_stories_changed(chapters=[chapters[0].pk])  # as the services do
    assert "· 3 verhalen" in client.get("/").content.decode()
    chapters[1].title = "Een titel van vandaag"
    chapters[1].save()
    assert "Een titel van vandaag" in client.get("/").content.decode()
    edition = EditionFactory(book=chapters[0].book, label="Editie van de proef")
    edition_publish(edition=edition, curator=curator)
    assert "Editie van de proef" in client.get("/").content.decode()


@pytest.mark.django_db
def test_members_and_messages_get_their_own_home(client, chapters, member):
    anonymous = client.get("/").content.decode()
    client.cookies[CookieStorage.cookie_name] = CookieStorage(HttpRequest())._encode(
        [Message(constants.SUCCESS, "Tot ziens.")]
    )
    assert "Tot ziens." in client.get("/").content.decode()
    client.cookies.pop(CookieStorage.cookie_name)
    assert "Tot ziens." not in client.get("/").content.decode()
    client.force_login(member)
    client.post(reverse("book:reading_position"), {"chapter": chapters[2].pk})
    html = client.get("/").content.decode()
    assert "Verder lezen" in html and "Verder lezen" not in anonymous
