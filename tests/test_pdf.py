"""The PDFs' renderer: tagged PDF/UA from self-contained HTML, nothing fetched from anywhere, and
the laid-out document freed by a collection of the youngest generation, not left for a pass of
the cyclic collector over the whole process."""

import gc

from digiplan.lib.pdf import render_pdf
from tests.pdf_helpers import _objects, flat, pdf_text

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50" role="img">'
    '<title>Staplar</title><rect x="0" y="0" width="40" height="20" fill="#0072B2"/>'
    '<text x="5" y="40">Etikett</text></svg>'
)
ROWS = "".join(f"<tr><th scope='row'>Rad {n}</th><td>{n},5</td></tr>" for n in range(60))
HTML = f"""<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Prov</title>
<style>@page {{ @bottom-right {{ content: counter(page) " av " counter(pages); }} }}
.toc a::after {{ content: leader(". ") target-counter(attr(href url), page); }}</style></head>
<body><nav class="toc"><a href="#t">Tabellen</a></nav><figure>{SVG}</figure>
<img src="http://example.invalid/spion.png" alt="">
<table id="t"><caption>Tabellen</caption><tbody>{ROWS}</tbody></table></body></html>"""


def test_a_pdf_is_tagged_in_its_language_and_holds_its_text():
    content = render_pdf(HTML)
    catalog = next(head for head, _d in _objects(content).values() if b"/Type /Catalog" in head)
    assert b"/StructTreeRoot" in catalog and b"/Lang (sv)" in catalog
    text = flat(pdf_text(content))
    assert "Rad 59 59,5" in text and "Tabellen" in text


def test_nothing_is_fetched(monkeypatch):
    import urllib.request

    def refuse(*args, **kwargs):
        raise AssertionError("the PDF renderer tried the network")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    assert render_pdf(HTML).startswith(b"%PDF-")


def _unit_report_html(world, monkeypatch) -> str:
    """The HTML of a unit report with its radar charts, tables and contents."""
    from digiplan.reports import exports, selectors
    from tests.reports.report_helpers import YEAR_2, build_years

    build_years(world)
    captured = []
    with monkeypatch.context() as patched:
        patched.setattr(exports, "render_pdf", captured.append)
        exports.unit_pdf(selectors.unit_report(world.unit_a, YEAR_2), huvudman_name="Sjöviks kommun")
    return captured[0]


def _collections_during(render) -> list[int]:
    """The generations the cyclic collector swept while render ran."""
    generations = []

    def record(phase, info):
        if phase == "start":
            generations.append(info["generation"])

    gc.callbacks.append(record)
    try:
        render()
    finally:
        gc.callbacks.remove(record)
    return generations


def test_a_report_is_freed_by_one_collection_of_the_youngest_generation(world, monkeypatch):
    """Left to WeasyPrint, thousands of a report's objects wait in cycles for a pass of the
    collector over the whole process; render_pdf sweeps only what was made since it began."""
    from weasyprint import HTML as WeasyHTML

    html = _unit_report_html(world, monkeypatch)
    render_pdf(html)  # warm-up: fonts and WeasyPrint's caches stay
    assert gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        WeasyHTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
        left_by_weasyprint = gc.collect()
    finally:
        gc.enable()
    assert left_by_weasyprint > 10_000
    assert _collections_during(lambda: render_pdf(html)) == [0]
    assert gc.isenabled()
    left_by_render_pdf = gc.collect()
    assert left_by_render_pdf < left_by_weasyprint / 100, (left_by_render_pdf, left_by_weasyprint)


def test_a_collector_switched_off_by_the_caller_stays_off_and_idle():
    gc.disable()
    try:
        assert _collections_during(lambda: render_pdf(HTML)) == []
        assert not gc.isenabled()
    finally:
        gc.enable()
