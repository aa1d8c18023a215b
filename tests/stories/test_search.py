"""Search over the chapters and the published stories: who finds what (on every
database), the snippets (escaped, with the matches marked), and the two ways of
matching: full-text search in Dutch on PostgreSQL, whole words in an FTS5 index on SQLite
(test_search_sqlite.py has more of that)."""

import html
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from hypothesis import given, settings
from hypothesis import strategies as st

from core.markdown import render_markdown
from stories import search as search_module
from stories.models import Status, Story
from stories.search import (
    SEARCH_MAX_LENGTH,
    StoredVector,
    _plain,
    details_add,
    search,
    terms_of,
)
from tests.clients import signed_in
from tests.factories import ChapterFactory, MembershipFactory, StoryFactory, UserFactory
from tests.markup import hrefs, one, select, text, texts

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="full-text search (Dutch stemming, ranking, ts_headline) runs on PostgreSQL only: "
    "`make test-postgres`",
)
elsewhere = pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="whole words in an FTS5 index is what SQLite uses; PostgreSQL has full-text search",
)


def _find(client, query, **params):
    response = client.get(reverse("stories:search"), {"q": query, **params})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def chapter_texts(open_chapter, members_chapter):
    """The open and the members' chapter both speak of the participatieraad."""
    open_chapter.body = "Over de **participatieraad** en wat die deed."
    open_chapter.save()
    members_chapter.body = "Alleen voor leden: het geheim van de participatieraad."
    members_chapter.save()


@pytest.fixture
def stories(chapter_texts, open_chapter, members_chapter):
    word = "participatieraad"
    return {
        "open": StoryFactory(chapter=open_chapter, title="Open verhaal", body=f"Onze {word}."),
        "featured": StoryFactory(
            chapter=open_chapter, title="Uitgelicht verhaal", body=word, status=Status.FEATURED
        ),
        "members": StoryFactory(chapter=members_chapter, title="Ledenverhaal", body=word),
        "draft": StoryFactory(
            chapter=open_chapter, title="Conceptverhaal", body=word, status=Status.DRAFT
        ),
        "pending": StoryFactory(
            chapter=open_chapter, title="Wachtend verhaal", body=word, status=Status.PENDING
        ),
        "hidden": StoryFactory(
            chapter=open_chapter, title="Verborgen verhaal", body=word, status=Status.HIDDEN
        ),
    }


# ---- Who finds what (both databases) -----------------------------------------------


def test_anonymous_visitors_find_open_chapters_and_their_stories(client, stories, open_chapter):
    html = _find(client, "participatieraad")
    assert open_chapter.title in html
    assert "Open verhaal" in html and "Uitgelicht verhaal" in html
    for hidden in ("Ledenverhaal", "Alleen voor leden", "Conceptverhaal", "Wachtend", "Verborgen"):
        assert hidden not in html


def test_accounts_without_a_copy_search_like_visitors(client, stories):
    client.force_login(UserFactory())
    html = _find(client, "participatieraad")
    assert "Open verhaal" in html and "Ledenverhaal" not in html


def test_members_find_every_published_chapter_and_story(member_client, stories, members_chapter):
    html = _find(member_client, "participatieraad")
    assert members_chapter.title in html and "Ledenverhaal" in html
    for hidden in ("Conceptverhaal", "Wachtend verhaal", "Verborgen verhaal"):
        assert hidden not in html


def test_authors_do_not_find_their_own_drafts(stories):
    client = signed_in(stories["draft"].author.user)
    html = _find(client, "participatieraad")
    assert "Conceptverhaal" not in html
    assert "Open verhaal" in html


def test_curators_do_not_find_hidden_or_waiting_stories(client, curator, stories):
    client.force_login(curator)
    html = _find(client, "participatieraad")
    assert "Ledenverhaal" in html
    for hidden in ("Conceptverhaal", "Wachtend verhaal", "Verborgen verhaal"):
        assert hidden not in html


def test_unpublished_chapters_are_not_found(client, staff, chapters):
    draft = chapters[0].book.chapters.get(is_published=False)
    draft.body = "Geheime plannen"
    draft.save()
    StoryFactory(chapter=draft, title="Onder een concepthoofdstuk", body="Geheime plannen")
    client.force_login(staff)
    html = _find(client, "geheime plannen")
    assert "Nog niet klaar" not in html and "Onder een concepthoofdstuk" not in html


def test_empty_query_shows_only_the_form(client, stories):
    html = _find(client, "   ")
    assert select(html, 'main form input[type="search"][name="q"]')
    assert "resultaten" not in html and not select(html, ".search-result")


def test_no_results_says_so(client, stories):
    assert "Niets gevonden" in _find(client, "olifantenpaadje")


