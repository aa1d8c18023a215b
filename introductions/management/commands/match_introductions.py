"""A round of introductions and the follow-ups that are due; production runs it on a
timer (deploy/, README), like send_digests."""

from django.core.management.base import BaseCommand

from introductions.services import follow_ups_send, round_run


class Command(BaseCommand):
    help = "Introduce members who take part to each other, and ask how earlier ones went."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=None, help="same seed, same pairs")
        parser.add_argument(
            "--follow-ups-only", action="store_true", help="only ask how earlier ones went"
        )

    def handle(self, *args, seed, follow_ups_only, **options):
        if not follow_ups_only:
            round_ = round_run(seed=seed)
            self.stdout.write(
                f"Round: {round_.participants} taking part, {round_.pairs} introductions, "
                f"score {round_.score}, {round_.seconds:.1f} s."
            )
        self.stdout.write(f"Follow-ups sent: {follow_ups_send()}.")
