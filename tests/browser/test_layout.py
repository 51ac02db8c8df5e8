"""Layout defects found by trying Digiplan in a browser, each measured on the element's boxes:
the plan page's results box at 1280 px, the report's download links, the heat map's labels,
and the header with its menu at 320 × 640 (folded behind a "Meny" button, with script only)."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.assessment_helpers import INDICATORS
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.helpers import assert_no_horizontal_scroll, is_focused, main_menu
from tests.conftest import PASSWORD
from tests.reports.report_helpers import framework, new_unit, run_campaign
from tests.reports.test_public import _plan

YEAR = "2026/27"
# Area titles and unit names as long as the standard set's and a real municipality's.
LONG_AREAS = INDICATORS.replace(
    "    title: Ledning\n", "    title: Dataskydd och informationssäkerhet\n"
).replace("    title: Kompetens\n", "    title: Kompetensutveckling\n")
UNITS = ("Lindskolans anpassade grundskola", "Sjöviks anpassade gymnasieskola", "Vuxenutbildningen Sjövik")
WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 320, "height": 640}


@pytest.fixture
def org(world):
    """Three units with long names after a closed campaign over long area titles; the first
    has a published plan, whose page shows the latest results."""
    assert "Dataskydd och informationssäkerhet" in LONG_AREAS and "Kompetensutveckling" in LONG_AREAS
    units = [new_unit(world, name) for name in UNITS]
    staff = {unit: [{"LED.P1": 2 + i % 3, "KOMP.P1": 1 + i % 4} for i in range(5)] for unit in units}
    leader = {unit: ({"LED.L1": 3, "KOMP.L1": 2}, {}) for unit in units}
    fx = run_campaign(
        world, framework(world, LONG_AREAS), staff, leader=leader, units=units, school_year=YEAR
    )
    fx.units = units
    fx.plan = _plan(world, units[0], [fx.items["LED.P1"]], [])
    return fx


def _sign_in(page: Page, live_server, email: str) -> None:
    page.goto(live_server.url + reverse("login"))
    form = page.locator("form").filter(has=page.locator('input[name="password"]'))
    form.locator('input[name="username"]').fill(email)
    form.locator('input[name="password"]').fill(PASSWORD)
    form.locator('button[type="submit"]').first.click()
    page.wait_for_load_state()


def test_the_plan_pages_results_box_shows_every_column_at_1280(page: Page, live_server, world, org):
    page.set_viewport_size(WIDE)
    _sign_in(page, live_server, world.strategist.email)
    page.goto(live_server.url + reverse("plan_detail", args=[org.plan.pk]))
    box = page.locator("section[aria-labelledby=results-heading]")
    expect(box.get_by_role("columnheader", name="Personal")).to_be_visible()
    wrap = box.locator(".table-wrap")
    sizes = wrap.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert sizes[0] <= sizes[1], f"the table is {sizes[0]} px wide in a box of {sizes[1]} px"
    last = box.get_by_role("columnheader", name="Personal").bounding_box()
    outer = wrap.bounding_box()
    assert last["x"] + last["width"] <= outer["x"] + outer["width"] + 0.5
    for row in ("Dataskydd och informationssäkerhet", "Kompetensutveckling"):
        cell = box.get_by_role("rowheader").filter(has_text=row.split()[0][:8])
        assert cell.bounding_box()["width"] > 0


def test_the_reports_download_links_have_no_bullet_over_them(page: Page, live_server, world, org):
    page.set_viewport_size(WIDE)
    _sign_in(page, live_server, world.strategist.email)
    page.goto(live_server.url + reverse("report_unit", args=[org.units[0].pk]))
    items = page.locator("ul.report-downloads > li")
    expect(items).to_have_count(3)
    styles = items.evaluate_all("els => els.map(e => getComputedStyle(e).listStyleType)")
    assert styles == ["none"] * 3, f"the list items draw markers: {styles}"
    boxes = page.locator("ul.report-downloads a").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; })"
    )
    for (_left, right), (left, _right) in zip(boxes, boxes[1:], strict=False):
        assert left - right >= 12, f"links {boxes} stand too close for anything between them"


def test_no_heatmap_label_is_cut(page: Page, live_server, world, org):
    page.set_viewport_size(WIDE)
    _sign_in(page, live_server, world.strategist.email)
    page.goto(live_server.url + reverse("report_org"))
    chart = page.locator("section[aria-labelledby=heatmap] svg.chart-svg")
    expect(chart).to_be_visible()
    labels = chart.locator("text.chart-axis-label").evaluate_all(
        """els => els.map(e => ({
            lines: e.querySelectorAll('tspan').length
                ? [...e.querySelectorAll('tspan')].map(t => t.textContent) : [e.textContent],
            box: (b => [b.x, b.x + b.width])(e.getBBox()),
        }))"""
    )
    width = chart.evaluate("e => e.viewBox.baseVal.width")
    cell = float(chart.locator("rect.chart-cell").first.get_attribute("width"))
    texts = set()
    for label in labels:
        assert not any("…" in line for line in label["lines"]), f"a label is cut: {label['lines']}"
        assert label["box"][0] >= 0 and label["box"][1] <= width, f"{label} leaves the chart"
        # A line broken inside a word ends in "-": joined again it is the whole label.
        text = ""
        for line in label["lines"]:
            text += line[:-1] if line.endswith("-") else line + " "
        texts.add(text.strip())
    header_widths = chart.locator("text.chart-axis-label[text-anchor=middle] tspan").evaluate_all(
        "els => els.map(e => e.getComputedTextLength())"
    )
    assert header_widths and max(header_widths) <= cell, (max(header_widths), cell)
    assert set(UNITS) <= texts, texts
    assert {"LED Dataskydd och informationssäkerhet", "KOMP Kompetensutveckling"} <= texts, texts


def test_at_320_the_header_is_short_and_the_menu_opens_behind_a_button(page: Page, live_server, world):
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server, world.strategist.email)
    page.goto(live_server.url + reverse("plan_list"))
    header = page.locator("header.site-header")
    height = header.bounding_box()["height"]
    assert height <= 160, f"the header takes {height} of 640 px"
    assert_no_horizontal_scroll(page)
    button = page.get_by_role("button", name="Meny")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(main_menu(page)).to_be_hidden()
    # By keyboard: open, follow a link's way down, close with Escape.
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(main_menu(page).get_by_role("link", name="Planer")).to_be_visible()
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert_no_axe_violations(page)
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    assert is_focused(button)
    expect(main_menu(page)).to_be_hidden()
    # Opened again and followed, the link leads on.
    button.click()
    main_menu(page).get_by_role("link", name="Planer").click()
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="Meny")).to_have_attribute("aria-expanded", "false")


def test_at_1280_the_menu_shows_and_there_is_no_button(page: Page, live_server, world):
    page.set_viewport_size(WIDE)
    _sign_in(page, live_server, world.strategist.email)
    page.goto(live_server.url + reverse("plan_list"))
    expect(main_menu(page).get_by_role("link", name="Planer")).to_be_visible()
    expect(page.get_by_role("button", name="Meny")).to_be_hidden()


def test_without_script_the_whole_menu_shows_at_320(browser, live_server, world):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="sv-SE")
    try:
        page = context.new_page()
        _sign_in(page, live_server, world.strategist.email)
        page.goto(live_server.url + reverse("plan_list"))
        expect(main_menu(page).get_by_role("link", name="Planer")).to_be_visible()
        expect(page.locator(".nav-toggle")).to_be_hidden()
        expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    finally:
        context.close()
