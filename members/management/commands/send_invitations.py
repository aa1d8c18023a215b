from django.core.management.base import BaseCommand

from members.invitations import invitations_run


class Command(BaseCommand):
    help = (
        "Send the e-mailed invitations whose send date has come, the reminders that are "
        "due (7 and 30 days after sending, until accepted) and forget the addresses of "
        "invitations nobody accepted within 90 days. Run daily "
        "(deploy/systemd/boek-invitations.timer); running it again, or twice at once, "
        "sends nothing twice."
    )

    def handle(self, *args, **options):
        counts = invitations_run()
        self.stdout.write(
            "{sent} invitation(s) sent, {reminded} reminder(s) sent, "
            "{expired} expired address(es) deleted.".format(**counts)
        )
