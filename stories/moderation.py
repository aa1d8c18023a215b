"""Curators' decisions on stories and replies: approve, feature, unfeature, hide (with a
reason, which the author sees), restore, and dismissing the reports on an item. One
decision on one item (story_moderate, reply_moderate, report_dismiss), or from the
queue, on one item or several (item_moderate, items_moderate). Every decision is
written to the audit log (ModerationAction) in the change's transaction; the author
hears of approval, featuring and hiding by e-mail.

The report threshold hides an item through the same functions, with `curator` None
(stories.reports). An edit of a published story that waits for a curator (a
StoryRevision, see stories.writing.story_update) is approved or rejected with
revision_moderate: approving puts the edit in the book, rejecting keeps the published
version; either way the author hears of it."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from book.services import chapter_stories_changed
from core.images import files_delete_on_commit

from . import notifications
from .exceptions import ModerationError, NotAllowed, StoryError
from .models import (
    PUBLIC_STATUSES,
    ModerationAction,
    ModerationKind,
    NotificationKind,
    Reply,
    RevisionStatus,
    Status,
    Story,
    StoryRevision,
    TargetType,
)
from .writing import _publish, revision_apply

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


#: The decisions the moderation queue offers; replies only know hide, restore, dismiss.
QUEUE_ACTIONS = (
    "approve",
    "feature",
    "unfeature",
    "hide",
    "restore",
    "dismiss",
    "approve_edit",
    "reject_edit",
)
#: The decisions on an edit that waits (revision_moderate).
EDIT_ACTIONS = ("approve_edit", "reject_edit")
REPLY_ACTIONS = ("hide", "restore", "dismiss")


#: The moderation decisions the author hears about, and the e-mail each one sends.
MODERATION_MAILS = {
    "approve": "story_approved",
    "feature": "story_featured",
    "hide": "story_hidden",
    "approve_edit": "story_edit_approved",
    "reject_edit": "story_edit_rejected",
}


def _checked_reason(*, action: str, reason: str, curator: User | None) -> str:
    """The decision's reason, stripped, once the decision may be taken: hiding and
    rejecting an edit need a reason (the author sees it), and only staff decide
    (`curator` None: the system)."""
    reason = reason.strip()
    if action in ("hide", "reject_edit") and not reason:
        raise ModerationError(_("Geef een reden op: de auteur krijgt die te zien."))
    if curator is not None and not curator.is_staff:
        raise NotAllowed
    return reason


def _log(
    *,
    curator: User | None,
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
        assert reply is not None  # one of the two, always
        target_type, target_id, title = TargetType.REPLY, reply.pk, Truncator(reply.body).chars(80)
    return audit_log_write(
        curator=curator,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_title=title,
        reason=reason,
        previous_status=previous_status,
        story=story,
        reply=reply,
    )


def audit_log_write(
    *,
    curator: User | None,
    action: str,
    target_type: str,
    target_id: int,
    target_title: str,
    reason: str = "",
    previous_status: str = "",
    story: Story | None = None,
    reply: Reply | None = None,
) -> ModerationAction:
    """One entry in the audit log; called inside the change's transaction. For what
    this app has no foreign key to (a meeting), `target_type` and `target_id` say it."""
    return ModerationAction.objects.create(
        story=story,
        reply=reply,
        target_type=target_type,
        target_id=target_id,
        target_title=target_title[:200],
        curator=curator,
        action=action,
        previous_status=previous_status,
        reason=reason[:300],
    )


def _logged_action(action: str, curator: User | None) -> str:
    """Hiding without a curator is the report threshold's doing: logged as such."""
    return ModerationKind.AUTO_HIDE if action == "hide" and curator is None else action


def _resolve_open_reports(item: Story | Reply, curator: User) -> int:
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


def story_moderate(*, story: Story, curator: User | None, action: str, reason: str = "") -> Story:
    """A curator's decision on a story: approve, feature, unfeature, hide (with a
    reason, which the author sees) or restore (to what it was before it was hidden:
    published or featured). A curator's decision also settles the open reports on the
    story. `curator` is None for the system's own decisions (hiding after reports):
    those leave the reports open, for a curator to look at. Every decision is written
    to the audit log (ModerationAction) in the same transaction."""
    if action not in MODERATION_ACTIONS:
        raise ValueError(f"unknown moderation action {action!r}")
    reason = _checked_reason(action=action, reason=reason, curator=curator)
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


