"""Every change to stories, reactions, replies and reports.

Moderation (settings.STORIES_MODERATION):
  "pre"   every submitted story waits for a curator (status pending), and so does an
          edit of a published story;
  "post"  stories are published at once; curators hide what should not be there;
  "auto"  (default) a member's stories wait for a curator until one of them has been
          approved ("trusted author"); after that they are published at once.
Curators (staff) publish at once in every mode.

Spam limits: a member without an approved story yet ("new member", the same test as
"auto" moderation uses: approval by a curator, not the passing of time, is what earns
trust) may post at most NEW_MEMBER_STORIES_PER_HOUR stories and
NEW_MEMBER_REPLIES_PER_HOUR replies per hour. The counts come from the database rows, so
they hold across processes without a shared cache.

Double submission: the write form carries a `submission_key` (a UUID made when the
form is shown); submitting the same key again returns the story the first submit made,
and a unique constraint (author, submission_key) settles two requests racing."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from book.models import Chapter
from book.services import chapter_stories_changed
from core.exports import iso_or_none
from core.images import ProcessedPhoto, files_delete_on_commit
from core.markdown import render_markdown
from members.models import Membership, Profile

from . import notifications
from .models import (
    PUBLIC_STATUSES,
    ChapterFollow,
    ModerationAction,
    ModerationKind,
    NotificationKind,
    NotificationSettings,
    Reaction,
    ReactionKind,
    Reply,
    Report,
    Status,
    Story,
    TargetType,
    Theme,
    author_name,
    author_related,
)

NEW_MEMBER_STORIES_PER_HOUR = 3
NEW_MEMBER_REPLIES_PER_HOUR = 10
REPORTS_TO_HIDE = 3
# Stored as written, in the book's language: a record, not an interface string.
AUTO_HIDDEN_REASON = "automatisch verborgen na meldingen"
MODERATION_MODES = {"pre", "post", "auto"}


class StoryError(Exception):
    """A change that cannot go through; `message` is for the person who tried."""

    message = _("Dat lukte niet.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))

    def __str__(self):
        return str(self.message)


class NotAllowed(StoryError):
    message = _("Dat mag je niet doen.")


class RateLimited(StoryError):
    pass


class AlreadyReported(StoryError):
    message = _("Je hebt dit al gemeld. Een curator kijkt ernaar.")


class ModerationError(StoryError):
    pass


# ---- Helpers ------------------------------------------------------------------------


def moderation_mode() -> str:
    mode = getattr(settings, "STORIES_MODERATION", "auto")
    if mode not in MODERATION_MODES:
        raise ValueError(f"STORIES_MODERATION must be one of {sorted(MODERATION_MODES)}")
    return mode


def author_is_trusted(membership: Membership) -> bool:
    """Whether a curator has approved one of this member's stories (and it is still
    out in the open: a story hidden later no longer vouches for its author)."""
    return Story.objects.filter(author=membership, status__in=PUBLIC_STATUSES).exists()


def _is_curator(membership: Membership) -> bool:
    return bool(membership.user and membership.user.is_staff)


def profile_municipality(membership: Membership) -> str:
    """The municipality on the member's profile; empty without a profile."""
    profile = Profile.objects.filter(membership=membership).only("municipality").first()
    return profile.municipality if profile is not None else ""


def _check_rate(membership: Membership, *, model, limit: int, message) -> None:
    if _is_curator(membership) or author_is_trusted(membership):
        return
    since = timezone.now() - timedelta(hours=1)
    if model.objects.filter(author=membership, created_at__gte=since).count() >= limit:
        raise RateLimited(message)


def _status_on_submit(membership: Membership) -> str:
    mode = moderation_mode()
    if mode == "post" or _is_curator(membership):
        return Status.PUBLISHED
    if mode == "auto" and author_is_trusted(membership):
        return Status.PUBLISHED
    return Status.PENDING


