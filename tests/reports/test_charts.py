"""The server-drawn SVG charts: well-formed, proportional, honest about missing values, safe with
hostile labels, the same bytes every time, readable in greyscale, and the same in the PDF."""

import math
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from digiplan.reports import chart_base, charts
from tests.pdf_helpers import pdf_text

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script>'
FORMULA = '=HYPERLINK("http://evil.example","klicka")'
AREAS = ["Ledning", "Kompetens", "Tillgång", "Forskning", "Infrastruktur"]


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


def not_shown() -> str:
    return gettext("not shown")  # "visas inte" once the catalogue has it


def parse(chart: charts.Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


def with_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def texts(root: ET.Element) -> list[str]:
    return ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]


def every_chart(label: str = "Enhet") -> list[charts.Chart]:
    return [
        charts.radar(
            "Profil",
            [label, *AREAS[1:]],
            [("I år", [3.4, 2.0, None, 4.1, 5]), ("Förra året", [3, 3, 3, 3, 3])],
            1,
            5,
        ),
        charts.bars("Medel", [label, *AREAS[1:]], [("I år", [3.4, 2.0, None, 4.1, 5])], 1, 5),
        charts.bars(
            "Medel stående", [label, *AREAS[1:3]], [("I år", [3.4, None, 4.1])], 1, 5, horizontal=False
        ),
        charts.stacked_distribution("Fördelning", [(label, [("Nej", 1), ("Ja", 3)]), ("B", None)]),
        charts.heatmap("Karta", [label, "B"], AREAS[:3], [[1.0, 2.5, None], [5.0, 3.4, 4.1]], 1, 5),
        charts.line("Trend", ["2024/25", "2025/26", "2026/27"], [(label, [2.0, None, 3.4])], 1, 5),
    ]


# ---- Every chart ---------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(6))
def test_every_chart_is_a_well_formed_labelled_responsive_svg(index):
    chart = every_chart()[index]
    root = parse(chart)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("width") == "100%"
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox"))
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == chart.title and desc.text == chart.description
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert all(e.get("style") is None for e in root.iter()), "the CSP forbids inline styles"
    assert not any(e.tag.endswith("script") or e.tag.endswith("foreignObject") for e in root.iter())


@pytest.mark.parametrize("index", range(6))
def test_no_text_is_smaller_than_12_px_at_the_width_of_a_text_column(index):
    root = parse(every_chart()[index])
    width = float(root.get("viewBox").split()[2])
    sizes = [float(e.get("font-size")) for e in root.iter() if e.get("font-size")]
    assert sizes and min(sizes) * 640 / width >= 12


@pytest.mark.parametrize("index", range(6))
def test_the_same_input_gives_the_same_bytes(index):
    first, second = every_chart()[index], every_chart()[index]
    assert first == second and str(first.svg) == str(second.svg)


def test_charts_with_different_data_get_different_ids():
    one = charts.bars("Medel", ["A"], [("I år", [3.0])], 1, 5)
    other = charts.bars("Medel", ["A"], [("I år", [3.5])], 1, 5)
    assert one.ident != other.ident
    assert re.fullmatch(r"chart-[0-9a-f]{10}", one.ident)


@pytest.mark.parametrize("label", [HOSTILE, FORMULA])
@pytest.mark.parametrize("index", range(6))
def test_hostile_labels_are_drawn_as_text(index, label):
    chart = every_chart(label)[index]
    assert "<script" not in str(chart.svg)
    root = parse(chart)
    assert all(e.tag.startswith(SVG) for e in root.iter())
    drawn = " ".join(texts(root))
    # Drawn in full where it fits, else its first characters: the words themselves, never markup.
    assert label[:6] in drawn
    assert label in [row.header for row in chart.table.rows] or label in chart.table.columns


# ---- Radar ---------------------------------------------------------------------------------


def radar_geometry(root):
    spoke = root.find(f"{SVG}line")  # the first axis, straight up from the centre
    cx, cy = float(spoke.get("x1")), float(spoke.get("y1"))
    radius = math.dist((cx, cy), (float(spoke.get("x2")), float(spoke.get("y2"))))
    return cx, cy, radius


