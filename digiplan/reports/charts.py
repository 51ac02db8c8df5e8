"""Charts drawn on the server as SVG, each with a title, a description and its data as a table.

The same bytes go into the page and into the PDF: no JavaScript, no fonts or files to load, and
no inline styles (the CSP forbids them; SVG presentation attributes are allowed). Colour never
carries a value alone: series also differ by marker and dash, bars and cells carry their value as
text, and every chart comes with its data table (rendered by reports/_chart.html).

Every label goes through format_html, so a unit called `<script>` is drawn as text. Layout uses
an estimated text width (no font metrics on the server), so long labels are wrapped or clipped
with "…"; the table always holds them in full.
"""

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from digiplan.reports import svg
from digiplan.reports.svg import (  # the palette and colour helpers are part of this module's API
    DASHES,
    FONT,
    GRID,
    INK,
    LINE,
    MARKERS,
    MUTED,
    SEQUENTIAL,
    SERIES_COLOURS,
    SMALL,
    WHITE,
    WIDTH,
    LegendItem,
    SeriesStyle,
    Value,
    contrast,
    relative_luminance,
    series_style,
    text_colour_on,
)

__all__ = [
    "DASHES",
    "FONT",
    "GRID",
    "INK",
    "LINE",
    "MARKERS",
    "MISSING_MARK",
    "MUTED",
    "SEQUENTIAL",
    "SERIES_COLOURS",
    "SMALL",
    "WHITE",
    "WIDTH",
    "Chart",
    "SeriesStyle",
    "Table",
    "TableRow",
    "Value",
    "band_of",
    "bars",
    "contrast",
    "format_percent",
    "format_value",
    "heatmap",
    "line",
    "printed",
    "radar",
    "relative_luminance",
    "series_style",
    "stacked_distribution",
    "text_colour_on",
]


@dataclass(frozen=True)
class TableRow:
    header: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    caption: str
    columns: tuple[str, ...]  # every column's header, the row headers' column first
    rows: tuple[TableRow, ...]


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    svg: SafeString
    table: Table
    ident: str  # prefix of the ids in the SVG, from the content: two different charts never share one


MISSING_MARK = "–"


def _rounded(value: float) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def format_value(value: float) -> str:
    """One decimal, Swedish style in Swedish ("3,5"), rounded half up (number_format truncates)."""
    return number_format(_rounded(value), decimal_pos=1)


def printed(value: Value) -> Value:
    """The value as a chart prints it (one decimal, rounded half up). Every chart draws from
    this and nothing finer: a bar's width, a point's place, a cell's colour band or the chart's
    id computed from the exact mean would carry its hidden decimals (3.0449 and 2.9551 both
    print "3,0" but would not draw alike), and in a median of four units those decimals are
    what differencing needs."""
    return None if value is None else float(_rounded(value))


def _printed_series(series: Sequence[tuple[str, Sequence[Value]]]) -> list[tuple[str, list[Value]]]:
    return [(name, [printed(v) for v in values]) for name, values in series]


def format_percent(part: int, whole: int) -> str:
    percent = (Decimal(100 * part) / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{number_format(percent)}\u00a0%"


def _tick_label(value: float) -> str:
    return number_format(int(value)) if float(value).is_integer() else format_value(value)


def _not_shown() -> str:
    return _("not shown")


def _chart(
    ident: str,
    title: str,
    description: str,
    table: Table,
    body: list[SafeString],
    height: float,
    width: float = WIDTH,
) -> Chart:
    return Chart(
        title, description, svg.document(ident, height, title, description, body, width), table, ident
    )


def _names(series: Sequence[tuple[str, Sequence[Value]]]) -> str:
    return ", ".join(name for name, _values in series)


def _ident(kind: str, *payload) -> str:
    return "chart-" + hashlib.sha1(repr((kind, payload)).encode()).hexdigest()[:10]


def _check_scale(scale_min: float, scale_max: float) -> None:
    if not scale_max > scale_min:
        raise ValueError(f"scale_max ({scale_max}) must be above scale_min ({scale_min})")


def _check_series(series: Sequence[tuple[str, Sequence[Value]]], length: int) -> None:
    for name, values in series:
        if len(values) != length:
            raise ValueError(f"series {name!r} has {len(values)} values for {length} categories")


def _ticks(lo: float, hi: float) -> list[float]:
    """Round steps from lo to hi: every whole number on short scales, else 1, 2, 2.5 or 5 × 10ⁿ."""
    span = hi - lo
    rough = span / 5
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if span / (m * magnitude) <= 6)
    if span <= 10 and float(lo).is_integer() and float(hi).is_integer():
        step = 1 if span <= 6 else 2
    first = math.ceil(round(lo / step, 9)) * step
    count = math.floor(round((hi - first) / step, 9))
    return [round(first + k * step, 9) for k in range(count + 1)]


