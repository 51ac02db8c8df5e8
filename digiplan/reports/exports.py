"""The unit report and the organisation report as files: a tagged PDF, an XLSX workbook and a
Swedish CSV, and every answer of a year as one streamed XLSX.

All three formats are drawn from the same plain tables (reports.report_tables), which read
only the report data the selectors hand over: a figure the web page suppresses is None here and
is written as a dash, so no format can show what the page hides. The PDF adds the page's charts
(the same SVG) and the plan's prose.
"""

from __future__ import annotations

import datetime
import io
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from django.db.models import Count, F, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from digiplan.assessments.models import Answer, Campaign, Group, Response

# The rules every export of Digiplan follows: a suppressed figure is a dash, sheet names are
# made valid, and a text a spreadsheet could take for a formula gets a leading apostrophe.
from digiplan.lib.pdf import render_pdf
from digiplan.lib.spreadsheet import neutralise
from digiplan.lib.spreadsheet.writing import (
    CSV_TYPE,
    SUPPRESSED,
    XLSX_TYPE,
    csv_bytes,
    formats,
    sheet_name,
    workbook,
    write_cell,
    write_header,
)
from digiplan.organisations.models import Organisation
from digiplan.reports.charts import format_value
from digiplan.reports.report_charts import group_label, org_charts, unit_charts
from digiplan.reports.report_tables import Table, about_rows, about_table, org_tables, unit_tables
from digiplan.reports.selectors import OrgReport, UnitReport

FORMATS = ("pdf", "xlsx", "csv")
CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": XLSX_TYPE, "csv": CSV_TYPE}


def filename(kind: str, name: str, school_year: str, fmt: str) -> str:
    """ "rapport-almskolan-2026-27.pdf"."""
    return f"{slugify(f'{kind} {name} {school_year.replace("/", "-")}')}.{fmt}"


@dataclass
class Section:
    """A part of the PDF: a heading (also its entry in the table of contents), a lead text, its
    charts, each followed by its data table, and its tables."""

    ident: str
    title: str
    lead: str = ""
    charts: list = field(default_factory=list)
    tables: list[PrintedTable] = field(default_factory=list)


# ---- PDF -------------------------------------------------------------------------------------


def display(value) -> str:
    """A cell as the PDF prints it: Swedish decimals and dates, a dash for a hidden figure."""
    if value is None:
        return SUPPRESSED
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, float):
        return format_value(value)
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    if isinstance(value, datetime.date):
        from django.utils.dateformat import format as date_format

        return date_format(value, "j F Y")
    return str(value)


@dataclass
class PrintedTable:
    """A table as the PDF prints it: cells formatted, and its columns laid out here (widths in
    per cent, figures right-aligned) so that WeasyPrint can use the fixed table layout instead
    of measuring every cell for the automatic one (a fifth to a quarter of a report's time)."""

    caption: str
    columns: list[str]
    rows: list[list[str]]
    widths: list[float] = field(default_factory=list)
    numeric: list[bool] = field(default_factory=list)

    @property
    def wide(self) -> bool:
        return len(self.columns) > 6

    @property
    def layout(self) -> list[tuple[str, float, bool]]:
        return list(zip(self.columns, self.widths, self.numeric, strict=True))

    @property
    def body(self) -> list[list[tuple[str, bool]]]:
        """Per row, its cells with whether each is a figure."""
        return [list(zip(row, self.numeric, strict=False)) for row in self.rows]


# A figure as display() writes it: "3,5", "-0,4", "1 234", "12 %", or the dash.
_FIGURE = re.compile(r"[-−+]?\d[\d\u00a0\u202f ]*(,\d+)?(\u00a0?%)?|" + re.escape(SUPPRESSED))
# The characters a line of a table holds, about (DejaVu Sans at 8.5 pt on a portrait page, at
# 8 pt on the landscape pages of the wide tables), what a cell's padding takes of them, and the
# longest word of a figures column's header kept whole (a letter of the 8 pt bold header is
# about 1.15 of one in the cells; a longer word hyphenates).
_LINE_CHARS = {False: 105, True: 165}
_PADDING_CHARS = 3
_HEADER_SCALE = 1.15
_HEADER_WORD = 12


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


