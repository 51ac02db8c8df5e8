"""The PDFs' renderer: tagged PDF/UA from self-contained HTML, nothing fetched from anywhere, and
the laid-out document untied after writing so that reference counting, not a pass of the cyclic
collector over the whole process, frees it."""

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


def test_a_report_is_freed_without_the_cycle_collector(world, monkeypatch):
    """A unit report with its radar charts, tables and contents: left to WeasyPrint, thousands
    of its objects wait for the cyclic collector; untied, a fraction does (the pages WeasyPrint
    lays out again for the page numbers of the contents stay tied)."""
    from weasyprint import HTML as WeasyHTML

    from digiplan.reports import exports, selectors
    from tests.reports.report_helpers import YEAR_2, build_years

    build_years(world)
    captured = []
    monkeypatch.setattr(exports, "render_pdf", captured.append)
    exports.unit_pdf(selectors.unit_report(world.unit_a, YEAR_2), huvudman_name="Sjöviks kommun")
    html = captured[0]
    gc.collect()
    collecting = gc.isenabled()
    gc.disable()
    try:
        WeasyHTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
        left_tied = gc.collect()
        render_pdf(html)
        left_untied = gc.collect()
    finally:
        if collecting:
            gc.enable()
    assert left_tied > 10_000
    assert left_untied < left_tied / 3, (left_untied, left_tied)
