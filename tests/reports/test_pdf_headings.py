"""The text of the PDFs says each heading once: what a copy of the whole PDF, or a screen reader
reading it, meets. A chart's data table does not repeat the chart's title, a table under a heading
of the same words has no caption, and the page footer names what the page is from, not the title.
The table of contents lists the headings once more, as links: that is what it is for; and a
table's cell may hold a heading's words as data (the goal each activity serves)."""

import html
import re

import pytest
from django.urls import reverse

from digiplan.plans import exports as plan_exports
from digiplan.reports import exports as report_exports
from tests.pdf_helpers import flat, pdf_text
from tests.reports.report_helpers import build_unit_plan, build_years

HEADING = re.compile(r"<(h[1-6]|figcaption)\b[^>]*>(.*?)</\1>", re.S)
CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.S)
CELL = re.compile(r"<(td|th) scope=\"row\"[^>]*>(.*?)</\1>|<td\b[^>]*>(.*?)</td>", re.S)
TOC = re.compile(r'<nav class="toc".*?</nav>', re.S)


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


def rendered(monkeypatch, module, client, url) -> tuple[str, bytes]:
    """The HTML the PDF was made from, and the PDF."""
    made = []
    real = module.render_pdf

    def spy(page_html, *args, **kwargs):
        made.append(page_html)
        return real(page_html, *args, **kwargs)

    monkeypatch.setattr(module, "render_pdf", spy)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    return made[0], response.content


def occurrences(lines: list[str], heading: str) -> int:
    """How many times the heading is a line of the text, or a few lines it was wrapped over."""
    count = 0
    for start in range(len(lines)):
        for width in range(1, 4):
            if flat("\n".join(lines[start : start + width])) == heading:
                count += 1
                break
    return count


def assert_each_heading_once(page_html: str, pdf: bytes, title: str) -> list[str]:
    lines = [line for line in pdf_text(pdf).split("\n") if line.strip()]
    toc = TOC.search(page_html)
    listed = [text_of(a) for a in re.findall(r"<a\b[^>]*>(.*?)</a>", toc.group(0), re.S)] if toc else []
    body = TOC.sub("", page_html)
    headings = [text_of(h) for _tag, h in HEADING.findall(body)]
    assert headings, "the PDF has headings"
    captions = [text_of(c) for c in CAPTION.findall(body)]
    # A table's cell may hold the same words as a heading (the goal of each activity): data.
    cells = [text_of(a or b) for _tag, a, b in CELL.findall(body)]
    repeated = {
        heading: occurrences(lines, heading)
        for heading in headings
        if occurrences(lines, heading) != 1 + listed.count(heading) + cells.count(heading)
    }
    assert repeated == {}, "each heading once in the text (and once in the contents)"
    assert [c for c in captions if c in headings] == [], "no table repeats a heading as its caption"
    # The title is the cover's heading, not every page's footer.
    assert flat("\n".join(lines)).count(title) == 1 + listed.count(title)
    return headings


@pytest.fixture
def years(world):
    return build_years(world)


def test_the_unit_report_pdf_says_each_heading_once(world, years, client_for, monkeypatch):
    build_unit_plan(world, years)
    page_html, pdf = rendered(
        monkeypatch,
        report_exports,
        client_for("leader_a"),
        reverse("report_export", args=[world.unit_a.pk, "pdf"]),
    )
    headings = assert_each_heading_once(page_html, pdf, "Rapport för Almskolan, 2026/27")
    # The headings that were said twice: each chart's title (its data table repeated it), the
    # sections whose one table had the section's title, and the plan's activities.
    assert "Personal: medelvärde per område" in headings
    assert "Ledning och personal" in headings and "Kommentarer från personalen" in headings
    text = flat(pdf_text(pdf))
    assert text.count("Diagrammets värden") == 3  # one data table per chart, none untitled
    assert "Almskolan · 2026/27 · Sjöviks kommun" in text  # the footer still says whose page


def test_the_plan_pdf_says_each_heading_once(world, years, client_for, monkeypatch):
    fx = build_unit_plan(world, years)
    page_html, pdf = rendered(
        monkeypatch,
        plan_exports,
        client_for("leader_a"),
        reverse("plan_export", kwargs={"pk": fx.plan.pk, "fmt": "pdf"}),
    )
    headings = assert_each_heading_once(page_html, pdf, fx.plan.title)
    assert "Aktiviteter utan mål" in headings
    assert "Almskolan · 2026/27" in flat(pdf_text(pdf))
