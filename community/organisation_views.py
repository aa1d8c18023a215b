"""An organisation's page (/gemeenten/<slug>/, /organisaties/<slug>/): its description
and learning question, the stories of its members and its public members, and "Word lid
via ...". It lives here because it shows organisations, members and stories together."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from book.models import user_is_member
from core.exports import csv_response
from core.http import post_only
from core.paging import counted_page, uncounted_page
from meetings.models import UPCOMING_SHOWN, Meeting
from members.models import Membership
from organisations.coordination import coordinated_organisation, may_coordinate
from organisations.forms import JoinForm
from organisations.models import Affiliation, Organisation
from organisations.services import membership_join_via
from stories.models import PUBLIC_STATUSES, Story

from . import organisation_statistics as organisation_statistics_tables
from .tables import table_chart

STORIES_PER_PAGE = 10
MEMBERS_PER_PAGE = 48


def _organisation(slug: str) -> Organisation:
    return get_object_or_404(Organisation.objects.select_related("successor"), slug=slug)


def organisation_stories(organisation: Organisation, user):
    """The stories on an organisation's page: those that name it and those of its members
    who show that they belong to it, as far as `user` may see them (the one access rule,
    Story.objects.visible_to), published ones only."""
    members = Affiliation.objects.public().filter(organisation=organisation).values("membership")
    return (
        Story.objects.visible_to(user)
        .filter(status__in=PUBLIC_STATUSES)
        .filter(Q(organisation=organisation) | Q(author__in=members))
        .order_by("-published_at", "-pk")
    )


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
    organisation = _organisation(slug)
    if organisation.successor is not None:
        return redirect(organisation.successor.get_absolute_url(), permanent=True)
    canonical = organisation.get_absolute_url()
    if request.path != canonical:
        return redirect(canonical, permanent=True)
    stories = organisation_stories(organisation, request.user)
    page = uncounted_page(
        request.GET,
        lambda start, stop: stories.page_for_display(start, stop, request.user),
        per_page=STORIES_PER_PAGE,
    )
    is_member = user_is_member(request.user)
    members = None
    if is_member:
        members = counted_page(
            request.GET,
            organisation_members(organisation),
            per_page=MEMBERS_PER_PAGE,
            param="leden",
        )
    membership = Membership.objects.for_user(request.user)
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "coordinates": may_coordinate(request.user, organisation),
            "page": page,
            "members": members,
            "membership": membership,
            "join_form": JoinForm(),
            "meetings": organisation_meetings(organisation),
            "meetings_url": f"{reverse('meetings:list')}?{urlencode({'organisatie': organisation.slug})}",
            "next_query": urlencode({"next": request.get_full_path()}),
        },
    )


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