def _publish(story: Story, status: str = Status.PUBLISHED) -> None:
    story.status = status
    story.hidden_reason = ""
    if story.published_at is None:
        story.published_at = timezone.now()


def _set_photo(story: Story, photo: ProcessedPhoto | None, remove: bool) -> list[str]:
    """Attach a new photo or remove the old one; returns the names of files that are
    no longer used, to delete once the transaction has committed."""
    old = [f.name for f in (story.photo, story.thumbnail) if f]
    if photo is not None:
        story.photo.save(photo.image.name, photo.image, save=False)
        story.thumbnail.save(photo.thumbnail.name, photo.thumbnail, save=False)
        story.photo_width, story.photo_height = photo.width, photo.height
        return old
    if remove:
        story.photo = story.thumbnail = ""
        story.photo_width = story.photo_height = None
        story.photo_alt = ""
        return old
    return []


def _log(
    *,
    curator,
    action: str,
    reason: str = "",
    story: Story | None = None,
    reply: Reply | None = None,
    previous_status: str = "",
) -> ModerationAction:
    """The audit log entry for a moderation change; called inside the change's
    transaction, so the two are saved together or not at all."""
    if story is not None:
        target_type, target_id, title = TargetType.STORY, story.pk, story.title
    else:
        target_type, target_id, title = TargetType.REPLY, reply.pk, Truncator(reply.body).chars(80)
    return ModerationAction.objects.create(
        story=story,
        reply=reply,
        target_type=target_type,
        target_id=target_id,
        target_title=title[:200],
        curator=curator,
        action=action,
        previous_status=previous_status,
        reason=reason[:300],
    )


def _logged_action(action: str, curator) -> str:
    """Hiding without a curator is the report threshold's doing: logged as such."""
    return ModerationKind.AUTO_HIDE if action == "hide" and curator is None else action


def _resolve_open_reports(item: Story | Reply, curator) -> int:
    return item.reports.open().update(resolved_at=timezone.now(), resolved_by=curator)


def _status_before_hiding(story: Story) -> str:
    """What a hidden story was before it was hidden, from the log: published or
    featured. A story hidden while it waited (or before the log knew) comes back
    published: restoring is a curator's decision to show it."""
    entry = (
        story.moderation_log.filter(action__in=[ModerationKind.HIDE, ModerationKind.AUTO_HIDE])
        .exclude(previous_status=Status.HIDDEN)
        .order_by("-created_at", "-pk")
        .first()
    )
    if entry is not None and entry.previous_status in PUBLIC_STATUSES:
        return entry.previous_status
    return Status.PUBLISHED


# ---- Stories ------------------------------------------------------------------------


def story_submit(
    *,
    author: Membership,
    chapter: Chapter,
    title: str,
    body: str,
    draft: bool = False,
    submission_key: uuid.UUID | None = None,
    themes: Iterable[Theme] = (),
    municipality: str = "",
    photo: ProcessedPhoto | None = None,
    photo_alt: str = "",
) -> Story:
    """A new story by `author` beneath `chapter`: a draft, or submitted (then pending or
    published as the moderation mode says). The same `submission_key` twice gives the
    story made the first time."""
    submission_key = submission_key or uuid.uuid4()
    with transaction.atomic():
        existing = Story.objects.filter(author=author, submission_key=submission_key).first()
        if existing is not None:
            return existing
        _check_rate(
            author,
            model=Story,
            limit=NEW_MEMBER_STORIES_PER_HOUR,
            message=ngettext_lazy(
                "Je hebt het afgelopen uur al %(limit)d verhaal geplaatst. Nieuwe leden "
                "kunnen %(limit)d verhaal per uur plaatsen; probeer het later nog eens. "
                "Je tekst staat hieronder nog klaar.",
                "Je hebt het afgelopen uur al %(limit)d verhalen geplaatst. Nieuwe leden "
                "kunnen %(limit)d verhalen per uur plaatsen; probeer het later nog eens. "
                "Je tekst staat hieronder nog klaar.",
                "limit",
            )
            % {"limit": NEW_MEMBER_STORIES_PER_HOUR},
        )
        story = Story(
            chapter=chapter,
            author=author,
            title=title.strip(),
            body=body,
            body_html=render_markdown(body).html,
            municipality=municipality.strip() or profile_municipality(author),
            photo_alt=photo_alt.strip(),
            submission_key=submission_key,
            status=Status.DRAFT,
        )
        if not draft:
            status = _status_on_submit(author)
            if status == Status.PUBLISHED:
                _publish(story)
            else:
                story.status = status
        _set_photo(story, photo, remove=False)
        try:
            with transaction.atomic():
                story.save()
        except IntegrityError:
            # Another request with the same key got there first: that story is the one.
            files_delete_on_commit([story.photo.name, story.thumbnail.name])
            return Story.objects.get(author=author, submission_key=submission_key)
        story.themes.set(themes)
        if story.is_public:
            chapter_stories_changed(chapters=[story.chapter_id])
        return story


