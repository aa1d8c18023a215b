"""What the site hands out as files: CSV tables (curators' statistics, the admin's code
batches) and the plain data of a member's own download."""

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import TextIO

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


def _json(value, *, level: int) -> str:
    # json.dumps writes every newline in a string as \n, so each newline here is
    # layout, indented one step per level.
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * level)


def json_write(data: dict, out: TextIO) -> None:
    """`data` written to `out` as json.dump(data, indent=2, ensure_ascii=False) writes
    it, but a value that is an iterator (rows read from the database in chunks) is
    written item by item as it is read, so a long list never stands in memory whole."""
    out.write("{")
    for index, (key, value) in enumerate(data.items()):
        out.write(("," if index else "") + "\n  " + json.dumps(key, ensure_ascii=False) + ": ")
        if not isinstance(value, Iterator):
            out.write(_json(value, level=1))
            continue
        empty = True
        for item in value:
            out.write(("[" if empty else ",") + "\n    " + _json(item, level=2))
            empty = False
        out.write("[]" if empty else "\n  ]")
    out.write("\n}" if data else "}")
