"""Search on SQLite: the FTS5 indexes of migration stories 0006 and the triggers that
keep them in step with the stories and chapters, whatever writes them; what a question
becomes (whole words, case and accents aside, never FTS5 syntax); the order, the cap and
a fixed number of queries. Who finds what is in test_search.py, for both databases."""

import importlib
import random
import re
import unicodedata
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django.asserts import assertInHTML

from book.models import Access
from stories import search as search_module
from stories.models import Status, Story, story_url
from stories.moderation import story_moderate
from stories.search import details_add, search, words_of
from stories.writing import story_update
from tests.factories import ChapterFactory, StoryFactory, UserFactory
from tests.markup import inner_html, select

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="the FTS5 indexes are SQLite's; PostgreSQL has its own",
    ),
]

migration = importlib.import_module("stories.migrations.0006_sqlite_search_index")


def _found(query, user=None):
    """The titles of the stories found, in their order."""
    results = search(query=query, user=user or UserFactory())
    details_add(query, results)
    return [result.title for result in results if result.kind == "story"]


# ---- The indexes and their triggers -------------------------------------------------


def _search_objects():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name FROM sqlite_master WHERE name LIKE 'stories_search_%' "
            "AND name NOT LIKE '%_data' AND name NOT LIKE '%_idx' "
            "AND name NOT LIKE '%_config' AND name NOT LIKE '%_docsize' "
            "AND name NOT LIKE '%_content'"
        )
        return set(cursor.fetchall())


def test_the_indexes_and_their_triggers_are_there():
    # A migration that remakes stories_story or book_chapter drops their triggers.
    triggers = {
        ("trigger", f"stories_search_{table}_{event}")
        for table in ("story", "chapter")
        for event in ("insert", "delete", "update")
    }
    tables = {("table", "stories_search_story"), ("table", "stories_search_chapter")}
    assert _search_objects() == triggers | tables


def test_the_migration_fills_the_indexes_and_its_reverse_removes_them(open_chapter):
    StoryFactory(chapter=open_chapter, title="Zonnepanelen op het dak")
    StoryFactory(chapter=open_chapter, title="Zonnepanelen verborgen", status=Status.HIDDEN)
    open_chapter.body = "Over zonnepanelen."
    open_chapter.save()
    with connection.cursor() as cursor:
        for statement in migration.DROP:
            cursor.execute(statement)
        assert _search_objects() == set()
        for statement in migration.CREATE:
            cursor.execute(statement)
    results = search(query="zonnepanelen", user=UserFactory())
    details_add("zonnepanelen", results)
    assert [(r.kind, r.title) for r in results] == [
        ("story", "Zonnepanelen op het dak"),
        ("chapter", open_chapter.title),
    ]


def test_a_story_is_found_after_each_change_and_not_after_its_end(open_chapter):
    story = StoryFactory(chapter=open_chapter, title="Het zonnedak", body="Over de buurt.")
    assert _found("zonnedak") == ["Het zonnedak"]

    story.title, story.body = "De windmolen", "Over zonnepanelen."
    story.save()
    assert _found("zonnedak") == []
    assert _found("windmolen") == _found("zonnepanelen") == ["De windmolen"]

    story.municipality = "Gemeente Wilgendaal"
    story.save()
    assert _found("wilgendaal") == ["De windmolen"]

    story.delete()
    assert _found("windmolen") == []


def test_only_published_and_featured_stories_are_in_the_index(open_chapter, curator):
    story = StoryFactory(chapter=open_chapter, title="Het zonnedak", status=Status.PENDING)
    assert _found("zonnedak") == []
    story_moderate(story=story, curator=curator, action="approve")
    assert _found("zonnedak") == ["Het zonnedak"]
    story_moderate(story=story, curator=curator, action="feature")
    assert _found("zonnedak") == ["Het zonnedak"]
    story_moderate(story=story, curator=curator, action="hide", reason="Persoonlijk.")
    assert _found("zonnedak") == []
    story_moderate(story=story, curator=curator, action="restore")
    assert _found("zonnedak") == ["Het zonnedak"]
    Story.objects.filter(pk=story.pk).update(status=Status.DRAFT)
    assert _found("zonnedak") == []


