"""The stories app's part of a member's data rights (community.privacy calls both): what
it holds about them, for their data download (stories_export_for), and what leaving does
to what they wrote (stories_on_account_delete)."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Prefetch

from book.services import chapter_stories_changed
from core.exports import iso_or_none
from core.images import files_delete_on_commit
from members.models import Membership

from .models import (
    ChapterFollow,
    ModerationAction,
    NotificationSettings,
    Reaction,
    Reply,
    Report,
    Status,
    Story,
    StoryRevision,
)

#: A kept story keeps its municipality only when at least this many other members wrote
#: stories naming it too: "Utrecht" says nothing about who wrote a story, a village or
#: an organisation (the profile field is "gemeente of organisatie") may.
MUNICIPALITY_KEPT_WITH_OTHER_AUTHORS = 3


#: Rows read at a time for the long lists of a streamed export: a prolific author's
#: download holds this many stories in memory at most, at a query (and one for their
#: themes) per this many.
EXPORT_CHUNK = 2000


def _edit_export(edit: StoryRevision) -> dict:
    return {
        "title": edit.title,
        "body": edit.body,
        "municipality": edit.municipality,
        "photo": edit.photo.name or None,
        "photo_description": edit.photo_alt,
        "created_at": iso_or_none(edit.created_at),
    }


def stories_export_for(*, membership: Membership | None, streamed: bool = False) -> dict:
    """Everything the stories app holds about a member, as JSON-ready data, for their
    data download: their stories (any status), replies, reactions, the reports they
    made, the chapters they follow and their e-mail settings. An account without a copy
    has none of these (and must not match the stories kept from former members).

    `streamed`: the long lists (stories, replies, reactions) are iterators that read
    their rows EXPORT_CHUNK at a time, for a writer that writes each row as it comes
    (community.privacy.account_archive_write); otherwise they are lists."""
    if membership is None:
        empty = ("stories", "replies", "reactions", "reports", "follows", "coauthored_stories")
        return dict.fromkeys(empty, []) | {"notification_settings": None}
    stories = (
        # The chapter's title only: select_related("chapter") carried each chapter's
        # whole text on every row (110 MiB of a 143 MiB peak for 4,549 stories).
        Story.objects.by(membership)
        .annotate(chapter_title=F("chapter__title"))
        .prefetch_related(
            "themes",
            Prefetch("revisions", StoryRevision.objects.pending(), to_attr="pending_edits"),
        )
        .order_by("created_at", "pk")
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    replies = (
        Reply.objects.filter(author=membership)
        .annotate(story_title=F("story__title"))
        .order_by("pk")
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    reactions = (
        Reaction.objects.filter(member=membership)
        .annotate(story_title=F("story__title"))
        .order_by("pk")
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    rows = (lambda found: found) if streamed else list
    reports = (
        Report.objects.filter(reporter=membership)
        .select_related("story", "reply__story")
        .order_by("created_at", "pk")
    )
    follows = membership.chapter_follows.select_related("chapter").order_by("created_at", "pk")
    preferences = NotificationSettings.objects.filter(membership=membership).first()
    return {
        "stories": rows(
            {
                "title": story.title,
                "body": story.body,
                "chapter": story.chapter_title,
                "themes": [theme.name for theme in story.themes.all()],
                "municipality": story.municipality,
                "status": story.status,
                "hidden_reason": story.hidden_reason,
                "photo": story.photo.name or None,
                "photo_description": story.photo_alt,
                "created_at": iso_or_none(story.created_at),
                "updated_at": iso_or_none(story.updated_at),
                "published_at": iso_or_none(story.published_at),
                "edit_waiting": next(map(_edit_export, story.pending_edits), None),
            }
            for story in stories
        ),
        "replies": rows(
            {
                "story": reply.story_title,
                "body": reply.body,
                "hidden": reply.is_hidden,
                "created_at": iso_or_none(reply.created_at),
                "updated_at": iso_or_none(reply.updated_at),
            }
            for reply in replies
        ),
        "reactions": rows(
            {
                "story": reaction.story_title,
                "kind": reaction.kind,
                "created_at": iso_or_none(reaction.created_at),
            }
            for reaction in reactions
        ),
        "reports": [
            {
                # A report is on a story or on a reply: one of the two is there.
                "story": (report.story or report.reply.story).title,  # type: ignore[union-attr]
                "about": "story" if report.story_id else "reply",
                "reason": report.reason,
                "created_at": iso_or_none(report.created_at),
                "resolved_at": iso_or_none(report.resolved_at),
            }
            for report in reports
        ],
        "follows": [
            {"chapter": follow.chapter.title, "since": iso_or_none(follow.created_at)}
            for follow in follows
        ],
        # Stories they wrote with another member (whose text it is as much).
        "coauthored_stories": [
            {"title": title, "body": body, "status": status}
            for title, body, status in membership.coauthored_stories.order_by(
                "created_at", "pk"
            ).values_list("title", "body", "status")
        ],
        "notification_settings": (
            {
                "story_updates": preferences.story_updates,
                "replies": preferences.replies,
                "digest": preferences.digest,
                "welcome": preferences.welcome,
                "newsletter": preferences.newsletter,
                "language": preferences.language,
                "last_digest_at": iso_or_none(preferences.last_digest_at),
            }
            if preferences is not None
            else None
        ),
    }


def _identifying_municipalities(membership: Membership, names: Iterable[str]) -> set[str]:
    """Of `names`, those fewer than MUNICIPALITY_KEPT_WITH_OTHER_AUTHORS other members
    named on their own stories (compared without regard to case)."""
    identifying = set()
    for name in {name for name in names if name}:
        others = (
            Story.objects.published()
            .filter(municipality__iexact=name, author__isnull=False)
            .exclude(author=membership)
            .values("author")
            .distinct()
            .count()
        )
        if others < MUNICIPALITY_KEPT_WITH_OTHER_AUTHORS:
            identifying.add(name)
    return identifying


def _coauthored_stories_pass_on(membership: Membership) -> None:
    """A story written together stays with the one who stays: the member leaves the
    co-authors of others' stories, and their own co-written stories pass to their first
    co-author (as author; their draft too, which the other can still finish)."""
    Story.coauthors.through.objects.filter(membership=membership).delete()
    for story in Story.objects.by(membership).filter(coauthors__isnull=False).distinct():
        heir = story.coauthors.order_by("pk").first()
        if heir is None:
            continue
        story.coauthors.remove(heir)
        Story.objects.filter(pk=story.pk).update(author=heir)


def stories_on_account_delete(*, membership: Membership, keep_stories: bool) -> None:
    """What leaving does to a member's part of the stories: called by the account
    deletion, in its transaction, before the membership is retired.

    A story written with others passes to a co-author first, and the member leaves
    the co-authors of others' stories (_coauthored_stories_pass_on). Always gone: reactions (only a count), followed chapters, e-mail settings, drafts
    (nobody could finish them). `keep_stories=False`: their stories (with photos and
    the replies beneath them) and their replies elsewhere go too. `keep_stories=True`:
    stories and replies stay in the book as "een oud-lid" (author empty); a story keeps
    its municipality only when enough other members name it (see
    MUNICIPALITY_KEPT_WITH_OTHER_AUTHORS), and keeps its photo, which is part of the
    story. Reports they made stay, with the retired member number, which names nobody:
    curators still need them."""
    with transaction.atomic():
        # Reactions, stories and replies go or lose their author's name, anywhere.
        chapter_stories_changed()
        _coauthored_stories_pass_on(membership)
        Reaction.objects.filter(member=membership).delete()
        ChapterFollow.objects.filter(membership=membership).delete()
        NotificationSettings.objects.filter(membership=membership).delete()
        # Edits that wait for a curator are their words not yet in the book: gone.
        waiting = StoryRevision.objects.filter(story__author=membership).exclude(photo="")
        files_delete_on_commit(name for r in waiting for name in (r.photo.name, r.thumbnail.name))
        StoryRevision.objects.filter(story__author=membership).delete()
        going = Story.objects.by(membership)
        if keep_stories:
            going = going.filter(status=Status.DRAFT)
        files = [name for story in going for name in (story.photo.name, story.thumbnail.name)]
        # The audit log outlives what it speaks of, but not the words of someone who
        # asked to be forgotten: the titles it kept of their deleted writing are blanked.
        ModerationAction.objects.filter(story__in=going).update(target_title="")
        going.delete()
        files_delete_on_commit(files)
        replies = Reply.objects.filter(author=membership)
        if not keep_stories:
            ModerationAction.objects.filter(reply__in=replies).update(target_title="")
            replies.delete()
            return
        kept = Story.objects.by(membership)
        identifying = _identifying_municipalities(
            membership, kept.values_list("municipality", flat=True)
        )
        for name in identifying:
            kept.filter(municipality=name).update(municipality="", organisation=None)
        # The same for the organisation a kept story names.
        for organisation_id in set(
            kept.exclude(organisation=None).values_list("organisation", flat=True)
        ):
            others = (
                Story.objects.published()
                .filter(organisation=organisation_id, author__isnull=False)
                .exclude(author=membership)
                .values("author")
                .distinct()
                .count()
            )
            if others < MUNICIPALITY_KEPT_WITH_OTHER_AUTHORS:
                kept.filter(organisation=organisation_id).update(organisation=None)
        kept.update(author=None)
        replies.update(author=None)
