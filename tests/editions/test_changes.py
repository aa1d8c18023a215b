""" "Wat is er veranderd sinds de vorige tussenstand" (editions.changes): an edition
records the revision of each chapter it holds and, from the second edition on, says per
chapter which sections changed, in the web edition, the print edition and the EPUB."""

import io
import shutil
import zipfile

import pytest
from django.urls import reverse

from book.models import Access
from book.revisions import chapter_save_text
from editions.changes import changes_since
from editions.services import edition_create, edition_publish
from tests.clients import signed_in
from tests.editions.test_editions import _epubcheck
from tests.factories import ChapterFactory
from tests.markup import one, select, text, texts

pytestmark = pytest.mark.django_db

BODY = "## Begin\n\nEerste alinea van het hoofdstuk.\n\n## Verder\n\nTweede alinea."


def _publish(label, curator):
    return edition_publish(edition=edition_create(label=label, curator=curator), curator=curator)


def _edit(chapter, curator, body, base=1, title=None):
    return chapter_save_text(
        chapter=chapter,
        user=curator,
        title=title or chapter.title,
        body=body,
        message="Bijgewerkt.",
        base_revision=base,
    )


@pytest.fixture
def two_editions(chapters, curator):
    """A first edition, then an open and a members' chapter edited, then a second."""
    first = _publish("Tussenstand 2026", curator)
    _edit(
        chapters[0], curator, BODY.replace("Tweede alinea.", "Tweede alinea, nu met open verschil.")
    )
    _edit(
        chapters[2], curator, BODY.replace("Eerste alinea", "Geheime ledenwijziging in de alinea")
    )
    second = _publish("Tussenstand 2027", curator)
    return first, second


def test_an_edition_records_the_revision_of_each_chapter_it_holds(chapters, curator):
    _edit(chapters[0], curator, BODY + " Erbij.")
    edition = _publish("Tussenstand 2026", curator)
    held = {copy.chapter_id: copy.revision_number for copy in edition.chapters.all()}
    assert held[chapters[0].pk] == 2
    assert held[chapters[1].pk] == 1
    assert all(copy.revision.body == copy.chapter.body for copy in edition.chapters.all())


def test_the_first_edition_has_nothing_to_compare_with(client, chapters, curator):
    edition = _publish("Tussenstand 2026", curator)
    assert edition.compared_with is None
    assert not any(copy.changes for copy in edition.chapters.all())
    assert select(client.get(edition.get_absolute_url()), "#wat-is-er-veranderd") == []


def test_the_second_edition_says_per_section_what_changed(client, two_editions, chapters):
    first, second = two_editions
    assert second.compared_with == first
    copy = second.chapters.get(chapter=chapters[0])
    assert copy.changes["revision_from"] == 1 and copy.changes["revision_to"] == 2
    assert [s["title"] for s in copy.changes["sections"]] == ["Verder"]
    assert copy.changes["taken_up"] == []
    assert not second.chapters.get(chapter=chapters[1]).changes  # unchanged

    response = client.get(second.get_absolute_url())
    section = one(response, "#wat-is-er-veranderd")
    headings = texts(section, "h3")
    assert headings == [f"Hoofdstuk 1: {chapters[0].title}", f"Hoofdstuk 3: {chapters[2].title}"]
    open_part = select(section, ".edition-changes__chapter")[0]
    assert texts(open_part, "li > p") == ["Verder: 5 woorden toegevoegd, 1 woord verwijderd"]
    assert texts(open_part, ".diff-passage ins") == ["toegevoegd: alinea, nu met open verschil."]
    assert texts(open_part, ".diff-passage del") == ["verwijderd: alinea."]


@pytest.mark.parametrize("audience", ["anonymous", "member"])
def test_a_members_chapters_changes_are_read_by_members_only(two_editions, audience, member):
    _first, second = two_editions
    client = signed_in(member if audience == "member" else None)
    secret = "Geheime ledenwijziging"
    pages = [
        client.get(second.get_absolute_url()).content.decode(),
        client.get(reverse("editions:edition_print", args=[second.slug])).content.decode(),
    ]
    epub = client.get(reverse("editions:edition_epub", args=[second.slug]))
    with zipfile.ZipFile(io.BytesIO(epub.getvalue())) as archive:
        assert "EPUB/changes.xhtml" in archive.namelist()
        pages.append(archive.read("EPUB/changes.xhtml").decode())
    for page in pages:
        assert "open verschil" in page
        assert (secret in page) == (audience == "member")
        assert ("Dit hoofdstuk is veranderd. Wat er veranderde, lezen leden." in page) == (
            audience == "anonymous"
        )


def test_a_chapter_new_since_the_previous_edition_is_new(client, chapters, curator, book):
    _publish("Tussenstand 2026", curator)
    added = ChapterFactory(book=book, number=9, access=Access.OPEN, title="Een nieuw hoofdstuk")
    second = _publish("Tussenstand 2027", curator)
    assert second.chapters.get(chapter=added).changes["is_new"] is True
    section = one(client.get(second.get_absolute_url()), "#wat-is-er-veranderd")
    assert "Nieuw in deze tussenstand." in text(section)


def test_changes_since_leaves_room_for_the_suggestions_taken_up(two_editions):
    first, second = two_editions
    found = changes_since(first, second)
    assert [change.taken_up for change in found] == [[], []]
    assert changes_since(None, second) == []


@pytest.mark.skipif(not shutil.which("epubcheck"), reason="epubcheck is not installed")
def test_the_epub_with_its_changes_passes_epubcheck(client, two_editions, member, tmp_path):
    _first, second = two_editions
    for person in (None, member):
        response = signed_in(person).get(reverse("editions:edition_epub", args=[second.slug]))
        result = _epubcheck(response.getvalue(), tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