def test_an_edit_through_the_service_is_found(open_chapter):
    story = StoryFactory(chapter=open_chapter, title="Het zonnedak")
    StoryFactory(chapter=open_chapter, author=story.author)  # trusted: another approved story
    story_update(story=story, editor=story.author.user, title="De windmolen", body="Wind.")
    assert _found("zonnedak") == []
    assert _found("windmolen") == ["De windmolen"]


def test_bulk_inserts_and_updates_are_indexed_too(open_chapter):
    # seed_load writes with bulk_create; admin actions with QuerySet.update.
    Story.objects.bulk_create(
        StoryFactory.build(chapter=open_chapter, author=None, title=f"Zonnedak {n}")
        for n in range(3)
    )
    assert sorted(_found("zonnedak")) == ["Zonnedak 0", "Zonnedak 1", "Zonnedak 2"]
    Story.objects.filter(title="Zonnedak 1").update(title="Windmolen 1")
    assert sorted(_found("zonnedak")) == ["Zonnedak 0", "Zonnedak 2"]
    assert _found("windmolen") == ["Windmolen 1"]


def test_a_story_moved_to_a_chapter_for_members_is_found_by_members_only(
    open_chapter, members_chapter, member
):
    story = StoryFactory(chapter=open_chapter, title="Het zonnedak")
    story.chapter = members_chapter
    story.save()
    assert _found("zonnedak") == []
    assert _found("zonnedak", member) == ["Het zonnedak"]


def test_a_new_publication_date_moves_a_story_in_the_order(open_chapter, monkeypatch):
    now = timezone.now()
    older = StoryFactory(chapter=open_chapter, title="Eerste zonnedak", published_at=now)
    StoryFactory(chapter=open_chapter, title="Tweede zonnedak", published_at=now - timedelta(1))
    assert _found("zonnedak") == ["Eerste zonnedak", "Tweede zonnedak"]
    older.published_at = now - timedelta(2)
    older.save()
    assert _found("zonnedak") == ["Tweede zonnedak", "Eerste zonnedak"]
    # Only the newest are read: which those are is the index's order.
    monkeypatch.setattr(search_module, "MAX_RESULTS", 1)
    assert _found("zonnedak") == ["Tweede zonnedak"]


def test_the_chapter_index_follows_the_chapters(open_chapter):
    open_chapter.body = "Over de **windmolen** in de polder."
    open_chapter.save()
    assert [r.title for r in search(query="windmolen", user=UserFactory())] == [open_chapter.title]
    open_chapter.body = "Over iets anders."
    open_chapter.save()
    assert search(query="windmolen", user=UserFactory()) == []
    ChapterFactory(book=open_chapter.book, summary="Een windmolen.", access=Access.OPEN)
    with connection.cursor() as cursor:
        # External content: FTS5 compares the index with book_chapter itself.
        cursor.execute(
            "INSERT INTO stories_search_chapter (stories_search_chapter, rank)"
            " VALUES ('integrity-check', 1)"
        )
    assert len(search(query="windmolen", user=UserFactory())) == 1


# ---- What a question finds ----------------------------------------------------------


def test_words_are_found_whole_case_and_accents_aside(open_chapter):
    StoryFactory(chapter=open_chapter, title="Koffie in het CAFÉ", body="Bij de moestuin.")
    assert _found("cafe") == _found("Café") == _found("moestuin") == ["Koffie in het CAFÉ"]
    assert _found("tuin") == []  # a word, not a piece of one


