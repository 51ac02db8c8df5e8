"""Charts of series over categories: the radar (an axis per area) and the line chart (a point per
campaign). None leaves a gap in a line; every value is also in the chart's data table."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from digiplan.reports import svg
from digiplan.reports.chart_base import (
    Chart,
    Table,
    TableRow,
    any_missing,
    category_table,
    chart_ident,
    check_scale,
    check_series,
    clamp,
    describe,
    format_value,
    make_chart,
    printed_series,
    scale_text,
    series_legend,
    series_names,
    table_cell,
    tick_label,
    ticks,
)
from digiplan.reports.svg import (
    FONT,
    GRID,
    INK,
    LINE,
    MUTED,
    SMALL,
    WIDTH,
    Value,
    series_style,
)


@dataclass(frozen=True)
class _Polar:
    """A radar's geometry: n axes from the centre, the first pointing up and the rest clockwise,
    each running from scale_min at the centre to scale_max at the radius."""

    n: int
    scale_min: float
    scale_max: float
    radius: int = 150
    cx: float = WIDTH / 2
    top: int = 3 * LINE + 18

    @property
    def cy(self) -> int:
        return self.top + self.radius

    def angle(self, i: int) -> float:
        return -math.pi / 2 + 2 * math.pi * i / self.n

    def point(self, i: int, value: float) -> tuple[float, float]:
        angle = self.angle(i)
        span = self.scale_max - self.scale_min
        r = self.radius * (clamp(value, self.scale_min, self.scale_max) - self.scale_min) / span
        return self.cx + r * math.cos(angle), self.cy + r * math.sin(angle)


def _radar_grid(polar: _Polar) -> list[SafeString]:
    """A polygon through every axis at each tick above the centre (from three axes up)."""
    return [
        svg.el(
            "polygon",
            points=" ".join(
                f"{svg.number(x)},{svg.number(y)}" for x, y in (polar.point(i, tick) for i in range(polar.n))
            ),
            fill="none",
            stroke=GRID,
            stroke_width=1,
            cls="chart-grid",
        )
        for tick in ticks(polar.scale_min, polar.scale_max)
        if tick > polar.scale_min and polar.n >= 3
    ]


def _radar_axis_label(polar: _Polar, i: int, label: str) -> SafeString:
    """The axis's name just beyond its end, anchored away from the centre and wrapped to the
    room on its side."""
    angle = polar.angle(i)
    cos, sin = math.cos(angle), math.sin(angle)
    lx, ly = polar.cx + (polar.radius + 14) * cos, polar.cy + (polar.radius + 14) * sin
    anchor = "start" if cos > 0.3 else "end" if cos < -0.3 else "middle"
    room = WIDTH / 2 - polar.radius - 24 if anchor != "middle" else 2 * polar.radius
    lines = svg.wrap(label, room, 3)
    first = (
        ly - (len(lines) - 1) * LINE - 4
        if sin < -0.3
        else ly + FONT
        if sin > 0.3
        else ly + 5 - (len(lines) - 1) * LINE / 2
    )
    return svg.text(lx, first, lines, anchor=anchor, cls="chart-axis-label")


def _radar_axes(polar: _Polar, axes: Sequence[str]) -> list[SafeString]:
    body: list[SafeString] = []
    for i, label in enumerate(axes):
        x, y = polar.point(i, polar.scale_max)
        body.append(svg.el("line", x1=polar.cx, y1=polar.cy, x2=x, y2=y, stroke=GRID, stroke_width=1))
        body.append(_radar_axis_label(polar, i, label))
    return body


def _radar_tick_labels(polar: _Polar) -> list[SafeString]:
    """Each tick's value halfway along the grid line between the first and last axes, away from
    the points."""
    n = polar.n
    body: list[SafeString] = []
    for tick in ticks(polar.scale_min, polar.scale_max) if n else []:
        (xa, ya), (xb, yb) = polar.point(0, tick), polar.point(n - 1, tick) if n > 2 else polar.point(0, tick)
        body.append(
            svg.text(
                (xa + xb) / 2 - 3,
                (ya + yb) / 2 + 4,
                tick_label(tick),
                anchor="end",
                size=SMALL,
                fill=MUTED,
                cls="chart-tick",
            )
        )
    return body


def _radar_series(polar: _Polar, series: Sequence[tuple[str, Sequence[Value]]]) -> list[SafeString]:
    """Each series as lines through its unbroken runs (closed when it has every axis) and a
    marker per value."""
    body: list[SafeString] = []
    for s, (_name, values) in enumerate(series):
        style = series_style(s)
        for run in svg.runs(values, closed=True):
            if len(run) > 1:
                points = [polar.point(i, v) for i in run if (v := values[i]) is not None]
                body += svg.series_line(
                    svg.path(points, closed=len(run) == polar.n), style, f"chart-line series-{s}"
                )
        body += [
            svg.marker(style.marker, *polar.point(i, v), style.colour, cls=f"chart-point series-{s}")
            for i, v in enumerate(values)
            if v is not None
        ]
    return body


def radar(
    title: str,
    axes: Sequence[str],
    series: Sequence[tuple[str, Sequence[Value]]],
    scale_min: float,
    scale_max: float,
    *,
    description: str | None = None,
    label_header: str | None = None,
) -> Chart:
    """A radar chart: one axis per area, one closed line per series; None leaves a gap."""
    check_scale(scale_min, scale_max)
    check_series(series, len(axes))
    series = printed_series(series)
    ident = chart_ident(
        "radar", title, tuple(axes), tuple((n, tuple(v)) for n, v in series), scale_min, scale_max
    )
    polar = _Polar(len(axes), scale_min, scale_max)
    body = [
        *_radar_grid(polar),
        *_radar_axes(polar, axes),
        *_radar_tick_labels(polar),
        *_radar_series(polar, series),
    ]
    legend_top = polar.cy + polar.radius + 3 * LINE + 14
    legend, legend_height = series_legend(series, legend_top)
    description = description or describe(
        _("Radar chart with %(count)s axes on a scale from %(min)s to %(max)s, comparing: %(series)s.")
        % {"count": polar.n, "series": series_names(series), **scale_text(scale_min, scale_max)},
        any_missing(series),
    )
    table = category_table(title, label_header or _("Area"), axes, series)
    height = legend_top + legend_height + 8
    return make_chart(ident, title, description, table, body + legend, height)


def _line_scale(
    series: Sequence[tuple[str, Sequence[Value]]], scale_min: float | None, scale_max: float | None
) -> tuple[float, float]:
    """The scale asked for, else the whole numbers around the values; never empty."""
    present = [v for _n, values in series for v in values if v is not None]
    low = scale_min if scale_min is not None else (math.floor(min(present)) if present else 0)
    high = scale_max if scale_max is not None else (math.ceil(max(present)) if present else 1)
    return low, (high if high > low else low + 1)


@dataclass(frozen=True)
class _LinePlot:
    """A line chart's plot area: count points spread evenly between x0 and x1 (one point sits
    in the middle), the scale from y1 up to y0."""

    count: int
    scale_min: float
    scale_max: float
    x0: float = 56.0
    x1: float = WIDTH - 24.0
    y0: float = 24.0
    y1: float = 264.0
    pad: float = 36.0

    @property
    def spacing(self) -> float:
        return (self.x1 - self.x0 - 2 * self.pad) / (self.count - 1) if self.count > 1 else 0

    def at(self, i: int, value: float) -> tuple[float, float]:
        x = self.x0 + self.pad + i * self.spacing if self.count > 1 else (self.x0 + self.x1) / 2
        share = (clamp(value, self.scale_min, self.scale_max) - self.scale_min) / (
            self.scale_max - self.scale_min
        )
        return x, self.y1 - (self.y1 - self.y0) * share


def _line_axes(plot: _LinePlot, x_labels: Sequence[str]) -> tuple[list[SafeString], int]:
    """The grid and tick labels of the scale, the x axis and its labels; and the deepest label's
    number of lines."""
    body: list[SafeString] = []
    for tick in ticks(plot.scale_min, plot.scale_max):
        _x, y = plot.at(0, tick)
        body.append(svg.el("line", x1=plot.x0, y1=y, x2=plot.x1, y2=y, stroke=GRID, stroke_width=1))
        body.append(
            svg.text(
                plot.x0 - 8, y + 5, tick_label(tick), anchor="end", size=SMALL, fill=MUTED, cls="chart-tick"
            )
        )
    body.append(svg.el("line", x1=plot.x0, y1=plot.y1, x2=plot.x1, y2=plot.y1, stroke=INK, stroke_width=1))
    room = plot.spacing if plot.count > 1 else plot.x1 - plot.x0
    deepest = 1
    for i, label in enumerate(x_labels):
        lines = svg.wrap(label, room - 6, 2)
        deepest = max(deepest, len(lines))
        body.append(
            svg.text(
                plot.at(i, plot.scale_min)[0], plot.y1 + 20, lines, anchor="middle", cls="chart-axis-label"
            )
        )
    return body, deepest


def _line_series(plot: _LinePlot, series: Sequence[tuple[str, Sequence[Value]]]) -> list[SafeString]:
    """Each series as lines through its unbroken runs and a marker per value; a single series
    also writes its values."""
    body: list[SafeString] = []
    for s, (_name, values) in enumerate(series):
        style = series_style(s)
        for run in svg.runs(values, closed=False):
            if len(run) > 1:
                points = [plot.at(i, v) for i in run if (v := values[i]) is not None]
                body += svg.series_line(svg.path(points), style, f"chart-line series-{s}")
        for i, value in enumerate(values):
            if value is None:
                continue
            x, y = plot.at(i, value)
            body.append(svg.marker(style.marker, x, y, style.colour, cls=f"chart-point series-{s}"))
            if len(series) == 1:
                body.append(
                    svg.text(x, y - 12, format_value(value), anchor="middle", size=SMALL, cls="chart-value")
                )
    return body


def line(
    title: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Value]]],
    scale_min: float | None = None,
    scale_max: float | None = None,
    *,
    description: str | None = None,
    label_header: str | None = None,
) -> Chart:
    """One line per series across x_labels (e.g. an area across campaigns); None breaks the line."""
    check_series(series, len(x_labels))
    series = printed_series(series)
    low, high = _line_scale(series, scale_min, scale_max)
    ident = chart_ident("line", title, tuple(x_labels), tuple((n, tuple(v)) for n, v in series), low, high)
    plot = _LinePlot(len(x_labels), low, high)
    axes, deepest = _line_axes(plot, x_labels)
    body = axes + _line_series(plot, series)
    legend_top = plot.y1 + 20 + deepest * LINE
    legend, legend_height = series_legend(series, legend_top)
    description = description or describe(
        _("Line chart of %(series)s across %(count)s points, from %(first)s to %(last)s.")
        % {
            "series": series_names(series),
            "count": plot.count,
            "first": x_labels[0] if x_labels else "",
            "last": x_labels[-1] if x_labels else "",
        },
        any_missing(series),
    )
    table = Table(
        title,
        (label_header or _("Area"), *x_labels),
        tuple(TableRow(name, tuple(table_cell(v) for v in values)) for name, values in series),
    )
    height = legend_top + legend_height + 8
    return make_chart(ident, title, description, table, body + legend, height)
