"""Demo members who take part in introductions, one round run and one introduction
both said yes to, with two messages in its thread and a story the two wrote together. Safe to run again: what exists is left as it is. Never run this in
production (the members are invented; no e-mail goes out)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from introductions.coauthoring import coauthor_answer, coauthor_invite, stories_to_share
from introductions.models import Answer, Introduction, Participation, Round
from introductions.services import participation_save, round_run
from introductions.threads import message_send
from members.models import Membership
from stories import notifications
from stories.models import Theme

# e-mail: (knows, seeks, question), by theme slug (stories.demo.THEMES)
DEMO = {
    "anouk.verbeek@example.org": (
        ["openbare-ruimte", "ontmoeting"],
        ["vergunningen"],
        "Hoe krijg je een vergunning voor een buurtfeest zonder drie loketten?",
    ),
    "joost.dekker@example.org": (
        ["vergunningen"],
        ["ontmoeting", "participatie"],
        "Hoe praat je met bewoners voordat het plan al af is?",
    ),
    "fatima.elamrani@example.org": (
        ["buurtbudget", "communicatie"],
        ["ondernemen"],
        "",
    ),
    "pieter.vanderlinden@example.org": (
        ["ondernemen"],
        ["buurtbudget"],
        "Wie heeft ervaring met een winkelstraat die samen een budget beheert?",
    ),
    "sanne.mulder@example.org": (["participatie"], ["communicatie"], ""),
    "kees.bosman@example.org": (["communicatie"], ["openbare-ruimte"], ""),
}


def _talk_and_write_together(introduction: Introduction) -> None:
    """The accepted pair exchanges two messages, and the first asks the second to
    write one of their stories with them, which the second accepts."""
    one, other = introduction.first, introduction.second
    message_send(
        introduction=introduction,
        membership=one,
        body="Leuk! Zullen we volgende week een kop koffie drinken bij het stadhuis?",
    )
    message_send(introduction=introduction, membership=other, body="Graag. Dinsdag om tien uur?")
    story = stories_to_share(one).first()
    if story is not None:
        invitation = coauthor_invite(introduction=introduction, membership=one, story=story)
        coauthor_answer(invitation=invitation, membership=other, answer=Answer.YES)


class Command(BaseCommand):
    help = "Add demo participants of introductions and one round (for local use only)."

    def handle(self, *args, **options):
        themes = {theme.slug: theme for theme in Theme.objects.all()}
        members = {
            m.user.email: m
            for m in Membership.objects.current()
            .filter(user__email__in=DEMO)
            .select_related("user")
            if m.user is not None
        }
        added = 0
        with notifications.muted(), transaction.atomic():
            for email, (knows, seeks, question) in DEMO.items():
                membership = members.get(email)
                if (
                    membership is None
                    or Participation.objects.filter(membership=membership).exists()
                ):
                    continue
                participation_save(
                    membership=membership,
                    takes_part=True,
                    knows=[themes[slug] for slug in knows if slug in themes],
                    seeks=[themes[slug] for slug in seeks if slug in themes],
                    question=question,
                    frequency="monthly",
                    format="either",
                    reach="anywhere",
                )
                added += 1
            if not Round.objects.exists() and added:
                round_ = round_run(seed=1)
                first = Introduction.objects.filter(round=round_).order_by("-score").first()
                if first is not None:
                    Introduction.objects.filter(pk=first.pk).update(
                        first_answer=Answer.YES,
                        second_answer=Answer.YES,
                        accepted_at=timezone.now(),
                    )
                    first.refresh_from_db()
                    _talk_and_write_together(first)
        self.stdout.write(
            f"Demo introductions: {added} members take part; "
            f"{Introduction.objects.count()} introductions."
        )
