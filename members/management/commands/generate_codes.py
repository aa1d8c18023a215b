from django.core.management.base import BaseCommand, CommandError

from members.services import MAX_BATCH_SIZE, code_batch_create


class Command(BaseCommand):
    help = "Make a batch of claim codes for a print run and print them, one a line."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="how many codes")
        parser.add_argument("--label", required=True, help="name of the batch")
        parser.add_argument("--notes", default="", help="notes for the batch")

    def handle(self, *args, count, label, notes, **options):
        if not 1 <= count <= MAX_BATCH_SIZE:
            raise CommandError(f"--count must be between 1 and {MAX_BATCH_SIZE}")
        if not label.strip():
            raise CommandError("--label must not be empty")
        batch = code_batch_create(label=label.strip(), size=count, notes=notes)
        self.stderr.write(f"Batch {batch.pk} ({batch.label}): {count} codes")
        for claim_code in batch.codes.order_by("pk"):
            self.stdout.write(claim_code.display)
