"""The meetings' pages: the list, a meeting with its agenda and nazit, the forms to
create, propose, change and copy a meeting, registering and cancelling, and the
curators' queue of proposals. Who may do what is decided in the services
(meetings.services, meetings.agenda); these views parse, call and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from book.models import user_is_member
from core import cache
from core.http import post_only
from core.paging import PAGE_PARAM, counted_page
from core.roles import curator_required
from members.models import Membership, Visibility, membership_display_name
from stories.models import Story

from . import agenda, see_again, services
from .calendar import calendar_bytes, in_feed
from .forms import (
    AgendaItemForm,
    CancelForm,
    MeetingFilterForm,
    MeetingForm,
    NoteForm,
    NoteStoryForm,
    RegistrationForm,
    meeting_initial,
)
from .models import AgendaState, Meeting, Registration, RegistrationStatus
from .shared import feed_version, list_version, meeting_state, organisation_feed_state

PER_PAGE = 20
WHEN_PARAM = "wanneer"
PAST = "voorbij"


#: The list's filters (MeetingFilterForm) and which meetings (WHEN_PARAM).
LIST_FILTERS = (WHEN_PARAM, "hoofdstuk", "organisatie", "provincie", "online")


@require_safe
def meeting_list(request):
    """Upcoming meetings (or, with ?wanneer=voorbij, past ones), filtered by chapter, host
    organisation, province and online; proposals and cancelled meetings are not listed.
    Anonymous readers share the page whole, members with their own token filled in
    (core.cache.shared_page); a filtered list or a page past the first is kept in the
    long-tail cache, a deep one not at all (core.cache.page_query)."""
    shared_by = cache.audience(request, user_is_member)
    query = cache.page_query(request, pages=(PAGE_PARAM,), filters=LIST_FILTERS)
    key = None
    if shared_by is not None and query is not None:
        key = cache.html_key("meetings:list:v1", *list_version(), cache.digest(query))
    return cache.shared_page(
        request,
        shared_by,
        key,
        lambda shared: _meeting_list(request, shared=shared),
        long_tail=bool(query),
    )


def _meeting_list(request, *, shared: bool):
    now = timezone.now()
    past = request.GET.get(WHEN_PARAM) == PAST
    form = MeetingFilterForm(request.GET or None)
    meetings = Meeting.objects.published()
    meetings = meetings.past(now) if past else meetings.upcoming(now)
    if form.is_valid():
        if form.cleaned_data["hoofdstuk"]:
            meetings = meetings.about(form.cleaned_data["hoofdstuk"])
        if form.cleaned_data["organisatie"]:
            meetings = meetings.of_organisation(form.cleaned_data["organisatie"])
        if form.cleaned_data["provincie"]:
            meetings = meetings.in_province(form.cleaned_data["provincie"])
        if form.cleaned_data["online"]:
            meetings = meetings.online()
    page = counted_page(request.GET, meetings.for_display(), per_page=PER_PAGE)
    context = {
        "page": page,
        "meetings": page.object_list,
        "past": past,
        "form": form,
        "can_propose": request.user.is_authenticated
        and Membership.objects.for_user(request.user) is not None,
    }
    return render(
        request,
        "meetings/meeting_list.html",
        context | cache.shared_context() if shared else context,
    )


@require_safe
def meeting_detail(request, slug):
    """A meeting's page. Anonymous readers share it whole, members who did not register,
    host or propose it share theirs (core.cache.shared_page); the others get theirs
    rendered, with what is theirs on it."""
    shared_by = cache.audience(request, user_is_member)
    key = None
    if shared_by is not None and not request.META.get("QUERY_STRING"):
        state = meeting_state(slug, request.user.pk)
        if state is not None and state.announced and not state.own:
            key = cache.html_key("meetings:detail:v1", slug, *state.version)
    return cache.shared_page(
        request, shared_by, key, lambda shared: _meeting_detail(request, slug, shared=shared)
    )


def _meeting_detail(request, slug, *, shared: bool):
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("host_organisation").distinct(),
        slug=slug,
    )
    context = _page_context(request, meeting)
    return render(
        request,
        "meetings/meeting_detail.html",
        context | cache.shared_context() if shared else context,
    )


def _form_refused(form, refusal: services.MeetingError):
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, refusal.message)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    """A curator creates a meeting (published at once); a member proposes one.
    ?kopie=<slug> starts from a copy of a meeting the visitor hosts or curates."""
    curator = services.is_curator(request.user)
    membership = Membership.objects.for_user(request.user)
    if not curator and membership is None:
        raise PermissionDenied(_("Alleen leden kunnen een bijeenkomst voorstellen."))
    initial, parked = {}, None
    source = request.GET.get("kopie")
    if source:
        original = get_object_or_404(
            Meeting.objects.visible_to(request.user).distinct(), slug=source
        )
        if not (curator or original.is_hosted_by(request.user)):
            raise PermissionDenied
        initial = meeting_initial(original, copy=True)
        parked = original.agenda_items.parked().for_display()
    form = MeetingForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        uploader=request.user,
        parked=parked,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if curator:
                meeting = services.meeting_create(user=request.user, details=form.details())
                messages.success(request, _("De bijeenkomst staat op de site."))
            else:
                assert membership is not None  # refused above otherwise
                meeting = services.meeting_propose(membership=membership, details=form.details())
                messages.success(
                    request,
                    _("Dank je wel. Een curator kijkt naar je voorstel en publiceert het."),
                )
        except services.MeetingError as refusal:
            _form_refused(form, refusal)
        else:
            return redirect(meeting)
    return render(
        request, "meetings/meeting_form.html", {"form": form, "meeting": None, "curator": curator}
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, slug):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).distinct(), slug=slug)
    if not (services.is_curator(request.user) or meeting.is_hosted_by(request.user)):
        raise PermissionDenied
    form = MeetingForm(
        request.POST or None,
        request.FILES or None,
        initial=meeting_initial(meeting),
        uploader=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, user=request.user, details=form.details())
        except services.MeetingError as refusal:
            _form_refused(form, refusal)
        else:
            messages.success(request, _("De wijzigingen zijn bewaard."))
            return redirect(meeting)
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "meeting": meeting, "cancel_form": CancelForm()},
    )


@post_only("meetings:detail", label=_("Naar de bijeenkomst"))
@login_required
def meeting_cancel(request, slug):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).distinct(), slug=slug)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.meeting_cancel(meeting=meeting, user=request.user, reason=reason)
    except services.NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal
    except services.MeetingError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("De bijeenkomst is afgelast. Wie zich aanmeldde, krijgt bericht.")
        )
    return redirect(meeting)


@post_only(
    "meetings:detail", label=_("Naar de bijeenkomst"), keep={"bringing": _("Wat ik meebreng")}
)
@login_required
def register(request, slug):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).distinct(), slug=slug)
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Houd het kort: hoogstens 500 tekens."))
        return redirect(meeting)
    try:
        registration = services.registration_register(
            meeting=meeting, user=request.user, bringing=form.cleaned_data["bringing"]
        )
    except services.MeetingError as refusal:
        messages.error(request, refusal.message)
        return redirect(meeting)
    if registration.status == RegistrationStatus.GOING:
        messages.success(request, _("Je bent aangemeld. Tot dan!"))
    else:
        messages.info(
            request,
            _(
                "De bijeenkomst is vol: je staat op de wachtlijst. Komt er een plaats vrij, dan krijg je een e-mail."
            ),
        )
    return redirect(meeting)


@post_only("meetings:detail", label=_("Naar de bijeenkomst"))
@login_required
def unregister(request, slug):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).distinct(), slug=slug)
    try:
        services.registration_cancel(meeting=meeting, user=request.user)
    except services.MeetingError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Je bent afgemeld."))
    return redirect(meeting)


# ---- Curators -----------------------------------------------------------------------------


@require_safe
@curator_required("meetings.change_meeting")
def queue(request):
    """The proposals members made, oldest first, each with publish and decline."""
    proposals = Meeting.objects.proposed().select_related("proposed_by__profile")
    return render(
        request,
        "meetings/queue.html",
        {
            "page": (page := counted_page(request.GET, proposals, per_page=PER_PAGE)),
            "proposals": page.object_list,
        },
    )


@post_only(lambda request, **kwargs: reverse("meetings:queue"), label=_("Naar de voorstellen"))
@curator_required("meetings.change_meeting")
def publish(request, slug):
    meeting = get_object_or_404(Meeting, slug=slug)
    try:
        services.meeting_publish(meeting=meeting, curator=request.user)
    except services.MeetingError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("De bijeenkomst staat op de site."))
    return redirect("meetings:queue")


def _person(user) -> str | None:
    """The name a member shows (None for a hidden profile or someone without a copy)."""
    membership = getattr(user, "membership", None)
    profile = getattr(membership, "profile", None) if membership else None
    if profile is None or profile.visibility == Visibility.HIDDEN:
        return None
    return membership_display_name(membership) if membership is not None else None


def _attendees(meeting: Meeting) -> tuple[list[str], int]:
    """The names of who is going that may be shown (members whose profile is not
    hidden from the directory), and how many others go."""
    going = (
        meeting.registrations.going()
        .select_related("user__membership__profile")
        .order_by("created_at", "pk")
    )
    names, others = [], 0
    for registration in going:
        name = _person(registration.user)
        if name is None:
            others += 1
        else:
            names.append(name)
    return names, others


def _agenda_context(request, meeting: Meeting, *, registration, is_host: bool) -> dict:
    """The agenda and, once the meeting is over, the nazit with its notes and the
    stories that came of them (as far as the visitor may see them)."""
    user = request.user
    takes_part = bool(registration) or is_host
    context = {
        "agenda_items": meeting.agenda_items.for_display(user).select_related(
            "author", "carried_from__meeting"
        ),
        "agenda_open": takes_part and meeting.is_published and not meeting.has_started,
        "agenda_form": AgendaItemForm(),
        "states": AgendaState.choices,
        "meeting_stories": Story.objects.visible_to(user)
        .filter(meeting_notes__meeting=meeting)
        .select_related("chapter")
        .distinct(),
    }
    if meeting.is_over:
        context["notes"] = meeting.notes.for_display()
        context["nazit_open"] = meeting.nazit_is_open and takes_part and not meeting.is_cancelled
        context["note_form"] = NoteForm()
        context["story_form"] = NoteStoryForm(user=user)
        if takes_part and not meeting.is_cancelled and agenda.was_there(meeting, user):
            context["see_again"] = _see_again_context(meeting, user)
    if meeting.has_started and (is_host or services.is_curator(user)):
        context["attendance"] = [
            (registration, _person(registration.user))
            for registration in meeting.registrations.active()
            .select_related("user__membership__profile")
            .order_by("created_at", "pk")
        ]
    return context


def _see_again_context(meeting: Meeting, user) -> dict:
    """ "Wie wil je terugzien?": the others who were there and show their name, whether
    `user` marked each, and those who marked `user` back (never a one-sided mark)."""
    marked = see_again.marked_by(meeting=meeting, user=user)
    mutual = see_again.mutual_for(meeting=meeting, user=user)
    people = []
    for other in see_again.see_again_candidates(meeting=meeting, user=user).select_related(
        "membership__profile"
    ):
        name = _person(other)
        if name is not None:
            people.append({"pk": other.pk, "name": name, "marked": other.pk in marked})
    return {
        "open": meeting.nazit_is_open,
        "people": people,
        "mutual": [person["name"] for person in people if person["pk"] in mutual],
    }


def _page_context(request, meeting: Meeting) -> dict:
    user = request.user
    counts = Registration.objects.filter(meeting=meeting).aggregate(
        going=Count("pk", filter=Q(status=RegistrationStatus.GOING)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
    )
    registration = (
        Registration.objects.active().filter(meeting=meeting, user=user).first()
        if user.is_authenticated
        else None
    )
    is_host = meeting.is_hosted_by(user)
    can_change = is_host or services.is_curator(user)
    context = {
        "meeting": meeting,
        "hosts": meeting.hosts.select_related("profile"),
        "chapters": meeting.chapters.readable_by(user).in_order(),
        "counts": counts,
        "places_left": None
        if meeting.capacity is None
        else max(meeting.capacity - counts["going"], 0),
        "registration": registration,
        "registration_form": RegistrationForm(
            initial={"bringing": registration.bringing if registration else ""}
        ),
        "open_for_registration": meeting.is_published and not meeting.has_started,
        "admitted": meeting.admits(user),
        "is_member": user_is_member(user),
        "is_host": is_host,
        "can_change": can_change,
        "cancel_form": CancelForm(),
    }
    context |= _agenda_context(request, meeting, registration=registration, is_host=is_host)
    if can_change or (registration and registration.status == RegistrationStatus.GOING):
        context["attendees"], context["other_attendees"] = _attendees(meeting)
    return context


# ---- Calendar -----------------------------------------------------------------------------

#: How long a calendar app (or a cache between) may keep a feed before it asks again;
#: asking again is cheap (`_feed`: a 304 costs one query).
FEED_MAX_AGE = 300


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def meeting_ics(request, slug):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).distinct(), slug=slug)
    return _ics(calendar_bytes([meeting], name=meeting.title), f"{meeting.slug}.ics")


def _feed(request, meetings, *, version: tuple, name: str, filename: str) -> HttpResponse:
    """The feed of `meetings` (meetings.calendar.in_feed), for calendars that poll it:
    kept in the cache under `version` (meetings.shared), the key's fingerprint its
    ETag, and a 304 to whoever has it already. Last-Modified is when the body under
    that key was made: a meeting that leaves the feed or a renamed organisation leaves
    no later `updated_at` behind, but always a later body."""
    key = cache.html_key("meetings:feed:v1", filename, *version)
    made_at, content = cache.fetch(
        key,
        lambda: (
            int(timezone.now().timestamp()),
            calendar_bytes(in_feed(meetings).order_by("starts_at", "pk"), name=name),
        ),
    )
    response = _ics(content, filename)
    response["ETag"] = quote_etag(cache.digest(key))
    response["Last-Modified"] = http_date(made_at)
    patch_cache_control(response, public=True, max_age=FEED_MAX_AGE)
    conditional = get_conditional_response(
        request, etag=response["ETag"], last_modified=made_at, response=response
    )
    return response if conditional is None else conditional  # the feed, or a 304


@require_safe
def calendar_feed(request):
    return _feed(
        request,
        Meeting.objects.all(),
        version=feed_version(),
        name=str(_("Bijeenkomsten")),
        filename="bijeenkomsten.ics",
    )


@require_safe
def organisation_calendar_feed(request, slug):
    """The feed of the meetings one organisation hosts, by its slug. A merged
    organisation's feed is its successor's (permanently: a subscribed calendar follows
    the merger)."""
    state = organisation_feed_state(slug)
    if state is None:
        raise Http404
    if state.successor is not None:
        return redirect("meetings:organisation_calendar", slug=state.successor, permanent=True)
    return _feed(
        request,
        Meeting.objects.of_organisation(state.pk),
        version=state.version,
        name=_("Bijeenkomsten bij %(name)s") % {"name": state.name},
        filename=f"bijeenkomsten-{slug}.ics",
    )
