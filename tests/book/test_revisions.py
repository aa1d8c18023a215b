"""A chapter's text with a history (book.revisions): every save is a revision, the
first one is the text as it stood, and a save begun from an older revision is refused."""

import importlib
import io
import threading
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connections
from django.urls import reverse

from book.models import Chapter, ChapterRevision, RevisionSource
from book.revisions import (
    ChapterTextConflict,
    ChapterTextError,
    chapter_history_begin,
    chapter_save_text,
)
from book.services import book_import
from tests.factories import ChapterFactory, ChapterRevisionFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = "## Begin\n\nEerste alinea van het hoofdstuk.\n\n## Verder\n\nTweede alinea."


def _save(chapter, user, **changes):
    values = {
        "title": chapter.title,
        "body": chapter.body,
        "message": "Een zin verduidelijkt.",
        "base_revision": 1,
    }
    return chapter_save_text(chapter=chapter, user=user, **(values | changes))


def test_the_first_save_makes_revision_one_of_the_old_text_and_two_of_the_new(curator):
    chapter = ChapterFactory(title="Samen beginnen", body=BODY)

    revision = _save(chapter, curator, body=BODY + "\n\nEen derde alinea.")

    first, second = chapter.revisions.order_by("number")
    assert (first.number, first.title, first.body, first.author, first.source) == (
        1,
        "Samen beginnen",
        BODY,
        None,
        RevisionSource.BEGIN,
    )
    assert revision == second
    assert (second.number, second.author, second.message, second.source) == (
        2,
        curator,
        "Een zin verduidelijkt.",
        RevisionSource.CURATION,
    )
    chapter.refresh_from_db()
    assert chapter.body == BODY + "\n\nEen derde alinea."
    assert "Een derde alinea." in chapter.body_html
    assert chapter.word_count == len(chapter.body.split())


def test_each_save_takes_the_next_number_from_the_newest(curator):
    chapter = ChapterFactory(body=BODY)
    _save(chapter, curator, body=BODY + " Twee.")
    _save(chapter, curator, body=BODY + " Drie.", base_revision=2)
    _save(chapter, curator, title="Een nieuwe titel", base_revision=3)

    assert list(chapter.revisions.values_list("number", flat=True)) == [1, 2, 3, 4]
    chapter.refresh_from_db()
    assert chapter.title == "Een nieuwe titel"


def test_a_save_from_an_older_revision_is_refused_and_changes_nothing(curator):
    chapter = ChapterFactory(body=BODY)
    _save(chapter, curator, body=BODY + " Van de eerste.")

    with pytest.raises(ChapterTextConflict) as refused:
        _save(chapter, UserFactory(is_staff=True), body=BODY + " Van de tweede.")

    assert refused.value.base.number == 1
    assert refused.value.newest.number == 2
    assert "versie 2" in refused.value.message
    chapter.refresh_from_db()
    assert chapter.body == BODY + " Van de eerste."
    assert chapter.revisions.count() == 2


def test_a_base_revision_that_never_existed_is_a_conflict_without_a_base(curator):
    chapter = ChapterFactory(body=BODY)
    with pytest.raises(ChapterTextConflict) as refused:
        _save(chapter, curator, body="Nieuw.", base_revision=7)
    assert refused.value.base is None
    assert refused.value.newest.number == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "  "}, "title", "Geef het hoofdstuk een titel."),
        ({"title": "x" * 201}, "title", "Een titel is hoogstens 200 tekens."),
        ({"body": " \n "}, "body", "Een hoofdstuk zonder tekst kan niet worden bewaard."),
        ({"message": ""}, "message", "Zeg in een paar woorden wat je veranderde en waarom."),
        ({"message": "x" * 301}, "message", "Een toelichting is hoogstens 300 tekens."),
        ({}, None, "Titel en tekst zijn niet veranderd: er is niets om te bewaren."),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_saves_nothing(curator, changes, field, message):
    chapter = ChapterFactory(body=BODY)
    ChapterRevisionFactory(chapter=chapter, number=1)
    before = Chapter.objects.values().get(pk=chapter.pk)

    with pytest.raises(ChapterTextError) as refused:
        _save(chapter, curator, **changes)

    assert (refused.value.field, refused.value.message) == (field, message)
    assert Chapter.objects.values().get(pk=chapter.pk) == before
    assert chapter.revisions.count() == 1


def test_history_begins_once_and_from_the_stored_text():
    chapter = ChapterFactory(title="Opgeslagen", body="Zoals het staat.")
    chapter.body = "Nog niet bewaard."

    first = chapter_history_begin(chapter=chapter)
    again = chapter_history_begin(chapter=chapter)

    assert first == again
    assert (first.number, first.body) == (1, "Zoals het staat.")
    assert chapter_history_begin(chapter=Chapter(title="Nieuw")) is None


