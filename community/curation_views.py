"""The curators' pages ("de redactie") that belong to no single app: their start page
and the statistics. Every page asks for a permission the Curators group holds (see
community.services.CURATOR_PERMISSIONS): anonymous visitors go to the login page,
logged-in people without it get 403."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import statistics
from .charts import bar_chart, line_chart
from .exports import csv_response


def curator_required(permission: str):
    """Staff with `permission`; the login page for anonymous visitors, 403 for others."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not (request.user.is_staff and request.user.has_perm(permission)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@require_safe
@curator_required("book.view_edition")
def index(request):
    return render(request, "curation/index.html")


def _chart(table: statistics.Table):
    if not table.chart or not table.rows:
        return ""
    draw = line_chart if table.chart == "line" else bar_chart
    return draw(
        chart_id=f"chart-{table.slug}",
        title=table.title,
        desc=table.description,
        points=table.chart_points,
    )


@require_safe
@curator_required("members.view_membership")
def statistics_page(request):
    tables = [(table, _chart(table)) for table in statistics.statistics_tables()]
    return render(request, "curation/statistics.html", {"tables": tables})


@require_safe
@curator_required("members.view_membership")
def statistics_csv(request, table):
    make = statistics.TABLES.get(table)
    if make is None:
        raise Http404("No such table")
    data = make()
    return csv_response(filename=f"{data.slug}.csv", header=data.columns, rows=data.rows)
