"""What the site hands out as files: CSV tables (curators' statistics, the admin's code
batches) and the plain data of a member's own download."""

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_response(*, filename: str, header: Sequence, rows: Iterable[Sequence]) -> HttpResponse:
    """A CSV download called `filename`: the header, then the rows, no cell of which can
    start a spreadsheet formula."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return response


def iso_or_none(value) -> str | None:
    """A date or time for JSON data: ISO 8601, or None where there is none."""
    return value.isoformat() if value is not None else None
