"""Following chapters and the daily digest of the stories published under them, and
which story e-mails a member gets (their settings page, an e-mail's unsubscribe link)."""

from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from book.models import Chapter
from members.models import Membership

from . import notifications
from .exceptions import NotAllowed
from .models import ChapterFollow, NotificationKind, NotificationSettings, Story, author_related


def chapter_follow(*, membership: Membership, chapter: Chapter) -> ChapterFollow:
    """Follow a published chapter; following it again changes nothing."""
    if not chapter.is_published:
        raise NotAllowed
    with transaction.atomic():
        follow, _created = ChapterFollow.objects.get_or_create(
            membership=membership, chapter=chapter
        )
        return follow


def chapter_unfollow(*, membership: Membership, chapter: Chapter) -> None:
    ChapterFollow.objects.filter(membership=membership, chapter=chapter).delete()


def _digest_stories(membership: Membership, since: datetime | None, now: datetime) -> list[Story]:
    """The stories published under the member's followed chapters after `since` (and
    after the member started following each chapter), up to `now`; not their own."""
    follows = list(membership.chapter_follows.all())
    if not follows:
        return []
    new = Q()
    for follow in follows:
        start = max(moment for moment in (since, follow.created_at) if moment is not None)
        new |= Q(chapter_id=follow.chapter_id, published_at__gt=start)
    return list(
        Story.objects.published()
        .filter(new, chapter__is_published=True, published_at__lte=now)
        .exclude(author=membership)
        .select_related("chapter", *author_related("author"))
        .order_by("chapter__number", "published_at", "pk")
    )


def digest_send(*, membership: Membership, now: datetime | None = None) -> bool:
    """Queue the member's daily digest; returns whether one was queued.

    At most one digest per calendar day (Amsterdam time), however often this runs: the
    settings row is locked while deciding, and `last_digest_at` is set in the same
    transaction. A digest lists what was published since the previous one; when nothing
    is new, nothing is sent (and the next digest still starts from the previous one)."""
    now = now or timezone.now()
    with transaction.atomic():
        membership = Membership.objects.select_related("user").get(pk=membership.pk)
        if membership.user is None:
            return False
        preferences, _created = NotificationSettings.objects.select_for_update().get_or_create(
            membership=membership
        )
        if not preferences.digest:
            return False
        last = preferences.last_digest_at
        if last is not None and timezone.localdate(last) >= timezone.localdate(now):
            return False
        stories = _digest_stories(membership, last, now)
        if not stories:
            return False
        chapters: list[dict[str, Any]] = []
        for story in stories:
            if not chapters or chapters[-1]["chapter"].pk != story.chapter_id:
                chapters.append({"chapter": story.chapter, "stories": []})
            chapters[-1]["stories"].append(
                {
                    "title": story.title,
                    "author": story.author_name,
                    "url": partial(_absolute_story_url, story),
                }
            )
        queued = notifications.notify(
            membership=membership,
            kind=NotificationKind.DIGEST,
            template="digest",
            context={"chapters": chapters, "stories": stories},
            preferences=preferences,
        )
        if queued:
            preferences.last_digest_at = now
            preferences.save(update_fields=["last_digest_at", "updated_at"])
        return queued


def _absolute_story_url(story: Story) -> str:
    return notifications.absolute_url(story.get_absolute_url())


def digests_send(*, now: datetime | None = None) -> int:
    """Every member's daily digest (the `send_digests` command and task); returns how
    many were queued. A few queries per member who follows a chapter: a daily job."""
    now = now or timezone.now()
    candidates = (
        Membership.objects.current()
        .filter(chapter_follows__isnull=False)
        .exclude(story_notifications__digest=False)
        .distinct()
        .order_by("pk")
    )
    return sum(digest_send(membership=membership, now=now) for membership in candidates)


def notification_settings_update(
    *,
    membership: Membership,
    story_updates: bool,
    replies: bool,
    digest: bool,
    welcome: bool,
    newsletter: bool,
    suggestions: bool,
    language: str = "",
) -> NotificationSettings:
    """The member chooses which story e-mails they get; they are written in `language`
    (the language of the page they chose in) from now on."""
    with transaction.atomic():
        preferences, _created = NotificationSettings.objects.select_for_update().get_or_create(
            membership=membership
        )
        preferences.story_updates = story_updates
        preferences.replies = replies
        preferences.digest = digest
        preferences.welcome = welcome
        preferences.newsletter = newsletter
        preferences.suggestions = suggestions
        if language in {code for code, _name in settings.LANGUAGES}:
            preferences.language = language
        preferences.save()
        return preferences


def notification_unsubscribe(*, membership: Membership, kind: str) -> NotificationSettings:
    """Switch one kind of e-mail off: what an unsubscribe link does."""
    field = NotificationKind(kind).value
    with transaction.atomic():
        preferences, _created = NotificationSettings.objects.select_for_update().get_or_create(
            membership=membership
        )
        setattr(preferences, field, False)
        preferences.save(update_fields=[field, "updated_at"])
        return preferences
