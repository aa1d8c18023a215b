"""A chapter's suggestions page is cached: whole for anonymous readers, with stand-ins
for members (suggestions.pages, core.cache.shared_page). Every change made through the
services shows at once; what is one member's own never reaches another."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.privacy import STORIES_KEEP, account_delete
from core.cache import CSRF_STAND_IN, KEPT_PAGES
from stories.models import Status
from suggestions import services
from suggestions.models import Response
from tests.clients import signed_in
from tests.factories import MembershipFactory, SuggestionFactory
from tests.markup import texts

pytestmark = pytest.mark.django_db


def _url(chapter, **query) -> str:
    url = reverse("suggestions:chapter", kwargs={"slug": chapter.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _titles(response) -> list[str]:
    return texts(response, ".suggestion__title")


def _meta(response) -> list[str]:
    return texts(response, ".suggestion__meta")


def test_an_anonymous_page_comes_from_the_cache_with_one_query(
    client, open_chapter, django_assert_num_queries
):
    SuggestionFactory.create_batch(3, chapter=open_chapter)
    first = client.get(_url(open_chapter))
    # The versions the key is made of, in one query: the chapter, its responses.
    with django_assert_num_queries(1):
        second = client.get(_url(open_chapter))
    assert second.content == first.content
    assert len(_titles(second)) == 3
    assert "csrfmiddlewaretoken" not in second.content.decode()
    assert "Cookie" in second["Vary"]


def test_a_member_page_comes_from_the_cache_with_their_own_token(
    open_chapter, session_queries, django_assert_num_queries
):
    SuggestionFactory(chapter=open_chapter)
    alice, bob = MembershipFactory(), MembershipFactory()
    pages = [signed_in(m.user).get(_url(open_chapter)).content.decode() for m in (alice, bob)]
    for page in pages:
        assert CSRF_STAND_IN not in page
        assert "Uitloggen" in page
    browser = signed_in(alice.user)
    browser.get(_url(open_chapter))
    # The session, the user with their membership and the versions: nothing else.
    with django_assert_num_queries(2 + session_queries):
        assert browser.get(_url(open_chapter)).status_code == 200


def test_the_token_in_a_cached_member_page_is_accepted(open_chapter):
    membership = MembershipFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(membership.user)
    signed_in(MembershipFactory().user).get(_url(open_chapter))  # stored with stand-ins
    html = browser.get(_url(open_chapter)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    response = browser.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert "_auth_user_id" not in browser.session


def test_a_suggestion_published_shows_at_once(client, open_chapter, suggest, author, settings):
    settings.STORIES_MODERATION = "post"
    member = signed_in(MembershipFactory().user)
    assert _titles(client.get(_url(open_chapter))) == []
    assert _titles(member.get(_url(open_chapter))) == []
    suggest(open_chapter)
    assert _titles(client.get(_url(open_chapter))) == ["Aanvulling · Begin"]
    assert _titles(member.get(_url(open_chapter))) == ["Aanvulling · Begin"]


def test_a_response_given_or_taken_with_its_author_changes_the_counts_at_once(client, open_chapter):
    suggestion = SuggestionFactory(chapter=open_chapter)
    member = signed_in(MembershipFactory().user)
    for reader in (client, member):
        assert "0 keer eens" in _meta(reader.get(_url(open_chapter)))[0]
    agreeing = MembershipFactory()
    services.response_give(suggestion=suggestion, membership=agreeing, kind="eens")
    for reader in (client, member):
        assert "1 keer eens" in _meta(reader.get(_url(open_chapter)))[0]
    # Leaving takes their "eens" along, though the suggestion is not theirs.
    account_delete(user=agreeing.user, stories=STORIES_KEEP)
    assert not Response.objects.exists()
    for reader in (client, member):
        assert "0 keer eens" in _meta(reader.get(_url(open_chapter)))[0]


def test_an_answer_and_a_hidden_suggestion_show_at_once(client, open_chapter, curator):
    answered, hidden = SuggestionFactory.create_batch(2, chapter=open_chapter)
    member = signed_in(MembershipFactory().user)
    for reader in (client, member):
        assert len(_titles(reader.get(_url(open_chapter)))) == 2
    services.suggestion_status_set(
        suggestion=answered, curator=curator, status="niet", answer="Dit past **niet**."
    )
    services.suggestion_moderate(
        suggestion=hidden, curator=curator, action="hide", reason="Buiten het onderwerp."
    )
    for reader in (client, member):
        page = reader.get(_url(open_chapter))
        assert len(_titles(page)) == 1
        assert texts(page, ".suggestion__answer-text") == ["Dit past niet."]


def test_an_author_who_leaves_loses_their_name_at_once(client, open_chapter):
    suggestion = SuggestionFactory(chapter=open_chapter)
    name = suggestion.author_name
    assert f"Door {name}" in _meta(client.get(_url(open_chapter)))[0]
    account_delete(user=suggestion.author.user, stories=STORIES_KEEP)
    meta = _meta(client.get(_url(open_chapter)))[0]
    assert name not in meta


def test_a_chapter_retitled_shows_at_once(client, open_chapter):
    client.get(_url(open_chapter))
    open_chapter.title = "Een nieuwe titel"
    open_chapter.save()  # as the admin saves it
    assert "Een nieuwe titel" in client.get(_url(open_chapter)).content.decode()


def test_a_waiting_suggestion_is_seen_by_its_author_alone(open_chapter, suggest, author):
    SuggestionFactory(chapter=open_chapter, section_title="Gedeeld")
    other = signed_in(MembershipFactory().user)
    assert len(_titles(other.get(_url(open_chapter)))) == 1  # stored for members
    assert suggest(open_chapter).moderation == Status.PENDING
    mine = signed_in(author.user).get(_url(open_chapter))
    assert len(_titles(mine)) == 2
    assert "Wacht op een curator" in mine.content.decode()
    assert len(_titles(other.get(_url(open_chapter)))) == 1
    # The author's own page was not stored for the others.
    assert len(_titles(signed_in(MembershipFactory().user).get(_url(open_chapter)))) == 1


def test_staff_see_hidden_suggestions_in_a_cached_page(client, open_chapter, curator):
    SuggestionFactory(chapter=open_chapter)
    SuggestionFactory(chapter=open_chapter, moderation=Status.HIDDEN)
    assert len(_titles(client.get(_url(open_chapter)))) == 1
    assert len(_titles(signed_in(MembershipFactory().user).get(_url(open_chapter)))) == 1
    assert len(_titles(signed_in(curator).get(_url(open_chapter)))) == 2


def test_a_chapter_for_members_stays_closed_after_a_member_read_it(client, members_chapter):
    SuggestionFactory(chapter=members_chapter, quote="Alleen voor leden")
    member_page = signed_in(MembershipFactory().user).get(_url(members_chapter))
    assert "Alleen voor leden" in member_page.content.decode()
    for _ in range(2):
        response = client.get(_url(members_chapter))
        assert response.status_code == 404
        assert b"Alleen voor leden" not in response.content


def test_each_filter_is_a_page_of_its_own_and_other_parameters_are_rendered(client, open_chapter):
    SuggestionFactory(chapter=open_chapter, kind="aanvulling")
    SuggestionFactory(chapter=open_chapter, kind="schrappen")
    assert len(_titles(client.get(_url(open_chapter)))) == 2
    assert _titles(client.get(_url(open_chapter, soort="schrappen"))) == ["Schrappen · Begin"]
    assert _titles(client.get(_url(open_chapter, soort="aanvulling"))) == ["Aanvulling · Begin"]
    assert len(_titles(client.get(_url(open_chapter, onbekend="1")))) == 2
    assert len(_titles(client.get(_url(open_chapter, soort="schrappen", pagina="1")))) == 1


def test_a_page_past_the_kept_ones_is_rendered_each_time(client, open_chapter):
    SuggestionFactory.create_batch(2, chapter=open_chapter)

    def queries(query) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(open_chapter, **query)).status_code == 200
        return len(captured)

    kept, deep = {"pagina": str(KEPT_PAGES)}, {"pagina": str(KEPT_PAGES + 1)}
    assert queries(kept) > 1  # rendered and stored
    assert queries(kept) == 1  # the versions
    assert queries(deep) == queries(deep) > 1
