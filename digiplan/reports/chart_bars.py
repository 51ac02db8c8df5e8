"""Bar charts: grouped bars on a scale (horizontal or vertical) and 100 % bars stacked by answer
level. Every bar carries its value as text; a missing value draws no bar."""

from collections.abc import Callable, Sequence

from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from digiplan.reports import svg
from digiplan.reports.chart_base import (
    MISSING_MARK,
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
    format_percent,
    format_value,
    make_chart,
    not_shown,
    printed_series,
    scale_text,
    sequential,
    series_names,
    tick_label,
    ticks,
)
from digiplan.reports.svg import (
    GRID,
    INK,
    LINE,
    MUTED,
    SMALL,
    WHITE,
    WIDTH,
    LegendItem,
    Value,
    series_style,
    text_colour_on,
)

# Horizontal bars: where the bars start and end, a bar's thickness, the gap between the bars of
# a category, and where the scale's labels end.
_H_X0, _H_X1, _H_BAR, _H_GAP, _H_TOP = 200.0, WIDTH - 56.0, 16.0, 3.0, 28.0
# Vertical bars: the plot's left, right, top and bottom.
_V_X0, _V_X1, _V_Y0, _V_Y1 = 56.0, WIDTH - 16.0, 24.0, 284.0


def _horizontal_rows(
    categories: Sequence[str], count: int
) -> tuple[list[tuple[int, list[str], float, float]], float]:
    """Per category its wrapped label, top and height (its bars or its label, the taller), and
    the bottom of the last."""
    y = _H_TOP + 6
    rows = []
    for c, category in enumerate(categories):
        lines = svg.wrap(category, _H_X0 - 16, 2)
        height = max(count * (_H_BAR + _H_GAP) - _H_GAP, len(lines) * LINE)
        rows.append((c, lines, y, height))
        y += height + 14
    return rows, y - 8


def _horizontal_group(
    row: tuple[int, list[str], float, float],
    series: Sequence[tuple[str, Sequence[Value]]],
    length: Callable[[float], float],
) -> list[SafeString]:
    """A category's label and its bars, one per series, each with its value (or "not shown")."""
    c, lines, y, height = row
    block = max(len(series), 1) * (_H_BAR + _H_GAP) - _H_GAP
    body = [
        svg.text(
            _H_X0 - 10,
            y + height / 2 + 5 - (len(lines) - 1) * LINE / 2,
            lines,
            anchor="end",
            cls="chart-axis-label",
        )
    ]
    for s, (_name, values) in enumerate(series):
        by = y + (height - block) / 2 + s * (_H_BAR + _H_GAP)
        value = values[c]
        if value is None:
            body.append(
                svg.text(_H_X0 + 6, by + _H_BAR - 3, not_shown(), size=SMALL, fill=MUTED, cls="chart-missing")
            )
            continue
        w = length(value)
        body.append(
            svg.el(
                "rect",
                x=_H_X0,
                y=by,
                width=w,
                height=_H_BAR,
                fill=series_style(s).colour,
                stroke=INK,
                stroke_width=1,
                cls=f"chart-bar series-{s}",
            )
        )
        body.append(
            svg.text(_H_X0 + w + 6, by + _H_BAR - 3, format_value(value), size=SMALL, cls="chart-value")
        )
    return body


def _horizontal_bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Value]]],
    scale_min: float,
    scale_max: float,
) -> tuple[list[SafeString], float]:
    """The bars from the left, the scale on top; and where the legend goes."""
    span = scale_max - scale_min

    def length(value: float) -> float:
        return (_H_X1 - _H_X0) * (clamp(value, scale_min, scale_max) - scale_min) / span

    rows, bottom = _horizontal_rows(categories, max(len(series), 1))
    body: list[SafeString] = []
    for tick in ticks(scale_min, scale_max):
        x = _H_X0 + length(tick)
        body.append(svg.el("line", x1=x, y1=_H_TOP, x2=x, y2=bottom, stroke=GRID, stroke_width=1))
        body.append(
            svg.text(
                x, _H_TOP - 8, tick_label(tick), anchor="middle", size=SMALL, fill=MUTED, cls="chart-tick"
            )
        )
    for row in rows:
        body += _horizontal_group(row, series, length)
    body.append(svg.el("line", x1=_H_X0, y1=_H_TOP, x2=_H_X0, y2=bottom, stroke=INK, stroke_width=1))
    return body, bottom + 12


