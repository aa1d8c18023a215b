from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

from book.services import book_import

DEMO_BOOK = Path(__file__).resolve().parent.parent.parent / "demo"


class Command(BaseCommand):
    help = (
        "Load the demo book, demo members and their learning stories. Safe to run again "
        "(`make run` does, every time): it makes what is missing and never undoes a "
        "curator's work. The book and each chapter are updated from book/demo/ only while "
        "they still hold what load_demo last wrote there; one changed since (in the admin, "
        "say) is left as it is. A demo chapter that was deleted is not made again; a "
        "chapter new in book/demo/ is added. To start again from the demo as it is, "
        "delete the database."
    )

    def handle(self, *args, **options):
        result = book_import(folder=DEMO_BOOK, keep_edits=True)
        self.stdout.write(
            f"Demo book: {len(result.created)} chapters created, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged."
        )
        if result.kept:
            self.stdout.write(
                "Left as a curator changed them (not updated from book/demo/): "
                + ", ".join(result.kept)
            )
        if result.not_recreated:
            self.stdout.write(
                "Deleted demo chapters, not made again: " + ", ".join(result.not_recreated)
            )
        # The demo members too (the writing group as no. 1, a curator, profiles, demo
        # codes): it prints how to log in as the curator and a code to claim a copy with.
        call_command("load_demo_members", stdout=self.stdout, stderr=self.stderr)
        # Stories, replies and reactions beneath several chapters: a living book.
        call_command("load_demo_stories", stdout=self.stdout, stderr=self.stderr)
        # Two upcoming and two past meetings, with an agenda and a nazit.
        call_command("load_demo_meetings", stdout=self.stdout, stderr=self.stderr)
        # Members who take part in introductions, one round run, one pair that met.
        call_command("load_demo_introductions", stdout=self.stdout, stderr=self.stderr)
        # Invitations in each state, a chain two levels deep, a sent newsletter issue
        # (before the organisations, which affiliate every demo member).
        call_command("load_demo_growth", stdout=self.stdout, stderr=self.stderr)
        # Founding municipalities, affiliations, coordinators and an organisation batch.
        call_command("load_demo_organisations", stdout=self.stdout, stderr=self.stderr)
        # Suggestions of each kind on two chapters, one adopted, one kept as dissent.
        call_command("load_demo_suggestions", stdout=self.stdout, stderr=self.stderr)
        # Two editions with a curator's edit between them: "Wat is er veranderd".
        call_command("load_demo_editions", stdout=self.stdout, stderr=self.stderr)