def story_update(
    *,
    story: Story,
    editor,
    title: str,
    body: str,
    submit: bool = False,
    themes: Iterable[Theme] | None = None,
    municipality: str | None = None,
    photo: ProcessedPhoto | None = None,
    remove_photo: bool = False,
    photo_alt: str | None = None,
) -> Story:
    """The author changes their story. A draft stays a draft unless `submit`; a
    published story stays published and is marked as edited (in "pre" mode it goes
    back to the curators). A hidden story cannot be edited: it is with the curators."""
    with transaction.atomic():
        story = (
            Story.objects.select_for_update(of=("self",)).select_related("author").get(pk=story.pk)
        )
        if not story.is_by(editor):
            raise NotAllowed
        if story.status == Status.HIDDEN:
            raise NotAllowed(
                _("Dit verhaal is verborgen door een curator en kan niet worden bewerkt.")
            )
        story.title = title.strip()
        story.body = body
        story.body_html = render_markdown(body).html
        if municipality is not None:
            story.municipality = municipality.strip()
        if photo_alt is not None:
            story.photo_alt = photo_alt.strip()
        stale = _set_photo(story, photo, remove_photo)
        if story.status == Status.DRAFT and submit:
            status = _status_on_submit(story.author)
            if status == Status.PUBLISHED:
                _publish(story)
            else:
                story.status = status
        elif story.is_public:
            story.edited = True
            if moderation_mode() == "pre" and not _is_curator(story.author):
                story.status = Status.PENDING
        story.save()
        if themes is not None:
            story.themes.set(themes)
        chapter_stories_changed(chapters=[story.chapter_id])
        files_delete_on_commit(stale)
        return story


def story_delete(*, story: Story, member) -> None:
    """The author removes their story, with its reactions, replies and reports. Allowed
    in every state, hidden too: what someone wrote remains theirs to take back."""
    with transaction.atomic():
        story = (
            Story.objects.select_for_update(of=("self",)).select_related("author").get(pk=story.pk)
        )
        if not story.is_by(member):
            raise NotAllowed
        files = [story.photo.name, story.thumbnail.name]
        chapter_stories_changed(chapters=[story.chapter_id])
        story.delete()
        files_delete_on_commit(files)


MODERATION_ACTIONS = {
    # action: (states it applies to, resulting state)
    "approve": ({Status.PENDING}, Status.PUBLISHED),
    "feature": ({Status.PENDING, Status.PUBLISHED}, Status.FEATURED),
    "unfeature": ({Status.FEATURED}, Status.PUBLISHED),
    # Hiding a hidden story again gives it a curator's reason: how a curator confirms
    # what the report threshold hid.
    "hide": ({Status.PENDING, Status.PUBLISHED, Status.FEATURED, Status.HIDDEN}, Status.HIDDEN),
    "restore": ({Status.HIDDEN}, Status.PUBLISHED),
}


