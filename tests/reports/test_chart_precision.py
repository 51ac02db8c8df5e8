"""A chart carries no more precision than the figures it prints: two values that print alike
("3,0") draw alike, in every coordinate, width, path, colour band and id.

Otherwise the SVG would hand out the decimals the text rounds away: a bar 0.01 user units
longer is a mean 0.0003 higher, and the exact median of four units is what subtracting two
reports needs. Each chart is drawn twice, from values on either side of the printed one, and the
two drawings must be the same bytes.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import translation

from digiplan.reports import charts, public_pdf

AREAS = ["Ledning", "Kompetens", "Tillgång", "Forskning"]
# Each pair prints the same at one decimal, but differs below it.
LOW = [3.0449, 2.4501, 4.96, 1.349999]
HIGH = [2.9551, 2.4999, 4.9501, 1.3]


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


def _drawings(values):
    return {
        "radar": charts.radar("Personal", AREAS, [("I år", values), ("Median", values[::-1])], 1, 5),
        "bars": charts.bars("Median", AREAS, [("Median", values)], 1, 5),
        "columns": charts.bars("Median", AREAS, [("Median", values)], 1, 5, horizontal=False),
        "line": charts.line("Över åren", AREAS, [("Personal", values)]),
        "line on a scale": charts.line("Över åren", AREAS, [("Personal", values)], 1, 5),
        "heatmap": charts.heatmap("Enheter", ["A", "B"], AREAS, [values, values[::-1]], 1, 5),
    }


def _one_decimal(value: float) -> float:
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def test_the_pairs_print_alike():
    assert [charts.format_value(v) for v in LOW] == [charts.format_value(v) for v in HIGH]


@pytest.mark.parametrize("kind", list(_drawings(LOW)))
def test_values_that_print_alike_draw_alike(kind):
    low, high = _drawings(LOW)[kind], _drawings(HIGH)[kind]
    assert low.ident == high.ident
    assert str(low.svg) == str(high.svg)
    assert low.table == high.table


def test_a_heatmap_cell_is_coloured_by_its_printed_value():
    # 2.5999 prints 2,6, the lower edge of the third of five bands on a 1–5 scale: the colour
    # must say 2,6 too, not "just below 2,6".
    cell = charts.heatmap("Enheter", ["A"], ["Ledning"], [[2.5999]], 1, 5)
    same = charts.heatmap("Enheter", ["A"], ["Ledning"], [[2.6]], 1, 5)
    assert str(cell.svg) == str(same.svg)


def test_no_coordinate_is_finer_than_the_printed_value_allows():
    """A bar's length is exactly the printed value's: 3,0 on 1–5 is half of the axis."""
    chart = charts.bars("Median", ["Ledning"], [("Median", [3.0449])], 1, 5)
    width = float(re.search(r'<rect x="200" y="[\d.]+" width="([\d.]+)"', str(chart.svg)).group(1))
    axis = charts.WIDTH - 56.0 - 200.0
    assert width == pytest.approx(axis * (3.0 - 1) / 4, abs=0.005)


def test_the_public_reports_charts_draw_the_printed_medians():
    """The public page and PDF draw from PublicReport.data, which keeps the exact medians:
    their charts are those of the rounded ones."""

    def data(median):
        return {
            "areas": [
                {"code": "LED", "title": "Ledning", "translations": {}, "median": median(3.0449)},
                {"code": "KOMP", "title": "Kompetens", "translations": {}, "median": median(2.4501)},
            ],
            "trend": {
                "years": ["2025/26", "2026/27"],
                "areas": [
                    {
                        "code": "LED",
                        "title": "Ledning",
                        "translations": {},
                        "lines": [
                            {"group": "staff", "units": [4, 4], "values": [median(3.0449), median(2.4501)]}
                        ],
                    }
                ],
            },
            "plans": {"priorities": [], "national": []},
            "scales": {"staff": [1, 5]},
        }

    exact, rounded = data(lambda v: v), data(_one_decimal)
    exact_charts, rounded_charts = (
        public_pdf.labels_and_charts(exact),
        public_pdf.labels_and_charts(rounded),
    )
    assert str(exact_charts["medians"].svg) == str(rounded_charts["medians"].svg)
    assert str(exact["trend"]["areas"][0]["chart"].svg) == str(rounded["trend"]["areas"][0]["chart"].svg)
