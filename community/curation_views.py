"""The curators' pages ("de redactie") that belong to no single app: their start page
and the statistics. Every page asks for a permission the Curators group holds (see
core.roles.CURATOR_PERMISSIONS): anonymous visitors go to the login page,
logged-in people without it get 403."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.charts import bar_chart, line_chart
from core.exports import csv_response
from core.roles import curator_required

from . import statistics


@require_safe
@curator_required("editions.view_edition")
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
