import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from book.models import Access, Book, Chapter
from book.services import BookFormatError, book_export, book_import

CHAPTER = """---
title: {title}
slug: {slug}
order: {order}
access: {access}
published: true
summary: Korte samenvatting.
---

## Kop

Tekst van {slug}.
"""


def _png(path: Path, colour="navy"):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 30), colour).save(path, "PNG")


def _write_book(folder: Path, chapters=(("Een", "een", 1, "open"), ("Twee", "twee", 2, "members"))):
    (folder / "chapters").mkdir(parents=True)
    _png(folder / "images" / "omslag.png")
    (folder / "book.md").write_text(
        '---\ntitle: Het boek\nsubtitle: "  met spaties  "\nedition_label: Tussenstand 2026\n'
        "cover: images/omslag.png\ncover_alt: Een omslag\n---\n\nDe *inleiding*.\n",
        encoding="utf-8",
    )
    (folder / "colophon.md").write_text("Gemaakt door de gemeenschap.\n", encoding="utf-8")
    for title, slug, order, access in chapters:
        (folder / "chapters" / f"{order:02d}-{slug}.md").write_text(
            CHAPTER.format(title=title, slug=slug, order=order, access=access), encoding="utf-8"
        )
    return folder


def _snapshot():
    book = Book.objects.get()
    chapters = [
        (
            c.number,
            c.title,
            c.slug,
            c.access,
            c.summary,
            c.body,
            c.is_published,
            c.illustration_alt,
            c.illustration.read() if c.illustration else b"",
        )
        for c in Chapter.objects.order_by("number")
    ]
    return (
        book.title,
        book.subtitle,
        book.edition_label,
        book.introduction,
        book.colophon,
        book.cover_alt,
        book.cover.read(),
    ), chapters


@pytest.mark.django_db
def test_import_creates_book_and_chapters(tmp_path):
    result = book_import(folder=_write_book(tmp_path / "in"))
    assert result.created == ["een", "twee"]
    book = Book.objects.get()
    assert book.subtitle == "  met spaties  "
    assert "<em>inleiding</em>" in book.introduction_html
    een = Chapter.objects.get(slug="een")
    assert een.access == Access.OPEN and een.is_published and een.number == 1
    assert een.sections == [{"id": "kop", "title": "Kop"}]


@pytest.mark.django_db
def test_import_twice_changes_nothing(tmp_path):
    folder = _write_book(tmp_path / "in")
    book_import(folder=folder)
    before = _snapshot()
    result = book_import(folder=folder)
    assert result.created == [] and result.updated == []
    assert result.unchanged == ["een", "twee"]
    assert _snapshot() == before


@pytest.mark.django_db
def test_export_then_import_round_trip_is_lossless(tmp_path):
    folder = _write_book(tmp_path / "in")
    _png(folder / "images" / "tafel.png", "orange")
    path = folder / "chapters" / "02-twee.md"
    path.write_text(
        path.read_text().replace(
            "summary:",
            'illustration: images/tafel.png\nillustration_alt: "Een tafel: van boven"\nsummary:',
        )
    )
    book_import(folder=folder)
    Chapter.objects.filter(slug="een").update(summary='"Citaat" met: dubbele punt')
    original = _snapshot()

    book_export(folder=tmp_path / "out")
    Chapter.objects.all().delete()
    Book.objects.all().delete()
    book_import(folder=tmp_path / "out")
    assert _snapshot() == original


@pytest.mark.django_db
def test_import_and_export_commands(tmp_path):
    out = io.StringIO()
    call_command("import_book", _write_book(tmp_path / "in"), stdout=out)
    assert "2 new" in out.getvalue()
    call_command("export_book", tmp_path / "out", stdout=out)
    assert (tmp_path / "out" / "chapters" / "01-een.md").is_file()
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_book", tmp_path / "out")


