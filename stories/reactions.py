"""Reactions on a story (given and taken back: "herkenbaar", "dank") and the replies
beneath it, written, edited and deleted by their authors (new members within
NEW_MEMBER_REPLIES_PER_HOUR, see stories.writing). The story's author hears of a reply
by e-mail. Curators hide replies through stories.moderation."""

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from book.services import chapter_stories_changed
from core.markdown import render_markdown
from members.models import Membership

from . import notifications
from .exceptions import NotAllowed
from .models import NotificationKind, Reaction, ReactionKind, Reply, Story, author_name
from .writing import NEW_MEMBER_REPLIES_PER_HOUR, rate_check


def reaction_toggle(*, story: Story, membership: Membership, kind: str) -> bool:
    """Give the reaction, or take it back when given already; returns whether it is
    given now. Only on stories that are out in the open."""
    if kind not in ReactionKind.values:
        raise ValueError(f"unknown reaction {kind!r}")
    if not story.is_public:
        raise NotAllowed
    with transaction.atomic():
        # The counts on the story's card change either way.
        chapter_stories_changed(chapters=[story.chapter_id])
        deleted, _detail = Reaction.objects.filter(
            story=story, member=membership, kind=kind
        ).delete()
        if deleted:
            return False
        try:
            with transaction.atomic():
                Reaction.objects.create(story=story, member=membership, kind=kind)
        except IntegrityError:
            pass  # a second click raced the first: the reaction is there, as asked
        return True


def reaction_counts(*, story: Story) -> dict[str, int]:
    counts = dict.fromkeys(ReactionKind.values, 0)
    for kind in Reaction.objects.filter(story=story).values_list("kind", flat=True):
        counts[kind] += 1
    return counts


def _notify_reply(*, reply: Reply) -> None:
    """The story's author hears of a reply, unless they wrote it themselves."""
    story = reply.story
    if story.author_id is None or story.author_id == reply.author_id:
        return
    notifications.notify(
        membership=story.author,
        kind=NotificationKind.REPLIES,
        template="reply",
        context={
            "story": story,
            "reply_author": author_name(reply.author),
            "excerpt": Truncator(reply.body).chars(600),
            "reply_url": lambda: notifications.absolute_url(reply.get_absolute_url()),
        },
    )


def reply_create(*, story: Story, author: Membership, body: str) -> Reply:
    if not story.is_public:
        raise NotAllowed
    with transaction.atomic():
        rate_check(
            author,
            model=Reply,
            limit=NEW_MEMBER_REPLIES_PER_HOUR,
            message=_(
                "Je hebt het afgelopen uur al %(limit)d reacties geplaatst. Nieuwe leden "
                "kunnen %(limit)d reacties per uur plaatsen; probeer het later nog eens. "
                "Je tekst staat hieronder nog klaar."
            ),
            trusted_limit=settings.STORIES_TRUSTED_REPLIES_PER_HOUR,
            trusted_message=_(
                "Je hebt het afgelopen uur al %(limit)d reacties geplaatst; meer kan er in "
                "een uur niet bij. Probeer het later nog eens. Je tekst staat hieronder nog "
                "klaar."
            ),
        )
        reply = Reply.objects.create(
            story=story, author=author, body=body, body_html=render_markdown(body).html
        )
        chapter_stories_changed(chapters=[story.chapter_id])
        _notify_reply(reply=reply)
        return reply


def reply_update(*, reply: Reply, editor: User, body: str) -> Reply:
    with transaction.atomic():
        reply = (
            Reply.objects.select_for_update(of=("self",)).select_related("author").get(pk=reply.pk)
        )
        if not reply.is_by(editor) or reply.is_hidden:
            raise NotAllowed
        reply.body = body
        reply.body_html = render_markdown(body).html
        reply.edited = True
        reply.save()
        # The cached story page shows the reply (its card shows only the count).
        chapter_stories_changed(chapters=[reply.story.chapter_id])
        return reply


def reply_delete(*, reply: Reply, user: User) -> None:
    """Removes the reply for good (replies are one level deep: nothing hangs on one)."""
    with transaction.atomic():
        reply = (
            Reply.objects.select_for_update(of=("self",)).select_related("author").get(pk=reply.pk)
        )
        if not reply.is_by(user):
            raise NotAllowed
        chapter_stories_changed(chapters=[reply.story.chapter_id])
        reply.delete()
