from pathlib import Path

from django.core.management.base import BaseCommand

from book.services import book_import

DEMO_BOOK = Path(__file__).resolve().parent.parent.parent / "demo"


class Command(BaseCommand):
    help = "Load the demo book (idempotent: running it again changes nothing)."

    def handle(self, *args, **options):
        result = book_import(folder=DEMO_BOOK)
        self.stdout.write(
            f"Demo book: {len(result.created)} chapters created, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged."
        )
