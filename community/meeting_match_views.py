""" "Wie wil je terugzien?" on a meeting's page: the form posts here, above meetings and
introductions, since a mutual mark introduces two members (community.meeting_matches)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _

from core.http import post_only
from meetings.forms import SeeAgainForm
from meetings.models import Meeting
from meetings.services import MeetingError, NotAllowed

from .meeting_matches import meeting_match_mark


@post_only("meetings:detail", label=_("Naar de bijeenkomst"), anchor="terugzien")
@login_required
def meeting_see_again(request, slug):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).distinct(), slug=slug)
    back = redirect(f"{meeting.get_absolute_url()}#terugzien")
    form = SeeAgainForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies wie je terug wilt zien."))
        return back
    other = get_user_model().objects.filter(pk=form.cleaned_data["other"]).first()
    if other is None:
        messages.error(request, _("Die persoon was niet bij deze bijeenkomst."))
        return back
    wanted = form.cleaned_data["wanted"]
    try:
        mutual = meeting_match_mark(meeting=meeting, user=request.user, other=other, wanted=wanted)
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal
    except MeetingError as refusal:
        messages.error(request, refusal.message)
        return back
    if mutual:
        messages.success(
            request,
            _(
                "Jullie willen elkaar allebei terugzien. Als jullie allebei lid zijn, krijgen jullie elkaars e-mailadres."
            ),
        )
    elif wanted:
        messages.success(
            request, _("Bewaard. Wil die ander jou ook terugzien, dan horen jullie het allebei.")
        )
    else:
        messages.success(request, _("Bewaard."))
    return back
