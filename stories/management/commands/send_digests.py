from django.core.management.base import BaseCommand

from stories.following import digests_send


class Command(BaseCommand):
    help = (
        "Queue the daily digest of new stories for every member who follows a chapter. "
        "Run once a day (deploy/systemd/boek-digest.timer); running it again the same day "
        "sends nobody a second digest."
    )

    def handle(self, *args, **options):
        queued = digests_send()
        self.stdout.write(f"{queued} digest(s) queued.")
