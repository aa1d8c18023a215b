import io
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import PurePosixPath

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from book.models import Access
from editions.models import Edition, EditionStory
from editions.services import (
    EditionError,
    edition_create,
    edition_publish,
    edition_stories_choose,
)
from stories.models import Status
from tests.editions.conftest import png
from tests.factories import (
    ChapterFactory,
    EditionFactory,
    StoryFactory,
)

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "x": "http://www.w3.org/1999/xhtml",
}


# ---- Services ----------------------------------------------------------------------


@pytest.mark.django_db
def test_publish_copies_published_chapters_and_chosen_stories(published, illustrated, curator):
    chapters = list(published.chapters.all())
    assert [c.title for c in chapters] == [c.title for c in illustrated.chapters]
    assert "Nog niet klaar" not in {c.title for c in chapters}
    assert published.is_published and published.published_at and published.published_by == curator
    assert published.title == illustrated.book.title
    assert published.cover and published.cover.name != illustrated.book.cover.name
    assert chapters[0].illustration.name.startswith("editions/tussenstand-2027/")
    story = EditionStory.objects.get(title="Buurtbudget in Zwolle")
    assert story.chapter == chapters[0]
    assert story.member_number == 4242
    assert story.author_name == ""  # no chosen name: the credit gives the number
    assert story.credit() == "lid nr. 4242, Zwolle"
    assert story.municipality == "Zwolle"
    assertInHTML("<strong>het budget</strong>", story.body_html)
    assert not EditionStory.objects.filter(title="Gewoon gepubliceerd").exists()


@pytest.mark.django_db
def test_later_edits_never_change_a_published_edition(published, illustrated, client):
    slug = illustrated.chapters[0].slug
    page = client.get(reverse("editions:edition_chapter", args=[published.slug, slug]))
    before = {
        "rows": list(published.chapters.values("title", "body_html", "illustration")),
        "stories": list(EditionStory.objects.values("title", "body_html", "author_name")),
    }
    chapter = illustrated.chapters[0]
    chapter.title, chapter.body = "Herschreven titel", "Een heel andere tekst."
    chapter.illustration.save("nieuw.png", png("red"), save=False)
    chapter.save()
    story = illustrated.stories["open"]
    story.title, story.body_html, story.status = "Nieuwe titel", "<p>Anders</p>", Status.HIDDEN
    story.save()
    ChapterFactory(book=illustrated.book, number=9, title="Later hoofdstuk")

    after = {
        "rows": list(published.chapters.values("title", "body_html", "illustration")),
        "stories": list(EditionStory.objects.values("title", "body_html", "author_name")),
    }
    assert after == before
    again = client.get(reverse("editions:edition_chapter", args=[published.slug, chapter.slug]))
    assert again.content.decode().count("Herschreven titel") == 0
    assert "Buurtbudget in Zwolle" in again.content.decode()
    assert page.status_code == 200


@pytest.mark.django_db
def test_a_published_edition_refuses_further_changes(published, illustrated, curator):
    with pytest.raises(EditionError):
        edition_publish(edition=published, curator=curator)
    with pytest.raises(EditionError):
        edition_stories_choose(edition=published, stories=[], curator=curator)
    assert published.chapters.count() == len(illustrated.chapters)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.PENDING, Status.HIDDEN])
def test_only_featured_stories_can_be_chosen(illustrated, curator, status):
    edition = EditionFactory(book=illustrated.book)
    story = StoryFactory(chapter=illustrated.chapters[0], status=status)
    with pytest.raises(EditionError):
        edition_stories_choose(edition=edition, stories=[story], curator=curator)
    assert not edition.selected_stories.exists()


@pytest.mark.django_db
def test_a_chosen_story_hidden_before_publishing_stays_out(illustrated, curator):
    edition = EditionFactory(book=illustrated.book)
    story = illustrated.stories["open"]
    edition_stories_choose(edition=edition, stories=[story], curator=curator)
    story.status = Status.HIDDEN
    story.save()
    edition_publish(edition=edition, curator=curator)
    assert not EditionStory.objects.exists()


@pytest.mark.django_db
def test_edition_names_are_unique(book, curator):
    edition_create(label="Tussenstand 2027", curator=curator)
    with pytest.raises(EditionError):
        edition_create(label="tussenstand 2027", curator=curator)


