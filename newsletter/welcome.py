"""The welcome sequence: four e-mails in a new member's first three weeks, each leading
to one next step, each skipped once that step is done, each with its own opt-out (the
"welkomstmails" kind in the member's e-mail settings, and a one-click link in every
mail).

- day 0: welcome, with their number and their card;
- day 3: read on (the chapter after the one they last opened) and follow a chapter;
- day 10: tell who you are (the profile, and the introductions);
- day 21: come to a meeting (the next one), or write your first learning story when
  no meeting is coming.

The timer (`send_welcome`) makes a PENDING row per member and step that is due, unique
per (member, step), and queues the task that sends them (delivery.deliver: exactly
once, however often the timer runs or the worker is restarted)."""

from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from book.models import Chapter, ReadingPosition
from meetings.models import Meeting, Registration
from members.models import Membership
from stories.models import ChapterFollow, NotificationKind, Story
from stories.notifications import absolute_url, compose

from .delivery import Mail, deliver_pending
from .models import DeliveryStatus, Step, WelcomeMail

#: A step more than this many days overdue is not sent: members who joined before the
#: sequence existed, or while the timer stood still for long, are not flooded.
LATE_DAYS = 7


def welcome_plan(*, now: datetime) -> int:
    """Make the PENDING row of every step that is due; returns how many were new."""
    made = 0
    with transaction.atomic():
        for step in Step:
            since = now - timedelta(days=step.days)
            due = (
                Membership.objects.current()
                .filter(claimed_at__lte=since, claimed_at__gt=since - timedelta(days=LATE_DAYS))
                .exclude(welcome_mails__step=step)
                .values_list("pk", flat=True)
            )
            rows = [WelcomeMail(membership_id=pk, step=step, created_at=now) for pk in due]
            WelcomeMail.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
            made += len(rows)
    return made


def _next_chapter(membership: Membership) -> Chapter | None:
    """The chapter after the one the member last opened (the first without one)."""
    assert membership.user is not None
    chapters = Chapter.objects.readable_by(membership.user).in_order()
    position = ReadingPosition.objects.filter(user=membership.user).select_related("chapter")
    last = position.first()
    if last is not None:
        chapters = chapters.filter(number__gt=last.chapter.number)
    return chapters.first()


def _url(name: str, **kwargs: Any) -> str:
    return absolute_url(reverse(name, kwargs=kwargs or None))


def step_context(mail: WelcomeMail) -> dict[str, Any] | None:
    """What the mail of `mail.step` says, or None when the member did that step already."""
    membership = mail.membership
    user = membership.user
    if user is None:
        return None
    step = Step(mail.step)
    if step == Step.WELCOME:
        return {
            "card_url": partial(_url, "members:card"),
            "mine_url": partial(_url, "members:mine"),
        }
    if step == Step.READ_ON:
        follows = ChapterFollow.objects.filter(membership=membership).exists()
        chapter = _next_chapter(membership)
        if follows and chapter is None:
            return None
        return {
            "chapter": chapter,
            "chapter_url": partial(absolute_url, chapter.get_absolute_url()) if chapter else "",
            "follows": follows,
        }
    if step == Step.PROFILE:
        profile = getattr(membership, "profile", None)
        if profile is not None and profile.display_name and profile.bio:
            return None
        return {
            "profile_url": partial(_url, "members:profile"),
            "introductions_url": partial(_url, "introductions:settings"),
        }
    registered = Registration.objects.filter(user=user).exists()
    if registered or Story.objects.filter(author=membership).exists():
        return None
    meeting = Meeting.objects.next_shown().first()
    return {
        "meeting": meeting,
        "meeting_url": partial(absolute_url, meeting.get_absolute_url()) if meeting else "",
        "write_url": partial(_url, "stories:latest"),
    }


def welcome_compose(mail: WelcomeMail) -> Mail | None:
    context = step_context(mail)
    if context is None:
        return None
    return compose(
        membership=mail.membership,
        kind=NotificationKind.WELCOME,
        template=mail.step,
        context=context,
        folder="email/newsletter/welcome",
    )


def welcome_rows() -> "QuerySet[WelcomeMail]":
    return WelcomeMail.objects.select_related(
        "membership", "membership__user", "membership__profile"
    )


@task
def welcome_deliver(*, limit: int) -> dict[str, int]:
    """The worker's part: send up to `limit` PENDING welcome mails."""
    return deliver_pending(rows=welcome_rows(), limit=limit, compose=welcome_compose)


def welcome_run(*, now: datetime | None = None) -> int:
    """What the timer does: make the rows that are due and queue the task that sends
    them (also the rows an earlier, interrupted run left PENDING)."""
    made = welcome_plan(now=now or timezone.now())
    if WelcomeMail.objects.filter(status=DeliveryStatus.PENDING).exists():
        welcome_deliver.enqueue(limit=settings.WELCOME_BATCH_SIZE)
    return made