def _scale_text(scale_min: float, scale_max: float) -> dict[str, str]:
    return {"min": _tick_label(scale_min), "max": _tick_label(scale_max)}


def _describe(sentence: str, has_missing: bool) -> str:
    parts = [sentence]
    if has_missing:
        parts.append(_("Some values are not shown."))
    parts.append(_("All values are in the table."))
    return " ".join(parts)


def _cell(value: Value) -> str:
    return _not_shown() if value is None else format_value(value)


def _clamp(value: float, lo: float, hi: float) -> float:
    return min(max(value, lo), hi)


# ---- Charts --------------------------------------------------------------------------------


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
    _check_scale(scale_min, scale_max)
    _check_series(series, len(axes))
    series = _printed_series(series)
    ident = _ident("radar", title, tuple(axes), tuple((n, tuple(v)) for n, v in series), scale_min, scale_max)
    n = len(axes)
    radius, cx, top = 150, WIDTH / 2, 3 * LINE + 18
    cy = top + radius

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * (_clamp(value, scale_min, scale_max) - scale_min) / (scale_max - scale_min)
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    body: list[SafeString] = []
    for tick in _ticks(scale_min, scale_max):
        if tick > scale_min and n >= 3:
            body.append(
                svg.el(
                    "polygon",
                    points=" ".join(
                        f"{svg.number(x)},{svg.number(y)}" for x, y in (point(i, tick) for i in range(n))
                    ),
                    fill="none",
                    stroke=GRID,
                    stroke_width=1,
                    cls="chart-grid",
                )
            )
    for i, label in enumerate(axes):
        x, y = point(i, scale_max)
        body.append(svg.el("line", x1=cx, y1=cy, x2=x, y2=y, stroke=GRID, stroke_width=1))
        angle = -math.pi / 2 + 2 * math.pi * i / n
        cos, sin = math.cos(angle), math.sin(angle)
        lx, ly = cx + (radius + 14) * cos, cy + (radius + 14) * sin
        anchor = "start" if cos > 0.3 else "end" if cos < -0.3 else "middle"
        room = WIDTH / 2 - radius - 24 if anchor != "middle" else 2 * radius
        lines = svg.wrap(label, room, 3)
        first = (
            ly - (len(lines) - 1) * LINE - 4
            if sin < -0.3
            else ly + FONT
            if sin > 0.3
            else ly + 5 - (len(lines) - 1) * LINE / 2
        )
        body.append(svg.text(lx, first, lines, anchor=anchor, cls="chart-axis-label"))
    for tick in _ticks(scale_min, scale_max) if n else []:
        # Halfway along the grid line between the first and last axes, away from the points.
        (xa, ya), (xb, yb) = point(0, tick), point(n - 1, tick) if n > 2 else point(0, tick)
        body.append(
            svg.text(
                (xa + xb) / 2 - 3,
                (ya + yb) / 2 + 4,
                _tick_label(tick),
                anchor="end",
                size=SMALL,
                fill=MUTED,
                cls="chart-tick",
            )
        )
    for s, (_name, values) in enumerate(series):
        style = series_style(s)
        for run in svg.runs(values, closed=True):
            if len(run) > 1:
                closed = len(run) == n
                body += svg.series_line(
                    svg.path([point(i, values[i]) for i in run], closed=closed),
                    style,
                    f"chart-line series-{s}",
                )
        body += [
            svg.marker(style.marker, *point(i, v), style.colour, cls=f"chart-point series-{s}")
            for i, v in enumerate(values)
            if v is not None
        ]
    legend, legend_height = svg.legend(
        [(svg.series_swatch(s), name) for s, (name, _v) in enumerate(series)],
        16,
        cy + radius + 3 * LINE + 14,
        WIDTH - 32,
    )
    has_missing = any(v is None for _n, values in series for v in values)
    description = description or _describe(
        _("Radar chart with %(count)s axes on a scale from %(min)s to %(max)s, comparing: %(series)s.")
        % {"count": n, "series": _names(series), **_scale_text(scale_min, scale_max)},
        has_missing,
    )
    table = Table(
        title,
        (label_header or _("Area"), *(name for name, _v in series)),
        tuple(
            TableRow(axis, tuple(_cell(values[i]) for _n, values in series)) for i, axis in enumerate(axes)
        ),
    )
    height = cy + radius + 3 * LINE + 14 + legend_height + 8
    return _chart(ident, title, description, table, body + legend, height)


