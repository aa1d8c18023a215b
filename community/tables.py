"""The curators' statistics are tables of figures, each drawn as an SVG chart too
(core.charts) and downloadable as CSV: the table itself and the helpers the tables of
community.statistics and community.growth_statistics share."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from core.charts import bar_chart, line_chart, lines_chart


@dataclass
class Table:
    """One table of figures; `chart` says how the page draws it ("bar", "line", or
    "" for none) from the first column (labels) and `chart_column` (values)."""

    slug: str
    title: str
    description: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    chart: str = "bar"
    chart_column: int = 1
    note: str = ""
    #: For chart "lines": the columns drawn, one line each, named by their headings.
    series: list[int] = field(default_factory=list)

    @property
    def chart_points(self) -> list[tuple[str, int]]:
        return [(str(row[0]), row[self.chart_column] or 0) for row in self.rows]


def table_chart(table: Table) -> str:
    """The table's SVG chart (core.charts), or "" when it has none or no rows."""
    if not table.chart or not table.rows:
        return ""
    if table.chart == "lines":
        return lines_chart(
            chart_id=f"chart-{table.slug}",
            title=table.title,
            desc=table.description,
            labels=[str(row[0]) for row in table.rows],
            series=[
                (table.columns[column], [row[column] or 0 for row in table.rows])
                for column in table.series
            ],
        )
    draw = line_chart if table.chart == "line" else bar_chart
    return draw(
        chart_id=f"chart-{table.slug}",
        title=table.title,
        desc=table.description,
        points=table.chart_points,
    )


def months_between(first: date, last: date) -> list[date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


def as_date(value: date | datetime) -> date:
    # TruncMonth of a DateTimeField gives an aware datetime in the current time zone.
    return value.date() if hasattr(value, "date") else value
