"""The organisation overview of every unit's plan, for strategists, and the year view
(*årshjul*) of the cycle, for everyone."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digiplan.assessments.models import Campaign, CampaignStatus
from digiplan.lib import schoolyear
from digiplan.organisations.access import is_strategist, managed_nodes
from digiplan.organisations.models import OrganisationType, SchoolForm
from digiplan.plans import selectors
from digiplan.plans.access import readable_plans
from digiplan.plans.models import Plan, PlanStatus

# The overview's status words, in the order the cycle runs.
STATUS_LABELS = {
    "none": gettext_lazy("No plan"),
    PlanStatus.DRAFT: PlanStatus.DRAFT.label,
    PlanStatus.PUBLISHED: PlanStatus.PUBLISHED.label,
    PlanStatus.FOLLOWED_UP: PlanStatus.FOLLOWED_UP.label,
}

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


@login_required
def plan_overview(request):
    if not is_strategist(request.user):
        raise PermissionDenied
    huvudman_id = _huvudman_id(request)
    managed = managed_nodes(request.user)
    known = set(Plan.objects.filter(huvudman_id=huvudman_id).values_list("school_year", flat=True).distinct())
    year, years = _school_year(request, known)

    parts = list(
        managed.filter(
            type__in=[OrganisationType.FORVALTNING, OrganisationType.OMRADE], is_active=True
        ).order_by("path")
    )
    part = None
    part_pk = request.GET.get("del", "")
    if part_pk.isdigit():
        part = next((p for p in parts if p.pk == int(part_pk)), None)
    units = managed
    if part is not None:
        units = units.filter(path__startswith=part.path)
    school_form = request.GET.get("skolform", "")
    if school_form not in SchoolForm.values:
        school_form = ""
    if school_form:
        units = units.filter(school_forms__school_form=school_form).distinct()

    data = selectors.overview(units, year, huvudman_id)
    rows = data["rows"]
    for row in rows:
        row.status_label = STATUS_LABELS[row.status]
    counted = sum(r.activities - r.cancelled for r in rows)
    done = sum(r.done for r in rows)
    totals = {
        "goals": sum(r.goals for r in rows),
        "activities": sum(r.activities for r in rows),
        "done": done,
        "late": sum(r.late for r in rows),
        "done_percent": round(100 * done / counted) if counted else None,
    }
    status_counts = [
        {"key": key, "label": label, "count": data["status_counts"].get(key, 0)}
        for key, label in STATUS_LABELS.items()
    ]
    # Reading order of the strategy (1.1, 1.2, 2.1 …), not the order within each parent.
    national = sorted(
        data["national"],
        key=lambda row: (
            row["item"].version.framework.slug,
            row["item"].parent.order if row["item"].parent_id else -1,
            row["item"].order,
            row["item"].code,
        ),
    )
    library = list(data["library"])
    used = [entry for entry in library if entry.uses]
    return render(
        request,
        "plans/overview.html",
        {
            "year": year,
            "years": years,
            "parts": parts,
            "part": part,
            "school_form": school_form,
            "school_forms": SchoolForm.choices,
            "rows": rows,
            "totals": totals,
            "status_counts": status_counts,
            "priorities": data["priorities"],
            "library_used": used,
            "library_unused": len(library) - len(used),
            "national": national,
            "breadcrumbs": _crumbs(_("Overview of the plans")),
        },
    )


# ---- The year view --------------------------------------------------------------------------------


@login_required
def plan_year(request):
    huvudman_id = _huvudman_id(request)
    plans = readable_plans(request.user)
    known = set(plans.values_list("school_year", flat=True).distinct())
    year, years = _school_year(request, known)

    units = list({p.organisation for p in plans.filter(school_year=year).select_related("organisation")})
    units.sort(key=lambda u: u.name)
    unit = None
    unit_pk = request.GET.get("enhet", "")
    if unit_pk.isdigit():
        unit = next((u for u in units if u.pk == int(unit_pk)), None)
    if unit is not None:
        plans = plans.filter(organisation=unit)

    campaigns = Campaign.objects.filter(huvudman_id=huvudman_id)
    if not is_strategist(request.user):
        # A campaign not yet opened is the strategists' draft.
        campaigns = campaigns.exclude(status=CampaignStatus.DRAFT)
    months = selectors.year_view(plans, year, campaigns)
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