def test_the_data_migration_gives_every_chapter_without_history_its_first_revision():
    migration = importlib.import_module(
        "book.migrations.0008_chapter_revision_source_and_first_revisions"
    )
    een = ChapterFactory(title="Een", body="Tekst een.")
    twee = ChapterFactory(title="Twee", body="Tekst twee.")
    ChapterRevisionFactory(chapter=twee, number=1)
    ChapterRevisionFactory(chapter=twee, number=2, body="Later.")

    migration.first_revisions(django_apps, None)

    assert list(een.revisions.values_list("number", "title", "body", "source", "author")) == [
        (1, "Een", "Tekst een.", "begin", None)
    ]
    assert list(twee.revisions.values_list("number", flat=True)) == [1, 2]


# ---- Saves elsewhere: import, load_demo, the admin ----------------------------------

CHAPTER_FILE = """---
title: {title}
slug: een
order: 1
access: open
---

{body}
"""


def _folder(tmp_path: Path, title="Een", body="## Kop\n\nDe tekst.") -> Path:
    (tmp_path / "chapters").mkdir(parents=True, exist_ok=True)
    (tmp_path / "book.md").write_text("---\ntitle: Het boek\n---\n\nInleiding.\n")
    (tmp_path / "chapters" / "01-een.md").write_text(CHAPTER_FILE.format(title=title, body=body))
    return tmp_path


def test_an_import_records_a_revision_when_it_changes_the_text(tmp_path):
    book_import(folder=_folder(tmp_path))
    chapter = Chapter.objects.get(slug="een")
    assert list(chapter.revisions.values_list("number", "source", "body")) == [
        (1, RevisionSource.IMPORT, "## Kop\n\nDe tekst.\n")
    ]

    book_import(folder=_folder(tmp_path))  # the same again: nothing new
    assert chapter.revisions.count() == 1

    book_import(folder=_folder(tmp_path, body="## Kop\n\nDe nieuwe tekst."))
    assert list(chapter.revisions.values_list("number", "source", "body")) == [
        (1, RevisionSource.IMPORT, "## Kop\n\nDe tekst.\n"),
        (2, RevisionSource.IMPORT, "## Kop\n\nDe nieuwe tekst.\n"),
    ]


def test_an_import_over_a_chapter_without_history_keeps_its_old_text_as_revision_one(tmp_path):
    book_import(folder=_folder(tmp_path))
    chapter = Chapter.objects.get(slug="een")
    chapter.revisions.all().delete()

    book_import(folder=_folder(tmp_path, title="Een, anders"))

    assert list(chapter.revisions.values_list("number", "title", "source")) == [
        (1, "Een", RevisionSource.BEGIN),
        (2, "Een, anders", RevisionSource.IMPORT),
    ]


def test_an_admin_save_of_the_text_is_a_revision_by_that_curator(client, admin_user):
    chapter = ChapterFactory(title="Oud", body=BODY)
    client.force_login(admin_user)
    url = reverse("admin:book_chapter_change", args=[chapter.pk])
    form = {
        "book": chapter.book_id,
        "number": chapter.number,
        "title": "Nieuw",
        "slug": chapter.slug,
        "summary": chapter.summary,
        "body": BODY,
        "illustration_alt": "",
        "access": chapter.access,
        "is_published": "on",
    }
    assert client.post(url, form).status_code == 302
    assert client.post(url, {**form, "access": "members"}).status_code == 302  # text the same

    assert list(chapter.revisions.values_list("number", "title", "author", "source")) == [
        (1, "Oud", None, RevisionSource.BEGIN),
        (2, "Nieuw", admin_user.pk, RevisionSource.ADMIN),
    ]


def test_load_demo_twice_adds_no_revisions(db):
    call_command("load_demo", stdout=io.StringIO())
    counted = ChapterRevision.objects.count()
    assert counted >= Chapter.objects.count()

    call_command("load_demo", stdout=io.StringIO())

    assert ChapterRevision.objects.count() == counted


# ---- Two curators at once ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_curators_saving_from_the_same_revision_at_once_one_wins():
    chapter = ChapterFactory(body=BODY)
    chapter_history_begin(chapter=chapter)
    curators = [UserFactory(is_staff=True), UserFactory(is_staff=True)]
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def run(index):
        try:
            barrier.wait()
            outcomes[index] = _save(chapter, curators[index], body=f"{BODY}\n\nVan {index}.")
        except Exception as error:  # noqa: BLE001 - the test inspects what was raised
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    saved = [o for o in outcomes if isinstance(o, ChapterRevision)]
    refused = [o for o in outcomes if isinstance(o, ChapterTextConflict)]
    assert (len(saved), len(refused)) == (1, 1), outcomes
    chapter.refresh_from_db()
    assert chapter.body == saved[0].body
    assert list(chapter.revisions.values_list("number", flat=True)) == [1, 2]
