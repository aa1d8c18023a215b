"""An organisation's page (/gemeenten/<slug>/, /organisaties/<slug>/): its description
and learning question, the stories of its members and its public members, and "Word lid
via ...". It lives here because it shows organisations, members and stories together."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from book.models import audience_readable_q, user_is_member
from core import cache
from core.exports import csv_response
from core.http import post_only
from core.paging import counted_page, uncounted_page
from meetings.models import UPCOMING_SHOWN, Meeting
from members.models import Membership
from organisations.coordination import coordinated_organisation, may_coordinate
from organisations.forms import JoinForm
from organisations.models import Organisation
from organisations.services import membership_join_via
from stories.models import Story

from . import organisation_pages
from . import organisation_statistics as organisation_statistics_tables
from .organisation_pages import MEMBERS_PAGE_PARAM
from .tables import table_chart

STORIES_PER_PAGE = 10
MEMBERS_PER_PAGE = 48


def _organisation(slug: str) -> Organisation:
    return get_object_or_404(Organisation.objects.select_related("successor"), slug=slug)


def organisation_members(organisation: Organisation):
    """Its members who made their affiliation public and appear in the directory, once
    each, with their profile (for the name)."""
    return (
        Membership.objects.in_directory()
        .filter(affiliations__organisation=organisation, affiliations__public=True)
        .distinct()
    )


def organisation_meetings(organisation: Organisation) -> list[Meeting]:
    """The next published meetings `organisation` hosts (the organisations app knows
    nothing of meetings; this page, above both, brings them together)."""
    return list(
        Meeting.objects.published().upcoming().of_organisation(organisation)[:UPCOMING_SHOWN]
    )


@require_safe
def organisation_detail(request, slug):
    """An organisation's page. Anonymous readers share it whole, members (who do not
    coordinate it) with their own parts filled in (organisation_pages); everyone
    else gets theirs rendered."""
    return organisation_pages.organisation_page(
        request,
        slug,
        lambda audience, shared: _organisation_detail(
            request, slug, audience=audience, shared=shared
        ),
    )


def _organisation_detail(request, slug, *, audience: str | None, shared: bool):
    """The page as every reader of `audience` (core.cache.ANONYMOUS or MEMBERS) sees
    it, or (None) as the visitor sees it; with stand-ins for the visitor's own parts
    when `shared` (core.cache.shared_context)."""
    organisation = _organisation(slug)
    if organisation.successor is not None:
        return redirect(organisation.successor.get_absolute_url(), permanent=True)
    canonical = organisation.get_absolute_url()
    if request.path != canonical:
        return redirect(canonical, permanent=True)
    user = request.user
    if audience is None:
        stories = Story.objects.visible_to(user)
    else:
        members_read = audience == cache.MEMBERS
        stories = Story.objects.filter(
            audience_readable_q(members=members_read, prefix="chapter__")
        )
    reader = None if shared else user  # shared: the reactions given are stand-ins
    page = uncounted_page(
        request.GET,
        lambda start, stop: stories.newest_page_for_display(
            start, stop, reader, parts=organisation_pages.story_parts(stories, organisation)
        ),
        per_page=STORIES_PER_PAGE,
    )
    is_member = user_is_member(user)
    members = None
    if is_member:
        members = counted_page(
            request.GET,
            organisation_members(organisation),
            per_page=MEMBERS_PER_PAGE,
            param=MEMBERS_PAGE_PARAM,
        )
    context = {
        "organisation": organisation,
        "coordinates": audience is None and may_coordinate(user, organisation),
        "page": page,
        "members": members,
        "membership": Membership.objects.for_user(user),
        "join_form": JoinForm(),
        "meetings": organisation_meetings(organisation),
        "meetings_url": f"{reverse('meetings:list')}?{urlencode({'organisatie': organisation.slug})}",
        "next_query": urlencode({"next": request.get_full_path()}),
    }
    if shared:
        context |= cache.shared_context()
    return render(request, "organisations/organisation_detail.html", context)


@post_only("municipality", label=gettext_lazy("Naar de organisatie"))
def organisation_join(request, slug):
    """ "Word lid via <gemeente>": claim a digital copy (unless the visitor has one) and
    the affiliation with the organisation, in one step. A visitor without an account
    makes one (or logs in) first and comes back here."""
    organisation = get_object_or_404(Organisation.objects.current(), slug=slug)
    page = organisation.get_absolute_url()
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_signup')}?{urlencode({'next': page})}")
    form = JoinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies hoe je bij %(name)s hoort.") % {"name": organisation})
        return redirect(page)
    _affiliation, joined = membership_join_via(
        user=request.user,
        organisation=organisation,
        relation=form.cleaned_data["relation"],
        public=form.cleaned_data["public"],
    )
    if joined:
        return redirect("members:welcome")
    messages.success(request, _("Je hoort nu bij %(name)s.") % {"name": organisation})
    return redirect(page)


@login_required
@require_safe
def organisation_statistics(request, slug):
    organisation = coordinated_organisation(request.user, slug)
    tables = []
    for make in organisation_statistics_tables.TABLES.values():
        table = make(organisation)
        tables.append((table, table_chart(table)))
    return render(
        request,
        "organisations/statistics.html",
        {"organisation": organisation, "tables": tables},
    )


@login_required
@require_safe
def organisation_statistics_csv(request, slug, table):
    organisation = coordinated_organisation(request.user, slug)
    make = organisation_statistics_tables.TABLES.get(table)
    if make is None:
        raise Http404("No such table")
    data = make(organisation)
    return csv_response(
        filename=f"{organisation.slug}-{data.slug}.csv", header=data.columns, rows=data.rows
    )