def _vertical_group(
    c: int,
    left: float,
    bar: float,
    series: Sequence[tuple[str, Sequence[Value]]],
    top_of: Callable[[float], float],
) -> list[SafeString]:
    """A category's bars side by side, each with its value above when it fits; "–" for none."""
    body: list[SafeString] = []
    for s, (_name, values) in enumerate(series):
        value, bx = values[c], left + s * bar
        if value is None:
            body.append(
                svg.text(
                    bx + bar / 2, _V_Y1 - 6, MISSING_MARK, anchor="middle", fill=MUTED, cls="chart-missing"
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
                height=_V_Y1 - y,
                fill=series_style(s).colour,
                stroke=INK,
                stroke_width=1,
                cls=f"chart-bar series-{s}",
            )
        )
        if bar >= svg.text_width(format_value(value), SMALL):
            body.append(
                svg.text(
                    bx + bar / 2, y - 5, format_value(value), anchor="middle", size=SMALL, cls="chart-value"
                )
            )
    return body


def _vertical_bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Value]]],
    scale_min: float,
    scale_max: float,
) -> tuple[list[SafeString], float]:
    """The bars from the bottom, the scale on the left, the categories below; and where the
    legend goes."""
    span = scale_max - scale_min
    band = (_V_X1 - _V_X0) / max(len(categories), 1)
    count = max(len(series), 1)
    bar = min(32.0, (band - 16) / count)

    def top_of(value: float) -> float:
        return _V_Y1 - (_V_Y1 - _V_Y0) * (clamp(value, scale_min, scale_max) - scale_min) / span

    body: list[SafeString] = []
    for tick in ticks(scale_min, scale_max):
        y = top_of(tick)
        body.append(svg.el("line", x1=_V_X0, y1=y, x2=_V_X1, y2=y, stroke=GRID, stroke_width=1))
        body.append(
            svg.text(
                _V_X0 - 8, y + 5, tick_label(tick), anchor="end", size=SMALL, fill=MUTED, cls="chart-tick"
            )
        )
    deepest = 0
    for c, category in enumerate(categories):
        left = _V_X0 + c * band + (band - count * bar) / 2
        lines = svg.wrap(category, band - 6, 3)
        deepest = max(deepest, len(lines))
        body.append(
            svg.text(_V_X0 + (c + 0.5) * band, _V_Y1 + 20, lines, anchor="middle", cls="chart-axis-label")
        )
        body += _vertical_group(c, left, bar, series, top_of)
    body.append(svg.el("line", x1=_V_X0, y1=_V_Y1, x2=_V_X1, y2=_V_Y1, stroke=INK, stroke_width=1))
    return body, _V_Y1 + 20 + deepest * LINE


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
    check_scale(scale_min, scale_max)
    check_series(series, len(categories))
    series = printed_series(series)
    ident = chart_ident(
        "bars",
        title,
        tuple(categories),
        tuple((n, tuple(v)) for n, v in series),
        scale_min,
        scale_max,
        horizontal,
    )
    draw = _horizontal_bars if horizontal else _vertical_bars
    body, legend_top = draw(categories, series, scale_min, scale_max)
    has_missing = any_missing(series)
    items: list[LegendItem] = [
        (svg.bar_swatch(series_style(s).colour), name) for s, (name, _v) in enumerate(series)
    ]
    if has_missing and not horizontal:
        items.append(
            (lambda x, y: [svg.text(x + 14, y + 5, MISSING_MARK, anchor="middle", fill=MUTED)], not_shown())
        )
    legend, legend_height = svg.legend(items if len(items) > 1 else [], 16, legend_top, WIDTH - 32)
    description = description or describe(
        _("Bar chart of %(count)s categories on a scale from %(min)s to %(max)s, comparing: %(series)s.")
        % {"count": len(categories), "series": series_names(series), **scale_text(scale_min, scale_max)},
        has_missing,
    )
    table = category_table(title, label_header or _("Category"), categories, series)
    height = legend_top + legend_height + 8
    return make_chart(ident, title, description, table, body + legend, height)


# Stacked bars: where the 100 % bars start and end, their thickness, and where the scale ends.
_S_X0, _S_X1, _S_BAR, _S_TOP = 200.0, WIDTH - 100.0, 22.0, 28.0

_Counts = Sequence[tuple[str, int]] | None


def _stacked_placed(
    rows: Sequence[tuple[str, _Counts]],
) -> tuple[list[tuple[str, _Counts, list[str], float, float]], float]:
    """Per row its wrapped label, top and height, and the bottom of the last."""
    y = _S_TOP + 6
    placed = []
    for label, counts in rows:
        lines = svg.wrap(label, _S_X0 - 16, 2)
        height = max(_S_BAR, len(lines) * LINE)
        placed.append((label, counts, lines, y, height))
        y += height + 12
    return placed, y - 6


