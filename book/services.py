"""Changes to the book: importing and exporting it as a folder of Markdown files.

The folder format (export writes it, import reads it back unchanged):

    book.md            front matter of the book; the body is the introduction
    colophon.md        the colophon, Markdown only
    chapters/*.md      one file a chapter: front matter + Markdown body
    images/            the cover and the chapters' illustrations

Front matter sits between two lines of three dashes, one `key: value` a line. A value
in double quotes is read as a JSON string, so any text survives the round trip.
"""

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import F
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from core.exports import iso_or_none

from .models import (
    Access,
    Book,
    Chapter,
    ImportRecord,
    ReadingPosition,
    RevisionSource,
)
from .revisions import chapter_history_begin, chapter_text_record

BOOK_KEYS = {"title", "subtitle", "edition_label", "cover", "cover_alt"}
BOOK_REQUIRED = {"title"}
CHAPTER_KEYS = {
    "title",
    "slug",
    "order",
    "access",
    "summary",
    "published",
    "illustration",
    "illustration_alt",
}
CHAPTER_REQUIRED = {"title", "slug", "order"}
SLUG_RE = re.compile(r"^[-a-z0-9_]+$")
TRUE_WORDS, FALSE_WORDS = {"true", "yes", "ja"}, {"false", "no", "nee"}


class BookFormatError(Exception):
    """A file in an import folder that cannot be read; names the file and the line."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass
class Document:
    path: Path
    meta: dict[str, str]
    meta_lines: dict[str, int]
    body: str


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_in_folder: list[str] = field(default_factory=list)
    # With keep_edits: the parts ("book", chapter slugs) changed since the import wrote
    # them, left as they are; and the chapters it made once that are gone now.
    kept: list[str] = field(default_factory=list)
    not_recreated: list[str] = field(default_factory=list)


def parse_document(path: Path, *, front_matter: bool = True) -> Document:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BookFormatError(path, None, _("het bestand is geen UTF-8-tekst")) from exc
    text = text.replace("\r\n", "\n")
    if not front_matter:
        return Document(path, {}, {}, text)
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise BookFormatError(path, 1, _("het bestand moet beginnen met '---' (front matter)"))
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            body = "\n".join(lines[number:])
            return Document(path, meta, meta_lines, body.removeprefix("\n"))
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or not key:
            raise BookFormatError(
                path,
                number,
                _("verwacht 'sleutel: waarde', gevonden: %(line)s") % {"line": line.strip()},
            )
        if key in meta:
            raise BookFormatError(path, number, _("'%(key)s' staat er twee keer") % {"key": key})
        value = value.strip()
        if value.startswith('"'):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                raise BookFormatError(
                    path, number, _("de tekst tussen aanhalingstekens is niet goed afgesloten")
                ) from exc
            if not isinstance(value, str):
                raise BookFormatError(path, number, _("verwacht een tekst"))
        meta[key] = value
        meta_lines[key] = number
    raise BookFormatError(path, 1, _("de front matter wordt niet afgesloten met '---'"))


def _check_keys(doc: Document, allowed: set[str], required: set[str]) -> None:
    for key in doc.meta:
        if key not in allowed:
            raise BookFormatError(
                doc.path,
                doc.meta_lines[key],
                _("onbekende sleutel '%(key)s' (toegestaan: %(allowed)s)")
                % {"key": key, "allowed": ", ".join(sorted(allowed))},
            )
    for key in sorted(required):
        if not doc.meta.get(key):
            raise BookFormatError(doc.path, 1, _("'%(key)s' ontbreekt") % {"key": key})


def _read_image(doc: Document, key: str, folder: Path) -> tuple[str, bytes] | None:
    name = doc.meta.get(key)
    if not name:
        return None
    path = (folder / name).resolve()
    if folder.resolve() not in path.parents or not path.is_file():
        raise BookFormatError(
            doc.path, doc.meta_lines[key], _("afbeelding '%(name)s' niet gevonden") % {"name": name}
        )
    data = path.read_bytes()
    try:
        with Image.open(path) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise BookFormatError(
            doc.path, doc.meta_lines[key], _("'%(name)s' is geen afbeelding") % {"name": name}
        ) from exc
    return Path(name).name, data


@dataclass
class ChapterData:
    doc: Document
    fields: dict
    illustration: tuple[str, bytes] | None


def _chapter_data(doc: Document, folder: Path) -> ChapterData:
    _check_keys(doc, CHAPTER_KEYS, CHAPTER_REQUIRED)
    meta = doc.meta
    if not SLUG_RE.match(meta["slug"]):
        raise BookFormatError(
            doc.path,
            doc.meta_lines["slug"],
            _("slug mag alleen kleine letters, cijfers en streepjes bevatten"),
        )
    try:
        order = int(meta["order"])
        if not 0 < order < 32768:
            raise ValueError
    except ValueError as exc:
        raise BookFormatError(
            doc.path, doc.meta_lines["order"], _("order moet een heel getal vanaf 1 zijn")
        ) from exc
    access = meta.get("access", Access.MEMBERS)
    if access not in Access.values:
        raise BookFormatError(
            doc.path, doc.meta_lines["access"], _("access moet 'open' of 'members' zijn")
        )
    published = meta.get("published", "true").lower()
    if published not in TRUE_WORDS | FALSE_WORDS:
        raise BookFormatError(
            doc.path, doc.meta_lines["published"], _("published moet true of false zijn")
        )
    return ChapterData(
        doc=doc,
        fields={
            "title": meta["title"],
            "slug": meta["slug"],
            "number": order,
            "access": access,
            "summary": meta.get("summary", ""),
            "is_published": published in TRUE_WORDS,
            "illustration_alt": meta.get("illustration_alt", ""),
            "body": doc.body,
        },
        illustration=_read_image(doc, "illustration", folder),
    )


def _same_file(field_file: FieldFile, data: bytes) -> bool:
    if not field_file:
        return False
    try:
        with field_file.open("rb") as handle:
            return hashlib.sha256(handle.read()).digest() == hashlib.sha256(data).digest()
    except OSError:
        return False


def _apply(
    instance: models.Model, fields: dict, image_field: str, image: tuple[str, bytes] | None
) -> bool:
    changed = False
    for name, value in fields.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    current = getattr(instance, image_field)
    if image is None and current:
        setattr(instance, image_field, "")
        changed = True
    elif image is not None and not _same_file(current, image[1]):
        current.save(image[0], ContentFile(image[1]), save=False)
        # FieldFile.save does not fill an ImageField's width and height fields.
        current.field.update_dimension_fields(instance, force=True)
        changed = True
    return changed


def _holds(
    instance: models.Model, fields: dict, image_field: str, image: tuple[str, bytes] | None
) -> bool:
    """Whether `instance` holds what the folder says already (what _apply would write)."""
    current = getattr(instance, image_field)
    same_image = not current if image is None else _same_file(current, image[1])
    return same_image and all(getattr(instance, name) == value for name, value in fields.items())


def _written_digest(instance: models.Model, names: Iterable[str], image_field: str) -> str:
    """A digest of the fields an import writes, as `instance` holds them now; the image
    by its stored name (a replaced or removed picture changes the name)."""
    values = {name: getattr(instance, name) for name in names}
    values[image_field] = getattr(instance, image_field).name or ""
    encoded = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


def _edited(
    instance: models.Model,
    part: str,
    fields: dict,
    image_field: str,
    image: tuple[str, bytes] | None,
    records: dict[str, str],
) -> bool:
    """Whether a part of the book changed since an import with keep_edits wrote it: it
    holds neither what that import wrote (the recorded digest) nor what the folder says
    now. A part without a record (loaded before imports kept them) counts as edited
    unless it holds the folder's content."""
    if records.get(part) == _written_digest(instance, fields, image_field):
        return False
    return not _holds(instance, fields, image_field, image)


