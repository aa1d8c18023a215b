"""The thread of two members who both said yes: short messages on the site instead of
(or besides) e-mail. Only the two read it; a block by either ends it (no new messages,
no more e-mails). Messages are Markdown through the one sanitiser, within the hourly
ceilings of stories' replies (stories.writing.rate_check), and the other member hears
of a new one by e-mail unless they switched that off."""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.markdown import render_markdown
from members.models import Membership
from stories.exceptions import RateLimited
from stories.writing import NEW_MEMBER_REPLIES_PER_HOUR, rate_check

from . import notifications
from .models import MESSAGE_MAX_LENGTH, Block, Introduction, Message


class ThreadError(Exception):
    """A message the thread refuses; the text says why, in the member's words."""


def is_blocked(introduction: Introduction) -> bool:
    """Whether either of the two blocked the other."""
    first, second = introduction.first_id, introduction.second_id
    return Block.objects.filter(
        Q(blocker=first, blocked=second) | Q(blocker=second, blocked=first)
    ).exists()


def thread_is_open(introduction: Introduction) -> bool:
    """Both said yes and neither blocked the other."""
    return introduction.accepted and not is_blocked(introduction)


def message_send(*, introduction: Introduction, membership: Membership, body: str) -> Message:
    """A message from `membership`, one of the two, to the other. Refused (ThreadError,
    nothing saved) when the thread is not open, the text is empty or too long, or the
    member wrote too many messages this hour."""
    body = body.strip()
    if not body:
        raise ThreadError(_("Schrijf eerst een bericht."))
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ThreadError(
            _("Een bericht is hoogstens %(max)d tekens lang.") % {"max": MESSAGE_MAX_LENGTH}
        )
    with transaction.atomic():
        introduction = Introduction.objects.select_for_update().get(pk=introduction.pk)
        introduction.side(membership)  # ValueError for anyone else: the views 404 first
        if not thread_is_open(introduction):
            raise ThreadError(_("Dit gesprek is gesloten: er kunnen geen berichten meer bij."))
        try:
            rate_check(
                membership,
                model=Message,
                limit=NEW_MEMBER_REPLIES_PER_HOUR,
                message=_(
                    "Je hebt het afgelopen uur al %(limit)d berichten gestuurd. Probeer het "
                    "later nog eens; je tekst staat hieronder nog klaar."
                ),
                trusted_limit=settings.STORIES_TRUSTED_REPLIES_PER_HOUR,
                trusted_message=_(
                    "Je hebt het afgelopen uur al %(limit)d berichten gestuurd; meer kan er "
                    "in een uur niet bij. Je tekst staat hieronder nog klaar."
                ),
            )
        except RateLimited as refusal:
            raise ThreadError(refusal.message) from refusal
        message = Message.objects.create(
            introduction=introduction,
            author=membership,
            body=body,
            body_html=render_markdown(body).html,
        )
        notifications.message_received(message)
        return message
