""" "Dit was ongepast": reports of an introduction or of a message in a thread, and the
curators' decisions on them. Reports go to the curators' one moderation queue (the
stories app's, through its registry stories.moderation_queue: that app sits below this
one and never imports it), and every decision is written to the same audit log, in
the decision's transaction.

A report stops the reported member (introduced to nobody, asks for nobody) until a
curator decides: "dismiss" (the report was not right: they take part again, unless
another report about them still waits) or "keep_stopped" for an introduction, "hide"
(with a reason) for a message, which keep them stopped."""

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import Membership, membership_display_name
from stories.exceptions import ModerationError, NotAllowed
from stories.models import ModerationKind, TargetType
from stories.moderation import audit_log_write
from stories.moderation_queue import QueueSection

from .models import Introduction, Message, Participation
from .services import member_block
from .threads import ThreadError

INTRODUCTION_ACTIONS = (ModerationKind.DISMISS.value, ModerationKind.KEEP_STOPPED.value)
MESSAGE_ACTIONS = (ModerationKind.DISMISS.value, ModerationKind.HIDE.value)


def introduction_report(*, introduction: Introduction, membership: Membership) -> None:
    """ "Dit was ongepast" about an introduction: it goes to the curators' queue, the
    other member is introduced to nobody until a curator decides, and the two are
    never introduced again."""
    other = introduction.other(membership)
    with transaction.atomic():
        Introduction.objects.filter(pk=introduction.pk).update(
            reported=True, reported_at=timezone.now(), reported_by=membership
        )
        Participation.objects.filter(membership=other).update(stopped_by_report=True)
        member_block(membership=membership, other=other)


def message_report(*, message: Message, membership: Membership) -> None:
    """The other member of a thread reports a message: it goes to the curators' queue
    (they read that message, nothing else of the thread), and its writer is stopped
    until a curator decides. Reporting it again changes nothing."""
    introduction = message.introduction
    introduction.side(membership)  # ValueError for anyone else: the views 404 first
    if message.author_id == membership.pk:
        raise ThreadError(_("Je kunt je eigen bericht niet melden."))
    with transaction.atomic():
        reported = Message.objects.filter(pk=message.pk, reported_at__isnull=True).update(
            reported_at=timezone.now()
        )
        if reported:
            Participation.objects.filter(membership=message.author_id).update(
                stopped_by_report=True
            )


def _still_reported(membership_pk: int | None) -> bool:
    """Whether another report about this member still waits for a curator."""
    if membership_pk is None:
        return False
    about_them = Introduction.objects.filter(reported=True).filter(
        Q(first=membership_pk) | Q(second=membership_pk)
    )
    return (
        about_them.exclude(reported_by=membership_pk).exists()
        or Message.objects.reported().filter(author=membership_pk).exists()
    )


def _resume(membership_pk: int | None) -> None:
    if membership_pk is not None and not _still_reported(membership_pk):
        Participation.objects.filter(membership=membership_pk).update(stopped_by_report=False)


def _check_curator(curator: User) -> None:
    if not curator.is_staff:
        raise NotAllowed


def introduction_decide(*, introduction: Introduction, curator: User, action: str) -> None:
    """A curator's decision on a reported introduction, logged."""
    if action not in INTRODUCTION_ACTIONS:
        raise ModerationError(_("Dat kan niet bij een kennismaking."))
    _check_curator(curator)
    with transaction.atomic():
        introduction = Introduction.objects.select_for_update().get(pk=introduction.pk)
        if not introduction.reported:
            raise ModerationError(_("Hier staan geen meldingen (meer) open."))
        introduction.reported = False
        introduction.save(update_fields=["reported"])
        if action == ModerationKind.DISMISS:
            reported = _reported_pk(introduction)
            # Without a reporter on record (a report from before they were kept), both.
            for pk in [reported] if reported else [introduction.first_id, introduction.second_id]:
                _resume(pk)
        audit_log_write(
            curator=curator,
            action=action,
            target_type=TargetType.INTRODUCTION,
            target_id=introduction.pk,
            target_title=str(introduction),
        )