def _record(book: Book, part: str, digest: str, records: dict[str, str]) -> None:
    """Remember `digest` for `part` (written only when it changed, so that a run that
    changes nothing writes nothing)."""
    if records.get(part) != digest:
        ImportRecord.objects.update_or_create(book=book, part=part, defaults={"digest": digest})


def book_import(*, folder: Path, keep_edits: bool = False) -> ImportResult:
    """Read the whole folder, check every file, then write it all in one transaction:
    a bad file stops the import before anything is saved.

    `keep_edits` (load_demo): on a new book everything is made; on a book that exists,
    a part (the book's own fields, a chapter) is updated only while it still holds what
    the previous such import wrote there, so a curator's edits stay (`result.kept`); a
    chapter new to the folder is made, but one the import made before and that is gone
    now is not made again (`result.not_recreated`)."""
    folder = Path(folder)
    if not (folder / "book.md").is_file():
        raise BookFormatError(folder / "book.md", None, _("bestand ontbreekt"))
    book_doc = parse_document(folder / "book.md")
    _check_keys(book_doc, BOOK_KEYS, BOOK_REQUIRED)
    cover = _read_image(book_doc, "cover", folder)
    colophon_path = folder / "colophon.md"
    colophon = (
        parse_document(colophon_path, front_matter=False).body if colophon_path.is_file() else ""
    )

    chapter_files = sorted((folder / "chapters").glob("*.md"))
    if not chapter_files:
        raise BookFormatError(folder / "chapters", None, _("geen hoofdstukken (*.md) gevonden"))
    chapters = [_chapter_data(parse_document(path), folder) for path in chapter_files]
    seen_slugs: dict[str, Path] = {}
    seen_orders: dict[int, Path] = {}
    for data in chapters:
        for seen, key, value in (
            (seen_slugs, "slug", data.fields["slug"]),
            (seen_orders, "order", data.fields["number"]),
        ):
            if value in seen:
                raise BookFormatError(
                    data.doc.path,
                    data.doc.meta_lines[key],
                    _("%(key)s '%(value)s' staat ook in %(other)s")
                    % {"key": key, "value": value, "other": seen[value].name},
                )
            seen[value] = data.doc.path

    result = ImportResult()
    with transaction.atomic():
        book = Book.objects.current() or Book()
        book_is_new = book.pk is None
        # What earlier imports with keep_edits wrote, {part: digest} ("" for a chapter
        # that is gone); None: this import overwrites.
        records = None
        if keep_edits and not book_is_new:
            records = dict(ImportRecord.objects.filter(book=book).values_list("part", "digest"))
        book_fields = {
            "title": book_doc.meta["title"],
            "subtitle": book_doc.meta.get("subtitle", ""),
            "edition_label": book_doc.meta.get("edition_label", ""),
            "cover_alt": book_doc.meta.get("cover_alt", ""),
            "introduction": book_doc.body,
            "colophon": colophon,
        }
        if records is not None and _edited(book, "book", book_fields, "cover", cover, records):
            result.kept.append("book")
        else:
            if _apply(book, book_fields, "cover", cover) or book_is_new:
                book.save()
            if keep_edits:
                digest = _written_digest(book, book_fields, "cover")
                _record(book, "book", digest, records or {})
        existing = {c.slug: c for c in Chapter.objects.select_for_update().filter(book=book)}
        # Numbers may be swapped between chapters; no constraint stands in the way.
        for data in chapters:
            slug = data.fields["slug"]
            part = f"chapter:{slug}"
            chapter = existing.pop(slug, None)
            is_new = chapter is None
            if records is not None and is_new and (not records or part in records):
                # Made before and gone now: a curator deleted it. (No records at all: a
                # book loaded before imports kept them, which cannot tell; from now on
                # the chapter is known as gone.)
                result.not_recreated.append(slug)
                _record(book, part, "", records)
                continue
            if records is not None and chapter is not None:
                if _edited(chapter, part, data.fields, "illustration", data.illustration, records):
                    result.kept.append(slug)
                    continue
            if chapter is not None:
                # Its text as it stands is revision 1, if its history begins here.
                chapter_history_begin(chapter=chapter)
            chapter = chapter or Chapter(book=book)
            if _apply(chapter, data.fields, "illustration", data.illustration) or is_new:
                chapter.save()
                chapter_text_record(chapter=chapter, user=None, source=RevisionSource.IMPORT)
                (result.created if is_new else result.updated).append(slug)
            else:
                result.unchanged.append(slug)
            if keep_edits:
                digest = _written_digest(chapter, data.fields, "illustration")
                _record(book, part, digest, records or {})
        result.not_in_folder = sorted(existing)
    return result


