"""The public version of the organisation report as a PDF, for politicians to print and attach
to their papers: the sections, figures and charts of the public page on the frame of the report
PDFs (reports/pdf_base.html, lib.pdf.render_pdf: a cover, contents, page numbers, tagged PDF/UA).

Everything comes from PublicReport.data, frozen at publishing, never from the live figures: the
PDF shows what the page shows, however the units' answers and plans change later. The page
takes its labels and charts (labels_and_charts) and its lists of totals (facts) from here too,
so that both show the same.
"""

from __future__ import annotations

import copy
import datetime

from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from digiplan.lib.pdf import render_pdf
from digiplan.reports import charts, exports, report_tables, selectors
from digiplan.reports.exports import PrintedTable, Section
from digiplan.reports.models import PublicReport
from digiplan.reports.report_charts import group_label


def _label(entry: dict) -> str:
    title = selectors.localised(entry)
    return f"{entry['code']} {title}".strip() if entry.get("code") else (title or _("Without area"))


def labels_and_charts(data: dict) -> dict:
    """Labels in the reader's language, and the charts, drawn from the frozen figures. Adds the
    labels to data's entries; returns the chart of the medians (or None) as "medians" and sets
    each trend area's "chart"."""
    for entry in [
        *data["areas"],
        *data["trend"]["areas"],
        *data["plans"]["priorities"],
        *data["plans"]["national"],
    ]:
        entry["label"] = _label(entry)
    for area in data["trend"]["areas"]:
        for line in area["lines"]:
            line["group_label"] = group_label(line["group"])
            # A report published before overlaps were withheld has no "overlap".
            line["cells"] = list(
                zip(
                    line["values"],
                    line["units"],
                    line.get("overlap") or [False] * len(line["values"]),
                    strict=True,
                )
            )
    found: dict[str, charts.Chart | None] = {"medians": None}
    staff = data["scales"].get("staff")
    if data["areas"] and staff and any(a["median"] is not None for a in data["areas"]):
        found["medians"] = charts.bars(
            _("Staff: the organisation's median per area"),
            [a["label"] for a in data["areas"]],
            [(_("Median"), [a["median"] for a in data["areas"]])],
            *staff,
        )
    years = data["trend"]["years"]
    for area in data["trend"]["areas"]:
        area["chart"] = (
            charts.line(
                _("%(area)s: the organisation's median over the years") % {"area": area["label"]},
                years,
                [(line["group_label"], line["values"]) for line in area["lines"]],
            )
            if len(years) >= 2 and area["lines"]
            else None
        )
    return found


def facts(data: dict) -> dict[str, list[tuple[str, object]]]:
    """The participation and plan totals as (label, value), for the page's and the PDF's lists
    alike; empty where they are withheld."""
    p, plans = data["participation"], data["plans"]
    found: dict[str, list[tuple[str, object]]] = {"participation": [], "plans": []}
    if p and not p["withheld"]:
        found["participation"] = [
            (_("Units"), p["units"]),
            (_("Staff asked"), p["asked"]),
            (_("Staff who answered"), p["answered"]),
            (_("Response rate"), "–" if p["rate"] is None else f"{floatformat(p['rate'], 0)}\u00a0%"),
        ]
        if p["pupil_responses"]:
            found["participation"].append((_("Pupil answers"), p["pupil_responses"]))
    if not plans["withheld"]:
        found["plans"] = [
            (_("Units with a published plan"), _of(plans["units_with_plan"], plans["units"])),
            (_("Goals"), plans["goals"]),
            (_("Activities"), plans["activities"]),
            (_("Done"), plans["done"]),
            (_("Late when published"), plans["late"]),
            (_("Cancelled"), plans["cancelled"]),
        ]
    return found


# ---- Tables -------------------------------------------------------------------------------------
# Cells are written here as the page writes them (one decimal, a sign on a change, "3 of 4");
# None is a withheld figure, printed as the page's dash.


def _value(value: float | None) -> str | None:
    return None if value is None else charts.format_value(value)


def _change(value: float | None) -> str:
    if value is None:
        return _("no earlier figure")
    return f"+{charts.format_value(value)}" if value > 0 else charts.format_value(value)


def _of(shown: int, total: int) -> str:
    return _("%(shown)s of %(total)s") % {"shown": shown, "total": total}


def _printed(ident: str, caption: str, header: list[str], rows: list[list]) -> PrintedTable:
    return exports.printed(report_tables.Table(title=caption, header=header, rows=rows, ident=ident))