def _columns(columns: list[str], rows: list[list[str]], wide: bool) -> tuple[list, list]:
    """Per column, its share of the width (per cent) and whether it holds figures (most of its
    cells are figures). A column of figures gets its longest word; a column of text at least
    its longest word, and the rest of the line in proportion to how much more its longest
    cell would take, as the automatic layout shares it."""
    least: list[float] = []
    extra: list[float] = []
    numeric: list[bool] = []
    for number, header in enumerate(columns):
        cells = [row[number] for row in rows if number < len(row) and row[number]]
        words = max([0, *(_longest_word(c) for c in cells)])
        figures = number > 0 and sum(1 for c in cells if _FIGURE.fullmatch(c)) * 2 >= len(cells)
        numeric.append(figures)
        if figures:
            least.append(
                max(words, min(_longest_word(header) * _HEADER_SCALE, _HEADER_WORD)) + _PADDING_CHARS
            )
            extra.append(0)
        else:
            least.append(max(words, _longest_word(header)) + _PADDING_CHARS)
            extra.append(max([0, *(len(c) for c in cells)]) + _PADDING_CHARS - least[-1])
    spare = _LINE_CHARS[wide] - sum(least)
    if spare > 0 and sum(extra) > spare:
        shares = [n + spare * e / sum(extra) for n, e in zip(least, extra, strict=True)]
    else:
        shares = [n + e for n, e in zip(least, extra, strict=True)]
    total = sum(shares)
    return [round(100 * s / total, 2) for s in shares], numeric


def printed(table: Table) -> PrintedTable:
    return _laid_out(
        PrintedTable(table.title, table.header, [[display(v) for v in row] for row in table.rows])
    )


def _laid_out(result: PrintedTable) -> PrintedTable:
    result.widths, result.numeric = _columns(result.columns, result.rows, result.wide)
    return result


def printed_tables(table: Table) -> list[PrintedTable]:
    """The table as the PDF prints it. The indicator table is printed as one table per group
    (leader, staff, pupils), in the order of the workbook's rows: code and indicator head each
    row, and a column that is empty for the whole group (the leader's answers and "don't
    know") is left out. It fits a portrait page, reads as the questionnaires did, and is a
    tenth less work for WeasyPrint than one table with the group on every row."""
    if table.ident != "indicators":
        return [printed(table)]
    code, title, _group, *figures = table.header
    groups: dict[str, list[list[str]]] = {}
    for row in table.rows:
        cells = [display(v) for v in row]
        groups.setdefault(cells[2], []).append([f"{cells[0]} {cells[1]}", *cells[3:]])
    result = []
    for group, rows in groups.items():
        kept = [0] + [n for n in range(1, len(figures) + 1) if any(row[n] for row in rows)]
        result.append(
            _laid_out(
                PrintedTable(
                    _("%(table)s: %(group)s") % {"table": table.title, "group": group},
                    [[f"{code} · {title}", *figures][n] for n in kept],
                    [[row[n] for n in kept] for row in rows],
                )
            )
        )
    return result


def _sections(
    tables: list[Table],
    charts: dict[str, list],
    leads: dict[str, str],
    titles: dict[str, str] | None = None,
    *,
    charts_say_it=(),
) -> list[Section]:
    """A section per table, the charts and lead text of the same ident above it. Where the
    charts' own data tables already hold every figure of the table (charts_say_it), the table
    is not printed a second time: it stays in the workbook and the CSV."""
    titles = titles or {}
    return [
        Section(
            ident=t.ident,
            title=titles.get(t.ident, t.title),
            lead=leads.get(t.ident, ""),
            charts=charts.get(t.ident, []),
            tables=[] if t.ident in charts_say_it else printed_tables(t),
        )
        for t in tables
    ]