def revision_moderate(
    *, story: Story, curator: User | None, action: str, reason: str = ""
) -> Story:
    """A curator's decision on the edit of a published story that waits: approve_edit
    puts it in the book (a featured story stays featured), reject_edit (with a reason,
    which the author sees) keeps the published version. Logged, and the author hears
    of it, as with every decision."""
    if action not in EDIT_ACTIONS:
        raise ValueError(f"unknown decision on an edit {action!r}")
    reason = _checked_reason(action=action, reason=reason, curator=curator)
    with transaction.atomic():
        story = Story.objects.select_for_update().get(pk=story.pk)
        revision = StoryRevision.objects.select_for_update().pending().filter(story=story).first()
        if revision is None or not story.is_public:
            raise ModerationError(_("Hier wacht geen bewerking (meer)."))
        if action == "approve_edit":
            stale = revision_apply(story, revision)
            story.save()
            chapter_stories_changed(chapters=[story.chapter_id])
        else:
            # The story keeps its own photo; a new one that came with the edit goes.
            stale = [f.name for f in (revision.photo, revision.thumbnail) if f]
        revision.status = (
            RevisionStatus.APPROVED if action == "approve_edit" else (RevisionStatus.REJECTED)
        )
        revision.decided_at, revision.decided_by, revision.reason = timezone.now(), curator, reason
        # The story holds an approved photo now; a rejected one is deleted.
        revision.photo = revision.thumbnail = ""
        revision.save()
        files_delete_on_commit(stale)
        _log(
            curator=curator,
            action=action,
            reason=reason,
            story=story,
            previous_status=story.status,
        )
        _notify_moderation(story=story, action=action, reason=reason)
        return story


def reply_moderate(*, reply: Reply, curator: User | None, action: str, reason: str = "") -> Reply:
    """Hide (reason required) or restore a reply; as with stories, a curator's
    decision settles the open reports and every decision is logged."""
    if action not in {"hide", "restore"}:
        raise ValueError(f"unknown moderation action {action!r}")
    reason = _checked_reason(action=action, reason=reason, curator=curator)
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


def report_dismiss(
    *, curator: User, story: Story | None = None, reply: Reply | None = None, reason: str = ""
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
        item: Story | Reply
        if story is not None:
            item = Story.objects.select_for_update().get(pk=story.pk)
            hidden = item.status == Status.HIDDEN
        else:
            assert reply is not None  # exactly one of the two, checked above
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
            story=item if isinstance(item, Story) else None,
            reply=item if isinstance(item, Reply) else None,
            previous_status=item.status if isinstance(item, Story) else "",
        )
        return settled


def item_moderate(
    *,
    curator: User,
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
    elif story is not None and action in EDIT_ACTIONS:
        revision_moderate(story=story, curator=curator, action=action, reason=reason)
    elif story is not None:
        story_moderate(story=story, curator=curator, action=action, reason=reason)
    elif action in REPLY_ACTIONS and reply is not None:
        reply_moderate(reply=reply, curator=curator, action=action, reason=reason)
    else:
        raise ModerationError(_("Dat kan niet bij een reactie."))


@dataclass
class BulkOutcome:
    done: list[Story | Reply] = field(default_factory=list)
    #: (item, the refusal's message) for each item that could not go through.
    refused: list[tuple[Story | Reply, StrOrPromise]] = field(default_factory=list)


def items_moderate(
    *,
    curator: User,
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
    targets: list[Story | Reply] = [*stories, *replies]
    with transaction.atomic():
        for item in targets:
            try:
                item_moderate(
                    curator=curator,
                    action=action,
                    reason=reason,
                    story=item if isinstance(item, Story) else None,
                    reply=item if isinstance(item, Reply) else None,
                )
            except StoryError as refusal:
                outcome.refused.append((item, refusal.message))
            else:
                outcome.done.append(item)
    return outcome
