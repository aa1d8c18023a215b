"""What the two biggest jobs cost at the benchmark's scale, in time, queries and peak
memory: publishing an edition that carries thousands of stories (then building its
EPUB, which is stored and served from then on), and the data download of the member
who wrote the most. Run by bench/run.py with the bench settings after seed_load, at
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
    from django.contrib.auth.models import User
    from django.db.models import Count

    from community.privacy import account_archive_write
    from editions.epub import build_edition_epub
    from editions.services import edition_create, edition_publish, edition_stories_choose
    from members.models import Membership
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

    return {"publish": measured(publish), "epub": measured(epub), "download": measured(download)}


if __name__ == "__main__":
    json.dump(main(), sys.stdout)
