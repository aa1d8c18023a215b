from django.core.management.base import BaseCommand

from newsletter.sending import newsletters_run


class Command(BaseCommand):
    help = (
        "Start the newsletter issues whose time has come and queue their batches for the "
        "worker, at most DJANGO_NEWSLETTER_PER_MINUTE mails a minute. Run every few "
        "minutes (deploy/systemd/boek-newsletter.timer); a run after a worker was stopped "
        "halfway queues what is left, and nobody gets an issue twice."
    )

    def handle(self, *args, **options):
        counts = newsletters_run()
        self.stdout.write(
            "{started} issue(s) started, {batches} batch(es) queued.".format(**counts)
        )
