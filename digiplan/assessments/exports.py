"""The organisation's results as CSV and XLSX: exactly the tables of the results page
(selectors.org_tables), after a part that says what the figures rest on. Every text cell goes
through the spreadsheet helpers, which neutralise formulas."""

import io

from django.utils.translation import gettext as _

from digiplan.assessments import selectors
from digiplan.assessments.models import Campaign
from digiplan.lib.spreadsheet import neutralise
from digiplan.lib.spreadsheet.writing import (
    SUPPRESSED,
    csv_bytes,
    formats,
    sheet_name,
    workbook,
    write_cell,
    write_header,
)


def results_csv(campaign: Campaign, tables: list[selectors.Table]) -> bytes:
    rows: list[list] = list(_about(campaign))
    for table in tables:
        rows += [[], [table.title], list(table.header), *table.rows]
    return csv_bytes(rows)


def results_xlsx(campaign: Campaign, tables: list[selectors.Table]) -> bytes:
    output = io.BytesIO()
    book = workbook(output)
    styles = formats(book)
    used: set[str] = set()
    about = book.add_worksheet(sheet_name(_("About the figures"), used))
    for number, (label, text) in enumerate(_about(campaign)):
        about.write_string(number, 0, neutralise(label), styles["bold"])
        about.write_string(number, 1, neutralise(text))
    about.set_column(0, 0, 24)
    about.set_column(1, 1, 70)
    for table in tables:
        sheet = book.add_worksheet(sheet_name(table.title, used))
        write_header(sheet, table.header, styles)
        for number, row in enumerate(table.rows, start=1):
            for column, value in enumerate(row):
                write_cell(sheet, number, column, value, styles)
        sheet.set_column(0, max(len(table.header) - 1, 0), 18)
    book.close()
    return output.getvalue()


def table_labels() -> dict[str, str]:
    """The titles and column heads of the tables, in the reader's language."""
    return {
        "rates": _("Response rates"),
        "unit": _("Unit"),
        "asked": _("Staff asked"),
        "answered": _("Staff who answered"),
        "rate": _("Response rate (%)"),
        "pupil_responses": _("Pupil answers"),
        "pupils_expected": _("Pupils"),
        "total": _("All units"),
        "heatmap": _("Staff mean per area"),
        "area": _("Area"),
        "no_area": _("Without area"),
        "spread": _("Spread per area"),
        "units_shown": _("Units with figures"),
        "units_total": _("Units"),
        "median": _("Median"),
        "min": _("Lowest"),
        "max": _("Highest"),
        "q1": _("First quartile"),
        "q3": _("Third quartile"),
        "behind": _("Furthest behind"),
        "value": _("Answered %(value)s"),
        "indicators": _("Indicators, organisation"),
        "units": _("Indicators per unit"),
        "group": _("Group"),
        "code": _("Code"),
        "indicator": _("Indicator"),
        "n": _("Answers that count"),
        "n_na": _("Don't know / not applicable"),
        "mean": _("Mean"),
        "staff": _("Staff"),
        "pupil": _("Pupils"),
    }


def _about(campaign: Campaign) -> list[list[str]]:
    return [
        [_("Self-assessment"), f"{campaign.name} {campaign.school_year}"],
        [_("Anonymity threshold"), str(campaign.k)],
        [SUPPRESSED, _("Fewer than %(k)s answers: the figure is not shown.") % {"k": campaign.k}],
        [
            _("Organisation figures"),
            _("Rest on the units that have at least %(k)s answers.") % {"k": campaign.k},
        ],
    ]
