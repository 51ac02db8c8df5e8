"""Rendering Digiplan's PDFs (reports, plans, the staff profile) with WeasyPrint: tagged
PDF/UA-1 for screen readers, from HTML that carries its own styles and inline SVG charts and
loads nothing from anywhere."""

import gc

_FETCHER = None


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # loaded on first use: it is large and most pages never need it

    global _FETCHER
    if _FETCHER is None:
        _FETCHER = _no_fetcher()
    # WeasyPrint makes hundreds of thousands of short-lived objects; the cyclic collector,
    # sweeping the whole process at each threshold, costs a report about a tenth of its time.
    # It waits until the PDF is written (if no one else had switched it off).
    collecting = gc.isenabled()
    gc.disable()
    document = None
    try:
        # PDF/UA-1: tagged, with its title and language, for screen readers.
        document = HTML(string=html, url_fetcher=_FETCHER).render(pdf_variant="pdf/ua-1")
        return document.write_pdf(pdf_variant="pdf/ua-1")
    finally:
        if document is not None:
            _let_go(document)
        if collecting:
            gc.enable()


def _let_go(document) -> None:
    """Unties the laid-out document once its PDF is written, so that reference counting frees
    it at once. Its boxes, styles and layout context hold one another in cycles: left as they
    are, 90,000 objects of a unit report wait for the cyclic collector, whose next pass then
    took a tenth of the request (0.1-0.15 s). Only what this render made is touched, after the
    PDF exists; should WeasyPrint rename an attribute, less is untied and the collector frees
    the rest, as before."""
    contexts = {}
    stack = [getattr(page, "_page_box", None) for page in getattr(document, "pages", ())]
    while stack:
        box = stack.pop()
        if box is None or not hasattr(box, "__dict__"):
            continue
        stack.extend(getattr(box, "children", None) or ())
        stack.extend(getattr(box, "column_groups", None) or ())
        stack.append(getattr(box, "footnote_area", None))
        # An inline SVG's image is the only way back to the layout context from the boxes.
        context = getattr(getattr(box, "replacement", None), "_context", None)
        if context is not None:
            contexts[id(context)] = context
        box.__dict__.clear()
    for context in contexts.values():
        collector = getattr(context, "target_collector", None)
        if hasattr(collector, "__dict__"):
            collector.__dict__.clear()
        if hasattr(context, "__dict__"):
            context.__dict__.clear()


def _no_fetcher():
    """A PDF loads nothing: its charts are inline SVG and its styles in the page. One
    fetcher that refuses every address, made once (WeasyPrint's own builds an SSL context
    for each document)."""
    from weasyprint.urls import URLFetcher

    class NoFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"A PDF loads no resources: {url[:80]}")

    return NoFetcher(allowed_protocols=())
