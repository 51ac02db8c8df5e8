"""A unit's plan as files for its *verksamhetsplan*: a tagged PDF and an XLSX workbook.

Both are built from the same plain rows (plan_rows), so the two never tell different stories.
Nothing is stored: the files are made on request from what the plan holds now.
"""

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from digiplan.frameworks.templatetags.frameworks import localised
from digiplan.lib.pdf import render_pdf

# The rule every export of Digiplan follows: a text a spreadsheet could take for a formula gets
# a leading apostrophe.
from digiplan.lib.spreadsheet import neutralise
from digiplan.lib.spreadsheet import writing as spreadsheet_writing
from digiplan.plans.models import Activity, Goal, Plan

XLSX_TYPE = spreadsheet_writing.XLSX_TYPE


@dataclass
class ActivityRow:
    activity: Activity
    responsible: str
    late: bool

    @property
    def status_text(self) -> str:
        label = self.activity.get_status_display()
        return _("%(status)s, late") % {"status": label} if self.late else str(label)


@dataclass
class GoalRow:
    goal: Goal | None  # None: the activities that belong to no goal
    items: list[str] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)

    @property
    def baseline(self) -> str:
        if self.goal is None:
            return ""
        return self.goal.baseline_text or _number(self.goal.baseline)

    @property
    def target(self) -> str:
        if self.goal is None:
            return ""
        return self.goal.target_text or _number(self.goal.target)


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}".replace(".", ",")


def responsible(activity: Activity) -> str:
    """Role and person as a reader wants them: "IT-pedagog: Anna Ek", or either alone."""
    parts = [
        activity.role_title.name if activity.role_title else "",
        activity.owner.name if activity.owner else "",
    ]
    return ": ".join(p for p in parts if p)


def plan_rows(plan: Plan, today: datetime.date | None = None) -> list[GoalRow]:
    """The plan's goals in order, each with its framework items and activities; a last row
    without a goal for the activities that belong to none (left out when there are none)."""
    today = today or timezone.localdate()
    goals = list(plan.goals.prefetch_related("items"))
    rows: dict[int | None, GoalRow] = {
        goal.pk: GoalRow(goal=goal, items=[f"{i.code} {localised(i, 'title')}" for i in goal.items.all()])
        for goal in goals
    }
    loose = GoalRow(goal=None)
    activities = plan.activities.select_related("role_title", "owner").order_by("due_on", "title", "pk")
    for activity in activities:
        row = rows.get(activity.goal_id, loose)
        row.activities.append(
            ActivityRow(activity=activity, responsible=responsible(activity), late=activity.is_late_on(today))
        )
    result = [rows[goal.pk] for goal in goals]
    if loose.activities:
        result.append(loose)
    return result


def export_filename(plan: Plan, fmt: str) -> str:
    """ "digitaliseringsplan-almskolan-2026-27.pdf"."""
    name = _("digitalisation plan")
    year = plan.school_year.replace("/", "-")
    return f"{slugify(f'{name} {plan.organisation.name} {year}')}.{fmt}"


# ---- PDF -------------------------------------------------------------------------------------


def plan_pdf(plan: Plan, request=None) -> bytes:
    today = timezone.localdate()
    html = render_to_string(
        "plans/export_plan.html",
        {
            "plan": plan,
            "unit": plan.organisation,
            "rows": plan_rows(plan, today),
            "today": today,
            "followed_up": bool(
                plan.followed_up_at or plan.summary or plan.goals.exclude(outcome="").exists()
            ),
        },
        request=request,
    )
    return render_pdf(html)


# ---- XLSX ------------------------------------------------------------------------------------


def _text(value: object) -> str:
    return neutralise(str(value or ""))


