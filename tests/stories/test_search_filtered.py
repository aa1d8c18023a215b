"""A search filtered by organisation or province looks among that organisation's (or
province's) stories before it keeps its best MAX_RESULTS: the matches of others, however
many and however well they rank, never push the filtered ones out. On both databases
(full-text search on PostgreSQL, the FTS5 index on SQLite)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stories import search as search_module
from stories.search import search
from tests.factories import OrganisationFactory, StoryFactory
from tests.markup import texts

pytestmark = pytest.mark.django_db

SEARCH = reverse("stories:search")
KEPT = 3


@pytest.fixture
def crowded(open_chapter, monkeypatch):
    """More matches than a search keeps (MAX_RESULTS lowered to KEPT, and on PostgreSQL
    the newest matches ranked lowered to one more): newer stories of nobody in
    particular with the word in their title, and behind them, older and with the word in
    their text only, the stories of a wijkbedrijf in Overijssel."""
    monkeypatch.setattr(search_module, "MAX_RESULTS", KEPT)
    monkeypatch.setattr(search_module, "RANK_CANDIDATES", KEPT + 1)
    now = timezone.now()
    for n in range(2 * KEPT):
        StoryFactory(
            chapter=open_chapter,
            title=f"De buurtkamer {n}",
            body="Over de buurtkamer.",
            published_at=now - timedelta(hours=n),
        )
    elsewhere = OrganisationFactory(province="UT")
    StoryFactory(
        chapter=open_chapter,
        title="Bij de buren",
        body="Ook een buurtkamer.",
        organisation=elsewhere,
        published_at=now - timedelta(days=1),
    )
    wijkbedrijf = OrganisationFactory(province="OV")
    for n in range(2):
        StoryFactory(
            chapter=open_chapter,
            title=f"Ons verhaal {n}",
            body="Wij openden een buurtkamer.",
            organisation=wijkbedrijf,
            published_at=now - timedelta(days=10 + n),
        )
    return wijkbedrijf


def _titles(results) -> list[str]:
    return sorted(result.title for result in results)


def test_the_unfiltered_search_keeps_the_best_only(crowded):
    results = search(query="buurtkamer", user=AnonymousUser())
    stories = [result for result in results if result.kind == "story"]
    assert len(stories) == KEPT
    assert not {"Ons verhaal 0", "Ons verhaal 1"} & {result.title for result in stories}


def test_filtering_by_organisation_finds_its_matches_beyond_the_best(crowded):
    results = search(query="buurtkamer", user=AnonymousUser(), organisation=crowded)
    search_module.details_add("buurtkamer", results)  # the titles, on SQLite
    assert _titles(results) == ["Ons verhaal 0", "Ons verhaal 1"]
    assert {result.kind for result in results} == {"story"}


def test_filtering_by_province_finds_its_matches_beyond_the_best(crowded):
    results = search(query="buurtkamer", user=AnonymousUser(), province="OV")
    search_module.details_add("buurtkamer", results)
    assert _titles(results) == ["Ons verhaal 0", "Ons verhaal 1"]

    both = search(query="buurtkamer", user=AnonymousUser(), organisation=crowded, province="UT")
    assert both == []


def test_the_filter_still_keeps_at_most_max_results(crowded, open_chapter):
    for n in range(KEPT):
        StoryFactory(
            chapter=open_chapter,
            title=f"Nog een {n}",
            body="Weer een buurtkamer.",
            organisation=crowded,
            published_at=timezone.now() - timedelta(days=20 + n),
        )
    results = search(query="buurtkamer", user=AnonymousUser(), organisation=crowded)
    assert len(results) == KEPT


def _page(client, params: dict) -> tuple[int, list[str]]:
    caches["long-tail"].clear()  # rendered again, not the page kept for anonymous readers
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, params)
    assert response.status_code == 200
    return len(queries), sorted(texts(response, ".search-result__title a"))


def test_the_search_page_filtered_finds_them_in_as_many_queries_however_many_match(
    client, crowded, open_chapter
):
    params = {"q": "buurtkamer", "organisatie": crowded.pk}
    few, found = _page(client, params)
    assert found == ["Ons verhaal 0", "Ons verhaal 1"]

    for n in range(20):
        StoryFactory(chapter=open_chapter, title=f"Meer buurtkamer {n}", body="Buurtkamer.")
        StoryFactory(chapter=open_chapter, body="Een buurtkamer.", organisation=crowded)

    many, found = _page(client, params)
    assert len(found) == KEPT
    assert many == few
