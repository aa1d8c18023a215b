""" "Wie wil je terugzien?" put together: the meetings app keeps the marks and knows
when two people marked each other (meetings.see_again); the introductions app is how
two members are introduced and learn each other's address. Introductions lies above
meetings in the layers, so neither calls the other: this module, above both, makes the
one change of a mark that turns out mutual, in one transaction, and the introductions
app tells both (its "accepted" e-mail). Someone without a copy of the book is told on
the meeting's page only: introductions are between members."""

from django.db import transaction
from django.utils.translation import gettext as _

from introductions.services import introduction_after_meeting
from meetings.models import Meeting
from meetings.see_again import see_again_mark
from members.models import Membership


def meeting_match_mark(*, meeting: Meeting, user, other, wanted: bool = True) -> bool:
    """`user` marks (or unmarks) `other` at `meeting`; when the two now want to see each
    other again and both hold a copy, they are introduced. Returns whether it is mutual."""
    with transaction.atomic():
        mutual = see_again_mark(meeting=meeting, user=user, other=other, wanted=wanted)
        if mutual:
            mine, theirs = Membership.objects.for_user(user), Membership.objects.for_user(other)
            if mine is not None and theirs is not None:
                introduction_after_meeting(
                    first=mine,
                    second=theirs,
                    note=_("Jullie willen elkaar allebei terugzien na “%(title)s”.")
                    % {"title": meeting.title},
                )
        return mutual
