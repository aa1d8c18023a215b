import argparse
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.core.validators import URLValidator

from core.site_url import serving_at
from stories.following import digests_send


def site_address(value: str) -> str:
    """An http(s) scheme and host, with a port if need be, and no path."""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError as invalid:
        raise argparse.ArgumentTypeError(f"{value!r} is not an http(s) address") from invalid
    if urlsplit(value).path not in ("", "/") or urlsplit(value).query:
        raise argparse.ArgumentTypeError(f"{value!r}: give the scheme and host only, no path")
    return value


class Command(BaseCommand):
    help = (
        "Queue the daily digest of new stories for every member who follows a chapter. "
        "Run once a day (deploy/systemd/boek-digest.timer); running it again the same day "
        "sends nobody a second digest."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url",
            type=site_address,
            help=(
                "Where the links in the digests point, such as http://127.0.0.1:8123 for a "
                "development server on another port (default: SITE_URL, that is "
                "DJANGO_SITE_URL or http://127.0.0.1:8000)."
            ),
        )

    def handle(self, *args, site_url=None, **options):
        if site_url is None:
            queued = digests_send()
        else:
            with serving_at(site_url):
                queued = digests_send()
        self.stdout.write(f"{queued} digest(s) queued.")