def centre_of(element):
    if element.tag == f"{SVG}circle":
        return float(element.get("cx")), float(element.get("cy"))
    if element.tag == f"{SVG}rect":
        return (
            float(element.get("x")) + float(element.get("width")) / 2,
            float(element.get("y")) + float(element.get("height")) / 2,
        )
    raise AssertionError(element.tag)


def test_a_radar_has_one_point_per_value_at_its_distance_from_the_centre():
    chart = charts.radar("Profil", AREAS, [("I år", [4, 2, 5, 1, 3]), ("Median", [3, 3, 3, 3, 3])], 1, 5)
    root = parse(chart)
    cx, cy, radius = radar_geometry(root)
    points = with_class(root, "series-0")
    points = [p for p in points if "chart-point" in p.get("class")]
    assert len(points) == 5
    distances = [math.dist((cx, cy), centre_of(p)) / radius for p in points]
    assert distances == pytest.approx([3 / 4, 1 / 4, 1, 0, 2 / 4], abs=0.01)
    assert len([p for p in with_class(root, "chart-point") if "series-1" in p.get("class")]) == 5
    closed = with_class(root, "chart-line")
    assert len(closed) == 2 and all(line.get("d").endswith("Z") for line in closed)


def test_a_radar_leaves_a_gap_for_a_missing_value_and_says_so_in_the_table():
    chart = charts.radar("Profil", AREAS, [("I år", [4, 2, None, 1, 3])], 1, 5)
    root = parse(chart)
    assert len(with_class(root, "chart-point")) == 4
    (line,) = with_class(root, "chart-line")
    assert not line.get("d").endswith("Z")
    assert line.get("d").count("L") == 3  # 3→4→0→1: around the gap, not across it
    assert [row.cells[0] for row in chart.table.rows] == ["4,0", "2,0", not_shown(), "1,0", "3,0"]
    assert gettext("Some values are not shown.") in chart.description


def test_a_radar_table_holds_every_value_of_every_series():
    series = [("I år", [3.44, 2.05, 4.96, 1.0, 3.25]), ("Förra året", [2.5, None, 3.1, 4.0, 1.2])]
    chart = charts.radar("Profil", AREAS, series, 1, 5)
    assert chart.table.columns == (gettext("Area"), "I år", "Förra året")
    assert [row.header for row in chart.table.rows] == AREAS
    assert [row.cells for row in chart.table.rows] == [
        ("3,4", "2,5"),
        ("2,1", not_shown()),
        ("5,0", "3,1"),
        ("1,0", "4,0"),
        ("3,3", "1,2"),
    ]


# ---- Bars ----------------------------------------------------------------------------------


def test_a_horizontal_bar_is_as_long_as_its_value_on_the_scale():
    chart = charts.bars(
        "Medel", ["A", "B", "C", "D"], [("I år", [5, 4, 1, 2.5]), ("Median", [3, 3, 3, 3])], 1, 5
    )
    root = parse(chart)
    bars = with_class(root, "chart-bar")
    assert len(bars) == 8
    first = [float(b.get("width")) for b in bars if "series-0" in b.get("class")]
    full = first[0]
    assert [w / full for w in first] == pytest.approx([1, 3 / 4, 0, 3 / 8], abs=0.005)
    assert len({b.get("x") for b in bars}) == 1, "every bar starts at the scale's minimum"
    assert {"5,0", "4,0", "1,0", "2,5", "3,0"} <= set(texts(root))


def test_a_vertical_bar_is_as_tall_as_its_value_on_the_scale():
    chart = charts.bars("Medel", ["A", "B", "C"], [("I år", [5, 4, 2])], 1, 5, horizontal=False)
    root = parse(chart)
    heights = [float(b.get("height")) for b in with_class(root, "chart-bar")]
    assert [h / heights[0] for h in heights] == pytest.approx([1, 3 / 4, 1 / 4], abs=0.005)
    bottoms = {round(float(b.get("y")) + float(b.get("height")), 2) for b in with_class(root, "chart-bar")}
    assert len(bottoms) == 1


