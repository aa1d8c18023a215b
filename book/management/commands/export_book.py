from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from book.services import BookFormatError, book_export


class Command(BaseCommand):
    help = "Export the book to a folder of Markdown files that import_book reads back."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options):
        if folder.exists() and any(folder.iterdir()):
            raise CommandError(f"{folder}: folder is not empty; export into a new folder")
        try:
            count = book_export(folder=folder)
        except BookFormatError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Exported the book with {count} chapters to {folder}.")
