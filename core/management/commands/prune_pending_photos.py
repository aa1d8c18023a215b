from django.core.management.base import BaseCommand

from core.pending_photos import pending_photos_prune


class Command(BaseCommand):
    help = (
        "Remove photos that members chose in a form (a preview, a form shown again) more "
        "than a day ago and never saved, with their files. Run daily "
        "(deploy/systemd/boek-prune-photos.timer)."
    )

    def handle(self, *args, **options):
        removed = pending_photos_prune()
        self.stdout.write(f"{removed} pending photo(s) removed.")
