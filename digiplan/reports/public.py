"""The public version of the organisation report: what it may hold, and publishing and
withdrawing it.

A public report is frozen at publishing into PublicReport.data as plain figures of the whole
organisation only. It is built from org_report, but nothing below the organisation passes:
no unit, no unit's figure, no comment, no person. A figure that rests on fewer than
MIN_UNITS units is left out (None) and the page says why, because with one or two units an
"organisation figure" is a unit's figure. Quartiles need one unit more than the median: with
three units the median and the two quartiles together give every unit's value. Publishing
also withholds what this report, beside the huvudman's earlier ones, would give away by
subtraction (public_overlap).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiplan.assessments.selectors import _titles
from digiplan.audit.services import audit_record
from digiplan.lib import schoolyear
from digiplan.organisations.models import Huvudman, Organisation, OrganisationType
from digiplan.plans import selectors as plan_selectors
from digiplan.plans.models import Activity, ActivityStatus, Goal, Plan, PlanStatus
from digiplan.reports import public_overlap, selectors
from digiplan.reports.models import PublicReport
from digiplan.reports.selectors import OrgReport

DATA_FORMAT = 1
MIN_UNITS = selectors.MEDIAN_MIN_UNITS
QUARTILE_MIN_UNITS = MIN_UNITS + 1
TITLE_REQUIRED = _("Give the published report a title.")
YEAR_INVALID = _("Choose a school year.")


def _enough(units: int, value, minimum: int = MIN_UNITS):
    return value if units >= minimum else None


def _area_titles(item, code: str | None, title: str = "") -> dict:
    if item is not None:
        return {"code": item.code, **_titles(item)}
    return {"code": code, "title": title, "translations": {}}


def _participation(result: dict | None) -> dict | None:
    if result is None:
        return None
    totals, units = result["rate_totals"], len(result["rates"])
    enough = units >= MIN_UNITS
    return {
        "units": units,
        "withheld": not enough,
        "asked": totals.asked if enough else None,
        "answered": totals.answered if enough else None,
        "rate": totals.rate if enough else None,
        "pupil_responses": totals.pupil_responses if enough else None,
    }


def _areas(report: OrgReport) -> list[dict]:
    """Per area, the median and quartiles of the units' staff means: never which unit is where."""
    rows = []
    for row in report["equity"]:
        shown = row.now.units_shown
        earlier = row.history[-2] if len(row.history) > 1 else None
        comparable = (
            earlier is not None
            and earlier.units_shown >= MIN_UNITS
            and row.history[-1].units_shown >= MIN_UNITS
        )
        rows.append(
            {
                **_area_titles(row.item, row.code),
                "units_shown": shown,
                "units_total": row.now.units_total,
                "median": _enough(shown, row.now.median),
                "q1": _enough(shown, row.now.q1, QUARTILE_MIN_UNITS),
                "q3": _enough(shown, row.now.q3, QUARTILE_MIN_UNITS),
                "change": row.change if comparable else None,
            }
        )
    return rows


def _trend(report: OrgReport, titles: dict) -> dict:
    years = [c.school_year for c in report["trend_campaigns"]]
    if len(set(years)) < len(years):
        years = [f"{c.name} {c.school_year}" for c in report["trend_campaigns"]]
    areas = []
    for area in report["trend"]:
        areas.append(
            {
                **titles.get(area.code, _area_titles(None, area.code, area.title)),
                "is_new": area.is_new,
                "gone": area.gone,
                "lines": [
                    {
                        "group": line.group,
                        "units": line.units,
                        "values": [_enough(n, v) for n, v in zip(line.units, line.values, strict=True)],
                    }
                    for line in area.lines
                ],
            }
        )
    return {"years": years, "areas": areas}


def _plans(units: QuerySet[Organisation], school_year: str) -> dict:
    """Totals over the published plans of the year (a draft is for its editors only), the
    areas their goals fall in, and the national sub-goals the goals reach."""
    plans = Plan.objects.filter(organisation__in=units, school_year=school_year).exclude(
        status=PlanStatus.DRAFT
    )
    plan_count = plans.count()
    with_plan = plans.values("organisation_id").distinct().count()
    enough = with_plan >= MIN_UNITS
    found: dict[str, Any] = {
        "units": units.count(),
        "units_with_plan": with_plan,
        "withheld": not enough,
        "plans": plan_count,
        "goals": None,
        "activities": None,
        "done": None,
        "late": None,
        "cancelled": None,
        "priorities": [],
        "national": [],
    }
    if not enough:
        return found
    today = timezone.localdate()
    activities = list(Activity.objects.filter(plan__in=plans))
    goals = list(Goal.objects.filter(plan__in=plans).prefetch_related("items__links"))
    found.update(
        goals=len(goals),
        activities=len(activities),
        done=sum(a.status == ActivityStatus.DONE for a in activities),
        cancelled=sum(a.status == ActivityStatus.CANCELLED for a in activities),
        late=sum(a.is_late_on(today) for a in activities),
    )
    areas: dict[int, tuple] = {}
    for goal in goals:
        for item in goal.items.all():
            area = plan_selectors.area_of(item)
            entry = areas.setdefault(area.pk, (area, set()))
            entry[1].add(goal.pk)
    found["priorities"] = [
        {**_area_titles(area, None), "goals": len(goal_ids)}
        for area, goal_ids in sorted(areas.values(), key=lambda e: (-len(e[1]), e[0].code))
    ]
    # Only this year's published goals count.
    found["national"] = [
        {**_area_titles(row["item"], None), "goals": row["goals"]}
        for row in plan_selectors.national_coverage(goals)
    ]
    return found