@pytest.mark.parametrize("horizontal", [True, False])
def test_a_missing_bar_is_not_drawn_and_is_marked(horizontal):
    chart = charts.bars(
        "Medel", ["A", "B"], [("I år", [3.0, None]), ("Median", [None, 2.0])], 1, 5, horizontal=horizontal
    )
    root = parse(chart)
    assert len(with_class(root, "chart-bar")) == 2
    assert len(with_class(root, "chart-missing")) == 2
    assert [row.cells for row in chart.table.rows] == [("3,0", not_shown()), (not_shown(), "2,0")]


def test_values_outside_the_scale_are_drawn_at_its_edge_and_told_in_full():
    chart = charts.bars("Medel", ["A", "B"], [("I år", [7.0, 5.0])], 1, 5)
    widths = [float(b.get("width")) for b in with_class(parse(chart), "chart-bar")]
    assert widths[0] == widths[1]
    assert chart.table.rows[0].cells == ("7,0",)


def test_an_empty_scale_is_refused():
    with pytest.raises(ValueError):
        charts.bars("Medel", ["A"], [("I år", [3.0])], 5, 5)
    with pytest.raises(ValueError):
        charts.bars("Medel", ["A", "B"], [("I år", [3.0])], 1, 5)


# ---- Stacked distribution ------------------------------------------------------------------


def test_a_distribution_bar_is_split_in_proportion_to_the_counts():
    levels = [("Stämmer inte", 2), ("Delvis", 4), ("Ganska bra", 6), ("Helt", 8)]
    chart = charts.stacked_distribution("Fördelning", [("Påstående", levels)])
    root = parse(chart)
    segments = with_class(root, "chart-segment")
    widths = [float(s.get("width")) for s in segments]
    assert len(segments) == 4
    assert [w / sum(widths) for w in widths] == pytest.approx([0.1, 0.2, 0.3, 0.4], abs=0.001)
    starts = [float(s.get("x")) for s in segments]
    assert starts[1:] == pytest.approx([x + w for x, w in zip(starts, widths, strict=False)][:-1])
    assert {"20\u00a0%", "30\u00a0%", "40\u00a0%"} <= set(texts(root))
    fills = [s.get("fill") for s in segments]
    lightness = [charts.relative_luminance(f) for f in fills]
    assert lightness == sorted(lightness, reverse=True), "levels go from light to dark"
    assert chart.table.columns == (
        gettext("Category"),
        "Stämmer inte",
        "Delvis",
        "Ganska bra",
        "Helt",
        gettext("Number of answers"),
    )
    assert chart.table.rows[0].cells == (
        "2 (10\u00a0%)",
        "4 (20\u00a0%)",
        "6 (30\u00a0%)",
        "8 (40\u00a0%)",
        "20",
    )


def test_a_suppressed_or_empty_distribution_draws_no_segments_and_says_why():
    chart = charts.stacked_distribution(
        "Fördelning", [("Visad", [("Nej", 1), ("Ja", 1)]), ("För få", None), ("Tom", [("Nej", 0), ("Ja", 0)])]
    )
    root = parse(chart)
    assert len(with_class(root, "chart-segment")) == 2
    assert [e.text for e in with_class(root, "chart-missing")] == [not_shown(), gettext("no answers")]
    assert chart.table.rows[1].cells == (not_shown(),) * 3
    assert chart.table.rows[2].cells == (gettext("no answers"),) * 2 + ("0",)


# ---- Heatmap -------------------------------------------------------------------------------


def test_a_heatmap_has_a_cell_per_value_each_with_its_value_as_text():
    values = [[1.0, 2.2, 3.0], [3.8, 4.5, 5.0]]
    chart = charts.heatmap("Karta", ["Norra", "Södra"], ["A", "B", "C"], values, 1, 5)
    root = parse(chart)
    cells = with_class(root, "chart-cell")
    assert len(cells) == 6
    assert [e.text for e in with_class(root, "chart-value")] == ["1,0", "2,2", "3,0", "3,8", "4,5", "5,0"]
    fills = [c.get("fill") for c in cells]
    ramp = chart_base.sequential(5)
    assert fills == [ramp[0], ramp[1], ramp[2], ramp[3], ramp[4], ramp[4]]


def test_heatmap_text_is_readable_on_every_band():
    values = [[1 + i * 0.4 for i in range(11)]]
    root = parse(charts.heatmap("Karta", ["A"], [str(i) for i in range(11)], values, 1, 5))
    texts_on = zip(with_class(root, "chart-cell"), with_class(root, "chart-value"), strict=True)
    assert all(charts.contrast(cell.get("fill"), text.get("fill")) >= 4.5 for cell, text in texts_on)


