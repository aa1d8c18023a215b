"""Server-rendered SVG charts: no JavaScript, no inline styles (the Content-Security-
Policy allows neither). Colours come from classes styled in static/css/curation.css.

Each chart is an image with a title and a description (role="img",
aria-labelledby); the numbers themselves are in the table the page puts beside it,
which is what screen readers and the CSV export use."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 640
BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 220
MAX_LABEL = 30


def _short(label: str) -> str:
    label = str(label)
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def svg_frame(*, chart_id: str, title: str, desc: str, height: int, body: SafeString, kind: str):
    return format_html(
        '<svg class="chart chart--{kind}" xmlns="http://www.w3.org/2000/svg" role="img" '
        'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'aria-labelledby="{id}-title {id}-desc" focusable="false">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        kind=kind,
        width=WIDTH,
        height=height,
        id=chart_id,
        title=title,
        desc=desc,
        body=body,
    )


def bar_chart(*, chart_id: str, title: str, desc: str, points: list[tuple[str, int]]):
    """Horizontal bars, one a row: long labels (chapter titles) fit beside them."""
    points = list(points)
    top = max((value for _label, value in points), default=0) or 1
    plot = WIDTH - LABEL_WIDTH - 60
    rows = []
    for index, (label, value) in enumerate(points):
        y = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
        length = round(plot * value / top)
        rows.append(
            (
                y + BAR_HEIGHT * 0.7,
                LABEL_WIDTH - 8,
                _short(label),
                LABEL_WIDTH,
                y,
                max(length, 1) if value else 0,
                BAR_HEIGHT,
                label,
                value,
                LABEL_WIDTH + length + 6,
                y + BAR_HEIGHT * 0.7,
                value,
            )
        )
    body = format_html_join(
        "",
        '<g class="chart__row">'
        '<text class="chart__label" x="{1}" y="{0}" text-anchor="end">{2}</text>'
        '<rect class="chart__bar" x="{3}" y="{4}" width="{5}" height="{6}">'
        "<title>{7}: {8}</title></rect>"
        '<text class="chart__value" x="{9}" y="{10}">{11}</text></g>',
        rows,
    )
    axis = format_html(
        '<line class="chart__axis" x1="{x}" y1="0" x2="{x}" y2="{y}" stroke="currentColor"/>',
        x=LABEL_WIDTH,
        y=max(len(points), 1) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP,
    )
    height = max(len(points), 1) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    return svg_frame(
        chart_id=chart_id, title=title, desc=desc, height=height, body=axis + body, kind="bar"
    )


def _axes(*, left: int, top_pad: int, bottom: float, right: int, top: int) -> SafeString:
    """The value axis (0 to `top`) and the axis along the bottom of a line chart."""
    return format_html(
        '<line class="chart__axis" x1="{l}" y1="{t}" x2="{l}" y2="{b}" stroke="currentColor"/>'
        '<line class="chart__axis" x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="currentColor"/>'
        '<text class="chart__label" x="{lx}" y="{ty}" text-anchor="end">{top}</text>'
        '<text class="chart__label" x="{lx}" y="{b}" text-anchor="end">0</text>',
        l=left,
        t=top_pad,
        b=bottom,
        r=WIDTH - right,
        lx=left - 6,
        ty=top_pad + 10,
        top=top,
    )


def line_chart(*, chart_id: str, title: str, desc: str, points: list[tuple[str, int]]):
    """A line through the values in order (months), with the first and last labels and
    the highest value on the axes. A single value (the first month of a new site) has
    no line to draw: it shows as a larger dot in the middle, its value beside it and its
    label below."""
    points = list(points)
    height, left, right, top_pad, bottom = 240, 48, 16, 16, 32
    plot_w, plot_h = WIDTH - left - right, height - top_pad - bottom
    top = max((value for _label, value in points), default=0) or 1
    single = len(points) == 1
    step = plot_w / max(len(points) - 1, 1)
    coords = [
        (
            round(left + (plot_w / 2 if single else index * step), 1),
            round(top_pad + plot_h * (1 - value / top), 1),
        )
        for index, (_label, value) in enumerate(points)
    ]
    line = SafeString("")
    if len(points) > 1:
        line = format_html(
            '<polyline class="chart__line" fill="none" points="{}"/>',
            " ".join(f"{x},{y}" for x, y in coords),
        )
    dots = format_html_join(
        "",
        '<circle class="chart__dot" cx="{}" cy="{}" r="{}"><title>{}: {}</title></circle>',
        (
            (x, y, 6 if single else 3, label, value)
            for (x, y), (label, value) in zip(coords, points, strict=True)
        ),
    )
    axes = _axes(left=left, top_pad=top_pad, bottom=top_pad + plot_h, right=right, top=top)
    labels = SafeString("")
    if single:
        (x, y), (label, value) = coords[0], points[0]
        labels = format_html(
            '<text class="chart__value" x="{vx}" y="{vy}">{value}</text>'
            '<text class="chart__label" x="{x}" y="{ly}" text-anchor="middle">{label}</text>',
            vx=x + 12,
            vy=y + 4,
            value=value,
            x=x,
            ly=height - 8,
            label=label,
        )
    elif points:
        labels = format_html(
            '<text class="chart__label" x="{x1}" y="{y}" text-anchor="start">{first}</text>'
            '<text class="chart__label" x="{x2}" y="{y}" text-anchor="end">{last}</text>',
            x1=left,
            x2=WIDTH - right,
            y=height - 8,
            first=points[0][0],
            last=points[-1][0],
        )
    return svg_frame(
        chart_id=chart_id,
        title=title,
        desc=desc,
        height=height,
        body=axes + labels + line + dots,
        kind="line",
    )


#: The marks of each series in lines_chart: a shape and a dash pattern per series, so
#: that they differ without colour.
SERIES_DASHES = ("", "8 4", "2 4", "10 4 2 4", "1 6")
SERIES_SHAPES = ("circle", "square", "diamond", "triangle", "circle")


def _series_mark(shape: str, x: float, y: float, title: str) -> SafeString:
    if shape == "square":
        return format_html(
            '<rect class="chart__mark" x="{}" y="{}" width="7" height="7"><title>{}</title></rect>',
            round(x - 3.5, 1),
            round(y - 3.5, 1),
            title,
        )
    if shape in ("diamond", "triangle"):
        corners: list[tuple[float, float]] = (
            [(x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y)]
            if shape == "diamond"
            else [(x, y - 5), (x + 5, y + 4), (x - 5, y + 4)]
        )
        points = " ".join(f"{round(a, 1)},{round(b, 1)}" for a, b in corners)
        return format_html(
            '<polygon class="chart__mark" points="{}"><title>{}</title></polygon>', points, title
        )
    return format_html(
        '<circle class="chart__mark" cx="{}" cy="{}" r="3.5"><title>{}</title></circle>',
        round(x, 1),
        round(y, 1),
        title,
    )


def lines_chart(
    *, chart_id: str, title: str, desc: str, labels: list[str], series: list[tuple[str, list[int]]]
):
    """Several lines over the same labels (months), one per series, each with its own
    dash pattern and mark shape and named in a legend: readable without colour."""
    height, left, right, top_pad, legend_h, bottom = 280, 48, 16, 16, 28, 32
    plot_w, plot_h = WIDTH - left - right, height - top_pad - bottom - legend_h
    top = max((max(values, default=0) for _name, values in series), default=0) or 1
    step = plot_w / max(len(labels) - 1, 1)

    def x_of(index: int) -> float:
        return left + (plot_w / 2 if len(labels) == 1 else index * step)

    def y_of(value: int) -> float:
        return top_pad + plot_h * (1 - value / top)

    body = []
    for number, (name, values) in enumerate(series):
        coords = [(x_of(index), y_of(value)) for index, value in enumerate(values)]
        dash = SERIES_DASHES[number % len(SERIES_DASHES)]
        shape = SERIES_SHAPES[number % len(SERIES_SHAPES)]
        if len(coords) > 1:
            body.append(
                format_html(
                    '<polyline class="chart__line chart__line--{}" fill="none" '
                    'stroke-dasharray="{}" points="{}"/>',
                    number,
                    dash or "none",
                    " ".join(f"{round(x, 1)},{round(y, 1)}" for x, y in coords),
                )
            )
        for (x, y), label, value in zip(coords, labels, values, strict=True):
            body.append(_series_mark(shape, x, y, f"{name}, {label}: {value}"))
        legend_x = left + number * (plot_w / max(len(series), 1))
        legend_y = height - 10
        body.append(
            format_html(
                '<g class="chart__legend"><line class="chart__line chart__line--{}" x1="{}" '
                'y1="{}" x2="{}" y2="{}" stroke-dasharray="{}"/>{}'
                '<text class="chart__label" x="{}" y="{}">{}</text></g>',
                number,
                legend_x,
                legend_y - 4,
                legend_x + 28,
                legend_y - 4,
                dash or "none",
                _series_mark(shape, legend_x + 14, legend_y - 4, name),
                legend_x + 34,
                legend_y,
                name,
            )
        )
    axis_bottom = top_pad + plot_h
    axes = _axes(left=left, top_pad=top_pad, bottom=axis_bottom, right=right, top=top)
    ends = SafeString("")
    if labels:
        ends = format_html(
            '<text class="chart__label" x="{x1}" y="{y}" text-anchor="start">{first}</text>'
            '<text class="chart__label" x="{x2}" y="{y}" text-anchor="end">{last}</text>',
            x1=left,
            x2=WIDTH - right,
            y=axis_bottom + 18,
            first=labels[0],
            last=labels[-1],
        )
    return svg_frame(
        chart_id=chart_id,
        title=title,
        desc=desc,
        height=height,
        body=axes + ends + format_html_join("", "{}", ((part,) for part in body)),
        kind="lines",
    )
