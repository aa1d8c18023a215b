"""Editions do not grow with the number of stories: choosing, publishing, the curators'
page and the downloads cost the same queries with 10 stories as with 1,000."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editions.builds import stored_build
from editions.models import Edition, EditionStory, EditionStoryCoauthor
from editions.services import edition_create, edition_publish, edition_stories_choose
from editions.views import CURATE_PER_PAGE
from stories.models import Status, Story
from tests.factories import (
    AffiliationFactory,
    MembershipFactory,
    OrganisationFactory,
    ProfileFactory,
    bulk_stories,
)


@pytest.fixture
def authors(db):
    """Two authors, one with a chosen name: credits read the profile."""
    return [ProfileFactory(display_name="Anna").membership, MembershipFactory()]


@pytest.fixture
def coauthors(db):
    """Two co-authors, one with a chosen name and an organisation she shows."""
    bram = ProfileFactory(display_name="Bram").membership
    AffiliationFactory(membership=bram, organisation=OrganisationFactory(name="Buurtkracht"))
    return [bram, MembershipFactory()]


def written_together(stories, coauthors) -> None:
    """Every one of `stories` written with all of `coauthors`, in one bulk insert."""
    Story.coauthors.through.objects.bulk_create(
        Story.coauthors.through(story_id=story, membership_id=coauthor.pk)
        for story in stories.values_list("pk", flat=True)
        for coauthor in coauthors
    )


@pytest.fixture
def draft(curator):
    return edition_create(label="Tussenstand 2027", curator=curator)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 1000])
def test_choosing_and_publishing_cost_the_same_queries_whatever_the_number_of_stories(
    count, chapters, authors, coauthors, curator, draft, client, session_queries
):
    featured = bulk_stories(count, chapter=chapters[0], status=Status.FEATURED, authors=authors)
    written_together(featured, coauthors)
    client.force_login(curator)
    with CaptureQueriesContext(connection) as choosing:
        response = client.post(
            reverse("editions:edition_curate", args=[draft.slug]),
            {"stories": list(featured.values_list("pk", flat=True))},
        )
    assert response.status_code == 302
    assert draft.selected_stories.count() == count
    with CaptureQueriesContext(connection) as publishing:
        response = client.post(reverse("editions:edition_publish", args=[draft.slug]))
    assert response["Location"] == draft.get_absolute_url()
    assert EditionStory.objects.filter(chapter__edition=draft).count() == count
    # Credits as published: the chosen name, else the member number alone.
    assert set(EditionStory.objects.values_list("author_name", "member_number")) == {
        ("Anna", authors[0].number),
        ("", authors[1].number),
    }
    # Every story's co-authors are credited, in the order the story shows them.
    assert list(
        EditionStoryCoauthor.objects.filter(story__chapter__edition=draft)
        .order_by("story", "position")
        .values_list("author_name", "member_number", "organisation__name")[:2]
    ) == [("Bram", coauthors[0].number, "Buurtkracht"), ("", coauthors[1].number, None)]
    assert EditionStoryCoauthor.objects.count() == 2 * count
    # Publishing: 25. It reads the version of each chapter it holds (and makes version
    # 1, in one insert, of those without a history), finds the previous edition, the
    # stories' co-authors (one query), the organisations all the authors show (one), the
    # meetings the stories came from (their credit) and the dissent for the
    # "Tegengeluid" appendix, and writes the stories and their co-authors' credits in
    # one insert each.
    assert (len(choosing), len(publishing)) == (11 + session_queries, 25 + session_queries)


@pytest.fixture
def published_with(chapters, authors, coauthors, curator, draft):
    """A published edition carrying `count` stories, each written with two co-authors
    (call it with the count)."""

    def publish(count):
        featured = bulk_stories(count, chapter=chapters[0], status=Status.FEATURED, authors=authors)
        written_together(featured, coauthors)
        edition_stories_choose(
            edition=draft, stories=featured.select_related("chapter"), curator=curator
        )
        return edition_publish(edition=draft, curator=curator)

    return publish


def _story_reads(queries) -> int:
    return sum('"editions_editionstory"' in query["sql"] for query in queries)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 1000])
@pytest.mark.parametrize("download", ["editions:edition_epub", "editions:edition_print"])
def test_a_download_is_built_once_and_then_sent_from_storage(
    count, download, published_with, client
):
    edition = published_with(count)
    url = reverse(download, args=[edition.slug])
    with CaptureQueriesContext(connection) as first:
        built = client.get(url).getvalue()
    with CaptureQueriesContext(connection) as second:
        again = client.get(url).getvalue()
    assert again == built
    if download.endswith("epub"):
        with zipfile.ZipFile(io.BytesIO(built)) as archive:
            built = b"".join(archive.read(name) for name in archive.namelist())
    assert f"Verhaal {count - 1}<".encode() in built
    # Every story credits its co-authors.
    assert built.count(b"Bram, lid nr. ") == count
    # The first download reads the stories once, and their co-authors once; the next
    # ones only find the edition.
    assert (_story_reads(first), _story_reads(second)) == (1, 0)
    assert sum('"editions_editionstorycoauthor"' in q["sql"] for q in first) == 1
    # And whether it has a "Tegengeluid" appendix.
    assert (len(first), len(second)) == (6, 1)


@pytest.mark.django_db
def test_a_copy_built_from_rows_that_erasure_changed_meanwhile_is_not_kept(published_with):
    edition = published_with(10)
    Edition.objects.filter(pk=edition.pk).update(version=2)  # committed during the build
    name = stored_build(edition=edition, members=False, suffix=".epub", build=lambda: b"old")
    assert name.endswith("/v2-open-nl.epub")
    assert not default_storage.exists(name.replace("/v2-", "/v1-"))


def _listed(response) -> list[str]:
    return [
        story.title for _chapter, stories in response.context["by_chapter"] for story, *_ in stories
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 1000])
def test_the_curators_choice_is_paged_in_queries_that_do_not_grow(
    count, chapters, authors, curator, draft, client, session_queries
):
    bulk_stories(count, chapter=chapters[0], status=Status.FEATURED, authors=authors)
    client.force_login(curator)
    url = reverse("editions:edition_curate", args=[draft.slug])
    client.get(url)  # the first request fills the process' caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"pagina": 2})
    page = response.context["page"]
    assert page.count == count
    # Past the end of a short list, its last page.
    assert len(_listed(response)) == min(count, CURATE_PER_PAGE)
    # The stories' co-authors in one query for the page.
    assert len(queries) == 12 + session_queries


@pytest.mark.django_db
def test_the_curators_choice_filters_by_chapter_and_by_choice_and_a_page_keeps_the_others(
    chapters, authors, curator, draft, client
):
    first = list(bulk_stories(3, chapter=chapters[0], status=Status.FEATURED, authors=authors))
    second = list(bulk_stories(2, chapter=chapters[1], status=Status.FEATURED, authors=authors))
    client.force_login(curator)
    url = reverse("editions:edition_curate", args=[draft.slug])
    edition_stories_choose(edition=draft, stories=[first[0]], curator=curator)

    # A page of chapter 2 is saved: the story chosen under chapter 1 stays chosen.
    only_second = f"{url}?hoofdstuk={chapters[1].pk}"
    page = client.get(only_second)
    assert [c.pk for c, _stories in page.context["by_chapter"]] == [chapters[1].pk]
    response = client.post(
        only_second, {"shown": [s.pk for s in second], "stories": [second[1].pk]}
    )
    assert response["Location"] == only_second
    assert set(draft.selected_stories.all()) == {first[0], second[1]}

    chosen = client.get(url, {"keuze": "gekozen"})
    assert sorted(_listed(chosen)) == sorted([first[0].title, second[1].title])
    assert chosen.context["chosen_count"] == 2
    not_chosen = client.get(url, {"keuze": "niet-gekozen", "hoofdstuk": chapters[0].pk})
    assert len(_listed(not_chosen)) == 2
    # Unticking a shown story takes it out.
    client.post(only_second, {"shown": [s.pk for s in second]})
    assert set(draft.selected_stories.all()) == {first[0]}


@pytest.mark.django_db
def test_a_filter_value_that_is_no_choice_is_named_and_narrows_nothing(
    chapters, authors, curator, draft, client
):
    bulk_stories(3, chapter=chapters[0], status=Status.FEATURED, authors=authors)
    client.force_login(curator)
    url = reverse("editions:edition_curate", args=[draft.slug])
    response = client.get(url, {"hoofdstuk": "999999", "keuze": "alles"})
    assert response.status_code == 200
    assert set(response.context["filters"].errors) == {"hoofdstuk", "keuze"}
    assert len(_listed(response)) == 3
