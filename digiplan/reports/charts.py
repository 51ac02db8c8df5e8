"""Charts drawn on the server as SVG, each with a title, a description and its data as a table.

The same bytes go into the page and into the PDF: no JavaScript, no fonts or files to load, and
no inline styles (the CSP forbids them; SVG presentation attributes are allowed). Colour never
carries a value alone: series also differ by marker and dash, bars and cells carry their value as
text, and every chart comes with its data table (rendered by reports/_chart.html).

Every label goes through format_html, so a unit called `<script>` is drawn as text. Layout uses
an estimated text width (no font metrics on the server), so long labels are wrapped or clipped
with "…"; the table always holds them in full.

This module is what the rest of Digiplan imports; the charts are drawn in chart_series (radar,
line), chart_bars (bars, stacked distribution) and chart_heatmap, on the parts in chart_base.
"""

from digiplan.reports.chart_bars import bars, stacked_distribution
from digiplan.reports.chart_base import (
    MISSING_MARK,
    Chart,
    Table,
    TableRow,
    band_of,
    format_percent,
    format_value,
    printed,
)
from digiplan.reports.chart_heatmap import heatmap
from digiplan.reports.chart_series import line, radar
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