def test_markdown_and_punctuation_are_no_part_of_a_word(open_chapter):
    StoryFactory(chapter=open_chapter, title="Zo", body="Het **buurtbudget** (ook: *geld*).")
    assert _found("buurtbudget") == _found('"geld"') == _found("(geld)") == ["Zo"]


def test_a_word_in_a_story_cannot_pass_for_a_chapter_or_a_title(open_chapter, members_chapter):
    # The index marks a title's words and the chapter with private-use characters; the
    # same characters in what a member wrote count for neither.
    mark, chapter_mark = search_module.HEADING_MARK, search_module.CHAPTER_MARK
    now = timezone.now()
    StoryFactory(
        chapter=members_chapter,
        title="Voor leden",
        body=f"zonnedak {chapter_mark}{open_chapter.pk}",
    )
    StoryFactory(
        chapter=open_chapter,
        title="Nieuw",
        body=f"{mark}zonnedak zonnedak",
        published_at=now,
    )
    StoryFactory(
        chapter=open_chapter, title="Het zonnedak", body="x", published_at=now - timedelta(9)
    )
    assert _found("zonnedak") == ["Het zonnedak", "Nieuw"]


def test_words_of_a_question_are_letters_and_digits_only():
    assert words_of('"Samen" -maken OR (buurt*) NEAR/3 title:x e-mail café x') == [
        "samen",
        "maken",
        "buurt",
        "near",
        "3",
        "title",
        "x",
        "e",
        "mail",
        "café",
    ]
    assert words_of("\ue002zonnedak \ue0031 * : - ( ) \u0301") == ["zonnedak", "1"]


def test_title_matches_first_then_the_newest_up_to_the_cap(open_chapter, monkeypatch):
    monkeypatch.setattr(search_module, "MAX_RESULTS", 4)
    now = timezone.now()
    for n in range(3):
        StoryFactory(
            chapter=open_chapter,
            title=f"Zonnedak {n}",
            published_at=now - timedelta(days=10 + n),
        )
    for n in range(3):
        StoryFactory(
            chapter=open_chapter,
            title=f"Verhaal {n}",
            body="Over een zonnedak.",
            published_at=now - timedelta(days=n),
        )
    assert _found("zonnedak") == ["Zonnedak 0", "Zonnedak 1", "Zonnedak 2", "Verhaal 0"]
    monkeypatch.setattr(search_module, "MAX_RESULTS", 2)
    assert _found("zonnedak") == ["Zonnedak 0", "Zonnedak 1"]


def test_snippets_mark_words_whatever_their_accents(client, open_chapter):
    StoryFactory(chapter=open_chapter, title="Koffie", body="Eerst naar het Café, dan cafés.")
    response = client.get(reverse("stories:search"), {"q": "cafe"})
    (snippet,) = select(response, ".search-result__snippet")
    assertInHTML("Eerst naar het <mark>Café</mark>, dan cafés.", inner_html(snippet))


def test_a_search_page_takes_the_same_four_queries_however_much_is_found(
    client, open_chapter, django_assert_num_queries
):
    # The chapters' versions (the key of the page anonymous readers share, rendered here:
    # the cache is emptied), the readable chapters with those that match, the stories
    # with a word in the title, then the others, and the stories on the page.
    StoryFactory.create_batch(3, chapter=open_chapter, body="De buurtkamer.")
    with django_assert_num_queries(5):
        html_page = client.get(reverse("stories:search"), {"q": "buurtkamer"}).content.decode()
    assert html_page.count('class="search-result ') == 3
    StoryFactory.create_batch(40, chapter=open_chapter, body="De buurtkamer.")
    caches["long-tail"].clear()  # where searches are kept (core.cache)
    with django_assert_num_queries(5):
        html_page = client.get(reverse("stories:search"), {"q": "buurtkamer"}).content.decode()
    assert html_page.count('class="search-result ') == 20