def story_moderate(*, story: Story, curator, action: str, reason: str = "") -> Story:
    """A curator's decision on a story: approve, feature, unfeature, hide (with a
    reason, which the author sees) or restore (to what it was before it was hidden:
    published or featured). A curator's decision also settles the open reports on the
    story. `curator` is None for the system's own decisions (hiding after reports):
    those leave the reports open, for a curator to look at. Every decision is written
    to the audit log (ModerationAction) in the same transaction."""
    if action not in MODERATION_ACTIONS:
        raise ValueError(f"unknown moderation action {action!r}")
    reason = reason.strip()
    if action == "hide" and not reason:
        raise ModerationError(_("Geef een reden op: de auteur krijgt die te zien."))
    if curator is not None and not curator.is_staff:
        raise NotAllowed
    allowed_from, result = MODERATION_ACTIONS[action]
    with transaction.atomic():
        story = Story.objects.select_for_update().get(pk=story.pk)
        if story.status not in allowed_from:
            raise ModerationError(
                _("Dat kan niet bij een verhaal met status “%(status)s”.")
                % {"status": story.get_status_display()}
            )
        previous_status = story.status
        if result == Status.HIDDEN:
            story.status = Status.HIDDEN
            story.hidden_reason = reason[:300]
        elif action == "restore":
            _publish(story, _status_before_hiding(story))
        else:
            _publish(story, result)
        story.save(update_fields=["status", "hidden_reason", "published_at", "updated_at"])
        chapter_stories_changed(chapters=[story.chapter_id])
        if curator is not None:
            _resolve_open_reports(story, curator)
        _log(
            curator=curator,
            action=_logged_action(action, curator),
            reason=reason,
            story=story,
            previous_status=previous_status,
        )
        _notify_moderation(story=story, action=action, reason=reason)
        return story


# ---- Reactions ----------------------------------------------------------------------


def reaction_toggle(*, story: Story, member: Membership, kind: str) -> bool:
    """Give the reaction, or take it back when given already; returns whether it is
    given now. Only on stories that are out in the open."""
    if kind not in ReactionKind.values:
        raise ValueError(f"unknown reaction {kind!r}")
    if not story.is_public:
        raise NotAllowed
    with transaction.atomic():
        # The counts on the story's card change either way.
        chapter_stories_changed(chapters=[story.chapter_id])
        deleted, _detail = Reaction.objects.filter(story=story, member=member, kind=kind).delete()
        if deleted:
            return False
        try:
            with transaction.atomic():
                Reaction.objects.create(story=story, member=member, kind=kind)
        except IntegrityError:
            pass  # a second click raced the first: the reaction is there, as asked
        return True


def reaction_counts(*, story: Story) -> dict[str, int]:
    counts = dict.fromkeys(ReactionKind.values, 0)
    for kind in Reaction.objects.filter(story=story).values_list("kind", flat=True):
        counts[kind] += 1
    return counts


# ---- Replies ------------------------------------------------------------------------


def reply_create(*, story: Story, author: Membership, body: str) -> Reply:
    if not story.is_public:
        raise NotAllowed
    with transaction.atomic():
        _check_rate(
            author,
            model=Reply,
            limit=NEW_MEMBER_REPLIES_PER_HOUR,
            message=_(
                "Je hebt het afgelopen uur al %(limit)d reacties geplaatst. Nieuwe leden "
                "kunnen %(limit)d reacties per uur plaatsen; probeer het later nog eens. "
                "Je tekst staat hieronder nog klaar."
            )
            % {"limit": NEW_MEMBER_REPLIES_PER_HOUR},
        )
        reply = Reply.objects.create(
            story=story, author=author, body=body, body_html=render_markdown(body).html
        )
        chapter_stories_changed(chapters=[story.chapter_id])
        _notify_reply(reply=reply)
        return reply


