from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

from book.services import book_import

DEMO_BOOK = Path(__file__).resolve().parent.parent.parent / "demo"


class Command(BaseCommand):
    help = (
        "Load the demo book, demo members and their learning stories "
        "(idempotent: running it again changes nothing)."
    )

    def handle(self, *args, **options):
        result = book_import(folder=DEMO_BOOK)
        self.stdout.write(
            f"Demo book: {len(result.created)} chapters created, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged."
        )
        # The demo members too (the writing group as no. 1, a curator, profiles, demo
        # codes): it prints how to log in as the curator and a code to claim a copy with.
        call_command("load_demo_members", stdout=self.stdout, stderr=self.stderr)
        # Stories, replies and reactions beneath several chapters: a living book.
        call_command("load_demo_stories", stdout=self.stdout, stderr=self.stderr)
