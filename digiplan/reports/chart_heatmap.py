"""The heat map: rows × columns of cells shaded by band of the scale, each carrying its value; a
suppressed cell is hatched and marked "–"."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from digiplan.reports import svg
from digiplan.reports.chart_base import (
    MISSING_MARK,
    Chart,
    Table,
    TableRow,
    band_of,
    chart_ident,
    check_scale,
    clamp,
    describe,
    format_value,
    make_chart,
    not_shown,
    printed,
    scale_text,
    sequential,
    table_cell,
)
from digiplan.reports.svg import (
    FONT,
    INK,
    LINE,
    MUTED,
    SMALL,
    WHITE,
    WIDTH,
    LegendItem,
    Value,
    text_colour_on,
)

_HEAT_LABEL_WIDTH = 200.0  # at least; wider (to _HEAT_LABEL_MAX) for longer unit names
_HEAT_LABEL_MAX = 300.0
_HEAT_CELL_HEIGHT = 30.0


def _whole(text: str, width: float, size: float) -> list[str]:
    """The text in lines that fit `width`, none of it left out: a word longer than a line is
    broken with a hyphen rather than clipped with "…", so that every label can be read."""
    chars = max(4, int(width / (size * 0.55)))
    words: list[str] = []
    for word in text.split():
        while len(word) > chars:
            words.append(word[: chars - 1] + "-")
            word = word[chars - 1 :]
        words.append(word)
    lines: list[str] = []
    for word in words:
        if lines and not lines[-1].endswith("-") and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


@dataclass(frozen=True)
class _HeatGrid:
    """A heat map's layout: the row labels' width (the longest unit name, within bounds), the
    cells' width (the columns share the chart's width, within bounds), the chart's width, the
    columns' wrapped headers and the rows' wrapped labels, and their heights."""

    label_width: float
    cell_width: float
    width: float
    headers: list[list[str]]
    header_height: float
    labels: list[list[str]]
    row_height: float
    hatch: str  # the id of the pattern of a suppressed cell

    @classmethod
    def of(cls, rows: Sequence[str], columns: Sequence[str], ident: str) -> Self:
        longest = max((svg.text_width(row) for row in rows), default=0.0)
        label_width = clamp(longest + 16, _HEAT_LABEL_WIDTH, _HEAT_LABEL_MAX)
        cell_width = clamp((WIDTH - label_width - 10) / max(len(columns), 1), 96, 110)
        headers = [_whole(column, cell_width - 6, SMALL) for column in columns]
        labels = [_whole(row, label_width - 16, FONT) for row in rows]
        lines = max((len(label) for label in labels), default=1)
        return cls(
            label_width=label_width,
            cell_width=cell_width,
            width=max(WIDTH, label_width + cell_width * len(columns) + 10),
            headers=headers,
            header_height=max((len(lines) for lines in headers), default=1) * LINE + 10,
            labels=labels,
            row_height=_HEAT_CELL_HEIGHT + (lines - 1) * LINE,
            hatch=f"{ident}-hatch",
        )


def _hatch_pattern(hatch: str) -> SafeString:
    return svg.el(
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


def _heat_headers(grid: _HeatGrid) -> list[SafeString]:
    return [
        svg.text(
            grid.label_width + (c + 0.5) * grid.cell_width,
            grid.header_height - 8 - (len(lines) - 1) * LINE + 2,
            lines,
            anchor="middle",
            size=SMALL,
            cls="chart-axis-label",
        )
        for c, lines in enumerate(grid.headers)
    ]


def _heat_cell(
    grid: _HeatGrid, x: float, y: float, value: Value, fills: list[str], scale: tuple[float, float]
) -> list[SafeString]:
    """A cell shaded by its band with its value, or hatched with "–" when suppressed."""
    width, height = grid.cell_width, grid.row_height
    if value is None:
        return [
            svg.el(
                "rect",
                x=x,
                y=y,
                width=width,
                height=height,
                fill=f"url(#{grid.hatch})",
                stroke=WHITE,
                stroke_width=2,
                cls="chart-cell suppressed",
            ),
            svg.el("rect", x=x + width / 2 - 10, y=y + height / 2 - 8, width=20, height=16, fill=WHITE),
            svg.text(x + width / 2, y + height / 2 + 5, MISSING_MARK, anchor="middle", cls="chart-missing"),
        ]
    fill = fills[band_of(value, *scale, len(fills))]
    return [
        svg.el(
            "rect",
            x=x,
            y=y,
            width=width,
            height=height,
            fill=fill,
            stroke=WHITE,
            stroke_width=2,
            cls="chart-cell",
        ),
        svg.text(
            x + width / 2,
            y + height / 2 + 5,
            format_value(value),
            anchor="middle",
            fill=text_colour_on(fill),
            cls="chart-value",
        ),
    ]


def _heat_rows(
    grid: _HeatGrid,
    values: Sequence[Sequence[Value]],
    fills: list[str],
    scale: tuple[float, float],
) -> list[SafeString]:
    body: list[SafeString] = []
    for r, lines in enumerate(grid.labels):
        y = grid.header_height + r * grid.row_height
        body.append(
            svg.text(
                grid.label_width - 10,
                y + grid.row_height / 2 + 5 - (len(lines) - 1) * LINE / 2,
                lines,
                anchor="end",
                cls="chart-axis-label",
            )
        )
        for c, value in enumerate(values[r]):
            body += _heat_cell(grid, grid.label_width + c * grid.cell_width, y, value, fills, scale)
    return body


def _heat_legend_items(
    fills: list[str], scale_min: float, scale_max: float, hatch: str, has_missing: bool
) -> list[LegendItem]:
    """A swatch per band with its bounds, and the hatch of a suppressed cell if there is one."""
    bands = len(fills)
    step = (scale_max - scale_min) / bands
    edges = [format_value(scale_min + i * step) for i in range(bands + 1)]
    items: list[LegendItem] = [
        (svg.bar_swatch(fill), f"{low}–{high}")
        for fill, low, high in zip(fills, edges, edges[1:], strict=False)
    ]
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
                f"{MISSING_MARK} {not_shown()}",
            )
        )
    return items


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
    check_scale(scale_min, scale_max)
    if len(values) != len(rows) or any(len(row) != len(columns) for row in values):
        raise ValueError("values must have one row per row label and one value per column")
    values = [[printed(v) for v in row] for row in values]
    fills = sequential(bands)
    ident = chart_ident(
        "heatmap",
        title,
        tuple(rows),
        tuple(columns),
        tuple(tuple(r) for r in values),
        scale_min,
        scale_max,
        bands,
    )
    grid = _HeatGrid.of(rows, columns, ident)
    body = [
        _hatch_pattern(grid.hatch),
        *_heat_headers(grid),
        *_heat_rows(grid, values, fills, (scale_min, scale_max)),
    ]
    has_missing = any(v is None for row in values for v in row)
    items = _heat_legend_items(fills, scale_min, scale_max, grid.hatch, has_missing)
    legend_top = grid.header_height + len(rows) * grid.row_height + 12
    legend, legend_height = svg.legend(items, 16, legend_top, grid.width - 32)
    description = description or describe(
        _(
            "Heat map of %(rows)s rows and %(columns)s columns on a scale from %(min)s to %(max)s, "
            "darker for higher values. Each cell shows its value."
        )
        % {"rows": len(rows), "columns": len(columns), **scale_text(scale_min, scale_max)},
        has_missing,
    )
    table = Table(
        title,
        (label_header or _("Unit"), *columns),
        tuple(TableRow(label, tuple(table_cell(v) for v in values[r])) for r, label in enumerate(rows)),
    )
    height = legend_top + legend_height + 8
    return make_chart(ident, title, description, table, body + legend, height, grid.width)
