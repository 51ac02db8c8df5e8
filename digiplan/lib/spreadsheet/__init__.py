"""Spreadsheets in and out: `reading` takes CSV and XLSX as Swedish Excel writes them, `writing`
makes them so that Swedish Excel opens them as they are. Here: text written into a cell,
neutralised the same way by every export.

A spreadsheet takes a text for a formula when it starts with "=", "+", "-" or "@" (Excel in some
locales also with their full-width forms), and a leading tab, carriage return or line feed only
hides such a start from the eye. A unit called `=HYPERLINK("http://…","Klicka")` would then be a
live link in the strategist's workbook, and one called `=cmd|' /C calc'!A0` worse (CSV
injection). Such a text gets a leading apostrophe, as OWASP recommends: Excel and LibreOffice
show it as text, and a reader sees at once that it was text. An XLSX string cell is not a
formula as written, but becomes one when someone edits it and presses Enter, or saves the sheet
as CSV: it is neutralised too.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
HIDING_STARTS = ("\t", "\r", "\n")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could read the text as a formula (spaces before it included)."""
    return text.startswith(HIDING_STARTS) or text.lstrip().startswith(FORMULA_STARTS)


def neutralise(text: str) -> str:
    """The text as a spreadsheet cell: with a leading apostrophe when it could be a formula."""
    return f"'{text}" if is_formula_like(text) else text
