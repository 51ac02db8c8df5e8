"""The organisation overview of every unit's plan, for strategists, and the year view
(*årshjul*) of the cycle, for everyone."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digiplan.lib import schoolyear
from digiplan.organisations.access import is_strategist, managed_nodes
from digiplan.organisations.models import SchoolForm
from digiplan.plans import selectors
from digiplan.plans.access import readable_plans

EVENT_LABELS = {
    "campaign_opens": gettext_lazy("Self-assessment opens"),
    "campaign_closes": gettext_lazy("Self-assessment closes"),
    "follow_up": gettext_lazy("Follow-up due"),
    "activity": gettext_lazy("Activity due"),
}


def _huvudman_id(request) -> int:
    if request.user.huvudman_id is None:
        raise Http404
    return request.user.huvudman_id


def _school_year(request, known: set[str]) -> tuple[str, list[str]]:
    """The school year asked for (or the current one) and the years one may choose from: those
    with plans, and the years around today."""
    current = schoolyear.current()
    years = set(known) | {schoolyear.shifted(current, step) for step in (-1, 0, 1)}
    wanted = request.GET.get("year", "")
    if schoolyear.is_valid(wanted):
        years.add(wanted)
        year = wanted
    else:
        year = current
    return year, sorted(years, reverse=True)


def _crumbs(label) -> list[dict]:
    return [{"label": _("Plans"), "url": reverse("plan_list")}, {"label": label, "url": ""}]


# ---- The organisation overview -------------------------------------------------------------------


def _overview_filters(request, managed) -> dict:
    """The part of the organisation and the school form the address narrows the overview to."""
    parts = selectors.overview_parts(managed)
    part_pk = request.GET.get("del", "")
    part = next((p for p in parts if p.pk == int(part_pk)), None) if part_pk.isdigit() else None
    school_form = request.GET.get("skolform", "")
    if school_form not in SchoolForm.values:
        school_form = ""
    return {"parts": parts, "part": part, "school_form": school_form}


def _totals(rows: list[selectors.UnitPlanRow]) -> dict:
    counted = sum(r.activities - r.cancelled for r in rows)
    done = sum(r.done for r in rows)
    return {
        "goals": sum(r.goals for r in rows),
        "activities": sum(r.activities for r in rows),
        "done": done,
        "late": sum(r.late for r in rows),
        "done_percent": round(100 * done / counted) if counted else None,
    }


def _national_in_reading_order(national: list[selectors.NationalRow]) -> list[selectors.NationalRow]:
    """Reading order of the strategy (1.1, 1.2, 2.1 …), not the order within each parent."""
    return sorted(
        national,
        key=lambda row: (
            row["item"].version.framework.slug,
            row["item"].parent.order if row["item"].parent else -1,
            row["item"].order,
            row["item"].code,
        ),
    )


def _overview_context(data: selectors.Overview) -> dict:
    """The overview's figures as the page shows them."""
    rows = data["rows"]
    library = list(data["library"])
    used = [entry for entry in library if entry.uses]
    return {
        "rows": rows,
        "totals": _totals(rows),
        "status_counts": [
            {"key": key, "label": label, "count": data["status_counts"].get(key, 0)}
            for key, label in selectors.STATUS_LABELS.items()
        ],
        "priorities": data["priorities"],
        "library_used": used,
        "library_unused": len(library) - len(used),
        "national": _national_in_reading_order(data["national"]),
    }


@login_required
def plan_overview(request):
    if not is_strategist(request.user):
        raise PermissionDenied
    huvudman_id = _huvudman_id(request)
    managed = managed_nodes(request.user)
    year, years = _school_year(request, selectors.plan_years(selectors.huvudman_plans(huvudman_id)))
    filters = _overview_filters(request, managed)
    units = selectors.overview_units(managed, part=filters["part"], school_form=filters["school_form"])
    return render(
        request,
        "plans/overview.html",
        {
            "year": year,
            "years": years,
            **filters,
            "school_forms": SchoolForm.choices,
            **_overview_context(selectors.overview(units, year, huvudman_id)),
            "breadcrumbs": _crumbs(_("Overview of the plans")),
        },
    )


# ---- The year view --------------------------------------------------------------------------------


@login_required
def plan_year(request):
    huvudman_id = _huvudman_id(request)
    plans = readable_plans(request.user)
    year, years = _school_year(request, selectors.plan_years(plans))
    units = selectors.year_units(plans, year)
    unit_pk = request.GET.get("enhet", "")
    unit = next((u for u in units if u.pk == int(unit_pk)), None) if unit_pk.isdigit() else None
    campaigns = selectors.year_campaigns(huvudman_id, strategist=is_strategist(request.user))
    months = selectors.year_view(selectors.plans_of(plans, unit), year, campaigns)
    for month in months:
        for event in month.events:
            event["label"] = EVENT_LABELS[event["kind"]]
    late = sum(1 for m in months for e in m.events if e.get("late"))
    return render(
        request,
        "plans/year.html",
        {
            "year": year,
            "years": years,
            "units": units,
            "unit": unit,
            "terms": [
                {"name": _("Autumn term"), "id": "autumn", "months": months[:6]},
                {"name": _("Spring term"), "id": "spring", "months": months[6:]},
            ],
            "event_count": sum(len(m.events) for m in months),
            "late_count": late,
            "breadcrumbs": _crumbs(_("Year view")),
        },
    )
