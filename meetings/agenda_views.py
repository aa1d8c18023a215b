"""The forms of a meeting's agenda and nazit (meetings.agenda decides): each posts and
goes back to the meeting's page, with a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.http import post_only

from . import agenda
from .forms import AgendaItemForm, AgendaMarkForm, NoteForm, NoteStoryForm
from .models import AgendaItem, Meeting, Note, Registration
from .services import MeetingError, NotAllowed


def _to_meeting(request, slug, **kwargs) -> str:
    """Where the agenda and nazit forms live, for post_only."""
    return reverse("meetings:detail", kwargs={"slug": slug})


def _meeting(request, slug) -> Meeting:
    return get_object_or_404(Meeting.objects.visible_to(request.user).distinct(), slug=slug)


def _back(meeting: Meeting, anchor: str):
    return redirect(f"{meeting.get_absolute_url()}#{anchor}")


def _refused(request, refusal: MeetingError):
    if isinstance(refusal, NotAllowed) and not request.user.is_authenticated:
        raise PermissionDenied
    messages.error(request, refusal.message)


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@post_only(
    "meetings:detail",
    label=_("Naar de bijeenkomst"),
    anchor="agenda",
    keep={"title": _("Onderwerp"), "body": _("Toelichting")},
)
@login_required
def item_add(request, slug):
    meeting = _meeting(request, slug)
    form = AgendaItemForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(meeting, "agenda")
    try:
        agenda.agenda_item_add(meeting=meeting, user=request.user, **form.cleaned_data)
    except MeetingError as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, _("Je punt staat op de agenda."))
    return _back(meeting, "agenda")


@post_only(_to_meeting, label=_("Naar de bijeenkomst"), anchor="agenda")
@login_required
def item_support(request, slug, pk):
    meeting = _meeting(request, slug)
    item = get_object_or_404(AgendaItem, meeting=meeting, pk=pk)
    try:
        agenda.agenda_item_support(item=item, user=request.user)
    except MeetingError as refusal:
        _refused(request, refusal)
    return _back(meeting, f"agendapunt-{item.pk}")


@post_only(_to_meeting, label=_("Naar de bijeenkomst"), anchor="agenda")
@login_required
def item_mark(request, slug, pk):
    meeting = _meeting(request, slug)
    item = get_object_or_404(AgendaItem, meeting=meeting, pk=pk)
    form = AgendaMarkForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(meeting, "agenda")
    try:
        agenda.agenda_item_mark(
            item=item,
            user=request.user,
            state=form.cleaned_data["state"] or None,
            position=form.cleaned_data["position"],
        )
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal
    except MeetingError as refusal:
        _refused(request, refusal)
    return _back(meeting, f"agendapunt-{item.pk}")


@post_only(
    "meetings:detail", label=_("Naar de bijeenkomst"), anchor="nazit", keep={"body": _("Notitie")}
)
@login_required
def note_add(request, slug):
    meeting = _meeting(request, slug)
    form = NoteForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(meeting, "nazit")
    try:
        agenda.note_add(meeting=meeting, user=request.user, body=form.cleaned_data["body"])
    except MeetingError as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, _("Dank je wel. Je notitie staat in de nazit."))
    return _back(meeting, "nazit")


@post_only(_to_meeting, label=_("Naar de bijeenkomst"), anchor="nazit")
@login_required
def note_story(request, slug, pk):
    """ "Maak er een leerverhaal van": a draft story, opened in the story editor."""
    meeting = _meeting(request, slug)
    note = get_object_or_404(Note, meeting=meeting, pk=pk, author=request.user)
    form = NoteStoryForm(request.POST, user=request.user)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(meeting, "nazit")
    try:
        story = agenda.note_to_story(note=note, user=request.user, **form.cleaned_data)
    except MeetingError as refusal:
        _refused(request, refusal)
        return _back(meeting, "nazit")
    messages.success(
        request,
        _("Je notitie is een concept-leerverhaal. Maak het af en plaats het als je klaar bent."),
    )
    return redirect(reverse("stories:edit", kwargs={"pk": story.pk}))


@post_only("meetings:detail", label=_("Naar de bijeenkomst"), anchor="nazit")
@login_required
def attendance(request, slug):
    """A host marks who was there (registration=<id>, attended=1 or 0)."""
    meeting = _meeting(request, slug)
    registration = get_object_or_404(
        Registration.objects.active(), meeting=meeting, pk=request.POST.get("registration") or 0
    )
    try:
        agenda.attendance_mark(
            meeting=meeting,
            user=request.user,
            registration=registration,
            attended=request.POST.get("attended") == "1",
        )
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal
    except MeetingError as refusal:
        _refused(request, refusal)
    return _back(meeting, "aanwezig")
