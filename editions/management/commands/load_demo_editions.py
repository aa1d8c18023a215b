"""Two demo editions: "Tussenstand 2025" as the demo book was loaded, then a curator's
edit of the first chapter (its second version, with a message), then "Tussenstand
2026", which says what changed since the first. Safe to run again: an edition that
exists is left alone, and the edit is made only while the chapter still holds the
sentences it changes. Never run this in production."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from book.models import Book, Chapter
from book.revisions import chapter_history_begin, chapter_save_text
from editions.models import Edition
from editions.services import (
    EditionError,
    edition_create,
    edition_publish,
    edition_stories_choose,
)
from members.management.commands.load_demo_members import CURATOR
from stories.models import Status, Story
from suggestions.models import Suggestion, SuggestionStatus

EDITIONS = [
    ("Tussenstand 2025", "tussenstand-2025", datetime.date(2025, 11, 1)),
    ("Tussenstand 2026", "tussenstand-2026", datetime.date(2026, 6, 1)),
]
DEMO_CHAPTER = "een-boek-waar-je-lid-van-wordt"
#: The curator's edit between the two editions: (what the chapter says, what it says after).
DEMO_EDIT = [
    (
        "Elk hoofdstuk eindigt met een paar vragen om over door te praten.",
        "Elk hoofdstuk eindigt met een paar vragen om over door te praten, alleen of "
        "samen met collega’s aan tafel.",
    ),
    (
        "Ze zijn bedoeld voor het moment dat je het boek dichtslaat",
        "Ze zijn bedoeld voor het moment dat je het boek even dichtslaat",
    ),
]
DEMO_EDIT_ADDITION = (
    "\n\n## Wat er veranderde\n\nElke tussenstand zegt wat er sinds de vorige "
    "veranderde, en onder elk hoofdstuk staan zijn versies: wie het bewerkte, wanneer "
    "en waarom. Zo kun je nagaan wat de gemeenschap onderweg leerde.\n"
)
DEMO_EDIT_MESSAGE = "Leeswijzer aangevuld: lezen met collega’s, en zien wat er veranderde."


class Command(BaseCommand):
    help = "Add two demo editions, the second saying what changed (for local use only)."

    def handle(self, *args, **options):
        book = Book.objects.current()
        curator = get_user_model().objects.filter(email=CURATOR[0]).first()
        if book is None or curator is None:
            self.stdout.write("Demo editions: no demo book or curator yet, none made.")
            return
        made = []
        for index, (label, slug, date) in enumerate(EDITIONS):
            if Edition.objects.filter(slug=slug).exists():
                continue
            if index == 1:
                self._demo_edit(curator)
            try:
                edition = edition_create(label=label, slug=slug, date=date, curator=curator)
            except EditionError as refusal:
                self.stdout.write(f"Demo edition {label} not made: {refusal.message}")
                continue
            featured = Story.objects.filter(
                status=Status.FEATURED, chapter__book=book, chapter__is_published=True
            ).select_related("chapter")
            edition_stories_choose(edition=edition, stories=featured, curator=curator)
            edition_publish(edition=edition, curator=curator)
            made.append(label)
        self.stdout.write(f"Demo editions: {len(made)} published.")

    def _demo_edit(self, curator) -> None:
        """The demo chapter's second version, if it still says what the edit changes."""
        chapter = Chapter.objects.filter(slug=DEMO_CHAPTER).first()
        if chapter is None or not all(old in chapter.body for old, _new in DEMO_EDIT):
            return
        body = chapter.body
        for old, new in DEMO_EDIT:
            body = body.replace(old, new, 1)
        newest = chapter_history_begin(chapter=chapter)
        revision = chapter_save_text(
            chapter=chapter,
            user=curator,
            title=chapter.title,
            body=body.rstrip("\n") + DEMO_EDIT_ADDITION,
            message=DEMO_EDIT_MESSAGE,
            base_revision=newest.number if newest else 1,
        )
        # The demo suggestion the curators took up (load_demo_suggestions) was taken up
        # in this version: the second edition credits it under "Wat is er veranderd".
        Suggestion.objects.filter(
            chapter=chapter, status=SuggestionStatus.ADOPTED, taken_up_in=None
        ).update(taken_up_in=revision)
