"""The curators' pages ("de redactie") that belong to no single app: their start page
and the statistics. Every page asks for a permission the Curators group holds (see
core.roles.CURATOR_PERMISSIONS): anonymous visitors go to the login page,
logged-in people without it get 403."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from core import cache
from core.converters import bounded_id
from core.exports import csv_response
from core.http import post_only
from core.roles import curator_required
from organisations.forms import organisation_search
from organisations.models import Kind, Organisation, UnmatchedName

from . import statistics, unmatched
from .tables import table_chart


@require_safe
@curator_required("editions.view_edition")
def index(request):
    return render(request, "curation/index.html")


def _statistics_now() -> dict:
    return {
        "computed_at": timezone.now(),
        "tables": [(table, table_chart(table)) for table in statistics.statistics_tables()],
    }


def _statistics() -> dict:
    """The tables and their charts, as computed at most STATISTICS_SECONDS ago: each
    is an aggregate over the whole community."""
    return cache.fetch(
        cache.html_key("community", "statistics"), _statistics_now, settings.STATISTICS_SECONDS
    )


@require_safe
@curator_required("members.view_membership")
def statistics_page(request):
    return render(
        request,
        "curation/statistics.html",
        {**_statistics(), "stale_minutes": settings.STATISTICS_SECONDS // 60},
    )


@require_safe
@curator_required("members.view_membership")
def statistics_csv(request, table):
    """One table of the statistics page, as the page shows it now."""
    if table not in statistics.TABLES:
        raise Http404("No such table")
    data = next(shown for shown, _chart in _statistics()["tables"] if shown.slug == table)
    return csv_response(filename=f"{data.slug}.csv", header=data.columns, rows=data.rows)


@require_safe
@curator_required("organisations.change_organisation")
def unmatched_names(request):
    query, found = organisation_search(request.GET)
    return render(
        request,
        "curation/unmatched_names.html",
        {
            "listed": unmatched.unmatched_names_listed(),
            "query": query,
            "found": found,
            "for_name": request.GET.get("voor", ""),
            "kinds": Kind.choices,
        },
    )


def _to_unmatched_names(request, **kwargs) -> str:
    return reverse("unmatched_names")


@post_only(_to_unmatched_names, label=gettext_lazy("Naar de onbekende namen"))
@curator_required("organisations.change_organisation")
def unmatched_name_map(request, pk):
    name = get_object_or_404(UnmatchedName, pk=pk)
    organisation = get_object_or_404(
        Organisation.objects.current(), pk=bounded_id(request.POST.get("organisation"))
    )
    made, moved = unmatched.unmatched_name_map(unmatched=name, organisation=organisation)
    messages.success(
        request,
        _("“%(name)s” is gekoppeld aan %(organisation)s: %(members)d leden, %(stories)d verhalen.")
        % {"name": name.name, "organisation": organisation, "members": made, "stories": moved},
    )
    return redirect("unmatched_names")


@post_only(_to_unmatched_names, label=gettext_lazy("Naar de onbekende namen"))
@curator_required("organisations.add_organisation")
def unmatched_name_create(request, pk):
    name = get_object_or_404(UnmatchedName, pk=pk)
    try:
        organisation = unmatched.unmatched_name_organisation_create(
            unmatched=name, kind=request.POST.get("kind", "")
        )
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(
            request,
            _("%(organisation)s is aangemaakt en gekoppeld.") % {"organisation": organisation},
        )
    return redirect("unmatched_names")