@dataclass
class _Sheets:
    """The workbook and the cell styles the plan's sheets share."""

    book: Any
    bold: Any
    date: Any
    wrap: Any
    decimal: Any

    @classmethod
    def into(cls, output: io.BytesIO) -> "_Sheets":
        book = spreadsheet_writing.workbook(output)
        return cls(
            book=book,
            bold=book.add_format({"bold": True}),
            date=book.add_format({"num_format": "yyyy-mm-dd"}),
            wrap=book.add_format({"text_wrap": True, "valign": "top"}),
            decimal=book.add_format({"num_format": "0.0#"}),
        )

    def sheet(self, name: str, titles: list[str], widths: list[int]) -> Any:
        """A new sheet with its header row in bold, frozen so that it stays in view."""
        sheet = self.book.add_worksheet(name[:31])
        for column, (title, width) in enumerate(zip(titles, widths, strict=True)):
            sheet.write_string(0, column, _text(title), self.bold)
            sheet.set_column(column, column, width)
        sheet.freeze_panes(1, 0)
        return sheet

    def text(self, sheet: Any, row: int, column: int, value: object) -> None:
        sheet.write_string(row, column, _text(value), self.wrap)

    def number(self, sheet: Any, row: int, column: int, value: Decimal | None) -> None:
        if value is None:
            sheet.write_blank(row, column, None)
        else:
            sheet.write_number(row, column, float(value), self.decimal)

    def day(self, sheet: Any, row: int, column: int, value: datetime.date | None) -> None:
        if value is None:
            sheet.write_blank(row, column, None)
        else:
            sheet.write_datetime(row, column, datetime.datetime.combine(value, datetime.time()), self.date)


def plan_xlsx(plan: Plan) -> bytes:
    rows = plan_rows(plan)
    output = io.BytesIO()
    sheets = _Sheets.into(output)
    sheets.book.set_properties({"title": _text(plan.title), "subject": _text(plan.organisation.name)})
    _goals_sheet(sheets, rows)
    _activities_sheet(sheets, rows)
    sheets.book.close()
    return output.getvalue()


def _goals_sheet(sheets: _Sheets, rows: list[GoalRow]) -> None:
    titles = [
        _("Goal"),
        _("Description"),
        _("Framework items"),
        _("Baseline"),
        _("Baseline (value)"),
        _("Target"),
        _("Target (value)"),
        _("Outcome"),
        _("Reflection"),
    ]
    sheet = sheets.sheet(_("Goals"), titles, [40, 50, 50, 24, 12, 24, 12, 18, 50])
    line = 0
    for row in rows:
        goal = row.goal
        if goal is None:
            continue
        line += 1
        sheets.text(sheet, line, 0, goal.title)
        sheets.text(sheet, line, 1, goal.description)
        sheets.text(sheet, line, 2, "\n".join(row.items))
        sheets.text(sheet, line, 3, goal.baseline_text)
        sheets.number(sheet, line, 4, goal.baseline)
        sheets.text(sheet, line, 5, goal.target_text)
        sheets.number(sheet, line, 6, goal.target)
        sheets.text(sheet, line, 7, goal.get_outcome_display() if goal.outcome else "")
        sheets.text(sheet, line, 8, goal.reflection)
    sheet.autofilter(0, 0, max(line, 1), len(titles) - 1)


def _activities_sheet(sheets: _Sheets, rows: list[GoalRow]) -> None:
    titles = [
        _("Activity"),
        _("Goal"),
        _("Description"),
        _("Responsible role"),
        _("Responsible person"),
        _("Start date"),
        _("Due date"),
        _("Status"),
        _("Late"),
        _("Follow-up note"),
    ]
    sheet = sheets.sheet(_("Activities"), titles, [40, 32, 50, 20, 24, 12, 12, 14, 10, 40])
    line = 0
    for row in rows:
        for entry in row.activities:
            activity = entry.activity
            line += 1
            sheets.text(sheet, line, 0, activity.title)
            sheets.text(sheet, line, 1, row.goal.title if row.goal else "")
            sheets.text(sheet, line, 2, activity.description)
            sheets.text(sheet, line, 3, activity.role_title.name if activity.role_title else "")
            sheets.text(sheet, line, 4, activity.owner.name if activity.owner else "")
            sheets.day(sheet, line, 5, activity.starts_on)
            sheets.day(sheet, line, 6, activity.due_on)
            sheets.text(sheet, line, 7, activity.get_status_display())
            sheets.text(sheet, line, 8, _("Yes") if entry.late else _("No"))
            sheets.text(sheet, line, 9, activity.follow_up_note)
    sheet.autofilter(0, 0, max(line, 1), len(titles) - 1)