def test_links_to_stories_are_those_of_the_story_itself(open_chapter):
    story = StoryFactory(chapter=open_chapter, title="Één bankje, twee: zó!")
    for language in ("nl", "en"):
        with translation.override(language):
            results = search(query="bankje", user=UserFactory())
            details_add("bankje", results)
            assert [r.url for r in results] == [story.get_absolute_url()]
            assert results[0].url == story_url(story.pk, story.title)
    untitled = StoryFactory(chapter=open_chapter, title="!!!", body="Een bankje.")
    results = search(query="bankje", user=UserFactory())
    details_add("bankje", results)
    assert untitled.get_absolute_url() in [r.url for r in results]


# ---- Whatever is asked, and whatever was written --------------------------------------

NASTY = [
    '"',
    '""',
    '"zonnedak',
    'zonnedak"',
    "*",
    "zonnedak*",
    "NEAR(zonnedak buurt)",
    "NEAR",
    "AND",
    "zonnedak OR",
    "NOT zonnedak",
    "-",
    "-zonnedak",
    ":",
    "title:zonnedak",
    "heading:zonnedak",
    "chapter:1",
    "{title body}: zonnedak",
    "(",
    ")",
    "((zonnedak",
    "^zonnedak",
    "zonnedak + buurt",
    "\ue002zonnedak",
    "\ue0031",
    "\u0301",
    "é",
    "🙂",
    "ǅ İstanbul ß",
    "\\",
    "'",
    "%",
    "%s",
    "%%s",
    "?",
    "' OR 1=1 --",
    "zonnedak " * 50,
    "x" * 1000,
]

question = st.one_of(
    st.sampled_from(NASTY),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=12)), max_size=12).map(" ".join),
)


@pytest.fixture
def corpus(open_chapter, members_chapter):
    StoryFactory(chapter=open_chapter, title="Het zonnedak", body="Van de buurt.")
    StoryFactory(chapter=members_chapter, title="Ledenverhaal", body="zonnedak buurt")
    StoryFactory(chapter=open_chapter, title="Concept", body="zonnedak", status=Status.DRAFT)
    return {story.pk for story in Story.objects.filter(chapter=open_chapter).published()}


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(question)
def test_no_question_breaks_the_search_or_shows_what_it_may_not(client, corpus, text):
    results = search(query=text, user=AnonymousUser())
    details_add(text, results)
    assert {r.pk for r in results if r.kind == "story"} <= corpus
    for result in results:
        assert result.url and "<" not in re.sub("</?mark>", "", result.snippet)
    response = client.get(reverse("stories:search"), {"q": text})
    assert response.status_code == 200


# ---- Against a model: every word, whole, case and accents aside --------------------

VOCABULARY = ["bankje", "Bankje", "bánkje", "bankjes", "moestuin", "tuin", "café", "CAFE", "de"]


def _bare(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


@pytest.fixture
def library(open_chapter):
    rng, now = random.Random(7), timezone.now()
    stories = []
    for n in range(30):
        stories.append(
            StoryFactory(
                chapter=open_chapter,
                title=" ".join(rng.choices(VOCABULARY, k=rng.randint(1, 3))),
                body=" ".join(rng.choices(VOCABULARY, k=rng.randint(0, 4))),
                municipality=rng.choice(["", "De Tuin"]),
                published_at=now - timedelta(hours=rng.randint(0, 5), minutes=n),
            )
        )
    return stories


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from([*VOCABULARY, "-", '"', "*", "OR"]), min_size=1, max_size=3))
def test_stories_found_are_those_with_every_word(library, words):
    query = " ".join(words)
    wanted = {_bare(word) for word in words_of(query)}
    expected = []
    for story in library:
        title = {_bare(w) for w in story.title.split()}
        text = title | {_bare(w) for w in f"{story.body} {story.municipality}".split()}
        if wanted and wanted <= text:
            expected.append((bool(wanted & title), story.published_at, story.pk, story.title))
    expected.sort(reverse=True)
    assert _found(query) == [title for *_key, title in expected]