@pytest.mark.django_db
def test_publishing_needs_published_chapters(book, curator):
    edition = edition_create(label="Leeg", curator=curator)
    with pytest.raises(EditionError):
        edition_publish(edition=edition, curator=curator)
    edition.refresh_from_db()
    assert not edition.is_published


# ---- Reading -----------------------------------------------------------------------


@pytest.mark.django_db
def test_edition_contents_list_its_chapters_in_order(client, published):
    response = client.get(published.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    titles = [c.title for c in published.chapters.all()]
    positions = [html.index(title) for title in titles]
    assert positions == sorted(positions)
    assert "Tussenstand 2027" in html


@pytest.mark.django_db
def test_members_chapter_of_an_edition_is_for_members_only(client, published, illustrated, member):
    url = reverse("editions:edition_chapter", args=[published.slug, illustrated.chapters[2].slug])
    anonymous = client.get(url).content.decode()
    assert "Eerste alinea" not in anonymous
    assert "Alleen voor leden verteld" not in anonymous
    assert "Dit hoofdstuk is voor leden" in anonymous
    client.force_login(member)
    html = client.get(url).content.decode()
    assert "Eerste alinea" in html and "Alleen voor leden verteld" in html


@pytest.mark.django_db
def test_draft_editions_are_not_shown(client, book, chapters):
    edition = EditionFactory(book=book)
    assert client.get(edition.get_absolute_url()).status_code == 404
    assert client.get(reverse("editions:edition_epub", args=[edition.slug])).status_code == 404
    assert client.get(reverse("editions:edition_print", args=[edition.slug])).status_code == 404


@pytest.mark.django_db
def test_home_shows_the_latest_published_edition(client, published, illustrated, curator):
    draft = edition_create(label="Tussenstand 2030", curator=curator)
    html = client.get("/").content.decode()
    assert published.label in html and draft.label not in html
    assert published.get_absolute_url() in html


@pytest.mark.django_db
def test_edition_page_queries_do_not_grow_with_chapters(client, published, illustrated, curator):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(published.get_absolute_url()).status_code == 200
        return len(queries)

    small = count()
    edition = edition_create(label="Groter", curator=curator)
    for number in range(10, 16):
        ChapterFactory(book=illustrated.book, number=number)
    published = edition_publish(edition=edition, curator=curator)
    assert published.chapters.count() > 6
    assert count() == small


# ---- Print -------------------------------------------------------------------------


@pytest.mark.django_db
def test_print_edition_holds_every_chapter_in_order(client, published, member):
    client.force_login(member)
    response = client.get(reverse("editions:edition_print", args=[published.slug]))
    html = response.content.decode()
    slugs = [f'data-chapter="{c.slug}"' for c in published.chapters.all()]
    positions = [html.index(slug) for slug in slugs]
    assert positions == sorted(positions)
    assert html.count("Eerste alinea van het hoofdstuk.") == len(slugs)
    assert "Buurtbudget in Zwolle" in html and html.count("lid nr. 4242") == 1


@pytest.mark.django_db
def test_print_edition_leaves_members_text_out_for_others(client, published):
    html = client.get(reverse("editions:edition_print", args=[published.slug])).content.decode()
    open_count = published.chapters.filter(access=Access.OPEN).count()
    assert html.count("Eerste alinea van het hoofdstuk.") == open_count
    assert "Alleen voor leden verteld" not in html


@pytest.mark.django_db
def test_running_titles_are_escaped_css_strings(client, illustrated, curator):
    chapter = illustrated.chapters[0]
    chapter.title = 'Samen "maken" } body { color: red'
    chapter.save()
    edition = edition_publish(
        edition=edition_create(label="Met aanhalingstekens", curator=curator), curator=curator
    )
    response = client.get(reverse("editions:edition_print_css", args=[edition.slug]))
    assert response["Content-Type"].startswith("text/css")
    css = response.content.decode()
    assert '"1. Samen \\22 maken\\22  } body { color: red"' in css
    assert css.count("@page chapter-") == edition.chapters.count()


# ---- EPUB --------------------------------------------------------------------------


def _epub(client, edition) -> zipfile.ZipFile:
    response = client.get(reverse("editions:edition_epub", args=[edition.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/epub+zip"
    return zipfile.ZipFile(io.BytesIO(response.getvalue()))


@pytest.mark.django_db
def test_epub_is_a_well_formed_epub3(client, published, member):
    client.force_login(member)
    epub = _epub(client, published)
    first = epub.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert epub.read("mimetype") == b"application/epub+zip"

    container = ET.fromstring(epub.read("META-INF/container.xml"))
    opf_path = container.find(".//c:rootfile", NS).get("full-path")
    opf = ET.fromstring(epub.read(opf_path))
    assert opf.get("version") == "3.0"
    metadata = opf.find("opf:metadata", NS)
    assert "Tussenstand 2027" in metadata.find("dc:title", NS).text
    assert metadata.find("dc:language", NS).text == "nl"
    assert metadata.find("dc:identifier", NS).text.startswith("urn:uuid:")
    modified = [
        m for m in metadata.findall("opf:meta", NS) if m.get("property") == "dcterms:modified"
    ]
    assert len(modified) == 1 and modified[0].text.endswith("Z")

    base = PurePosixPath(opf_path).parent
    names = set(epub.namelist())
    manifest = opf.findall("opf:manifest/opf:item", NS)
    for item in manifest:
        assert str(base / item.get("href")) in names, item.get("href")
    assert any("nav" in (item.get("properties") or "") for item in manifest)
    assert any("cover-image" in (item.get("properties") or "") for item in manifest)

    documents = [item for item in manifest if item.get("media-type") == "application/xhtml+xml"]
    chapter_docs = [item for item in documents if item.get("href").startswith("chapter-")]
    assert len(chapter_docs) == published.chapters.count()
    images = 0
    for item in documents:
        tree = ET.fromstring(epub.read(str(base / item.get("href"))))
        for img in tree.iter(f"{{{NS['x']}}}img"):
            images += 1
            assert str(base / img.get("src")) in names
    assert images >= 1  # the first chapter's illustration

    everything = b"".join(epub.read(str(base / item.get("href"))) for item in chapter_docs)
    assert b"Buurtbudget in Zwolle" in everything and everything.count(b"lid nr. 4242") == 1
    assert b"Alleen voor leden verteld" in everything


@pytest.mark.django_db
def test_epub_for_others_carries_open_chapters_only(client, published):
    epub = _epub(client, published)
    text = b"".join(epub.read(name) for name in epub.namelist() if name.endswith(".xhtml"))
    open_count = published.chapters.filter(access=Access.OPEN).count()
    assert text.count(b"Eerste alinea van het hoofdstuk.") == open_count
    assert b"Alleen voor leden verteld" not in text
    assert b"Dit hoofdstuk is voor leden" in text
    for chapter in published.chapters.all():
        assert chapter.title.encode() in text  # every chapter is still in the contents


def _epubcheck(data: bytes, tmp_path) -> subprocess.CompletedProcess:
    path = tmp_path / "editie.epub"
    path.write_bytes(data)
    # Debian's /usr/bin/epubcheck is a link to the jar itself: run it with java.
    jar = os.path.realpath(shutil.which("epubcheck"))
    command = ["java", "-jar", jar] if jar.endswith(".jar") else [jar]
    return subprocess.run(
        [*command, str(path)], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.django_db
@pytest.mark.skipif(not shutil.which("epubcheck"), reason="epubcheck is not installed")
def test_epub_passes_epubcheck(client, published, member, tmp_path):
    client.force_login(member)
    response = client.get(reverse("editions:edition_epub", args=[published.slug]))
    result = _epubcheck(response.getvalue(), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


# Every kind of link and image a member can type, in a story; the chapter links to its
# own section and shows an upload.
UNRULY_STORY = """\
Bel [ons](tel:+31612345678) of [mail](mailto:redactie@example.org); [ftp](ftp://x.example),
[leeg](), [code](/exemplaar/code/ABC/), [relatief](foto.png), [nergens](#nergens),
[vraag](?pagina=2), [elders](//example.org/pad), <https://example.org/auto>.

![Code](/exemplaar/code/ABC/) ![Extern plaatje](https://example.org/foto.png)
![De buurt]({upload}) ![Verdwenen]({missing}) ![Data](data:image/png;base64,iVBORw0KGgo=)
[![Gelinkt]({upload})](https://example.org/) ![Terug](/media/../hoofdstuk/x/)

<img src="https://example.org/x.png" onerror="alert(1)"> <a href="/exemplaar/">rauw</a>

1. een [link](tel:112)
    - twee ![](https://example.org/naamloos.png)
        1. drie

| Wie | Waar |
|-----|------|
| [bel](tel:0201234567) | ![Kaart]({upload}) |

## Kop met ![plaatje](https://example.org/kop.png)

> citaat ![Nog eens]({upload})
"""


@pytest.fixture
def unruly(illustrated, curator):
    upload = default_storage.url(default_storage.save("stories/buurt.png", png("olive")))
    chapter = illustrated.chapters[0]
    chapter.body = f"## Begin\n\n[Terug naar het begin](#begin)\n\n![Kaart van de buurt]({upload})"
    chapter.save()
    story = StoryFactory(
        chapter=chapter,
        title="Alles wat je kunt typen",
        body=UNRULY_STORY.format(upload=upload, missing=f"{settings.MEDIA_URL}stories/weg.png"),
        status=Status.FEATURED,
    )
    edition = edition_create(label="Tussenstand 2029", curator=curator)
    edition_stories_choose(edition=edition, stories=[story], curator=curator)
    return edition_publish(edition=edition, curator=curator)


@pytest.mark.django_db
def test_epub_carries_uploads_and_points_links_at_the_site(client, unruly, member):
    client.force_login(member)
    epub = _epub(client, unruly)
    chapter = unruly.chapters.get(number=1)
    name = next(n for n in epub.namelist() if n.endswith(f"-{chapter.pk}.xhtml"))
    page = ET.fromstring(epub.read(name))
    base = PurePosixPath(name).parent
    ids = {element.get("id") for element in page.iter() if element.get("id")}

    images = [img.get("src") for img in page.iter(f"{{{NS['x']}}}img")]
    assert all(str(base / src) in epub.namelist() for src in images)
    # The illustration, and the one upload (shown five times) carried once.
    assert len(set(images)) == 2 and len(images) == 6

    links = [a.get("href") for a in page.iter(f"{{{NS['x']}}}a")]
    for href in links:
        assert href.startswith(("https:", "http:", "mailto:", "tel:")) or href[1:] in ids, href
    page_url = settings.SITE_URL + chapter.get_absolute_url()
    assert "#begin" in links
    assert settings.SITE_URL + "/exemplaar/code/ABC/" in links
    assert page_url + "foto.png" in links and page_url + "#nergens" in links
    assert "tel:+31612345678" in links and "https://example.org/auto" in links

    text = "".join(page.itertext())
    assert "Extern plaatje" in text and "Verdwenen" in text and "ftp" in text


@pytest.mark.django_db
@pytest.mark.skipif(not shutil.which("epubcheck"), reason="epubcheck is not installed")
def test_epub_of_every_kind_of_link_and_image_passes_epubcheck(client, unruly, member, tmp_path):
    client.force_login(member)
    response = client.get(reverse("editions:edition_epub", args=[unruly.slug]))
    result = _epubcheck(response.getvalue(), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


# ---- Curators' pages ---------------------------------------------------------------


@pytest.mark.django_db
def test_curator_creates_chooses_and_publishes_an_edition(client, curator, illustrated):
    client.force_login(curator)
    response = client.post(
        reverse("editions:edition_list"), {"label": "Tussenstand 2028", "notes": "Na de zomer"}
    )
    edition = Edition.objects.get(label="Tussenstand 2028")
    assert response.status_code == 302
    assert response["Location"] == reverse("editions:edition_curate", args=[edition.slug])
    page = client.get(response["Location"]).content.decode()
    assert "Buurtbudget in Zwolle" in page and "Gewoon gepubliceerd" not in page

    story = illustrated.stories["open"]
    client.post(response["Location"], {"stories": [story.pk]})
    assert list(edition.selected_stories.all()) == [story]

    client.post(reverse("editions:edition_publish", args=[edition.slug]))
    edition.refresh_from_db()
    assert edition.is_published
    assert EditionStory.objects.filter(chapter__edition=edition).count() == 1
    # Published: the curators' page now leads to the read-only edition.
    again = client.get(reverse("editions:edition_curate", args=[edition.slug]))
    assert again.status_code == 302 and again["Location"] == edition.get_absolute_url()