def reply_update(*, reply: Reply, editor, body: str) -> Reply:
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


def reply_delete(*, reply: Reply, member) -> None:
    """Removes the reply for good (replies are one level deep: nothing hangs on one)."""
    with transaction.atomic():
        reply = (
            Reply.objects.select_for_update(of=("self",)).select_related("author").get(pk=reply.pk)
        )
        if not reply.is_by(member):
            raise NotAllowed
        chapter_stories_changed(chapters=[reply.story.chapter_id])
        reply.delete()


def reply_moderate(*, reply: Reply, curator, action: str, reason: str = "") -> Reply:
    """Hide (reason required) or restore a reply; as with stories, a curator's
    decision settles the open reports and every decision is logged."""
    if action not in {"hide", "restore"}:
        raise ValueError(f"unknown moderation action {action!r}")
    reason = reason.strip()
    if action == "hide" and not reason:
        raise ModerationError(_("Geef een reden op: de auteur krijgt die te zien."))
    if curator is not None and not curator.is_staff:
        raise NotAllowed
    with transaction.atomic():
        reply = Reply.objects.select_for_update().get(pk=reply.pk)
        reply.is_hidden = action == "hide"
        reply.hidden_reason = reason[:300] if reply.is_hidden else ""
        reply.save(update_fields=["is_hidden", "hidden_reason", "updated_at"])
        chapter_stories_changed(chapters=[reply.story.chapter_id])
        if curator is not None:
            _resolve_open_reports(reply, curator)
        _log(curator=curator, action=_logged_action(action, curator), reason=reason, reply=reply)
        return reply


# ---- Reports ------------------------------------------------------------------------


def report_create(
    *, reporter: Membership, reason: str, story: Story | None = None, reply: Reply | None = None
) -> Report:
    """A member reports a story or a reply, once. When REPORTS_TO_HIDE different
    members have open reports on an item, it is hidden until a curator has looked."""
    if (story is None) == (reply is None):
        raise ValueError("report exactly one of story and reply")
    reason = reason.strip()
    if not reason:
        raise StoryError(_("Schrijf kort op wat er niet klopt."))
    target_author_id = (story or reply).author_id
    if target_author_id is not None and target_author_id == reporter.pk:
        raise NotAllowed(_("Je kunt je eigen bijdrage niet melden."))
    with transaction.atomic():
        if Report.objects.filter(reporter=reporter, story=story, reply=reply).exists():
            raise AlreadyReported
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    reporter=reporter, story=story, reply=reply, reason=reason
                )
        except IntegrityError:
            raise AlreadyReported from None
        open_reports = Report.objects.open().filter(story=story, reply=reply)
        if open_reports.values("reporter").distinct().count() >= REPORTS_TO_HIDE:
            _hide_after_reports(story=story, reply=reply)
        return report


def _hide_after_reports(*, story: Story | None, reply: Reply | None) -> None:
    if story is not None:
        story = Story.objects.select_for_update().get(pk=story.pk)
        if story.status in PUBLIC_STATUSES or story.status == Status.PENDING:
            story_moderate(story=story, curator=None, action="hide", reason=AUTO_HIDDEN_REASON)
    elif not Reply.objects.get(pk=reply.pk).is_hidden:
        reply_moderate(reply=reply, curator=None, action="hide", reason=AUTO_HIDDEN_REASON)


def report_resolve(*, report: Report, curator) -> Report:
    """A curator has looked at a report (whatever they decided about the item)."""
    if not curator.is_staff:
        raise NotAllowed
    with transaction.atomic():
        Report.objects.filter(pk=report.pk, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=curator
        )
        report.refresh_from_db()
        return report


