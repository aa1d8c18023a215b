from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from book.models import user_is_member
from core import cache
from core.http import post_only
from core.paging import PAGE_PARAM, counted_page
from members.access import membership_or_claim

from . import services
from .forms import JoinForm, OrganisationFilterForm, organisation_search
from .models import Affiliation, Kind, Organisation
from .shared import list_version

PAGE_SIZE = 50


#: The overviews' filters (OrganisationFilterForm).
LIST_FILTERS = ("soort", "provincie")


@require_safe
def organisation_list(request, *, municipalities: bool):
    """ "Gemeenten" (/gemeenten/) and "Organisaties" (/organisaties/): the organisations
    with at least one current member, filterable by kind and province, with their
    member counts. Counts only: who the members are is on each organisation's page.
    Anonymous readers share the page whole, members with their own token filled in
    (core.cache.shared_page), keyed by every organisation's version; a filtered list
    or a page past the first is kept in the long-tail cache, a deep one not at all."""
    shared_by = cache.audience(request, user_is_member)
    query = cache.page_query(request, pages=(PAGE_PARAM,), filters=LIST_FILTERS)
    key = None
    if shared_by is not None and query is not None:
        key = cache.html_key(
            "organisations:list:v1", municipalities, *list_version(), cache.digest(query)
        )
    return cache.shared_page(
        request,
        shared_by,
        key,
        lambda shared: _organisation_list(request, municipalities=municipalities, shared=shared),
        long_tail=bool(query),
    )


def _organisation_list(request, *, municipalities: bool, shared: bool):
    organisations = Organisation.objects.with_members().order_by("-founding", "name", "pk")
    if municipalities:
        organisations = organisations.filter(kind=Kind.MUNICIPALITY)
    form = OrganisationFilterForm(request.GET or None, kind_fixed=municipalities)
    if form.is_valid():
        if kind := form.cleaned_data.get("soort"):
            organisations = organisations.filter(kind=kind)
        if province := form.cleaned_data["provincie"]:
            organisations = organisations.filter(province=province)
    page = counted_page(request.GET, organisations, per_page=PAGE_SIZE)
    context = {
        "municipalities": municipalities,
        "form": form,
        "page": page,
        "filtered": bool(request.GET.get("soort") or request.GET.get("provincie")),
    }
    return render(
        request,
        "organisations/organisation_list.html",
        context | cache.shared_context() if shared else context,
    )


# ---- A member's own organisations ---------------------------------------------------


@login_required
@require_safe
def affiliation_list(request):
    """ "Mijn organisaties": the member's affiliations, and the search-and-choose step
    that adds one. Searching is a plain GET form and choosing a plain POST per result,
    so it works without JavaScript and never lists all 342 municipalities at once."""
    membership = membership_or_claim(request)
    if membership is None:
        return redirect("members:claim")
    query, found = organisation_search(request.GET)
    return render(
        request,
        "organisations/affiliation_list.html",
        {
            "affiliations": Affiliation.objects.filter(membership=membership).select_related(
                "organisation"
            ),
            "query": query,
            "found": found,
            "join_form": JoinForm(),
        },
    )


def _to_mine(request, **kwargs) -> str:
    return reverse("organisations:mine")


@post_only(_to_mine, label=gettext_lazy("Naar je organisaties"))
@login_required
def affiliation_create(request, pk):
    membership = membership_or_claim(request)
    if membership is None:
        return redirect("members:claim")
    organisation = get_object_or_404(Organisation.objects.current(), pk=pk)
    form = JoinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies hoe je bij %(name)s hoort.") % {"name": organisation})
        return redirect("organisations:mine")
    services.affiliation_add(
        membership=membership,
        organisation=organisation,
        relation=form.cleaned_data["relation"],
        public=form.cleaned_data["public"],
    )
    messages.success(request, _("Je hoort nu bij %(name)s.") % {"name": organisation})
    return redirect("organisations:mine")


@post_only(_to_mine, label=gettext_lazy("Naar je organisaties"))
@login_required
def affiliation_delete(request, pk):
    """Only the member's own affiliation: another's pk is a 404, like one that is not."""
    affiliation = get_object_or_404(
        Affiliation.objects.select_related("organisation"), pk=pk, membership__user=request.user
    )
    services.affiliation_remove(affiliation=affiliation)
    messages.success(
        request,
        _("Je hoort niet meer bij %(name)s.") % {"name": affiliation.organisation},
    )
    return redirect("organisations:mine")
