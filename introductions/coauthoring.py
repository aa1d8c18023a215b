""" "Schrijf er samen een leerverhaal over": after an introduction both said yes to, one
of the two invites the other as co-author of a story of theirs (a draft they started,
or one already in the book). The other accepts or declines; accepting puts them beside
the author (stories.writing.story_coauthor_add: credited on the story, may edit it,
moderated as any story). Only within the pair, and not once either blocked the other."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Membership
from stories.exceptions import NotAllowed
from stories.models import Status, Story
from stories.writing import story_coauthor_add

from . import notifications
from .models import Answer, CoauthorInvitation, Introduction
from .threads import ThreadError, thread_is_open


def stories_to_share(membership: Membership):
    """The member's stories they may invite a co-author to: their own, not hidden."""
    return Story.objects.by(membership).exclude(status=Status.HIDDEN).order_by("-created_at")


def coauthor_invite(
    *, introduction: Introduction, membership: Membership, story: Story
) -> CoauthorInvitation:
    """`membership` invites the other of `introduction` to write `story` with them.
    Refused (ThreadError, nothing saved) outside an accepted, unblocked pair, for a
    story that is not theirs, and a second time for the same story."""
    other = introduction.other(membership)  # ValueError for anyone else: views 404 first
    with transaction.atomic():
        if not thread_is_open(introduction):
            raise ThreadError(_("Samen schrijven kan alleen als jullie allebei ja zeiden."))
        if not stories_to_share(membership).filter(pk=story.pk).exists():
            raise ThreadError(_("Je kunt alleen iemand uitnodigen bij een verhaal van jezelf."))
        if story.coauthors.filter(pk=other.pk).exists():
            raise ThreadError(_("Jullie schrijven dit verhaal al samen."))
        try:
            with transaction.atomic():
                invitation = CoauthorInvitation.objects.create(
                    introduction=introduction, story=story, invited=other
                )
        except IntegrityError:
            raise ThreadError(_("Je nodigde dit lid al uit voor dit verhaal.")) from None
        notifications.coauthor_invited(invitation, inviter=membership)
        return invitation


def coauthor_answer(
    *, invitation: CoauthorInvitation, membership: Membership, answer: str
) -> CoauthorInvitation:
    """The invited member's yes or no, once. Yes: they become a co-author."""
    if answer not in (Answer.YES, Answer.NO):
        raise ThreadError(_("Kies ja of nee."))
    with transaction.atomic():
        invitation = CoauthorInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.invited_id != membership.pk:
            raise ThreadError(_("Deze uitnodiging is niet voor jou."))
        if invitation.answer != Answer.PENDING:
            return invitation
        if answer == Answer.YES:
            if not thread_is_open(invitation.introduction):
                raise ThreadError(_("Samen schrijven kan alleen als jullie allebei ja zeiden."))
            try:
                story_coauthor_add(story=invitation.story, membership=membership)
            except NotAllowed:
                raise ThreadError(_("Dit verhaal heeft geen auteur meer.")) from None
        invitation.answer = answer
        invitation.answered_at = timezone.now()
        invitation.save(update_fields=["answer", "answered_at"])
        return invitation


def coauthor_invitation_end(*, story: Story, membership: Membership) -> None:
    """`membership` no longer writes `story` (community.coauthorship): the invitation
    they accepted goes, so that the introduction's page no longer says the two write
    it together (and the author may ask again, which the other may decline). Called in
    the transaction that takes them off the story."""
    with transaction.atomic():
        CoauthorInvitation.objects.filter(story=story, invited=membership).delete()
