"""Many meetings for benchmarks and scale tests: `manage.py seed_meetings --meetings 200
--registrations 4000` adds published meetings (half of them over, a third hosted by a
municipality, each about a chapter) and registrations of the accounts already there,
in bulk. seed_load runs it after the members and stories. Never run this in production."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from book.models import Chapter
from core.markdown import render_markdown
from organisations.models import Organisation

from ...models import Meeting, MeetingStatus, Registration, RegistrationStatus

DESCRIPTION = "We beginnen met **de nazit**: wat bracht je hier, los van je functie?"
BATCH = 2000


def _starts(n: int, now):
    """Every other meeting is over: the odd ones 1, 2, 3 ... days ahead, the even ones
    as many days ago."""
    days = 1 + n // 2
    return now + timedelta(days=days if n % 2 else -days)


class Command(BaseCommand):
    help = "Add published meetings with registrations in bulk (benchmarks, scale tests)."

    def add_arguments(self, parser):
        parser.add_argument("--meetings", type=int, default=200)
        parser.add_argument("--registrations", type=int, default=4000)
        parser.add_argument("--seed", type=int, default=1, help="same seed, same choices")

    def handle(self, *args, meetings, registrations, seed, **options):
        if meetings < 1 or registrations < 0:
            raise CommandError("--meetings must be at least 1 and --registrations at least 0.")
        per_meeting = -(-registrations // meetings)
        users = list(get_user_model().objects.order_by("pk").values_list("pk", flat=True))
        if registrations and len(users) < per_meeting:
            raise CommandError(
                f"{per_meeting} registrations a meeting need as many accounts; "
                f"there are {len(users)}."
            )
        rng = random.Random(seed)
        now = timezone.now().replace(second=0, microsecond=0)
        hosts = list(Organisation.objects.municipalities().order_by("pk")[:40])
        chapters = list(Chapter.objects.published().values_list("pk", flat=True))
        prefix = get_random_string(6).lower()
        html = render_markdown(DESCRIPTION).html
        with transaction.atomic():
            made = Meeting.objects.bulk_create(
                [
                    Meeting(
                        title=f"Aan tafel {n + 1}",
                        slug=f"aan-tafel-{prefix}-{n + 1}",
                        opening_question="Wat bracht je hier, los van je functie?",
                        description=DESCRIPTION,
                        description_html=html,
                        starts_at=(starts := _starts(n, now)),
                        ends_at=starts + timedelta(hours=2),
                        place=f"Buurthuis {n + 1}",
                        capacity=per_meeting + rng.randrange(0, 10),
                        status=MeetingStatus.PUBLISHED,
                        host_organisation=hosts[n % len(hosts)] if hosts and n % 3 == 0 else None,
                    )
                    for n in range(meetings)
                ],
                batch_size=BATCH,
            )
            if chapters:
                Meeting.chapters.through.objects.bulk_create(
                    [
                        Meeting.chapters.through(
                            meeting_id=meeting.pk, chapter_id=chapters[n % len(chapters)]
                        )
                        for n, meeting in enumerate(made)
                    ],
                    batch_size=BATCH,
                )
            rows, left = [], registrations
            for meeting in made:
                people = rng.sample(users, min(per_meeting, left))
                left -= len(people)
                rows += [
                    Registration(
                        meeting=meeting,
                        user_id=user,
                        status=RegistrationStatus.GOING,
                        attended=meeting.ends_at <= now and rng.random() < 0.8,
                        created_at=meeting.starts_at - timedelta(days=rng.randrange(1, 30)),
                    )
                    for user in people
                ]
            Registration.objects.bulk_create(rows, batch_size=BATCH)
        self.stdout.write(f"seed_meetings: {len(made)} meetings, {len(rows)} registrations.")
