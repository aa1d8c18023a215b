from django.core.management.base import BaseCommand

from newsletter.welcome import welcome_run


class Command(BaseCommand):
    help = (
        "Queue the welcome mails that are due (day 0, 3, 10 and 21 after claiming a copy; "
        "each skipped once its step is done). Run daily "
        "(deploy/systemd/boek-welcome.timer); running it again, or after a worker was "
        "stopped halfway, sends no step twice."
    )

    def handle(self, *args, **options):
        made = welcome_run()
        self.stdout.write(f"{made} welcome mail(s) due.")