def bars(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Value]]],
    scale_min: float,
    scale_max: float,
    horizontal: bool = True,
    *,
    description: str | None = None,
    label_header: str | None = None,
) -> Chart:
    """Grouped bars measured from scale_min, each with its value as text; None draws no bar."""
    _check_scale(scale_min, scale_max)
    _check_series(series, len(categories))
    series = _printed_series(series)
    ident = _ident(
        "bars",
        title,
        tuple(categories),
        tuple((n, tuple(v)) for n, v in series),
        scale_min,
        scale_max,
        horizontal,
    )
    ticks, span = _ticks(scale_min, scale_max), scale_max - scale_min
    count = max(len(series), 1)
    body: list[SafeString] = []
    if horizontal:
        x0, x1, bar, gap, top = 200.0, WIDTH - 56.0, 16.0, 3.0, 28.0

        def length(value: float) -> float:
            return (x1 - x0) * (_clamp(value, scale_min, scale_max) - scale_min) / span

        y = top + 6
        rows = []
        for c, category in enumerate(categories):
            lines = svg.wrap(category, x0 - 16, 2)
            height = max(count * (bar + gap) - gap, len(lines) * LINE)
            rows.append((c, lines, y, height))
            y += height + 14
        bottom = y - 8
        for tick in ticks:
            x = x0 + length(tick)
            body.append(svg.el("line", x1=x, y1=top, x2=x, y2=bottom, stroke=GRID, stroke_width=1))
            body.append(
                svg.text(
                    x, top - 8, _tick_label(tick), anchor="middle", size=SMALL, fill=MUTED, cls="chart-tick"
                )
            )
        for c, lines, y, height in rows:
            block = count * (bar + gap) - gap
            body.append(
                svg.text(
                    x0 - 10,
                    y + height / 2 + 5 - (len(lines) - 1) * LINE / 2,
                    lines,
                    anchor="end",
                    cls="chart-axis-label",
                )
            )
            for s, (_name, values) in enumerate(series):
                by = y + (height - block) / 2 + s * (bar + gap)
                value = values[c]
                if value is None:
                    body.append(
                        svg.text(
                            x0 + 6, by + bar - 3, _not_shown(), size=SMALL, fill=MUTED, cls="chart-missing"
                        )
                    )
                    continue
                w = length(value)
                body.append(
                    svg.el(
                        "rect",
                        x=x0,
                        y=by,
                        width=w,
                        height=bar,
                        fill=series_style(s).colour,
                        stroke=INK,
                        stroke_width=1,
                        cls=f"chart-bar series-{s}",
                    )
                )
                body.append(
                    svg.text(x0 + w + 6, by + bar - 3, format_value(value), size=SMALL, cls="chart-value")
                )
        body.append(svg.el("line", x1=x0, y1=top, x2=x0, y2=bottom, stroke=INK, stroke_width=1))
        legend_top = bottom + 12
    else:
        x0, x1, y0, y1 = 56.0, WIDTH - 16.0, 24.0, 284.0
        band = (x1 - x0) / max(len(categories), 1)
        bar = min(32.0, (band - 16) / count)

        def top_of(value: float) -> float:
            return y1 - (y1 - y0) * (_clamp(value, scale_min, scale_max) - scale_min) / span

        for tick in ticks:
            y = top_of(tick)
            body.append(svg.el("line", x1=x0, y1=y, x2=x1, y2=y, stroke=GRID, stroke_width=1))
            body.append(
                svg.text(
                    x0 - 8, y + 5, _tick_label(tick), anchor="end", size=SMALL, fill=MUTED, cls="chart-tick"
                )
            )
        deepest = 0
        for c, category in enumerate(categories):
            left = x0 + c * band + (band - count * bar) / 2
            lines = svg.wrap(category, band - 6, 3)
            deepest = max(deepest, len(lines))
            body.append(
                svg.text(x0 + (c + 0.5) * band, y1 + 20, lines, anchor="middle", cls="chart-axis-label")
            )
            for s, (_name, values) in enumerate(series):
                value, bx = values[c], left + s * bar
                if value is None:
                    body.append(
                        svg.text(
                            bx + bar / 2,
                            y1 - 6,
                            MISSING_MARK,
                            anchor="middle",
                            fill=MUTED,
                            cls="chart-missing",
                        )
                    )
                    continue
                y = top_of(value)
                body.append(
                    svg.el(
                        "rect",
                        x=bx,
                        y=y,
                        width=bar,
                        height=y1 - y,
                        fill=series_style(s).colour,
                        stroke=INK,
                        stroke_width=1,
                        cls=f"chart-bar series-{s}",
                    )
                )
                if bar >= svg.text_width(format_value(value), SMALL):
                    body.append(
                        svg.text(
                            bx + bar / 2,
                            y - 5,
                            format_value(value),
                            anchor="middle",
                            size=SMALL,
                            cls="chart-value",
                        )
                    )
        body.append(svg.el("line", x1=x0, y1=y1, x2=x1, y2=y1, stroke=INK, stroke_width=1))
        legend_top = y1 + 20 + deepest * LINE
    has_missing = any(v is None for _n, values in series for v in values)
    items: list[LegendItem] = [
        (svg.bar_swatch(series_style(s).colour), name) for s, (name, _v) in enumerate(series)
    ]
    if has_missing and not horizontal:
        items.append(
            (lambda x, y: [svg.text(x + 14, y + 5, MISSING_MARK, anchor="middle", fill=MUTED)], _not_shown())
        )
    legend, legend_height = svg.legend(items if len(items) > 1 else [], 16, legend_top, WIDTH - 32)
    description = description or _describe(
        _("Bar chart of %(count)s categories on a scale from %(min)s to %(max)s, comparing: %(series)s.")
        % {"count": len(categories), "series": _names(series), **_scale_text(scale_min, scale_max)},
        has_missing,
    )
    table = Table(
        title,
        (label_header or _("Category"), *(name for name, _v in series)),
        tuple(
            TableRow(category, tuple(_cell(values[c]) for _n, values in series))
            for c, category in enumerate(categories)
        ),
    )
    height = legend_top + legend_height + 8
    return _chart(ident, title, description, table, body + legend, height)