def report_dismiss(
    *, curator, story: Story | None = None, reply: Reply | None = None, reason: str = ""
) -> int:
    """A curator finds the open reports on a story or a reply unfounded: the reports are
    settled, the item stays as it is, and the log says so. Returns how many reports were
    settled. Not for a hidden item: restoring it is how a curator says the reports were
    wrong (and that settles them too)."""
    if (story is None) == (reply is None):
        raise ValueError("dismiss the reports on exactly one of story and reply")
    if not curator.is_staff:
        raise NotAllowed
    with transaction.atomic():
        if story is not None:
            item = Story.objects.select_for_update().get(pk=story.pk)
            hidden = item.status == Status.HIDDEN
        else:
            item = Reply.objects.select_for_update().get(pk=reply.pk)
            hidden = item.is_hidden
        if hidden:
            raise ModerationError(
                _("Dit is verborgen. Zet het terug als de meldingen niet terecht waren.")
            )
        settled = _resolve_open_reports(item, curator)
        if not settled:
            raise ModerationError(_("Hier staan geen meldingen (meer) open."))
        _log(
            curator=curator,
            action=ModerationKind.DISMISS,
            reason=reason.strip(),
            story=item if story is not None else None,
            reply=item if reply is not None else None,
            previous_status=item.status if story is not None else "",
        )
        return settled


# ---- The curators' queue ------------------------------------------------------------

#: The decisions the moderation queue offers; replies only know hide, restore, dismiss.
QUEUE_ACTIONS = ("approve", "feature", "unfeature", "hide", "restore", "dismiss")
REPLY_ACTIONS = ("hide", "restore", "dismiss")


def item_moderate(
    *,
    curator,
    action: str,
    story: Story | None = None,
    reply: Reply | None = None,
    reason: str = "",
) -> None:
    """One decision from the queue, on a story or on a reply."""
    if (story is None) == (reply is None):
        raise ValueError("moderate exactly one of story and reply")
    if action not in QUEUE_ACTIONS:
        raise ValueError(f"unknown moderation action {action!r}")
    if action == "dismiss":
        report_dismiss(curator=curator, story=story, reply=reply, reason=reason)
    elif story is not None:
        story_moderate(story=story, curator=curator, action=action, reason=reason)
    elif action in REPLY_ACTIONS:
        reply_moderate(reply=reply, curator=curator, action=action, reason=reason)
    else:
        raise ModerationError(_("Dat kan niet bij een reactie."))


@dataclass
class BulkOutcome:
    done: list = field(default_factory=list)
    #: (item, the refusal's message) for each item that could not go through.
    refused: list = field(default_factory=list)


def items_moderate(
    *,
    curator,
    action: str,
    stories: Iterable[Story] = (),
    replies: Iterable[Reply] = (),
    reason: str = "",
) -> BulkOutcome:
    """The same decision on several stories and replies. Hiding needs one reason for
    all of them, checked before anything changes. Each item is decided in a savepoint
    of its own: an item that cannot take the decision (another curator just handled
    it, a reply cannot be approved) is refused and the others still go through."""
    if action not in QUEUE_ACTIONS:
        raise ValueError(f"unknown moderation action {action!r}")
    if action == "hide" and not reason.strip():
        raise ModerationError(_("Geef een reden op: de auteurs krijgen die te zien."))
    if not curator.is_staff:
        raise NotAllowed
    outcome = BulkOutcome()
    targets = [("story", story) for story in stories] + [("reply", reply) for reply in replies]
    with transaction.atomic():
        for kind, item in targets:
            try:
                item_moderate(curator=curator, action=action, reason=reason, **{kind: item})
            except StoryError as refusal:
                outcome.refused.append((item, refusal.message))
            else:
                outcome.done.append(item)
    return outcome


# ---- E-mail notifications -----------------------------------------------------------

#: The moderation decisions the author hears about, and the e-mail each one sends.
MODERATION_MAILS = {
    "approve": "story_approved",
    "feature": "story_featured",
    "hide": "story_hidden",
}