def test_a_suppressed_heatmap_cell_is_hatched_and_marked_not_coloured():
    chart = charts.heatmap("Karta", ["A", "B"], ["X", "Y"], [[None, 2.0], [3.0, None]], 1, 5)
    root = parse(chart)
    suppressed = with_class(root, "suppressed")
    assert len(suppressed) == 2
    pattern = root.find(f".//{SVG}pattern")
    assert all(c.get("fill") == f"url(#{pattern.get('id')})" for c in suppressed)
    assert pattern.get("id").startswith(chart.ident)
    assert [e.text for e in with_class(root, "chart-missing")] == [charts.MISSING_MARK] * 2
    assert f"{charts.MISSING_MARK} {not_shown()}" in texts(root), "the legend explains the mark"
    assert [row.cells for row in chart.table.rows] == [(not_shown(), "2,0"), ("3,0", not_shown())]


def test_heatmap_bands_split_the_scale_evenly():
    assert [charts.band_of(v, 1, 5, 4) for v in (1, 1.99, 2, 3.5, 4.99, 5, 9)] == [0, 0, 1, 2, 3, 3, 3]


# ---- Line ----------------------------------------------------------------------------------


def test_a_line_has_a_point_per_value_and_breaks_where_one_is_missing():
    years = ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"]
    series = [("Ledning", [1, 2, None, 4, 5]), ("Kompetens", [None, 3, None, 3, None])]
    chart = charts.line("Trend", years, series, 1, 5)
    root = parse(chart)
    ledning = [p for p in with_class(root, "chart-point") if "series-0" in p.get("class")]
    kompetens = [p for p in with_class(root, "chart-point") if "series-1" in p.get("class")]
    assert (len(ledning), len(kompetens)) == (4, 2)
    lines = with_class(root, "chart-line")
    assert [line.get("class") for line in lines] == ["chart-line series-0"] * 2, "isolated points: no line"
    heights = [centre_of(p)[1] for p in ledning]
    top, bottom = heights[-1], heights[0]
    assert (bottom - heights[1]) / (bottom - top) == pytest.approx(1 / 4)
    assert [row.cells for row in chart.table.rows] == [
        ("1,0", "2,0", not_shown(), "4,0", "5,0"),
        (not_shown(), "3,0", not_shown(), "3,0", not_shown()),
    ]
    assert chart.table.columns[1:] == tuple(years)


def test_a_line_without_a_scale_fits_its_data():
    root = parse(charts.line("Trend", ["a", "b"], [("x", [2.2, 3.6])]))
    assert [e.text for e in with_class(root, "chart-tick")] == ["2", "3", "4"]


# ---- Palette and numbers -------------------------------------------------------------------


def lightness(colour: str) -> float:
    """CIE L*: how light a colour prints in grey, 0 to 100."""
    y = charts.relative_luminance(colour)
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else y * 24389 / 27


def test_the_first_four_series_colours_stay_apart_in_greyscale():
    first = [lightness(c) for c in charts.SERIES_COLOURS[:4]]
    gaps = [abs(a - b) for i, a in enumerate(first) for b in first[i + 1 :]]
    assert min(gaps) >= 15, first


def test_series_differ_by_marker_and_dash_even_without_colour():
    styles = [charts.series_style(i) for i in range(20)]
    assert len({(s.marker, s.dash) for s in styles}) == 20


def test_light_series_lines_get_a_dark_casing():
    root = parse(charts.line("Trend", ["a", "b"], [(str(i), [1, 2 + i]) for i in range(4)], 1, 5))
    cased = 0
    for index, colour in enumerate(charts.SERIES_COLOURS[:4]):
        (line,) = [e for e in with_class(root, "chart-line") if f"series-{index}" in e.get("class")]
        if charts.contrast(colour, charts.WHITE) < 3:
            casing = [e for e in root.iter(f"{SVG}path") if e.get("d") == line.get("d") and e is not line]
            assert [c.get("stroke") for c in casing] == [charts.INK]
            cased += 1
    assert cased == 2, "orange and yellow"


