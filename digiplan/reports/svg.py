"""The drawing vocabulary of the charts: palette, sizes, and SVG elements built as safe strings.

Every element goes through format_html, so text in it is always escaped; coordinates are written
the same way on every machine, so the same chart is the same bytes in the page and in the PDF.
"""

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

Value = float | int | None


# Okabe & Ito's colour-blind-safe colours, ordered so that the first four lie far apart in
# lightness (CIE L* 46, 71, 0, 89) and still separate when printed in grey. Lines and markers
# also differ by dash and shape, so any number of series stays apart without colour.
SERIES_COLOURS = ("#0072B2", "#E69F00", "#000000", "#F0E442", "#D55E00", "#009E73", "#56B4E9", "#CC79A7")
MARKERS = ("circle", "square", "triangle", "diamond", "triangle-down")
DASHES = ("", "8 4", "2 3", "10 3 2 3")
# ColorBrewer "Blues": one hue whose lightness falls step by step, for ordered values
# (heatmap bands, answer levels). Safe for colour blindness and monotonic in greyscale.
SEQUENTIAL = ("#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b")
INK, MUTED, GRID, WHITE = "#1b1f24", "#545b66", "#c9ced6", "#ffffff"

WIDTH = 640  # viewBox width: about the width of an A4 text column in CSS pixels
FONT = 14  # user units: ≥ 12 px wherever the chart is drawn at least 550 px wide
SMALL = 13
LINE = 17  # distance between wrapped lines


@dataclass(frozen=True)
class SeriesStyle:
    colour: str
    marker: str
    dash: str  # stroke-dasharray, "" for a solid line


def series_style(index: int) -> SeriesStyle:
    # 8 colours, 5 markers and 4 dashes: the first 20 series differ in marker and dash together.
    return SeriesStyle(
        SERIES_COLOURS[index % len(SERIES_COLOURS)],
        MARKERS[index % len(MARKERS)],
        DASHES[index % len(DASHES)],
    )


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of "#rrggbb"."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_on(fill: str) -> str:
    return INK if contrast(INK, fill) >= contrast(WHITE, fill) else WHITE


def number(x: float) -> str:
    """A coordinate, written the same way for the same number on every machine."""
    written = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if written in ("-0", "") else written


def el(tag: str, content=None, /, **attrs) -> SafeString:
    """An SVG element; attribute names take "-" for "_" and `cls` for class; None leaves one out."""
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        name = "class" if key == "cls" else key.replace("_", "-")
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = number(value)
        parts.append(format_html(' {}="{}"', name, value))
    attributes = mark_safe("".join(parts))  # each part came from format_html
    if content is None:
        return format_html("<{}{}/>", tag, attributes)
    if isinstance(content, list | tuple):
        content = mark_safe("".join(conditional_escape(part) for part in content))
    return format_html("<{}{}>{}</{}>", tag, attributes, content, tag)


def text_width(text: str, size: float = FONT) -> float:
    return len(text) * size * 0.6  # a little wider than most sans-serif text, to be safe


def wrap(text: str, width: float, max_lines: int, size: float = FONT) -> list[str]:
    """The text in lines that fit `width` user units, words kept whole where they nearly fit and
    clipped with "…" where they do not, or where there are more than max_lines lines."""
    chars = max(4, int(width / (size * 0.55)))
    lines = textwrap.wrap(text, chars, break_long_words=False) or [""]
    lines = [line if len(line) <= chars + 1 else line[: chars - 1] + "…" for line in lines]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: chars - 1].rstrip("… ") + "…"
    return lines


def text(
    x: float,
    y: float,
    lines: str | list[str],
    *,
    anchor: str = "start",
    size: float = FONT,
    fill: str = INK,
    cls: str | None = None,
    weight: str | None = None,
) -> SafeString:
    """Text whose first baseline is at y; several lines go below it."""
    if isinstance(lines, str):
        lines = [lines]
    content = (
        lines[0]
        if len(lines) == 1
        else [el("tspan", line, x=x, dy=0 if i == 0 else LINE) for i, line in enumerate(lines)]
    )
    return el(
        "text",
        content,
        x=x,
        y=y,
        text_anchor=None if anchor == "start" else anchor,
        font_size=None if size == FONT else size,
        fill=fill,
        font_weight=weight,
        cls=cls,
    )