def test_a_long_query_is_cut_off(client, stories):
    html = _find(client, "participatieraad " + "x" * 1000)
    field = one(html, 'main input[name="q"]')
    assert field.get("value") == ("participatieraad " + "x" * 1000)[:SEARCH_MAX_LENGTH]
    assert field.get("maxlength") == str(SEARCH_MAX_LENGTH)


def test_results_come_twenty_to_a_page(client, open_chapter):
    for n in range(25):
        StoryFactory(chapter=open_chapter, title=f"Buurtkamer {n}", body="De buurtkamer.")

    first = _find(client, "buurtkamer")
    second = _find(client, "buurtkamer", pagina=2)

    assert len(select(first, "li.search-result")) == 20
    assert len(select(second, "li.search-result")) == 5
    assert "pagina=2" in one(first, '.pagination a[rel="next"]').get("href")
    assert select(second, '.pagination a[rel="prev"]')


def test_the_query_count_does_not_grow_with_the_results(
    client, open_chapter, django_assert_max_num_queries
):
    StoryFactory.create_batch(3, chapter=open_chapter, body="De buurtkamer.")
    with django_assert_max_num_queries(8) as few:
        _find(client, "buurtkamer")
    StoryFactory.create_batch(40, chapter=open_chapter, body="De buurtkamer.")
    caches["long-tail"].clear()  # rendered again, not the page anonymous readers share
    with django_assert_max_num_queries(8) as many:
        _find(client, "buurtkamer")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_header_links_to_search_and_the_latest_stories(client, chapters):
    header = hrefs(client.get("/"), "header a")
    assert reverse("stories:search") in header
    assert reverse("stories:latest") in header


def test_each_result_says_what_it_is_in_the_reader_s_language(client, chapter_texts, open_chapter):
    StoryFactory(chapter=open_chapter, title="Verhaal over de participatieraad", body="x")
    kinds = texts(_find(client, "participatieraad"), ".search-result__kind")
    assert sorted(kinds) == [
        f"Hoofdstuk {open_chapter.number}",
        f"Leerverhaal bij hoofdstuk {open_chapter.number}",
    ]
    with translation.override("en"):
        url = reverse("stories:search")
    kinds = texts(client.get(url, {"q": "participatieraad"}), ".search-result__kind")
    assert sorted(kinds) == [
        f"Chapter {open_chapter.number}",
        f"Learning story for chapter {open_chapter.number}",
    ]


# ---- Snippets ----------------------------------------------------------------------


def test_snippets_mark_the_matches(client, open_chapter):
    StoryFactory(chapter=open_chapter, title="Bankjes", body="We zetten een bankje neer.")
    assert texts(_find(client, "bankje"), ".search-result__snippet mark") == ["bankje"]


def test_snippets_escape_what_members_wrote(client, open_chapter):
    StoryFactory(
        chapter=open_chapter,
        title="Een <script> in de titel",
        body="Tekst met `<img src=x onerror=alert(1)>` en het woord bankje &amp; meer.",
    )
    html = _find(client, "bankje")
    assert not select(html, "main img, main script")
    (snippet,) = texts(html, ".search-result__snippet")
    assert "<img src=x onerror=alert(1)>" in snippet  # as text
    assert texts(html, ".search-result__title") == ["Een <script> in de titel"]


def test_a_query_cannot_smuggle_markup_into_the_snippet(client, open_chapter):
    StoryFactory(chapter=open_chapter, body="Het <b> woord mark en bankje.")
    html = _find(client, '"<mark>" bankje')
    assert not select(html, "mark mark")
    # The query, echoed in the form and the count, is text.
    assert one(html, 'main input[name="q"]').get("value") == '"<mark>" bankje'
    assert '"<mark>" bankje' in text(one(html, ".search__count"))


def test_snippet_markers_in_the_text_are_ignored(open_chapter):
    StoryFactory(chapter=open_chapter, body="Een \ue000vals\ue001 begin en een bankje.")
    results = search(query="bankje", user=UserFactory())
    details_add("bankje", results)
    (result,) = results
    assert texts(str(result.snippet), "mark") == ["bankje"]


def test_web_search_syntax_is_not_taken_as_words():
    assert terms_of('"samen maken" -subsidie or buurt') == ["samen", "maken", "subsidie", "buurt"]


MARKDOWN_PIECES = [
    "<",
    ">",
    '"',
    "&",
    "`",
    "*",
    "[a](b ",
    ")",
    "x",
    " ",
    "\n",
    '[a](b "c>d")',
    "![a>",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(MARKDOWN_PIECES)))
def test_plain_text_is_what_an_html_parser_leaves(pieces):
    # A chapter's summary (plain text) comes before its rendered body.
    text = "Over a < b en c > d.\n\n" + render_markdown("".join(pieces)).html
    assert _plain(text) == " ".join(html.unescape(strip_tags(text)).split())


