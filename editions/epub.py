"""A published edition as an EPUB 3 file (ebooklib), built from the edition's own
copies only, so the file says what the edition said when it was published.

Layout: the cover (when the book had one), the navigation document, a title page with
the introduction, one XHTML document per chapter (its illustration, text and the
stories the edition carries, each with its author's credit), and the colophon.

Members-only chapters: a reader without a copy gets them as the site shows them, title
and summary with a note that the text is for members; members get everything. The
view decides which (editions.views.edition_epub)."""

import io
import mimetypes
import uuid
from datetime import UTC
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from ebooklib import epub

from .models import Edition

STYLESHEET = """\
body { font-family: serif; line-height: 1.5; }
h1 { font-size: 1.6em; margin: 0 0 .5em; }
.chapter-number, .credit, .edition-label { font-style: italic; }
.summary { font-size: 1.05em; }
.members-only { border: 1px solid #888; padding: .5em 1em; }
.story { margin-top: 2em; padding-top: 1em; border-top: 1px solid #ccc; }
figure { margin: 1em 0; text-align: center; }
img { max-width: 100%; }
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


def _page(uid: str, file_name: str, title: str, html: str, style) -> epub.EpubHtml:
    page = epub.EpubHtml(uid=uid, title=title, file_name=file_name, lang="nl")
    page.content = html
    page.add_item(style)
    return page


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

    spine: list = []
    cover = _file_bytes(edition.cover)
    if cover:
        book.set_cover(f"images/cover{Path(edition.cover.name).suffix.lower()}", cover)
        spine.append("cover")
    spine.append("nav")

    title_page = _page(
        "title-page",
        "title.xhtml",
        edition.title,
        render_to_string("editions/epub_title.html", {"edition": edition}),
        style,
    )
    book.add_item(title_page)
    spine.append(title_page)

    toc = [epub.Link("title.xhtml", edition.label, "toc-title")]
    for chapter in edition.chapters.prefetch_related("stories"):
        can_read = chapter.is_open or members_only_content
        illustration = None
        if can_read:
            data = _file_bytes(chapter.illustration)
            if data:
                illustration = (
                    f"images/chapter-{chapter.pk}{Path(chapter.illustration.name).suffix.lower()}"
                )
                book.add_item(_image_item(f"image-{chapter.pk}", illustration, data))
        page = _page(
            f"chapter-{chapter.pk}",
            f"chapter-{chapter.number:02d}-{chapter.pk}.xhtml",
            chapter.title,
            render_to_string(
                "editions/epub_chapter.html",
                {
                    "chapter": chapter,
                    "can_read": can_read,
                    "illustration": illustration,
                    "stories": chapter.stories.all() if can_read else [],
                },
            ),
            style,
        )
        book.add_item(page)
        spine.append(page)
        toc.append(epub.Link(page.file_name, f"{chapter.number}. {chapter.title}", page.id))

    if edition.colophon_html:
        colophon = _page(
            "colophon",
            "colophon.xhtml",
            _("Colofon"),
            render_to_string("editions/epub_colophon.html", {"edition": edition}),
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