def _areas_table(data: dict) -> PrintedTable:
    rows = [
        [
            a["label"],
            None if a["units_shown"] is None else _of(a["units_shown"], a["units_total"]),
            _value(a["median"]),
            None if a["q1"] is None else f"{_value(a['q1'])}–{_value(a['q3'])}",
            None if a.get("change_overlap") else _change(a["change"]),
        ]
        for a in data["areas"]
    ]
    return _printed(
        "areas",
        _("Median and middle half of the units, per area"),
        [
            _("Area"),
            _("Units with figures"),
            _("Median"),
            _("Middle half (quartiles)"),
            _("Change of the median"),
        ],
        rows,
    )


def _priorities_table(plans: dict) -> PrintedTable:
    return _printed(
        "priorities",
        _("How many unit goals fall in each area"),
        [_("Area"), _("Goals")],
        [[row["label"], row["goals"]] for row in plans["priorities"]],
    )


def _national_table(plans: dict) -> PrintedTable:
    rows = [
        [row["label"], row["goals"] if row["goals"] else f"0 ({_('not covered')})"]
        for row in plans["national"]
    ]
    return _printed("national", _("Unit goals per national sub-goal"), [_("Sub-goal"), _("Unit goals")], rows)


def _about(data: dict, published: datetime.date) -> PrintedTable:
    rows: list[tuple[str, object]] = [
        (_("Report for"), data["organisation"]),
        (_("School year"), data["school_year"]),
        (_("Published"), published),
    ]
    campaign, participation = data["campaign"], data["participation"]
    if campaign is not None:
        rows.append(
            (_("Self-assessment"), f"{campaign['name']} {campaign['school_year']} ({campaign['framework']})")
        )
    if participation is not None:
        rows.append((_("Units"), participation["units"]))
    if campaign is not None:
        rows.append(
            (
                _("Anonymity threshold"),
                _(
                    "A unit's figure counts only when at least %(k)s staff have answered, so "
                    "that no one's answers can be recognised."
                )
                % {"k": data["k"]},
            )
        )
    n = data["min_units"]
    rows.append(
        (
            exports.SUPPRESSED,
            ngettext(
                "not shown: rests on fewer than %(n)s unit", "not shown: rests on fewer than %(n)s units", n
            )
            % {"n": n},
        )
    )
    return exports.printed(report_tables.about_table(rows))


def _sections(data: dict, chart_set: dict) -> list[Section]:
    """The sections of the public page, in its order; their prose is in pdf_public.html."""
    plans = data["plans"]
    sections = []
    if data["participation"]:
        sections.append(Section("participation", _("Participation")))
    if data["available"]:
        sections.append(
            Section(
                "areas",
                _("Results per area"),
                charts=[chart_set["medians"]] if chart_set["medians"] else [],
                tables=[_areas_table(data)],
            )
        )
        # Each trend chart's data table holds every figure of the page's table of the area.
        sections.append(
            Section(
                "trends",
                _("Trends"),
                charts=[area["chart"] for area in data["trend"]["areas"] if area["chart"]],
            )
        )
    shown = not plans["withheld"]
    sections.append(
        Section(
            "plans",
            _("Plan progress"),
            tables=[_priorities_table(plans)] if shown and plans["priorities"] else [],
        )
    )
    sections.append(
        Section(
            "national",
            _("National sub-goals"),
            tables=[_national_table(plans)] if shown and plans["national"] else [],
        )
    )
    return sections


# ---- The file -----------------------------------------------------------------------------------


def public_pdf(report: PublicReport, *, made: datetime.date | None = None) -> bytes:
    """The published report as a tagged PDF in the active language."""
    data = copy.deepcopy(report.data)  # labels are added to it; the model's copy stays as stored
    chart_set = labels_and_charts(data)
    published = timezone.localdate(report.published_at)
    html = render_to_string(
        "reports/pdf_public.html",
        {
            "report": data,  # pdf_base lists report.missing
            "data": data,
            "title": report.title,
            "huvudman_name": data["organisation"],
            "year": data["school_year"],
            "published": published,
            "made": made or timezone.localdate(),
            "k": data["k"],
            "sections": _sections(data, chart_set),
            "about": _about(data, published),
            "facts": facts(data),
            "changed_areas": [a for a in data["trend"]["areas"] if a["is_new"] or a["gone"]],
        },
    )
    return render_pdf(html)


def filename(report: PublicReport) -> str:
    """ "offentlig-rapport-sjoviks-kommun-2026-27.pdf": the frozen organisation's name."""
    return exports.filename(_("public report"), report.data["organisation"], report.school_year, "pdf")