def public_data(units: QuerySet[Organisation], school_year: str, huvudman: Huvudman, scope: str = "") -> dict:
    """The organisation-level figures of the year, as plain data for PublicReport.data: of the
    given units, a part of the organisation that scope names ("" for all of it). Each figure on
    its own; public_report_publish also withholds what earlier reports would expose."""
    return _public_data(units, school_year, huvudman, scope)[0]


def _public_data(
    units: QuerySet[Organisation], school_year: str, huvudman: Huvudman, scope: str
) -> tuple[dict, OrgReport]:
    report = selectors.org_report(units, school_year, huvudman)
    campaign, result = report["campaign"], report["results"]
    titles = {row.code: _area_titles(row.item, row.code) for row in report["equity"]}
    available = bool(result and result["available"])
    return {
        "format": DATA_FORMAT,
        "school_year": school_year,
        "organisation": huvudman.name,
        "scope": scope,
        "min_units": MIN_UNITS,
        "quartile_min_units": QUARTILE_MIN_UNITS,
        "k": report["k"],
        "campaign": {
            "name": campaign.name,
            "school_year": campaign.school_year,
            "framework": str(campaign.framework_version),
        }
        if campaign
        else None,
        "missing": [code for code in report["missing"] if code != "no_units"],
        "available": available,
        "scales": {group: list(bounds) for group, bounds in report["scales"].items()},
        "participation": _participation(result),
        "areas": _areas(report) if available else [],
        "trend": _trend(report, titles) if available else {"years": [], "areas": []},
        "plans": _plans(units.filter(is_active=True), school_year),
    }, report


# ---- Writes ------------------------------------------------------------------------------------


def _snapshot(report: PublicReport) -> dict:
    return {
        "title": report.title,
        "school_year": report.school_year,
        "scope": report.data.get("scope", ""),
        "withdrawn_at": report.withdrawn_at.isoformat() if report.withdrawn_at else None,
    }


def public_report_publish(
    *, actor, huvudman: Huvudman, units: QuerySet[Organisation], school_year: str, title: str, scope: str = ""
) -> PublicReport:
    """Freeze the year's organisation-level figures at a new address with a random token."""
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = TITLE_REQUIRED
    if not schoolyear.is_valid(school_year):
        errors["school_year"] = YEAR_INVALID
    if errors:
        raise ValidationError(errors)
    data, org_report = _public_data(units, school_year, huvudman, scope)
    with transaction.atomic():
        # One publication of the huvudman at a time: two at once would each be checked
        # against the earlier reports without the other.
        Huvudman.objects.select_for_update().filter(pk=huvudman.pk).first()
        kept = public_overlap.withhold_overlaps(
            data,
            report=org_report,
            huvudman=huvudman,
            units=units,
            all_units=Organisation.objects.filter(huvudman=huvudman, type=OrganisationType.SKOLENHET),
        )
        report = PublicReport(
            huvudman=huvudman,
            school_year=school_year,
            title=title,
            token=secrets.token_urlsafe(32),
            data=data,
            published_by=actor,
            disclosure=kept,
        )
        report.full_clean()
        report.save()
        audit_record(
            actor=actor,
            huvudman=huvudman,
            action="public_report_publish",
            obj=report,
            object_label=title,
            after=_snapshot(report),
        )
    return report


def public_report_withdraw(*, actor, report: PublicReport) -> PublicReport:
    """The address answers 404 from now on; the row stays for the audit trail."""
    if report.withdrawn_at is not None:
        return report
    with transaction.atomic():
        before = _snapshot(report)
        report.withdrawn_at = timezone.now()
        report.save(update_fields=["withdrawn_at"])
        audit_record(
            actor=actor,
            huvudman=report.huvudman,
            action="public_report_withdraw",
            obj=report,
            object_label=report.title,
            before=before,
            after=_snapshot(report),
        )
    return report
