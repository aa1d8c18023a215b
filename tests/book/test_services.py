import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image
from pytest_django.asserts import assertInHTML

from book.models import Access, Book, Chapter, ImportRecord
from book.services import BookFormatError, book_export, book_import
from stories.models import Story

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
    assertInHTML("<em>inleiding</em>", book.introduction_html)
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
    stories = Story.objects.count()
    assert stories >= 5
    call_command("load_demo", stdout=io.StringIO())
    assert Story.objects.count() == stories


# ---- Imports that keep a curator's edits (load_demo) ---------------------------------


def _rewrite(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


@pytest.mark.django_db
def test_an_import_keeping_edits_updates_only_what_it_wrote_itself(tmp_path):
    folder = _write_book(tmp_path / "in")
    book_import(folder=folder, keep_edits=True)
    edited = Chapter.objects.get(slug="een")
    edited.title, edited.body = "Een, herschreven", "Wat de redactie ervan maakte."
    edited.save()
    # The demo folder changes too: both chapters and the book's introduction.
    for path in (folder / "chapters").glob("*.md"):
        _rewrite(path, "Tekst van", "Nieuwe tekst van")
    _rewrite(folder / "book.md", "De *inleiding*.", "Een nieuwe inleiding.")

    result = book_import(folder=folder, keep_edits=True)

    assert (result.updated, result.kept, result.created) == (["twee"], ["een"], [])
    edited.refresh_from_db()
    assert (edited.title, edited.body) == ("Een, herschreven", "Wat de redactie ervan maakte.")
    assert "Nieuwe tekst van twee." in Chapter.objects.get(slug="twee").body
    assert Book.objects.get().introduction == "Een nieuwe inleiding.\n"
    # Run again: the edit still stands, nothing else moves.
    again = book_import(folder=folder, keep_edits=True)
    assert (again.updated, again.kept, again.unchanged) == ([], ["een"], ["twee"])


@pytest.mark.django_db
def test_an_import_keeping_edits_leaves_an_edited_book_and_a_replaced_picture(tmp_path):
    folder = _write_book(tmp_path / "in")
    book_import(folder=folder, keep_edits=True)
    book = Book.objects.get()
    book.subtitle = "Door de redactie"
    book.save()
    _png(tmp_path / "eigen.png", "red")
    chapter = Chapter.objects.get(slug="twee")
    chapter.illustration.save("eigen.png", ContentFile((tmp_path / "eigen.png").read_bytes()))
    _rewrite(folder / "book.md", "title: Het boek", "title: Het nieuwe boek")

    result = book_import(folder=folder, keep_edits=True)

    assert result.kept == ["book", "twee"]
    book.refresh_from_db()
    assert (book.title, book.subtitle) == ("Het boek", "Door de redactie")
    assert Chapter.objects.get(slug="twee").illustration.name.endswith("eigen.png")


@pytest.mark.django_db
def test_an_import_keeping_edits_adds_new_chapters_but_not_deleted_ones(tmp_path):
    folder = _write_book(tmp_path / "in")
    book_import(folder=folder, keep_edits=True)
    Chapter.objects.get(slug="twee").delete()
    (folder / "chapters" / "03-drie.md").write_text(
        CHAPTER.format(title="Drie", slug="drie", order=3, access="members"), encoding="utf-8"
    )

    result = book_import(folder=folder, keep_edits=True)

    assert (result.created, result.not_recreated) == (["drie"], ["twee"])
    assert not Chapter.objects.filter(slug="twee").exists()
    assert book_import(folder=folder, keep_edits=True).not_recreated == ["twee"]


@pytest.mark.django_db
def test_a_book_loaded_before_imports_kept_records_keeps_its_edits_too(tmp_path):
    folder = _write_book(tmp_path / "in")
    book_import(folder=folder)  # as load_demo did before
    Chapter.objects.filter(slug="een").update(summary="Door de redactie.")
    Chapter.objects.get(slug="twee").delete()
    for path in (folder / "chapters").glob("*.md"):
        _rewrite(path, "Tekst van", "Nieuwe tekst van")

    first = book_import(folder=folder, keep_edits=True)
    second = book_import(folder=folder, keep_edits=True)

    # Nothing tells what the old import wrote: only a part that holds the folder's
    # content is the import's; anything else, and any gap, is the curator's.
    assert (first.kept, first.not_recreated, first.unchanged) == (["een"], ["twee"], [])
    assert (second.kept, second.not_recreated) == (["een"], ["twee"])
    assert Chapter.objects.get(slug="een").summary == "Door de redactie."
    assert ImportRecord.objects.filter(part="book").exists()


@pytest.mark.django_db
def test_an_import_without_keep_edits_still_overwrites(tmp_path):
    folder = _write_book(tmp_path / "in")
    book_import(folder=folder, keep_edits=True)
    Chapter.objects.filter(slug="een").update(title="Van de redactie")
    assert book_import(folder=folder).updated == ["een"]
    assert Chapter.objects.get(slug="een").title == "Een"


def _admin_edit(client, chapter, **changes):
    """Save `chapter` through its admin change form, as a curator does."""
    data = {
        "book": chapter.book_id,
        "number": chapter.number,
        "title": chapter.title,
        "slug": chapter.slug,
        "summary": chapter.summary,
        "body": chapter.body,
        "illustration_alt": chapter.illustration_alt,
        "access": chapter.access,
        "is_published": "on" if chapter.is_published else "",
        **changes,
    }
    response = client.post(reverse("admin:book_chapter_change", args=[chapter.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors


@pytest.mark.django_db
def test_make_run_never_overwrites_a_curators_edit_to_a_demo_chapter(client, curator):
    call_command("load_demo", stdout=io.StringIO())
    chapters = list(Chapter.objects.order_by("number"))
    edited, deleted = chapters[1], chapters[2]
    client.force_login(curator)
    _admin_edit(client, edited, title="Door de redactie", body="Onze eigen tekst.")
    # Its stories first: they protect the chapter.
    gone_stories = set(deleted.stories.values_list("submission_key", flat=True))
    deleted.stories.all().delete()
    deleted.delete()

    out = io.StringIO()
    call_command("load_demo", stdout=out)

    edited.refresh_from_db()
    assert (edited.title, edited.body) == ("Door de redactie", "Onze eigen tekst.")
    assert not Chapter.objects.filter(slug=deleted.slug).exists()
    lines = out.getvalue().splitlines()
    # The demo's own curator edited the first chapter (load_demo_editions): kept too.
    demo_edited = chapters[0].slug
    assert f"Demo book: 0 chapters created, 0 updated, {len(chapters) - 3} unchanged." in lines
    assert (
        f"Left as a curator changed them (not updated from book/demo/): {demo_edited}, "
        f"{edited.slug}" in lines
    )
    assert f"Deleted demo chapters, not made again: {deleted.slug}" in lines
    # Nor do its demo stories come back under another chapter.
    assert not Story.objects.filter(submission_key__in=gone_stories).exists()