def marker(shape: str, x: float, y: float, colour: str, cls: str | None = None) -> SafeString:
    s = 5.5
    common = {"fill": colour, "stroke": INK, "stroke_width": 1.5, "cls": cls}
    if shape == "circle":
        return el("circle", cx=x, cy=y, r=s, **common)
    if shape == "square":
        return el("rect", x=x - s + 0.5, y=y - s + 0.5, width=2 * s - 1, height=2 * s - 1, **common)
    points = {
        "triangle": ((0, -s - 1), (s + 0.5, s - 0.5), (-s - 0.5, s - 0.5)),
        "triangle-down": ((0, s + 1), (s + 0.5, -s + 0.5), (-s - 0.5, -s + 0.5)),
        "diamond": ((0, -s - 1), (s + 1, 0), (0, s + 1), (-s - 1, 0)),
    }[shape]
    return el("polygon", points=" ".join(f"{number(x + dx)},{number(y + dy)}" for dx, dy in points), **common)


def series_line(d: str, style: SeriesStyle, cls: str) -> list[SafeString]:
    """A series' line; a light colour gets a dark casing so it stands out from white paper."""
    dash = style.dash or None
    casing = []
    if contrast(style.colour, WHITE) < 3:
        casing = [
            el(
                "path",
                d=d,
                fill="none",
                stroke=INK,
                stroke_width=4.5,
                stroke_dasharray=dash,
                stroke_linejoin="round",
            )
        ]
    return casing + [
        el(
            "path",
            d=d,
            fill="none",
            stroke=style.colour,
            stroke_width=2.5,
            stroke_dasharray=dash,
            stroke_linejoin="round",
            cls=cls,
        )
    ]


def path(points: list[tuple[float, float]], closed: bool = False) -> str:
    d = " ".join(f"{'M' if i == 0 else 'L'}{number(x)} {number(y)}" for i, (x, y) in enumerate(points))
    return d + (" Z" if closed else "")


def runs(values: Sequence[Value], closed: bool) -> list[list[int]]:
    """Indices of the values in unbroken runs, for drawing lines with gaps where values are None."""
    n = len(values)
    if all(v is not None for v in values):
        return [list(range(n))] if n else []
    start = next(i for i, v in enumerate(values) if v is None) + 1 if closed else 0
    found: list[list[int]] = []
    current: list[int] = []
    for i in ((start + k) % n for k in range(n)):
        if values[i] is None:
            if current:
                found.append(current)
            current = []
        else:
            current.append(i)
    return found + [current] if current else found


LegendItem = tuple[Callable[[float, float], list[SafeString]], str]


def series_swatch(index: int) -> Callable[[float, float], list[SafeString]]:
    style = series_style(index)
    return lambda x, y: [
        *series_line(f"M{number(x)} {number(y)} L{number(x + 28)} {number(y)}", style, "chart-legend-line"),
        marker(style.marker, x + 14, y, style.colour),
    ]


def bar_swatch(fill: str) -> Callable[[float, float], list[SafeString]]:
    return lambda x, y: [
        el("rect", x=x + 4, y=y - 8, width=20, height=16, fill=fill, stroke=INK, stroke_width=1)
    ]


def legend(items: list[LegendItem], x0: float, y0: float, width: float) -> tuple[list[SafeString], float]:
    """Legend entries left to right, wrapping into rows; returns the elements and their height."""
    out: list[SafeString] = []
    x, y = x0, y0 + LINE / 2
    for swatch, label in items:
        label = wrap(label, width - 40, 1)[0]
        item_width = 36 + text_width(label) + 20
        if x > x0 and x + item_width > x0 + width:
            x, y = x0, y + LINE + 8
        out += swatch(x, y)
        out.append(text(x + 36, y + 5, label, cls="chart-legend"))
        x += item_width
    return out, (y - y0) + LINE / 2 + 4 if items else 0


def document(
    ident: str, height: float, title: str, description: str, body: list[SafeString], width: float = WIDTH
) -> SafeString:
    heading = [el("title", title, id=f"{ident}-title"), el("desc", description, id=f"{ident}-desc")]
    return el(
        "svg",
        heading + body,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {number(width)} {number(math.ceil(height))}",
        width="100%",
        role="img",
        aria_labelledby=f"{ident}-title {ident}-desc",
        cls="chart-svg",
        font_size=FONT,
    )
