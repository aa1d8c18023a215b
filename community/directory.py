""" "Wie zijn er lid?": the member directory. It lives here because it shows members
with the organisations they chose to show, and filters by them."""

from django.db.models import Prefetch
from django.shortcuts import render
from django.views.decorators.http import require_safe

from book.models import user_is_member
from core.paging import counted_page
from members.models import Membership, Visibility
from organisations.models import Affiliation, Kind

from .forms import DirectoryFilterForm

DIRECTORY_PAGE_SIZE = 24


def directory_members(*, role: str = "", organisation=None, province: str = ""):
    """The members the directory lists, filtered. A role matches full profiles only, so
    filtering cannot reveal the role of someone who shows only their name; an
    organisation or province matches the affiliations members made public (as the
    organisation's page shows them). Each member with the municipalities they show
    (`shown_municipalities`), in one query more whatever the page size."""
    members = Membership.objects.in_directory()
    if role:
        members = members.filter(profile__visibility=Visibility.FULL, profile__role=role)
    public = Affiliation.objects.public()
    if organisation is not None:
        members = members.filter(
            pk__in=public.filter(organisation=organisation).values("membership")
        )
    if province:
        members = members.filter(
            pk__in=public.filter(organisation__province=province).values("membership")
        )
    return members.prefetch_related(
        Prefetch(
            "affiliations",
            queryset=public.filter(organisation__kind=Kind.MUNICIPALITY)
            .select_related("organisation")
            .order_by("organisation__name", "pk"),
            to_attr="shown_municipalities",
        )
    )


@require_safe
def directory(request):
    """ "Wie zijn er lid?": the members who chose to be seen.

    Privacy choice: the wall is for members (and curators) only. The default visibility
    is "name and number", which a member may never have looked at, so it must not reach
    the open internet; within the community that joined the same book it is what people
    expect. Visitors see only the total count, which says nothing about anyone."""
    total = Membership.objects.current().count()
    if not user_is_member(request.user):
        return render(request, "members/membership_directory.html", {"total": total})
    form = DirectoryFilterForm(request.GET or None)
    filters: dict = {}
    if form.is_valid():
        filters = {"role": form.cleaned_data["role"], **form.participant_filters()}
    members = directory_members(**filters)
    if form.is_bound and form.non_field_errors():
        # An organisation that does not exist (ParticipantFilterForm): said, none shown.
        # Another unknown value is said and the filters left out, as before.
        members = members.none()
    page = counted_page(request.GET, members, per_page=DIRECTORY_PAGE_SIZE)
    return render(
        request,
        "members/membership_directory.html",
        {
            "total": total,
            "form": form,
            "page": page,
            "filtered": any(filters.values()),
        },
    )