def stacked_distribution(
    title: str,
    rows: Sequence[tuple[str, Sequence[tuple[str, int]] | None]],
    *,
    description: str | None = None,
    label_header: str | None = None,
) -> Chart:
    """One 100 % bar per row, split by answer level; a row of None is suppressed ("not shown").

    Levels are ordered as they first appear and shaded light to dark, so put them in scale order.
    """
    levels: list[str] = []
    for _label, counts in rows:
        levels += [level for level, _c in counts or () if level not in levels]
    fills = _sequential(len(levels))
    ident = _ident("stacked", title, tuple((label, tuple(c) if c is not None else None) for label, c in rows))
    x0, x1, bar, top = 200.0, WIDTH - 100.0, 22.0, 28.0
    body: list[SafeString] = []
    y = top + 6
    placed = []
    for label, counts in rows:
        lines = svg.wrap(label, x0 - 16, 2)
        height = max(bar, len(lines) * LINE)
        placed.append((label, counts, lines, y, height))
        y += height + 12
    bottom = y - 6
    for percent in (0, 25, 50, 75, 100):
        x = x0 + (x1 - x0) * percent / 100
        body.append(svg.el("line", x1=x, y1=top, x2=x, y2=bottom, stroke=GRID, stroke_width=1))
        body.append(
            svg.text(
                x, top - 8, f"{percent}\u00a0%", anchor="middle", size=SMALL, fill=MUTED, cls="chart-tick"
            )
        )
    table_rows = []
    for label, counts, lines, y, height in placed:
        by = y + (height - bar) / 2
        body.append(
            svg.text(
                x0 - 10,
                y + height / 2 + 5 - (len(lines) - 1) * LINE / 2,
                lines,
                anchor="end",
                cls="chart-axis-label",
            )
        )
        by_level = dict(counts or ())
        total = sum(by_level.values())
        if counts is None or total == 0:
            text = _not_shown() if counts is None else _("no answers")
            body.append(svg.text(x0 + 6, by + bar - 6, text, size=SMALL, fill=MUTED, cls="chart-missing"))
            table_rows.append(
                TableRow(label, tuple(text for _level in levels) + (text if counts is None else "0",))
            )
            continue
        running = 0
        for level, fill in zip(levels, fills, strict=True):
            count = by_level.get(level, 0)
            if count == 0:
                continue
            left = x0 + (x1 - x0) * running / total
            running += count
            width = x0 + (x1 - x0) * running / total - left
            body.append(
                svg.el(
                    "rect",
                    x=left,
                    y=by,
                    width=width,
                    height=bar,
                    fill=fill,
                    stroke=WHITE,
                    stroke_width=1,
                    cls="chart-segment",
                )
            )
            percent = format_percent(count, total)
            if width >= svg.text_width(percent, SMALL) + 6:
                body.append(
                    svg.text(
                        left + width / 2,
                        by + bar - 6,
                        percent,
                        anchor="middle",
                        size=SMALL,
                        fill=text_colour_on(fill),
                        cls="chart-value",
                    )
                )
        body.append(
            svg.el("rect", x=x0, y=by, width=x1 - x0, height=bar, fill="none", stroke=INK, stroke_width=1)
        )
        answers = ngettext("%(count)s answer", "%(count)s answers", total) % {"count": number_format(total)}
        body.append(svg.text(x1 + 8, by + bar - 6, answers, size=SMALL, cls="chart-total"))
        table_rows.append(
            TableRow(
                label,
                tuple(
                    f"{number_format(count)} ({format_percent(count, total)})"
                    for count in (by_level.get(level, 0) for level in levels)
                )
                + (number_format(total),),
            )
        )
    legend, legend_height = svg.legend(
        [(svg.bar_swatch(fill), level) for level, fill in zip(levels, fills, strict=True)],
        16,
        bottom + 12,
        WIDTH - 32,
    )
    has_missing = any(counts is None for _label, counts in rows)
    description = description or _describe(
        _("Stacked bars showing how the answers in each of %(count)s rows are spread over: %(levels)s.")
        % {"count": len(rows), "levels": ", ".join(levels)},
        has_missing,
    )
    table = Table(title, (label_header or _("Category"), *levels, _("Number of answers")), tuple(table_rows))
    height = bottom + 12 + legend_height + 8
    return _chart(ident, title, description, table, body + legend, height)


