"""Filters by organisation and province on "Nieuwste verhalen" and search (the
directory's are in tests/members/test_directory.py): combined with each page's own
filters, a constant number of queries, garbage a clear message and nothing shown."""

import pytest
from django.urls import reverse

from organisations.models import Organisation
from tests.clients import signed_in
from tests.factories import MembershipFactory, OrganisationFactory, StoryFactory, ThemeFactory
from tests.markup import hrefs, one, select, text, texts

pytestmark = pytest.mark.django_db

LATEST = reverse("stories:latest")
SEARCH = reverse("stories:search")
GARBAGE = ["999999", "9" * 5000, "abc", "-1", "0", " "]


def municipality(code: str) -> Organisation:
    return Organisation.objects.get(cbs_code=code)


@pytest.fixture
def stories(open_chapter):
    zwolle, deventer, utrecht = (municipality(c) for c in ("GM0193", "GM0150", "GM0344"))
    theme = ThemeFactory(slug="groen")
    made = {
        "zwolle": StoryFactory(chapter=open_chapter, title="Bankje Zwolle", organisation=zwolle),
        "deventer": StoryFactory(
            chapter=open_chapter, title="Bankje Deventer", organisation=deventer
        ),
        "utrecht": StoryFactory(chapter=open_chapter, title="Bankje Utrecht", organisation=utrecht),
        "none": StoryFactory(chapter=open_chapter, title="Bankje nergens"),
    }
    made["deventer"].themes.add(theme)
    return made


def titles(response) -> list[str]:
    return sorted(s.title for s in response.context["page"].object_list)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"organisatie": "zwolle"}, ["Bankje Zwolle"]),
        ({"provincie": "OV"}, ["Bankje Deventer", "Bankje Zwolle"]),
        ({"provincie": "UT"}, ["Bankje Utrecht"]),
        ({"provincie": "OV", "thema": "groen"}, ["Bankje Deventer"]),
        ({"provincie": "UT", "organisatie": "zwolle"}, []),
        ({"provincie": "LI"}, []),
    ],
)
@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_latest_filters_by_organisation_and_province(client, stories, query, expected, who):
    reader = client if who == "anonymous" else signed_in(MembershipFactory().user)
    if "organisatie" in query:
        query = {**query, "organisatie": stories[query["organisatie"]].organisation_id}
    for _round in range(2):  # the second from the cache
        response = reader.get(LATEST, query)
        assert response.status_code == 200
        shown = texts(response, "article.story-card .story-card__title")
        assert sorted(shown) == expected


def test_the_organisation_shows_as_a_chip_that_removes_only_it(client, stories):
    zwolle = stories["zwolle"].organisation
    response = client.get(LATEST, {"organisatie": zwolle.pk, "provincie": "OV", "pagina": "1"})
    (chip,) = select(response, ".filter-chip")
    assert "Organisatie: Zwolle" in text(chip)
    assert hrefs(chip) == ["?provincie=OV"]
    assert "OV" in [
        o.get("value") for o in select(response, "select[name=provincie] option[selected]")
    ]
    assert not select(client.get(LATEST), ".filter-chip")


@pytest.mark.parametrize("value", GARBAGE[:5])
def test_latest_with_an_unknown_organisation_says_so_and_shows_nothing(client, stories, value):
    merged = municipality("GM0166")
    merged.successor = stories["zwolle"].organisation
    merged.save()
    for given in (value, merged.pk):
        response = client.get(LATEST, {"organisatie": given})
        assert response.status_code == 200
        assert "Deze organisatie kennen we niet (meer)." in text(one(response, "main form"))
        assert not select(response, "article.story-card")


def test_latest_queries_do_not_grow_with_organisations_or_stories(
    open_chapter, django_assert_max_num_queries, curator
):
    """Curators get the page rendered for them alone: the real count of a filtered page."""
    zwolle = municipality("GM0193")
    reader = signed_in(curator)

    def add(count):
        for n in range(count):
            StoryFactory(
                chapter=open_chapter, organisation=zwolle if n % 2 else OrganisationFactory()
            )

    add(3)
    url = f"{LATEST}?organisatie={zwolle.pk}&provincie=OV"
    reader.get(url)
    with django_assert_max_num_queries(40) as small:
        reader.get(url)
    add(30)
    with django_assert_max_num_queries(40) as large:
        reader.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


def _results(response) -> list[str]:
    return sorted(texts(response, ".search-result__title a"))


def test_search_filters_stories_by_organisation_and_province(client, stories):
    zwolle = stories["zwolle"].organisation
    assert len(_results(client.get(SEARCH, {"q": "bankje"}))) == 4
    response = client.get(SEARCH, {"q": "bankje", "organisatie": zwolle.pk})
    assert _results(response) == ["Bankje Zwolle"]
    assert "Organisatie: Zwolle" in text(one(response, ".filter-chip"))
    response = client.get(SEARCH, {"q": "bankje", "provincie": "OV"})
    assert _results(response) == ["Bankje Deventer", "Bankje Zwolle"]
    # The question is kept in the box with the filters.
    assert one(response, "input[name=q]").get("value") == "bankje"


@pytest.mark.parametrize("value", GARBAGE)
def test_search_with_an_unknown_organisation_says_so_and_finds_nothing(client, stories, value):
    response = client.get(SEARCH, {"q": "bankje", "organisatie": value})
    assert response.status_code == 200
    if value.strip():
        assert "Deze organisatie kennen we niet (meer)." in text(one(response, "main form"))
        assert _results(response) == []
    else:
        assert len(_results(response)) == 4


def test_a_filtered_search_is_cached_apart_from_the_unfiltered_one(
    client, stories, django_assert_max_num_queries
):
    zwolle = stories["zwolle"].organisation
    client.get(SEARCH, {"q": "bankje", "organisatie": zwolle.pk})
    response = client.get(SEARCH, {"q": "bankje"})
    assert len(_results(response)) == 4
    with django_assert_max_num_queries(2):
        again = client.get(SEARCH, {"q": "bankje", "organisatie": zwolle.pk})
    assert _results(again) == ["Bankje Zwolle"]