def unit_pdf(
    report: UnitReport,
    *,
    huvudman_name: str,
    made: datetime.date | None = None,
    registry: object | None = None,
) -> bytes:
    """The unit report as a tagged PDF; registry: its devices and services section
    (reports.registry_section), for a reader who may see it."""
    made = made or timezone.localdate()
    unit = report["unit"]
    # The answers per level stay in the workbook: in print they fill ten pages and take most of
    # the time WeasyPrint spends on the report.
    tables = [t for t in unit_tables(report) if t.ident != "levels"]
    charts = unit_charts(report)
    sections = _sections(
        tables,
        {"areas": [c for _g, c in charts["radars"]]},
        {"areas": _("An area's figure is the mean of its indicators' shown means.")},
        {"activities": _("Digitalisation plan")},
        charts_say_it={"areas"},
    )
    html = render_to_string(
        "reports/pdf_unit.html",
        {
            "report": report,
            "unit": unit,
            "year": report["school_year"],
            "made": made,
            "huvudman_name": huvudman_name,
            "sections": sections,
            "registry": registry,
            "k": report["k"],
            "about": printed(about_table(about_rows(report, unit.name, made))),
            "title": _("Report for %(unit)s, %(year)s") % {"unit": unit.name, "year": report["school_year"]},
        },
    )
    return render_pdf(html)


def org_pdf(
    report: OrgReport,
    *,
    huvudman_name: str,
    filter_text: str = "",
    made: datetime.date | None = None,
    registry: object | None = None,
) -> bytes:
    """The organisation report as a tagged PDF; registry: its devices and services section
    (reports.registry_section.OrgRegistrySection)."""
    made = made or timezone.localdate()
    tables = org_tables(report)
    charts = org_charts(report)
    sections = _sections(
        tables,
        {
            "heatmap": [charts["heatmap"]] if charts["heatmap"] else [],
            "trends": [c for _a, c in charts["trends"]],
        },
        {
            "heatmap": _(
                "The staff's mean per unit and area: the mean of the area's shown "
                "indicator means. A hatched cell has fewer answers than the threshold."
            )
        },
    )
    html = render_to_string(
        "reports/pdf_org.html",
        {
            "report": report,
            "year": report["school_year"],
            "made": made,
            "huvudman_name": huvudman_name,
            "filter_text": filter_text,
            "sections": sections,
            "registry": registry,
            "k": report["k"],
            "about": printed(about_table(about_rows(report, huvudman_name, made))),
            "title": _("Organisation report %(year)s") % {"year": report["school_year"]},
        },
    )
    return render_pdf(html)


# ---- XLSX and CSV ----------------------------------------------------------------------------


def tables_xlsx(tables: list[Table], *, title: str) -> bytes:
    """One sheet per table: the header row frozen and filtered, every cell typed."""
    output = io.BytesIO()
    book = workbook(output)
    book.set_properties({"title": neutralise(title)})
    styles = formats(book)
    used: set[str] = set()
    for table in tables:
        sheet = book.add_worksheet(sheet_name(table.title, used))
        write_header(sheet, table.header, styles)
        for number, row in enumerate(table.rows, start=1):
            for column, value in enumerate(row):
                write_cell(sheet, number, column, value, styles)
        last = max(len(table.header) - 1, 0)
        sheet.autofilter(0, 0, max(len(table.rows), 1), last)
        sheet.set_column(0, 0, 32)
        if last:
            sheet.set_column(1, last, 16)
    book.close()
    return output.getvalue()


def tables_csv(tables: list[Table]) -> bytes:
    """The tables one after the other, each under its title: what Excel in Swedish opens as it
    is (UTF-8 with BOM, semicolons, decimal commas)."""
    rows: list[list] = []
    for number, table in enumerate(tables):
        if number:
            rows.append([])
        rows += [[table.title], list(table.header), *table.rows]
    return csv_bytes(rows)


