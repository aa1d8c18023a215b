"""load_demo brings two editions with a curator's edit between them, the second saying
what changed; loading it again adds nothing."""

import io

import pytest
from django.core.management import call_command

from book.models import Chapter, ChapterRevision
from editions.management.commands.load_demo_editions import DEMO_CHAPTER, DEMO_EDIT_MESSAGE
from editions.models import Edition
from members.management.commands.load_demo_members import CURATOR
from tests.clients import signed_in
from tests.markup import one, text, texts

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_second_version_and_an_edition_that_says_what_changed():
    call_command("load_demo", stdout=io.StringIO())

    chapter = Chapter.objects.get(slug=DEMO_CHAPTER)
    first, second = chapter.revisions.order_by("number")
    assert (second.number, second.author.email, second.message) == (
        2,
        CURATOR[0],
        DEMO_EDIT_MESSAGE,
    )
    assert chapter.body == second.body != first.body
    older, newer = Edition.objects.published().order_by("published_at")
    assert (older.label, newer.label) == ("Tussenstand 2025", "Tussenstand 2026")
    assert newer.compared_with == older
    assert older.chapters.get(chapter=chapter).revision_number == 1
    assert newer.chapters.get(chapter=chapter).revision_number == 2

    page = signed_in().get(newer.get_absolute_url())
    changes = one(page, "#wat-is-er-veranderd")
    assert texts(changes, "h3") == [f"Hoofdstuk {chapter.number}: {chapter.title}"]
    assert "Wat er veranderde (nieuwe sectie)" in text(changes)
    assert texts(changes, ".diff-passage ins")
    # The demo suggestion the curators took up is credited there; the dissent whose
    # author agreed is in the appendix.
    taken_up = texts(changes, ".edition-changes__taken-up li")
    assert len(taken_up) == 1 and taken_up[0].startswith("Aanvulling")
    assert len(texts(page, ".edition-dissent__voice")) == 1


def test_loading_the_demo_again_adds_no_revision_or_edition():
    call_command("load_demo", stdout=io.StringIO())
    counted = (ChapterRevision.objects.count(), Edition.objects.count())

    out = io.StringIO()
    call_command("load_demo", stdout=out)

    assert (ChapterRevision.objects.count(), Edition.objects.count()) == counted
    assert "Demo editions: 0 published." in out.getvalue().splitlines()