def _sequential(count: int) -> list[str]:
    """`count` steps of the sequential ramp, light to dark, as far apart as the ramp allows."""
    last = len(SEQUENTIAL) - 1
    if count <= 1:
        return [SEQUENTIAL[last // 2]] * count
    if count > len(SEQUENTIAL):
        raise ValueError(f"at most {len(SEQUENTIAL)} ordered levels or bands, not {count}")
    return [SEQUENTIAL[int(i * last / (count - 1) + 0.5)] for i in range(count)]


def band_of(value: float, scale_min: float, scale_max: float, bands: int) -> int:
    """Which of `bands` equal parts of the scale the value falls in, 0 for the lowest."""
    share = (_clamp(value, scale_min, scale_max) - scale_min) / (scale_max - scale_min)
    return min(bands - 1, int(share * bands))


def heatmap(
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[Value]],
    scale_min: float,
    scale_max: float,
    bands: int = 5,
    *,
    description: str | None = None,
    label_header: str | None = None,
) -> Chart:
    """Rows × columns of cells shaded by band, each with its value as text; None is hatched and "–"."""
    _check_scale(scale_min, scale_max)
    if len(values) != len(rows) or any(len(row) != len(columns) for row in values):
        raise ValueError("values must have one row per row label and one value per column")
    values = [[printed(v) for v in row] for row in values]
    fills = _sequential(bands)
    ident = _ident(
        "heatmap",
        title,
        tuple(rows),
        tuple(columns),
        tuple(tuple(r) for r in values),
        scale_min,
        scale_max,
        bands,
    )
    label_width = 200.0
    cell_width = _clamp((WIDTH - label_width - 10) / max(len(columns), 1), 76, 110)
    width = max(WIDTH, label_width + cell_width * len(columns) + 10)
    cell_height = 30.0
    headers = [svg.wrap(column, cell_width - 6, 4, SMALL) for column in columns]
    header_height = max((len(lines) for lines in headers), default=1) * LINE + 10
    hatch = f"{ident}-hatch"
    body: list[SafeString] = [
        svg.el(
            "defs",
            [
                svg.el(
                    "pattern",
                    [
                        svg.el("rect", x=0, y=0, width=6, height=6, fill=WHITE),
                        svg.el("path", d="M0 6 L6 0", stroke=MUTED, stroke_width=1.2),
                    ],
                    id=hatch,
                    width=6,
                    height=6,
                    patternUnits="userSpaceOnUse",
                )
            ],
        )
    ]
    for c, lines in enumerate(headers):
        x = label_width + (c + 0.5) * cell_width
        body.append(
            svg.text(
                x,
                header_height - 8 - (len(lines) - 1) * LINE + 2,
                lines,
                anchor="middle",
                size=SMALL,
                cls="chart-axis-label",
            )
        )
    for r, label in enumerate(rows):
        y = header_height + r * cell_height
        body.append(
            svg.text(
                label_width - 10,
                y + cell_height / 2 + 5,
                svg.wrap(label, label_width - 16, 1),
                anchor="end",
                cls="chart-axis-label",
            )
        )
        for c, value in enumerate(values[r]):
            x = label_width + c * cell_width
            if value is None:
                body.append(
                    svg.el(
                        "rect",
                        x=x,
                        y=y,
                        width=cell_width,
                        height=cell_height,
                        fill=f"url(#{hatch})",
                        stroke=WHITE,
                        stroke_width=2,
                        cls="chart-cell suppressed",
                    )
                )
                body.append(
                    svg.el("rect", x=x + cell_width / 2 - 10, y=y + 7, width=20, height=16, fill=WHITE)
                )
                body.append(
                    svg.text(
                        x + cell_width / 2,
                        y + cell_height / 2 + 5,
                        MISSING_MARK,
                        anchor="middle",
                        cls="chart-missing",
                    )
                )
                continue
            fill = fills[band_of(value, scale_min, scale_max, bands)]
            body.append(
                svg.el(
                    "rect",
                    x=x,
                    y=y,
                    width=cell_width,
                    height=cell_height,
                    fill=fill,
                    stroke=WHITE,
                    stroke_width=2,
                    cls="chart-cell",
                )
            )
            body.append(
                svg.text(
                    x + cell_width / 2,
                    y + cell_height / 2 + 5,
                    format_value(value),
                    anchor="middle",
                    fill=text_colour_on(fill),
                    cls="chart-value",
                )
            )
    step = (scale_max - scale_min) / bands
    edges = [format_value(scale_min + i * step) for i in range(bands + 1)]
    items: list[LegendItem] = [
        (svg.bar_swatch(fill), f"{low}–{high}")
        for fill, low, high in zip(fills, edges, edges[1:], strict=False)
    ]
    has_missing = any(v is None for row in values for v in row)
    if has_missing:
        items.append(
            (
                lambda x, y: [
                    svg.el(
                        "rect",
                        x=x + 4,
                        y=y - 8,
                        width=20,
                        height=16,
                        fill=f"url(#{hatch})",
                        stroke=INK,
                        stroke_width=1,
                    )
                ],
                f"{MISSING_MARK} {_not_shown()}",
            )
        )
    legend_top = header_height + len(rows) * cell_height + 12
    legend, legend_height = svg.legend(items, 16, legend_top, width - 32)
    description = description or _describe(
        _(
            "Heat map of %(rows)s rows and %(columns)s columns on a scale from %(min)s to %(max)s, "
            "darker for higher values. Each cell shows its value."
        )
        % {"rows": len(rows), "columns": len(columns), **_scale_text(scale_min, scale_max)},
        has_missing,
    )
    table = Table(
        title,
        (label_header or _("Unit"), *columns),
        tuple(TableRow(label, tuple(_cell(v) for v in values[r])) for r, label in enumerate(rows)),
    )
    height = legend_top + legend_height + 8
    return _chart(ident, title, description, table, body + legend, height, width)


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
    _check_series(series, len(x_labels))
    series = _printed_series(series)
    present = [v for _n, values in series for v in values if v is not None]
    if scale_min is None:
        scale_min = math.floor(min(present)) if present else 0
    if scale_max is None:
        scale_max = math.ceil(max(present)) if present else 1
    if scale_max <= scale_min:
        scale_max = scale_min + 1
    ident = _ident(
        "line", title, tuple(x_labels), tuple((n, tuple(v)) for n, v in series), scale_min, scale_max
    )
    x0, x1, y0, y1, pad = 56.0, WIDTH - 24.0, 24.0, 264.0, 36.0
    count = len(x_labels)
    spacing = (x1 - x0 - 2 * pad) / (count - 1) if count > 1 else 0

    def at(i: int, value: float) -> tuple[float, float]:
        x = x0 + pad + i * spacing if count > 1 else (x0 + x1) / 2
        share = (_clamp(value, scale_min, scale_max) - scale_min) / (scale_max - scale_min)
        return x, y1 - (y1 - y0) * share

    body: list[SafeString] = []
    for tick in _ticks(scale_min, scale_max):
        _x, y = at(0, tick)
        body.append(svg.el("line", x1=x0, y1=y, x2=x1, y2=y, stroke=GRID, stroke_width=1))
        body.append(
            svg.text(x0 - 8, y + 5, _tick_label(tick), anchor="end", size=SMALL, fill=MUTED, cls="chart-tick")
        )
    body.append(svg.el("line", x1=x0, y1=y1, x2=x1, y2=y1, stroke=INK, stroke_width=1))
    room = spacing if count > 1 else x1 - x0
    deepest = 1
    for i, label in enumerate(x_labels):
        lines = svg.wrap(label, room - 6, 2)
        deepest = max(deepest, len(lines))
        body.append(svg.text(at(i, scale_min)[0], y1 + 20, lines, anchor="middle", cls="chart-axis-label"))
    for s, (_name, values) in enumerate(series):
        style = series_style(s)
        for run in svg.runs(values, closed=False):
            if len(run) > 1:
                body += svg.series_line(
                    svg.path([at(i, values[i]) for i in run]), style, f"chart-line series-{s}"
                )
        for i, value in enumerate(values):
            if value is None:
                continue
            x, y = at(i, value)
            body.append(svg.marker(style.marker, x, y, style.colour, cls=f"chart-point series-{s}"))
            if len(series) == 1:
                body.append(
                    svg.text(x, y - 12, format_value(value), anchor="middle", size=SMALL, cls="chart-value")
                )
    legend_top = y1 + 20 + deepest * LINE
    legend, legend_height = svg.legend(
        [(svg.series_swatch(s), name) for s, (name, _v) in enumerate(series)], 16, legend_top, WIDTH - 32
    )
    has_missing = any(v is None for _n, values in series for v in values)
    description = description or _describe(
        _("Line chart of %(series)s across %(count)s points, from %(first)s to %(last)s.")
        % {
            "series": _names(series),
            "count": count,
            "first": x_labels[0] if x_labels else "",
            "last": x_labels[-1] if x_labels else "",
        },
        has_missing,
    )
    table = Table(
        title,
        (label_header or _("Area"), *x_labels),
        tuple(TableRow(name, tuple(_cell(v) for v in values)) for name, values in series),
    )
    height = legend_top + legend_height + 8
    return _chart(ident, title, description, table, body + legend, height)