@pytest.mark.parametrize(
    ("mutate", "file_name", "line", "message"),
    [
        (lambda s: s.replace("---\n", "", 1), "01-een.md", 1, "moet beginnen met '---'"),
        (
            lambda s: s.replace("order: 1", "order: een"),
            "01-een.md",
            4,
            "order moet een heel getal",
        ),
        (lambda s: s.replace("access: open", "access: iedereen"), "01-een.md", 5, "access moet"),
        (lambda s: s.replace("slug: een", "slug: Een Twee"), "01-een.md", 3, "slug mag alleen"),
        (
            lambda s: s.replace("published: true", "published: misschien"),
            "01-een.md",
            6,
            "published",
        ),
        (
            lambda s: s.replace("summary:", "kleur: blauw\nsummary:"),
            "01-een.md",
            7,
            "onbekende sleutel 'kleur'",
        ),
        (
            lambda s: s.replace("summary: Korte", "summary Korte"),
            "01-een.md",
            7,
            "verwacht 'sleutel: waarde'",
        ),
        (lambda s: s.replace("title: Een\n", ""), "01-een.md", 1, "'title' ontbreekt"),
        (
            lambda s: s.replace("slug: een", "slug: twee"),
            "02-twee.md",
            3,
            "slug 'twee' staat ook in",
        ),
        (
            lambda s: s.replace("summary:", 'summary: "niet af\nx:'),
            "01-een.md",
            7,
            "aanhalingstekens",
        ),
        (
            lambda s: s.replace("summary:", "illustration: images/weg.png\nsummary:"),
            "01-een.md",
            7,
            "afbeelding 'images/weg.png' niet gevonden",
        ),
        (lambda s: s.split("\n---\n")[0] + "\n", "01-een.md", 1, "niet afgesloten"),
    ],
)
@pytest.mark.django_db
def test_malformed_file_names_file_and_line_and_imports_nothing(
    tmp_path, mutate, file_name, line, message
):
    folder = _write_book(tmp_path / "in")
    path = folder / "chapters" / "01-een.md"
    path.write_text(mutate(path.read_text()))
    with pytest.raises(BookFormatError) as caught:
        book_import(folder=folder)
    assert caught.value.path.name == file_name
    assert caught.value.line == line
    assert message in caught.value.message
    assert not Book.objects.exists() and not Chapter.objects.exists()


@pytest.mark.django_db
def test_bad_image_is_refused(tmp_path):
    folder = _write_book(tmp_path / "in")
    (folder / "images" / "omslag.png").write_bytes(b"<svg onload=alert(1)>")
    with pytest.raises(BookFormatError, match="geen afbeelding"):
        book_import(folder=folder)


@pytest.mark.django_db
def test_failed_import_leaves_existing_book_untouched(tmp_path):
    good = _write_book(tmp_path / "good")
    book_import(folder=good)
    before = _snapshot()
    bad = _write_book(
        tmp_path / "bad", chapters=(("Een nieuw", "een", 1, "open"), ("Drie", "drie", 3, "x"))
    )
    with pytest.raises(BookFormatError):
        book_import(folder=bad)
    assert _snapshot() == before


@pytest.mark.django_db
def test_import_command_reports_error_with_file_and_line(tmp_path):
    folder = _write_book(tmp_path / "in")
    path = folder / "chapters" / "02-twee.md"
    path.write_text(path.read_text().replace("order: 2", "order: -4"))
    with pytest.raises(CommandError, match=r"02-twee\.md:4: order moet .*nothing was imported"):
        call_command("import_book", folder)


@pytest.mark.django_db
def test_load_demo_is_idempotent():
    if not (Path("book/demo/book.md")).is_file():
        pytest.fail("the demo book folder book/demo is missing")
    call_command("load_demo", stdout=io.StringIO())
    first = _snapshot()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "0 chapters created, 0 updated" in out.getvalue()
    assert _snapshot() == first
    chapters = list(Chapter.objects.order_by("number"))
    assert len(chapters) >= 6
    assert [c.access for c in chapters[:2]] == [Access.OPEN, Access.OPEN]
    assert all(c.access == Access.MEMBERS for c in chapters[2:])
    assert all(c.word_count >= 400 for c in chapters)
    assert any(c.illustration for c in chapters)
    from stories.models import Story

    stories = Story.objects.count()
    assert stories >= 5
    call_command("load_demo", stdout=io.StringIO())
    assert Story.objects.count() == stories
