"""Rendering Digiplan's PDFs (reports, plans, the staff profile) with WeasyPrint: tagged
PDF/UA-1 for screen readers, from HTML that carries its own styles and inline SVG charts and
loads nothing from anywhere."""

import gc

_FETCHER = None


def render_pdf(html: str) -> bytes:
    # WeasyPrint makes hundreds of thousands of short-lived objects, its boxes, styles and layout
    # context in cycles. With the cyclic collector on, its thresholds would sweep the whole
    # process again and again during the render, and the document's cycles would then wait for
    # a full pass: a tenth of a report's time. So it is off while the PDF is made, and a
    # collection of the youngest generation alone, which holds just what was made since, frees
    # the document (if someone else had switched the collector off, they collect).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _write_pdf(html)
    finally:
        if collecting:
            gc.collect(0)
            gc.enable()


def _write_pdf(html: str) -> bytes:
    """The PDF, PDF/UA-1: tagged, with its title and language, for screen readers. The laid-out
    document is garbage once this returns."""
    from weasyprint import HTML  # loaded on first use: it is large and most pages never need it

    global _FETCHER
    if _FETCHER is None:
        _FETCHER = _no_fetcher()
    document = HTML(string=html, url_fetcher=_FETCHER).render(pdf_variant="pdf/ua-1")
    return document.write_pdf(pdf_variant="pdf/ua-1")


def _no_fetcher():
    """A PDF loads nothing: its charts are inline SVG and its styles in the page. One
    fetcher that refuses every address, made once (WeasyPrint's own builds an SSL context
    for each document)."""
    from weasyprint.urls import URLFetcher

    class NoFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"A PDF loads no resources: {url[:80]}")

    return NoFetcher(allowed_protocols=())