def _percent_grid(bottom: float) -> list[SafeString]:
    body: list[SafeString] = []
    for percent in (0, 25, 50, 75, 100):
        x = _S_X0 + (_S_X1 - _S_X0) * percent / 100
        body.append(svg.el("line", x1=x, y1=_S_TOP, x2=x, y2=bottom, stroke=GRID, stroke_width=1))
        body.append(
            svg.text(
                x, _S_TOP - 8, f"{percent}\u00a0%", anchor="middle", size=SMALL, fill=MUTED, cls="chart-tick"
            )
        )
    return body


def _stacked_segments(
    by: float, by_level: dict[str, int], levels: list[str], fills: list[str]
) -> list[SafeString]:
    """The row's bar: a segment per level with answers, its share written in it where it fits."""
    total = sum(by_level.values())
    body: list[SafeString] = []
    running = 0
    for level, fill in zip(levels, fills, strict=True):
        count = by_level.get(level, 0)
        if count == 0:
            continue
        left = _S_X0 + (_S_X1 - _S_X0) * running / total
        running += count
        width = _S_X0 + (_S_X1 - _S_X0) * running / total - left
        body.append(
            svg.el(
                "rect",
                x=left,
                y=by,
                width=width,
                height=_S_BAR,
                fill=fill,
                stroke=WHITE,
                stroke_width=1,
                cls="chart-segment",
            )
        )
        share = format_percent(count, total)
        if width >= svg.text_width(share, SMALL) + 6:
            body.append(
                svg.text(
                    left + width / 2,
                    by + _S_BAR - 6,
                    share,
                    anchor="middle",
                    size=SMALL,
                    fill=text_colour_on(fill),
                    cls="chart-value",
                )
            )
    return body


def _stacked_row(
    placed: tuple[str, _Counts, list[str], float, float], levels: list[str], fills: list[str]
) -> tuple[list[SafeString], TableRow]:
    """A row's label and bar (or why it has none), and its row of the table."""
    label, counts, lines, y, height = placed
    by = y + (height - _S_BAR) / 2
    body = [
        svg.text(
            _S_X0 - 10,
            y + height / 2 + 5 - (len(lines) - 1) * LINE / 2,
            lines,
            anchor="end",
            cls="chart-axis-label",
        )
    ]
    by_level = dict(counts or ())
    total = sum(by_level.values())
    if counts is None or total == 0:
        text = not_shown() if counts is None else _("no answers")
        body.append(svg.text(_S_X0 + 6, by + _S_BAR - 6, text, size=SMALL, fill=MUTED, cls="chart-missing"))
        return body, TableRow(label, tuple(text for _level in levels) + (text if counts is None else "0",))
    body += _stacked_segments(by, by_level, levels, fills)
    body.append(
        svg.el(
            "rect", x=_S_X0, y=by, width=_S_X1 - _S_X0, height=_S_BAR, fill="none", stroke=INK, stroke_width=1
        )
    )
    answers = ngettext("%(count)s answer", "%(count)s answers", total) % {"count": number_format(total)}
    body.append(svg.text(_S_X1 + 8, by + _S_BAR - 6, answers, size=SMALL, cls="chart-total"))
    cells = tuple(
        f"{number_format(count)} ({format_percent(count, total)})"
        for count in (by_level.get(level, 0) for level in levels)
    )
    return body, TableRow(label, cells + (number_format(total),))


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
    fills = sequential(len(levels))
    ident = chart_ident(
        "stacked", title, tuple((label, tuple(c) if c is not None else None) for label, c in rows)
    )
    placed, bottom = _stacked_placed(rows)
    body = _percent_grid(bottom)
    table_rows = []
    for row in placed:
        drawn, table_row = _stacked_row(row, levels, fills)
        body += drawn
        table_rows.append(table_row)
    legend, legend_height = svg.legend(
        [(svg.bar_swatch(fill), level) for level, fill in zip(levels, fills, strict=True)],
        16,
        bottom + 12,
        WIDTH - 32,
    )
    has_missing = any(counts is None for _label, counts in rows)
    description = description or describe(
        _("Stacked bars showing how the answers in each of %(count)s rows are spread over: %(levels)s.")
        % {"count": len(rows), "levels": ", ".join(levels)},
        has_missing,
    )
    table = Table(title, (label_header or _("Category"), *levels, _("Number of answers")), tuple(table_rows))
    height = bottom + 12 + legend_height + 8
    return make_chart(ident, title, description, table, body + legend, height)
