"""A published edition as an EPUB 3 file (ebooklib), built from the edition's own
copies only, so the file says what the edition said when it was published.

Layout: the cover (when the book had one), the navigation document, a title page with
the introduction, one XHTML document per chapter (its illustration, text and the
stories the edition carries, each with its author's credit), and the colophon.

The texts are the site's HTML, made to stand on their own in the file: an image from the
site's uploads is carried inside it (any other image, or one that cannot be read, gives
way to its alt text), and a relative link points where it pointed on the edition's web
page, since the EPUB holds no such page. Links to an id in the same document stay.

Members-only chapters: a reader without a copy gets them as the site shows them, title
and summary with a note that the text is for members; members get everything. The
view decides which (editions.views.edition_epub)."""

import hashlib
import io
import mimetypes
import uuid
from datetime import UTC
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _
from ebooklib import epub
from PIL import Image, UnidentifiedImageError

from core.markdown import is_upload_url
from core.site_url import absolute_url

from .models import EDITION_STORIES, Edition, organisations_credited

STYLESHEET = """\
body { font-family: serif; line-height: 1.5; }
h1 { font-size: 1.6em; margin: 0 0 .5em; }
.chapter-number, .credit, .edition-label { font-style: italic; }
.summary { font-size: 1.05em; }
.members-only { border: 1px solid #888; padding: .5em 1em; }
.story { margin-top: 2em; padding-top: 1em; border-top: 1px solid #ccc; }
figure { margin: 1em 0; text-align: center; }
img { max-width: 100%; }
ins { text-decoration: underline; }
del { text-decoration: line-through; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.diff-passage { margin: .5em 0 1em; padding-left: 1em; border-left: 3px solid #ccc; }
"""


def _file_bytes(field_file) -> bytes | None:
    if not field_file:
        return None
    try:
        with field_file.open("rb") as source:
            return source.read()
    except OSError:
        return None


def _image_item(uid: str, name: str, data: bytes) -> epub.EpubImage:
    item = epub.EpubImage(uid=uid, file_name=name, content=data)
    item.media_type = mimetypes.guess_type(name)[0] or "image/jpeg"
    return item


# Image types every EPUB reading system shows (core media types): Pillow's name for the
# format, and the suffix that gives the file its media type in the manifest.
EPUB_IMAGE_SUFFIXES: dict[str | None, str] = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif"}


class _Contents:
    """What the file carries besides its documents: images by their name in the file,
    and the uploads already taken in (by their storage name)."""

    def __init__(self, book: epub.EpubBook):
        self.book = book
        self.images: set[str] = set()
        self.uploads: dict[str, str | None] = {}

    def add_image(self, uid: str, name: str, data: bytes) -> str:
        self.book.add_item(_image_item(uid, name, data))
        self.images.add(name)
        return name

    def upload(self, url: str) -> str | None:
        """The name in the file of the upload at `url`, taken in on first use; None when
        it is not a readable image of a type that EPUB readers show."""
        storage_name = unquote(urlsplit(url).path.removeprefix(settings.MEDIA_URL))
        if storage_name not in self.uploads:
            self.uploads[storage_name] = self._take_in(storage_name)
        return self.uploads[storage_name]

    def _take_in(self, storage_name: str) -> str | None:
        try:
            with default_storage.open(storage_name, "rb") as source:
                data = source.read()
            with Image.open(io.BytesIO(data)) as image:
                suffix = EPUB_IMAGE_SUFFIXES.get(image.format)
        except (OSError, SuspiciousOperation, UnidentifiedImageError, Image.DecompressionBombError):
            return None
        if suffix is None:
            return None
        digest = hashlib.sha256(storage_name.encode()).hexdigest()[:16]
        return self.add_image(f"upload-{digest}", f"images/upload-{digest}{suffix}", data)

    def settle(self, html: str, *, page_url: str) -> str:
        """`html` as it can stand in the file: see the module's docstring."""
        root = lxml.html.fragment_fromstring(html, create_parent="div")
        ids = {element.get("id") for element in root.iter() if element.get("id")}
        for image in list(root.iter("img")):
            src = image.get("src") or ""
            name = src if src in self.images else self.upload(src) if is_upload_url(src) else None
            if name:
                image.set("src", name)
            else:
                image.tail = (image.get("alt") or "") + (image.tail or "")
                image.drop_tree()
        for link in root.iter("a"):
            href = link.get("href")
            if href is None or (href.startswith("#") and href[1:] in ids):
                continue
            link.set("href", iri_to_uri(urljoin(page_url, href.strip())))
        return (
            lxml.html.tostring(root, encoding="unicode")
            .removeprefix("<div>")
            .removesuffix("</div>")
        )


