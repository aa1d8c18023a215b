from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from book.services import BookFormatError, book_import


class Command(BaseCommand):
    help = "Import the book from a folder of Markdown files (book.md, colophon.md, chapters/)."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options):
        if not folder.is_dir():
            raise CommandError(f"{folder}: not a folder")
        try:
            result = book_import(folder=folder)
        except BookFormatError as exc:
            raise CommandError(f"{exc} (nothing was imported)") from exc
        self.stdout.write(
            f"Imported {folder}: {len(result.created)} new, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged chapters."
        )
        if result.not_in_folder:
            self.stdout.write(
                "Kept chapters that are not in the folder: " + ", ".join(result.not_in_folder)
            )