# ---- PostgreSQL: full-text search in Dutch -----------------------------------------


@on_postgresql
def test_dutch_stemming_finds_other_forms(client, open_chapter):
    StoryFactory(chapter=open_chapter, title="Aan tafel", body="Een gesprek met de gemeente.")
    html = _find(client, "gemeenten")
    assert "Aan tafel" in html
    assert "gemeente" in texts(html, ".search-result__snippet mark")


@on_postgresql
def test_title_matches_rank_above_body_matches(open_chapter):
    StoryFactory(chapter=open_chapter, title="Over iets anders", body="Een moestuin.")
    StoryFactory(chapter=open_chapter, title="De moestuin", body="Over iets anders.")
    results = search(query="moestuin", user=UserFactory())
    assert [r.title for r in results] == ["De moestuin", "Over iets anders"]


@on_postgresql
def test_web_search_syntax_works(client, open_chapter):
    StoryFactory(chapter=open_chapter, title="Moestuin met subsidie", body="Geld.")
    StoryFactory(chapter=open_chapter, title="Moestuin zonder geld", body="Zelf doen.")
    html = _find(client, "moestuin -subsidie")
    assert "Moestuin zonder geld" in html and "Moestuin met subsidie" not in html


@on_postgresql
def test_dutch_stop_words_alone_find_nothing(client, open_chapter):
    StoryFactory(chapter=open_chapter, title="De en het", body="de het een")
    assert "Niets gevonden" in _find(client, "de het")


@on_postgresql
def test_an_edited_story_is_found_by_its_new_words(open_chapter):
    story = StoryFactory(chapter=open_chapter, title="Buurtkamer", body="Koffie.")
    story.title, story.body = "Wijkkamer", "Thee en taart."
    story.save()
    user = UserFactory()
    assert [r.pk for r in search(query="taart", user=user)] == [story.pk]
    assert search(query="koffie", user=user) == []


@on_postgresql
def test_stories_are_matched_through_the_gin_index(open_chapter):
    StoryFactory(chapter=open_chapter, title="Moestuin", body="Groente.")
    from django.contrib.postgres.search import SearchQuery

    question = SearchQuery("moestuin", search_type="websearch", config="dutch")
    candidates = Story.objects.annotate(search=StoredVector()).filter(search=question).values("pk")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = candidates.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "stories_story_search_vector" in plan


@on_postgresql
def test_only_the_newest_matches_of_a_broad_question_are_ranked(open_chapter, monkeypatch):
    monkeypatch.setattr(search_module, "RANK_CANDIDATES", 2)
    old, middle, new = (
        StoryFactory(chapter=open_chapter, title=title, body="moestuin")
        for title in ("Oud", "Midden", "Nieuw")
    )
    Story.objects.filter(pk=old.pk).update(published_at=old.published_at - timedelta(days=2))
    Story.objects.filter(pk=middle.pk).update(published_at=old.published_at - timedelta(days=1))
    found = [r.pk for r in search(query="moestuin", user=UserFactory()) if r.kind == "story"]
    assert sorted(found) == sorted([middle.pk, new.pk])


# ---- SQLite: every word somewhere, title matches first -----------------------------


@elsewhere
def test_every_word_must_occur(client, open_chapter):
    StoryFactory(chapter=open_chapter, title="Tuin met geld", body="Moestuin met subsidie.")
    StoryFactory(chapter=open_chapter, title="Tuin zonder geld", body="Moestuin, zelf gedaan.")
    html = _find(client, "moestuin subsidie")
    assert "Tuin met geld" in html and "Tuin zonder geld" not in html


@elsewhere
def test_title_matches_first_then_newest(open_chapter):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    StoryFactory(
        chapter=open_chapter, title="Oud", body="moestuin", published_at=now - timedelta(2)
    )
    StoryFactory(chapter=open_chapter, title="Nieuw", body="moestuin", published_at=now)
    StoryFactory(
        chapter=open_chapter, title="De moestuin", body="iets", published_at=now - timedelta(9)
    )
    results = search(query="Moestuin", user=UserFactory())
    details_add("Moestuin", results)
    assert [r.title for r in results] == ["De moestuin", "Nieuw", "Oud"]


@elsewhere
def test_matching_ignores_case(client, open_chapter):
    StoryFactory(chapter=open_chapter, title="BUURTKAMER", body="x")
    assert "BUURTKAMER" in _find(client, "buurtkamer")


def test_members_of_another_book_are_not_searched(client, open_chapter):
    other = ChapterFactory(title="Ander boek, zelfde woord", body="participatieraad")
    MembershipFactory()
    assert other.title not in _find(client, "participatieraad")
