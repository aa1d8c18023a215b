"""Demo suggestions on the first two demo chapters: one of each kind, responses of both
kinds, one adopted with the curators' answer and one kept as dissent, with its author's
consent for the "Tegengeluid" appendix. Safe to run again: a demo suggestion is
recognised by its explanation. Never run this in production."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from book.models import Book, Chapter
from members.models import Membership
from stories import notifications

from ...models import Kind, Suggestion, SuggestionStatus
from ...services import (
    dissent_consent_set,
    response_give,
    suggestion_moderate,
    suggestion_status_set,
    suggestion_submit,
)

CURATOR_EMAIL = "redactie@example.org"
#: In a row: quote the first sentence of the section from the chapter's text.
QUOTED = object()

#: (chapter index, section index, kind, quote, proposed text, explanation, outcome)
DEMO = [
    (
        0,
        0,
        Kind.ADDITION,
        "",
        "",
        "Hier mist de rol van de **bibliotheek**: bij ons was dat de plek waar inwoners en "
        "ambtenaren elkaar voor het eerst zonder agenda spraken.",
        "adopted",
    ),
    (
        0,
        -1,
        Kind.REWRITE,
        QUOTED,
        "Meemaken gaat vóór meten: wie meedoet, ziet zelf of de boodschap overkomt.",
        "De zin is nu lang en abstract; zo zegt hij hetzelfde in gewone woorden.",
        "",
    ),
    (
        1,
        0,
        Kind.EXAMPLE,
        "",
        "",
        "Een voorbeeld uit Deventer: de buurtbegroting die inwoners zelf verdeelden, met de "
        "fouten die we maakten.",
        "",
    ),
    (
        1,
        -1,
        Kind.DELETION,
        QUOTED,
        "",
        "Deze alinea herhaalt wat twee paragrafen eerder al staat; het hoofdstuk wordt "
        "sterker zonder.",
        "",
    ),
    (
        1,
        0,
        Kind.DISSENT,
        "",
        "",
        "Ik zie het anders: niet elke inspraakavond is *te laat*. Soms is een avond waarop "
        "mensen boos mogen zijn precies het begin van samenwerken.",
        "dissent",
    ),
]


class Command(BaseCommand):
    help = "Add demo suggestions with responses and answers (for local use only)."

    def handle(self, *args, **options):
        curator = get_user_model().objects.filter(email=CURATOR_EMAIL, is_staff=True).first()
        book = Book.objects.current()
        chapters = [
            c
            for c in (Chapter.objects.published().filter(book=book).in_order() if book else [])
            if c.sections
        ][:2]
        members = list(Membership.objects.current().exclude(user=curator)[:6])
        if curator is None or len(chapters) < 2 or len(members) < 4:
            raise CommandError("Draai eerst load_demo: de demo-leden en het boek ontbreken.")
        made = 0
        # Demo members are invented people: nobody to mail.
        with transaction.atomic(), notifications.muted():
            for index, row in enumerate(DEMO):
                if not Suggestion.objects.filter(explanation=row[5]).exists():
                    self._make(
                        row, index=index, chapters=chapters, members=members, curator=curator
                    )
                    made += 1
        self.stdout.write(f"Demo suggestions added: {made}.")

    def _make(self, row, *, index, chapters, members, curator):
        chapter_index, section_index, kind, quote, proposed, explanation, outcome = row
        chapter = chapters[chapter_index]
        section = chapter.sections[section_index]
        author = members[index % len(members)]
        if quote is QUOTED:
            quote = _first_sentence(chapter.body, section["title"])
        suggestion = suggestion_submit(
            membership=author,
            chapter=chapter,
            section=section["id"],
            kind=kind,
            quote=quote,
            proposed_text=proposed,
            explanation=explanation,
        )
        if not suggestion.is_published:
            suggestion_moderate(suggestion=suggestion, curator=curator, action="approve")
        others = [m for m in members if m != author]
        response_give(suggestion=suggestion, membership=others[0], kind="eens")
        response_give(suggestion=suggestion, membership=others[1], kind="eens")
        response_give(
            suggestion=suggestion,
            membership=others[2],
            kind="anders",
            reason="Mooi, maar ik vraag me af of dit overal zo werkt; bij ons in een kleine "
            "gemeente ging het anders.",
        )
        if outcome == "adopted":
            suggestion_status_set(
                suggestion=suggestion,
                curator=curator,
                status=SuggestionStatus.ADOPTED,
                answer="Overgenomen: de bibliotheek staat in de volgende tussenstand, met "
                "dank aan dit voorstel.",
            )
        elif outcome == "dissent":
            suggestion_status_set(
                suggestion=suggestion,
                curator=curator,
                status=SuggestionStatus.DISSENT,
                answer="We houden de tekst zoals hij is, maar dit tegengeluid hoort erbij: "
                "we bewaren het voor de bijlage.",
            )
            dissent_consent_set(suggestion=suggestion, consent=True)


def _first_sentence(body: str, title: str) -> str:
    """The first sentence of the paragraph under the heading `title` in `body`."""
    lines = body.splitlines()
    found = False
    for line in lines:
        if line.startswith("## "):
            found = line[3:].strip() == title
            continue
        if found and line.strip() and not line.startswith(("#", ">", "-", "*", "!")):
            sentence = line.strip().split(". ")[0]
            return sentence if sentence.endswith(".") else f"{sentence}."
    return ""