def _notify_moderation(*, story: Story, action: str, reason: str) -> None:
    template = MODERATION_MAILS.get(action)
    if template is None or story.author_id is None:
        return
    notifications.notify(
        membership=story.author,
        kind=NotificationKind.STORY_UPDATES,
        template=template,
        context={
            "story": story,
            "reason": reason,
            "story_url": lambda: notifications.absolute_url(story.get_absolute_url()),
            "mine_url": lambda: notifications.absolute_url(reverse("stories:mine")),
        },
    )


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


def notification_settings_update(
    *, membership: Membership, story_updates: bool, replies: bool, digest: bool, language: str = ""
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


# ---- Following chapters and the daily digest ----------------------------------------


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
        chapters = []
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


# ---- Data rights: download and delete -----------------------------------------------

#: A kept story keeps its municipality only when at least this many other members wrote
#: stories naming it too: "Utrecht" says nothing about who wrote a story, a village or
#: an organisation (the profile field is "gemeente of organisatie") may.
MUNICIPALITY_KEPT_WITH_OTHER_AUTHORS = 3


def stories_export_for(*, membership: Membership | None) -> dict:
    """Everything the stories app holds about a member, as JSON-ready data, for their
    data download: their stories (any status), replies, reactions, the reports they
    made, the chapters they follow and their e-mail settings. An account without a copy
    has none of these (and must not match the stories kept from former members)."""
    if membership is None:
        empty = ("stories", "replies", "reactions", "reports", "follows")
        return dict.fromkeys(empty, []) | {"notification_settings": None}
    stories = (
        Story.objects.by(membership)
        .select_related("chapter")
        .prefetch_related("themes")
        .order_by("created_at", "pk")
    )
    replies = Reply.objects.filter(author=membership).select_related("story").order_by("pk")
    reactions = Reaction.objects.filter(member=membership).select_related("story").order_by("pk")
    reports = (
        Report.objects.filter(reporter=membership)
        .select_related("story", "reply__story")
        .order_by("created_at", "pk")
    )
    follows = membership.chapter_follows.select_related("chapter").order_by("created_at", "pk")
    preferences = NotificationSettings.objects.filter(membership=membership).first()
    return {
        "stories": [
            {
                "title": story.title,
                "body": story.body,
                "chapter": story.chapter.title,
                "themes": [theme.name for theme in story.themes.all()],
                "municipality": story.municipality,
                "status": story.status,
                "hidden_reason": story.hidden_reason,
                "photo": story.photo.name or None,
                "photo_description": story.photo_alt,
                "created_at": iso_or_none(story.created_at),
                "updated_at": iso_or_none(story.updated_at),
                "published_at": iso_or_none(story.published_at),
            }
            for story in stories
        ],
        "replies": [
            {
                "story": reply.story.title,
                "body": reply.body,
                "hidden": reply.is_hidden,
                "created_at": iso_or_none(reply.created_at),
                "updated_at": iso_or_none(reply.updated_at),
            }
            for reply in replies
        ],
        "reactions": [
            {
                "story": reaction.story.title,
                "kind": reaction.kind,
                "created_at": iso_or_none(reaction.created_at),
            }
            for reaction in reactions
        ],
        "reports": [
            {
                "story": (report.story or report.reply.story).title,
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
        "notification_settings": (
            {
                "story_updates": preferences.story_updates,
                "replies": preferences.replies,
                "digest": preferences.digest,
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


def stories_on_account_delete(*, membership: Membership, keep_stories: bool) -> None:
    """What leaving does to a member's part of the stories: called by the account
    deletion, in its transaction, before the membership is retired.

    Always gone: reactions (only a count), followed chapters, e-mail settings, drafts
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
        Reaction.objects.filter(member=membership).delete()
        ChapterFollow.objects.filter(membership=membership).delete()
        NotificationSettings.objects.filter(membership=membership).delete()
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
            kept.filter(municipality=name).update(municipality="")
        kept.update(author=None)
        replies.update(author=None)
