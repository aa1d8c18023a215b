from django.core.management.base import BaseCommand

from core.site_url import serving_at
from stories.management.commands.send_digests import site_address

from ...reminders import nazit_mails_send, reminders_send


class Command(BaseCommand):
    help = (
        "Queue the meeting e-mails that are due: the reminder about a day before a "
        'meeting, to everyone going, and "de nazit staat open" once it has ended, to '
        "everyone who was there. Run hourly (deploy/systemd/boek-meeting-reminders.timer); "
        "each e-mail goes out once per registration, however often the command runs, "
        "also when two runs overlap."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url",
            type=site_address,
            help="Where the links in the e-mails point (default: SITE_URL).",
        )

    def handle(self, *args, site_url=None, **options):
        if site_url is None:
            reminders, nazit = reminders_send(), nazit_mails_send()
        else:
            with serving_at(site_url):
                reminders, nazit = reminders_send(), nazit_mails_send()
        self.stdout.write(f"{reminders} reminder(s) and {nazit} nazit e-mail(s) queued.")
