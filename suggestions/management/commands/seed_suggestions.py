"""Many suggestions on one chapter for benchmarks and scale tests: `manage.py
seed_suggestions --chapter <slug> --count 500` adds published suggestions, spread over
the chapter's sections and kinds, by members already there, in bulk (a quarter with an
answer). seed_load runs it on the chapter the benchmark reads. Never run this in
production."""

import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from book.models import Chapter
from core.markdown import render_markdown
from members.models import Membership
from stories.models import Status

from ...models import Kind, Suggestion, SuggestionStatus

EXPLANATION = "Hier mist **een voorbeeld** uit onze gemeente: zo ging het bij ons."


class Command(BaseCommand):
    help = "Add published suggestions on one chapter in bulk (benchmarks, scale tests)."

    def add_arguments(self, parser):
        parser.add_argument("--chapter", required=True, help="the chapter's slug")
        parser.add_argument("--count", type=int, default=500)
        parser.add_argument("--seed", type=int, default=1, help="same seed, same choices")

    def handle(self, *args, chapter, count, seed, **options):
        found = Chapter.objects.filter(slug=chapter).first()
        if found is None or not found.sections:
            raise CommandError(f"No chapter {chapter!r} with sections.")
        members = list(Membership.objects.current().values_list("pk", flat=True)[:2000])
        if not members:
            raise CommandError("No members yet: run seed_load or load_demo first.")
        rng = random.Random(seed)
        html = render_markdown(EXPLANATION).html
        answer = "Dank je wel; we laten het zoals het is."
        answer_html = render_markdown(answer).html
        now = timezone.now()
        rows = []
        for n in range(count):
            section = found.sections[n % len(found.sections)]
            answered = n % 4 == 0
            rows.append(
                Suggestion(
                    chapter=found,
                    section=section["id"],
                    section_title=section["title"],
                    kind=rng.choice([k for k in Kind.values if k != Kind.REWRITE]),
                    explanation=EXPLANATION,
                    explanation_html=html,
                    author_id=rng.choice(members),
                    moderation=Status.PUBLISHED,
                    status=SuggestionStatus.DECLINED if answered else SuggestionStatus.OPEN,
                    answer=answer if answered else "",
                    answer_html=answer_html if answered else "",
                    answered_at=now if answered else None,
                )
            )
        with transaction.atomic():
            Suggestion.objects.bulk_create(rows, batch_size=1000)
        self.stdout.write(f"seed_suggestions: {count} suggestions on {found.slug}.")
