""" "Wie wil je terugzien?": while the nazit of a meeting is open, someone who was there
marks others who were there whom they would like to see again. A mark is never shown
to the one marked; only when two people marked each other are both told so, on the
meeting's page here and by e-mail through the introductions app (community.meeting_matches
composes the two: introductions lies above meetings)."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .agenda import was_there
from .models import Meeting, Registration, RegistrationStatus, SeeAgain
from .services import MeetingError, NotAllowed


def _present(meeting: Meeting):
    """The accounts of who was there: hosts, and registrations going or marked present."""
    registered = (
        Registration.objects.filter(meeting=meeting)
        .exclude(status=RegistrationStatus.CANCELLED)
        .filter(Q(status=RegistrationStatus.GOING) | Q(attended=True))
        .values("user")
    )
    hosts = meeting.hosts.filter(user__isnull=False).values("user")
    return get_user_model().objects.filter(Q(pk__in=registered) | Q(pk__in=hosts))


def see_again_candidates(*, meeting: Meeting, user):
    """Whom `user` may mark: the others who were there."""
    return _present(meeting).exclude(pk=user.pk).order_by("pk")


def see_again_mark(*, meeting: Meeting, user, other, wanted: bool = True) -> bool:
    """`user` would (`wanted`) or would no longer like to see `other` again. Returns
    whether the two now want to see each other: only then may anyone be told."""
    if other.pk == user.pk:
        raise MeetingError(_("Jezelf terugzien gaat vanzelf."))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.is_cancelled or not meeting.nazit_is_open:
            raise MeetingError(
                _("Wie je terug wilt zien, zeg je na de bijeenkomst, zolang de nazit openstaat.")
            )
        if not was_there(meeting, user):
            raise NotAllowed(_("Alleen wie erbij was, zegt wie hij of zij terug wil zien."))
        if not see_again_candidates(meeting=meeting, user=user).filter(pk=other.pk).exists():
            raise MeetingError(_("Die persoon was niet bij deze bijeenkomst."))
        marks = SeeAgain.objects.filter(meeting=meeting, user=user, other=other)
        if not wanted:
            marks.delete()
            return False
        if not marks.exists():
            try:
                with transaction.atomic():
                    SeeAgain.objects.create(meeting=meeting, user=user, other=other)
            except IntegrityError:
                pass  # a double click: marked once
        return SeeAgain.objects.filter(meeting=meeting, user=other, other=user).exists()


def marked_by(*, meeting: Meeting, user) -> set[int]:
    """The ids of those `user` marked at `meeting` (their own marks, for their form)."""
    return set(
        SeeAgain.objects.filter(meeting=meeting, user=user).values_list("other_id", flat=True)
    )


def mutual_for(*, meeting: Meeting, user) -> set[int]:
    """The ids of those who want to see `user` again as much as `user` wants them."""
    return set(
        SeeAgain.objects.mutual()
        .filter(meeting=meeting, user=user)
        .values_list("other_id", flat=True)
    )