# ---- Every answer of a year, streamed ------------------------------------------------------


def _shown_answer_keys(campaign: Campaign, units: QuerySet[Organisation]) -> set[tuple[int, str, int]]:
    """(unit, group, indicator) of every figure the results pages show: the unit × group has k
    responses or more, and the indicator k answers that count or more."""
    k = campaign.k
    shown_groups = (
        Response.objects.filter(campaign=campaign, unit__in=units.values("pk"))
        .values("unit_id", "group")
        .annotate(n=Count("pk"))
        .filter(n__gte=k)
        .order_by()
    )
    keep_groups = {(row["unit_id"], row["group"]) for row in shown_groups}
    figures = (
        Answer.objects.filter(response__campaign=campaign, response__unit__in=units.values("pk"))
        .values("response__unit_id", "response__group", "item_id")
        .annotate(n=Count("value"))
        .filter(n__gte=k)
        .order_by()
    )
    return {
        (row["response__unit_id"], row["response__group"], row["item_id"])
        for row in figures
        if (row["response__unit_id"], row["response__group"]) in keep_groups
    }


def _answer_rows(
    campaign: Campaign, units: QuerySet[Organisation]
) -> Iterator[tuple[int, str, int, str, int | None]]:
    """Every answer as (unit, group, indicator id, code, value), in the workbook's order."""
    rows = (
        Answer.objects.filter(response__campaign=campaign, response__unit__in=units.values("pk"))
        .order_by(
            "response__unit__name",
            "response__unit_id",
            "response__group",
            "item__code",
            F("value").asc(nulls_last=True),
        )
        .values_list("response__unit_id", "response__group", "item_id", "item__code", "value")
    )
    return rows.iterator(chunk_size=5000)


def answers_xlsx(campaign: Campaign, units: QuerySet[Organisation], target: str) -> int:
    """Every answer of the campaign's shown figures into the file `target`, written row by row
    (XlsxWriter's constant_memory): unit, group, indicator code and value, never a person nor
    anything that tells the order answers came in (sorted by unit, group, indicator, value).
    A unit × group with fewer than k responses is left out, and so is any indicator whose figure
    the results page suppresses (fewer than k answers that count): what remains is exactly the
    distributions the pages show, one row per answer. Returns the number of answers written."""
    keep = _shown_answer_keys(campaign, units)
    names = dict(units.values_list("pk", "name"))
    book = workbook(target, constant_memory=True)
    sheet = book.add_worksheet(sheet_name(_("Answers"), set()))
    headers = [_("Unit"), _("Group"), _("Code"), _("Value")]
    write_header(sheet, headers, formats(book))
    sheet.set_column(0, 0, 32)
    group_names: dict[str, str] = {Group.STAFF: group_label("staff"), Group.PUPIL: group_label("pupil")}
    dont_know = _("Don't know")
    line = 0
    for unit_id, group, item_id, code, value in _answer_rows(campaign, units):
        if (unit_id, group, item_id) not in keep:
            continue
        line += 1
        sheet.write_string(line, 0, neutralise(names[unit_id]))
        sheet.write_string(line, 1, neutralise(group_names.get(group, group)))
        sheet.write_string(line, 2, neutralise(code))
        if value is None:
            sheet.write_string(line, 3, neutralise(dont_know))
        else:
            sheet.write_number(line, 3, value)
    sheet.autofilter(0, 0, max(line, 1), len(headers) - 1)
    book.close()
    return line


def answers_tempfile(campaign: Campaign, units: QuerySet[Organisation]) -> IO[bytes]:
    """answers_xlsx into a temporary file on disk, rewound: the caller streams and closes it."""
    handle = tempfile.NamedTemporaryFile(prefix="digiplan-answers-", suffix=".xlsx")
    answers_xlsx(campaign, units, handle.name)
    handle.seek(0)
    return handle