def test_the_ordered_ramp_gets_darker_in_clear_steps():
    for count in range(2, len(charts.SEQUENTIAL) + 1):
        steps = [lightness(c) for c in chart_base.sequential(count)]
        assert all(a - b >= 5 for a, b in zip(steps, steps[1:], strict=False)), (count, steps)


def test_numbers_have_one_decimal_swedish_style_rounded_half_up():
    values = (3.25, 3.96, 2, 0.05, 4.449)
    assert [charts.format_value(v) for v in values] == ["3,3", "4,0", "2,0", "0,1", "4,4"]
    with translation.override("en"):
        assert charts.format_value(3.25) == "3.3"


# ---- Template and PDF ----------------------------------------------------------------------


class Structure(HTMLParser):
    """The tags of an HTML fragment, with their attributes, in order."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def structure(html: str) -> list[tuple[str, dict]]:
    parser = Structure()
    parser.feed(html)
    return parser.tags


def test_the_include_renders_a_figure_with_its_svg_and_a_table_to_open():
    chart = charts.radar(f"Profil {HOSTILE}", AREAS, [("I år", [3.4, 2.0, None, 4.1, 5])], 1, 5)
    html = render_to_string("reports/_chart.html", {"chart": chart})
    tags = structure(html)
    names = [tag for tag, _attrs in tags]
    assert names[:3] == ["figure", "figcaption", "svg"]
    assert names.index("details") < names.index("summary") < names.index("table")
    assert "script" not in names and all("style" not in attrs for _tag, attrs in tags)
    assert f"Profil {HOSTILE}".replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") in html
    assert gettext("Show data as a table") in html
    column_heads = [a for t, a in tags if t == "th" and a.get("scope") == "col"]
    row_heads = [a for t, a in tags if t == "th" and a.get("scope") == "row"]
    assert len(column_heads) == 2 and len(row_heads) == 5
    (region,) = [a for t, a in tags if t == "div" and "table-wrap" in a.get("class", "")]
    (caption,) = [a for t, a in tags if t == "caption"]
    assert region["role"] == "region" and region["tabindex"] == "0", "it may scroll: keyboard users reach it"
    assert region["aria-labelledby"] == caption["id"]
    for value in ("3,4", "2,0", not_shown(), "4,1", "5,0"):
        assert f'<td class="numeric">{value}</td>' in html


def test_the_include_can_show_the_table_without_details_for_print():
    chart = charts.bars("Medel", ["A"], [("I år", [3.0])], 1, 5)
    html = render_to_string("reports/_chart.html", {"chart": chart, "show_table": True})
    names = [tag for tag, _attrs in structure(html)]
    assert "details" not in names and "table" in names


def test_the_chart_draws_its_text_into_the_pdf():
    from weasyprint import HTML

    chart = charts.bars("Medelvärde per område", ["Ledning", "Kompetens"], [("I år", [3.4, None])], 1, 5)
    svg_only = f'<html lang="sv"><head><title>t</title></head><body>{chart.svg}</body></html>'
    drawn = "".join(pdf_text(HTML(string=svg_only).write_pdf()).split())
    assert "3,4" in drawn and "Ledning" in drawn, "the SVG itself is drawn as text in the PDF"
    page = render_to_string("reports/_chart.html", {"chart": chart, "show_table": True})
    html = f'<html lang="sv"><head><title>t</title></head><body>{page}</body></html>'
    text = "".join(pdf_text(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")).split())
    assert "Medelvärdeperområde" in text and "3,4" in text and "".join(not_shown().split()) in text


@pytest.mark.parametrize(
    "build",
    [
        lambda: charts.radar("t", [], [], 1, 5),
        lambda: charts.radar("t", ["a", "b"], [("s", [3, None])], 1, 5),
        lambda: charts.bars("t", [], [], 1, 5),
        lambda: charts.stacked_distribution("t", []),
        lambda: charts.heatmap("t", [], [], [], 1, 5),
        lambda: charts.line("t", [], []),
        lambda: charts.line("t", ["2026/27"], [("s", [None])]),
    ],
)
def test_empty_and_tiny_charts_still_render(build):
    chart = build()
    assert parse(chart).tag == f"{SVG}svg"
