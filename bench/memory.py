"""What the biggest jobs cost at the benchmark's scale, in time, queries and peak
memory: publishing an edition that carries thousands of stories (then building its
EPUB, which is stored and served from then on), the data download of the member
who wrote the most, and a newsletter issue to every member (the timer's start, which
makes a delivery row per recipient, and the worker's first batch of mails, kept in
memory here). Run by bench/run.py with the bench settings after seed_load, at
the end (the edition it publishes changes the home page); prints JSON.

Peak memory is how far the resident set rose above where it stood just before the job
(VmHWM after /proc/self/clear_refs, as tests/community/photo_peak.py reads it): Pillow
and lxml allocate outside Python's allocator, where tracemalloc does not see."""

import gc
import json
import sys
import tempfile
import time
from pathlib import Path

import django

#: As many stories as the edition may carry: the featured ones, up to this many.
EDITION_STORIES = 5000
#: The mails of the newsletter's batch are kept in memory (the bench's EMAIL_URL writes
#: them to standard output, where this job's JSON goes).
KEPT_MAIL = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def _kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def measured(job) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")
    before = _kib("VmRSS")
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        detail = job()
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "queries": len(queries),
        "peak_mib": round((_kib("VmHWM") - before) / 1024, 1),
        **detail,
    }


def main() -> dict:
    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db.models import Count
    from django.test.utils import override_settings
    from django.utils import timezone

    from community.privacy import account_archive_write
    from editions.epub import build_edition_epub
    from editions.services import edition_create, edition_publish, edition_stories_choose
    from members.models import Membership
    from newsletter.models import Issue, IssueStatus
    from newsletter.sending import newsletter_deliver, newsletter_start
    from stories.models import Status, Story

    curator = User.objects.filter(is_staff=True).order_by("pk").first()
    stories = list(
        Story.objects.filter(status=Status.FEATURED, chapter__is_published=True)
        .select_related("chapter")
        .order_by("-published_at")[:EDITION_STORIES]
    )
    edition = edition_create(label=f"Tussenstand bench {time.time_ns()}", curator=curator)
    edition_stories_choose(edition=edition, stories=stories, curator=curator)

    def publish() -> dict:
        edition_publish(edition=edition, curator=curator)
        return {"stories": len(stories)}

    def epub() -> dict:
        return {"bytes": len(build_edition_epub(edition=edition, members_only_content=True))}

    author = (
        Membership.objects.annotate(n=Count("stories")).order_by("-n").select_related("user")
    ).first()

    def download() -> dict:
        with tempfile.TemporaryFile() as target:
            account_archive_write(user=author.user, target=target)
            return {"stories": author.n, "bytes": target.tell()}

    issue = Issue.objects.create(
        title="Nieuws uit de gemeenschap (bench)",
        body="Een korte tussenstand: wat de leden deze maand leerden.",
        status=IssueStatus.SCHEDULED,
        send_at=timezone.now(),
    )

    def newsletter() -> dict:
        return {"recipients": newsletter_start(issue=issue, now=timezone.now())}

    def newsletter_batch() -> dict:
        with override_settings(MAILERS=KEPT_MAIL):
            counts = newsletter_deliver.call(
                issue_id=issue.pk, limit=settings.NEWSLETTER_BATCH_SIZE
            )
        return {"sent": counts.get("sent", 0)}

    return {
        "publish": measured(publish),
        "epub": measured(epub),
        "download": measured(download),
        "newsletter": measured(newsletter),
        "newsletter_batch": measured(newsletter_batch),
    }


if __name__ == "__main__":
    json.dump(main(), sys.stdout)