def imported_chapter_slugs(*, book: Book) -> set[str]:
    """The slugs of the chapters imports with keep_edits wrote into `book`, whether
    they are still there or were deleted since (load_demo_stories leaves the demo
    stories of a deleted demo chapter out rather than put them under another)."""
    parts = ImportRecord.objects.filter(book=book, part__startswith="chapter:")
    return {part.removeprefix("chapter:") for part in parts.values_list("part", flat=True)}


def _front_matter(pairs: list[tuple[str, str]]) -> str:
    lines = ["---"]
    for key, value in pairs:
        plain = value == value.strip() and value and '"' not in value[:1] and "\n" not in value
        lines.append(f"{key}: {value if plain else json.dumps(value, ensure_ascii=False)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def _export_image(field_file: FieldFile, images: Path, prefix: str) -> str:
    if not field_file.name:
        return ""
    name = f"{prefix}-{Path(field_file.name).name}"
    with field_file.open("rb") as handle:
        (images / name).write_bytes(handle.read())
    return f"images/{name}"


def book_export(*, folder: Path) -> int:
    """Write the current book to `folder` in the import format; returns the chapter count."""
    folder = Path(folder)
    book = Book.objects.current()
    if book is None:
        raise BookFormatError(folder, None, _("er is nog geen boek om te exporteren"))
    images = folder / "images"
    (folder / "chapters").mkdir(parents=True, exist_ok=True)
    images.mkdir(exist_ok=True)
    pairs = [("title", book.title)]
    for key in ("subtitle", "edition_label"):
        if getattr(book, key):
            pairs.append((key, getattr(book, key)))
    if book.cover:
        pairs += [
            ("cover", _export_image(book.cover, images, "cover")),
            ("cover_alt", book.cover_alt),
        ]
    (folder / "book.md").write_text(
        _front_matter(pairs) + "\n" + book.introduction, encoding="utf-8"
    )
    (folder / "colophon.md").write_text(book.colophon, encoding="utf-8")
    chapters = list(book.chapters.order_by("number", "pk"))
    for chapter in chapters:
        pairs = [
            ("title", chapter.title),
            ("slug", chapter.slug),
            ("order", str(chapter.number)),
            ("access", chapter.access),
            ("published", "true" if chapter.is_published else "false"),
            ("summary", chapter.summary),
        ]
        if chapter.illustration:
            pairs += [
                ("illustration", _export_image(chapter.illustration, images, chapter.slug)),
                ("illustration_alt", chapter.illustration_alt),
            ]
        path = folder / "chapters" / f"{chapter.number:02d}-{chapter.slug}.md"
        path.write_text(_front_matter(pairs) + "\n" + chapter.body, encoding="utf-8")
    return len(chapters)


def reading_position_record(
    *, user: User, chapter: Chapter, section: str | None = None
) -> ReadingPosition:
    """Remember where `user` is reading. `section=None` (opening the chapter page) keeps a
    section already stored for the same chapter; an unknown section (not a heading of this
    chapter) is dropped rather than stored, so the way back never points nowhere.

    The first chapter for members the reader opens is recorded with the place, in the
    same statement (`first_members_chapter_at`): no query more, and none at all once it
    is known and the place is unchanged."""
    # Most page views reopen the chapter the reader is already in: a plain read decides
    # that, so they take no write lock (on SQLite a write transaction serialises every
    # worker). Only a change takes the lock, and then reads the row again under it.
    current = ReadingPosition.objects.filter(user=user).first()
    wanted = _position_section(chapter, section, current)
    first_members = chapter.access == Access.MEMBERS and (
        current is None or current.first_members_chapter_at is None
    )
    if current is not None and not first_members:
        if (current.chapter_id, current.section) == (chapter.pk, wanted):
            current.chapter = chapter
            return current
    now = timezone.now()
    # One statement that inserts or updates: two first visits at once (two tabs, a
    # double click) would otherwise both insert, and the second fail on the unique user.
    # The first members' chapter is in the update only when this write sets it: an open
    # chapter never touches it, so a fact recorded meanwhile by another tab is kept.
    update_fields = ["chapter", "section", "updated_at"]
    if first_members:
        update_fields.append("first_members_chapter_at")
    ReadingPosition.objects.bulk_create(
        [
            ReadingPosition(
                user=user,
                chapter=chapter,
                section=wanted,
                updated_at=now,
                first_members_chapter_at=now if first_members else None,
            )
        ],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=update_fields,
    )
    position = ReadingPosition.objects.get(user=user)
    position.chapter = chapter
    return position


def _position_section(
    chapter: Chapter, section: str | None, position: ReadingPosition | None
) -> str:
    if section is None:
        section = position.section if position and position.chapter_id == chapter.pk else ""
    return section if section in {s["id"] for s in chapter.sections} else ""


def chapter_stories_changed(*, chapters: Iterable[Chapter | int] | None = None) -> None:
    """Something shown beneath `chapters` (chapter objects or pks; None: every chapter)
    changed: a story, its reactions or replies, an author's name. Raises their
    `stories_version`, which the cached story fragments and counts are keyed by. Call it
    in the transaction that makes the change, so the two are seen together."""
    queryset = Chapter.objects.all()
    if chapters is not None:
        pks = {chapter if isinstance(chapter, int) else chapter.pk for chapter in chapters}
        if not pks:
            return
        queryset = queryset.filter(pk__in=pks)
    queryset.update(stories_version=F("stories_version") + 1)


def reading_position_export(*, user: User) -> dict | None:
    """The reader's saved place and when they first opened a chapter for members, for
    their data download (community.privacy). Both go with the account: the row cascades
    when the user is deleted."""
    position = ReadingPosition.objects.select_related("chapter").filter(user=user).first()
    if position is None:
        return None
    return {
        "chapter": position.chapter.title,
        "chapter_number": position.chapter.number,
        "section": position.section,
        "updated_at": iso_or_none(position.updated_at),
        "first_members_chapter_at": iso_or_none(position.first_members_chapter_at),
    }