def message_decide(*, message: Message, curator: User, action: str, reason: str = "") -> None:
    """A curator's decision on a reported message: dismiss, or hide it with a reason
    (both members see that it was hidden), logged."""
    if action not in MESSAGE_ACTIONS:
        raise ModerationError(_("Dat kan niet bij een bericht."))
    reason = reason.strip()
    if action == ModerationKind.HIDE and not reason:
        raise ModerationError(_("Geef een reden op: de schrijver krijgt die te zien."))
    _check_curator(curator)
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.reported_at is None or message.settled_at is not None:
            raise ModerationError(_("Hier staan geen meldingen (meer) open."))
        message.settled_at = timezone.now()
        if action == ModerationKind.HIDE:
            message.is_hidden, message.hidden_reason = True, reason[:300]
        message.save(update_fields=["settled_at", "is_hidden", "hidden_reason"])
        if action == ModerationKind.DISMISS:
            _resume(message.author_id)
        audit_log_write(
            curator=curator,
            action=action,
            target_type=TargetType.MESSAGE,
            target_id=message.pk,
            target_title=Truncator(message.body).chars(80),
            reason=reason,
        )


# ---- The queue's sections ------------------------------------------------------------


def _introduction_entries():
    return (
        Introduction.objects.filter(reported=True)
        .annotate(kind=Value("introduction"), waiting_since=Coalesce("reported_at", "created_at"))
        .values_list("kind", "pk", "waiting_since")
    )


def _message_entries():
    return (
        Message.objects.reported()
        .annotate(kind=Value("message"), waiting_since=F("reported_at"))
        .values_list("kind", "pk", "waiting_since")
    )


ACTION_LABELS = {
    "dismiss": gettext_lazy("Melding afwijzen: weer laten meedoen"),
    "keep_stopped": gettext_lazy("Niet meer voorstellen"),
}


def _reported_pk(introduction: Introduction) -> int | None:
    """The member a report of the introduction is about: the other of who reported."""
    if introduction.reported_by_id == introduction.first_id:
        return introduction.second_id
    if introduction.reported_by_id == introduction.second_id:
        return introduction.first_id
    return None


def _reported_of(introduction: Introduction) -> Membership | None:
    pk = _reported_pk(introduction)
    return (
        None
        if pk is None
        else introduction.first
        if pk == introduction.first_id
        else introduction.second
    )


def _introduction_items(pks: list[int]) -> dict[int, dict]:
    found = Introduction.objects.filter(pk__in=pks).select_related(
        "first__profile", "second__profile"
    )
    items = {}
    for introduction in found:
        reported = _reported_of(introduction)
        items[introduction.pk] = {
            "template": "introductions/_moderation_item.html",
            "kind": "introduction",
            "object": introduction,
            "key": f"introduction-{introduction.pk}",
            "target": f"introduction:{introduction.pk}",
            "title": _("Kennismaking van %(first)s en %(second)s")
            % {
                "first": membership_display_name(introduction.first),
                "second": membership_display_name(introduction.second),
            },
            "kind_label": _("Kennismaking"),
            "reported": membership_display_name(reported) if reported else "",
            "waiting_since": introduction.reported_at or introduction.created_at,
            "actions": [(action, ACTION_LABELS[action]) for action in INTRODUCTION_ACTIONS],
        }
    return items


def _message_items(pks: list[int]) -> dict[int, dict]:
    found = Message.objects.filter(pk__in=pks).select_related("author__profile")
    return {
        message.pk: {
            "template": "introductions/_moderation_item.html",
            "kind": "message",
            "object": message,
            "key": f"message-{message.pk}",
            "target": f"message:{message.pk}",
            "title": _("Bericht van %(author)s in een gesprek")
            % {"author": membership_display_name(message.author)},
            "kind_label": _("Bericht"),
            "reported": membership_display_name(message.author),
            "waiting_since": message.reported_at,
            "actions": [("dismiss", ACTION_LABELS["dismiss"])],
            "hide_label": _("Verbergen"),
        }
        for message in found
    }


def _decide_introduction(*, curator: User, pk: int, action: str, reason: str) -> str | None:
    introduction = Introduction.objects.filter(pk=pk).first()
    if introduction is None:
        return None
    introduction_decide(introduction=introduction, curator=curator, action=action)
    return str(introduction)


def _decide_message(*, curator: User, pk: int, action: str, reason: str) -> str | None:
    message = Message.objects.filter(pk=pk).first()
    if message is None:
        return None
    message_decide(message=message, curator=curator, action=action, reason=reason)
    return Truncator(message.body).chars(60)


SECTIONS = (
    QueueSection(
        kind="introduction",
        entries=_introduction_entries,
        items=_introduction_items,
        decide=_decide_introduction,
        actions=INTRODUCTION_ACTIONS,
    ),
    QueueSection(
        kind="message",
        entries=_message_entries,
        items=_message_items,
        decide=_decide_message,
        actions=MESSAGE_ACTIONS,
    ),
)
