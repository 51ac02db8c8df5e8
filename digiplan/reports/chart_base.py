"""What every chart of the reports shares: the chart and its data table, how values are printed
and rounded, the scale's ticks, the description's sentences and the sequential colour ramp.

The charts themselves are in chart_series (radar, line), chart_bars (bars, stacked
distribution) and chart_heatmap; reports.charts gathers them as one module to import.
"""

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from digiplan.reports import svg
from digiplan.reports.svg import (
    SEQUENTIAL,
    WIDTH,
    Value,
)


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


def printed_series(series: Sequence[tuple[str, Sequence[Value]]]) -> list[tuple[str, list[Value]]]:
    return [(name, [printed(v) for v in values]) for name, values in series]


def format_percent(part: int, whole: int) -> str:
    percent = (Decimal(100 * part) / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{number_format(percent)}\u00a0%"


def tick_label(value: float) -> str:
    return number_format(int(value)) if float(value).is_integer() else format_value(value)


def not_shown() -> str:
    return _("not shown")


def make_chart(
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


def series_names(series: Sequence[tuple[str, Sequence[Value]]]) -> str:
    return ", ".join(name for name, _values in series)


def chart_ident(kind: str, *payload) -> str:
    return "chart-" + hashlib.sha1(repr((kind, payload)).encode()).hexdigest()[:10]


def check_scale(scale_min: float, scale_max: float) -> None:
    if not scale_max > scale_min:
        raise ValueError(f"scale_max ({scale_max}) must be above scale_min ({scale_min})")


def check_series(series: Sequence[tuple[str, Sequence[Value]]], length: int) -> None:
    for name, values in series:
        if len(values) != length:
            raise ValueError(f"series {name!r} has {len(values)} values for {length} categories")


def ticks(lo: float, hi: float) -> list[float]:
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


def scale_text(scale_min: float, scale_max: float) -> dict[str, str]:
    return {"min": tick_label(scale_min), "max": tick_label(scale_max)}


def describe(sentence: str, has_missing: bool) -> str:
    parts = [sentence]
    if has_missing:
        parts.append(_("Some values are not shown."))
    parts.append(_("All values are in the table."))
    return " ".join(parts)


def table_cell(value: Value) -> str:
    return not_shown() if value is None else format_value(value)


def clamp(value: float, lo: float, hi: float) -> float:
    return min(max(value, lo), hi)


def any_missing(series: Sequence[tuple[str, Sequence[Value]]]) -> bool:
    return any(v is None for _n, values in series for v in values)


def category_table(
    title: str, header: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[Value]]]
) -> Table:
    """A row per category (an axis, a group of bars), a column per series."""
    return Table(
        title,
        (header, *(name for name, _v in series)),
        tuple(
            TableRow(category, tuple(table_cell(values[c]) for _n, values in series))
            for c, category in enumerate(categories)
        ),
    )


def series_legend(
    series: Sequence[tuple[str, Sequence[Value]]], top: float
) -> tuple[list[SafeString], float]:
    return svg.legend(
        [(svg.series_swatch(s), name) for s, (name, _v) in enumerate(series)], 16, top, WIDTH - 32
    )


def sequential(count: int) -> list[str]:
    """`count` steps of the sequential ramp, light to dark, as far apart as the ramp allows."""
    last = len(SEQUENTIAL) - 1
    if count <= 1:
        return [SEQUENTIAL[last // 2]] * count
    if count > len(SEQUENTIAL):
        raise ValueError(f"at most {len(SEQUENTIAL)} ordered levels or bands, not {count}")
    return [SEQUENTIAL[int(i * last / (count - 1) + 0.5)] for i in range(count)]


def band_of(value: float, scale_min: float, scale_max: float, bands: int) -> int:
    """Which of `bands` equal parts of the scale the value falls in, 0 for the lowest."""
    share = (clamp(value, scale_min, scale_max) - scale_min) / (scale_max - scale_min)
    return min(bands - 1, int(share * bands))