def _page(uid: str, file_name: str, title: str, html: str, style) -> epub.EpubHtml:
    page = epub.EpubHtml(uid=uid, title=title, file_name=file_name, lang="nl")
    page.content = html
    page.add_item(style)
    return page


def _site_url(path: str) -> str:
    return absolute_url(path)


def build_edition_epub(*, edition: Edition, members_only_content: bool) -> bytes:
    variant = "all" if members_only_content else "open"
    book = epub.EpubBook()
    book.set_identifier(
        f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'edition/{edition.pk}/{edition.slug}/{variant}')}"
    )
    book.set_title(f"{edition.title} · {edition.label}")
    book.set_language("nl")
    book.add_author(settings.SITE_NAME)
    book.add_metadata("DC", "publisher", settings.SITE_NAME)
    book.add_metadata("DC", "date", edition.date.isoformat())

    style = epub.EpubItem(
        uid="style", file_name="style/book.css", media_type="text/css", content=STYLESHEET
    )
    book.add_item(style)
    contents = _Contents(book)

    spine: list = []
    cover = _file_bytes(edition.cover)
    if cover:
        book.set_cover(f"images/cover{Path(edition.cover.name or '').suffix.lower()}", cover)
        spine.append("cover")
    spine.append("nav")

    chapters = list(edition.chapters.prefetch_related(EDITION_STORIES))
    title_page = _page(
        "title-page",
        "title.xhtml",
        edition.title,
        contents.settle(
            render_to_string(
                "editions/epub_title.html",
                {"edition": edition, "organisations": organisations_credited(chapters)},
            ),
            page_url=_site_url(edition.get_absolute_url()),
        ),
        style,
    )
    book.add_item(title_page)
    spine.append(title_page)

    toc = [epub.Link("title.xhtml", edition.label, "toc-title")]
    changed = [chapter for chapter in chapters if chapter.changes]
    if changed:
        changes_page = _page(
            "changes",
            "changes.xhtml",
            _("Wat is er veranderd sinds de vorige tussenstand"),
            contents.settle(
                render_to_string(
                    "editions/_changes.html",
                    {
                        "edition": edition,
                        "changed": changed,
                        "members": members_only_content,
                        "level": 1,
                    },
                ),
                page_url=_site_url(edition.get_absolute_url()),
            ),
            style,
        )
        book.add_item(changes_page)
        spine.append(changes_page)
        toc.append(
            epub.Link(
                "changes.xhtml", _("Wat is er veranderd sinds de vorige tussenstand"), "toc-changes"
            )
        )
    for chapter in chapters:
        can_read = chapter.is_open or members_only_content
        illustration = None
        if can_read:
            data = _file_bytes(chapter.illustration)
            if data:
                illustration = contents.add_image(
                    f"image-{chapter.pk}",
                    f"images/chapter-{chapter.pk}{Path(chapter.illustration.name or '').suffix.lower()}",
                    data,
                )
        page = _page(
            f"chapter-{chapter.pk}",
            f"chapter-{chapter.number:02d}-{chapter.pk}.xhtml",
            chapter.title,
            contents.settle(
                render_to_string(
                    "editions/epub_chapter.html",
                    {
                        "chapter": chapter,
                        "can_read": can_read,
                        "illustration": illustration,
                        "stories": chapter.stories.all() if can_read else [],
                    },
                ),
                page_url=_site_url(chapter.get_absolute_url()),
            ),
            style,
        )
        book.add_item(page)
        spine.append(page)
        toc.append(epub.Link(page.file_name, f"{chapter.number}. {chapter.title}", page.id))

    if edition.dissent.exists():
        dissent_page = _page(
            "dissent",
            "dissent.xhtml",
            _("Tegengeluid"),
            contents.settle(
                render_to_string(
                    "editions/_dissent.html",
                    {"edition": edition, "members": members_only_content, "level": 1},
                ),
                page_url=_site_url(edition.get_absolute_url()),
            ),
            style,
        )
        book.add_item(dissent_page)
        spine.append(dissent_page)
        toc.append(epub.Link("dissent.xhtml", _("Tegengeluid"), "toc-dissent"))

    if edition.colophon_html:
        colophon = _page(
            "colophon",
            "colophon.xhtml",
            _("Colofon"),
            contents.settle(
                render_to_string("editions/epub_colophon.html", {"edition": edition}),
                page_url=_site_url(edition.get_absolute_url()),
            ),
            style,
        )
        book.add_item(colophon)
        spine.append(colophon)
        toc.append(epub.Link("colophon.xhtml", _("Colofon"), "toc-colophon"))

    book.toc = toc
    book.spine = spine
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())

    modified = (edition.published_at or timezone.now()).astimezone(UTC)
    out = io.BytesIO()
    epub.write_epub(out, book, {"mtime": modified, "raise_exceptions": True})
    return out.getvalue()
