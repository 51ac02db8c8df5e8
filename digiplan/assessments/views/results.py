"""Results of a self-assessment: a unit's page, the organisation's page and its downloads.

What is suppressed is decided in selectors, once; these views check access and render.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from digiplan.assessments import exports, hooks, selectors
from digiplan.assessments.models import Campaign, CampaignUnit
from digiplan.lib.spreadsheet.writing import CSV_TYPE, XLSX_TYPE
from digiplan.organisations import access
from digiplan.organisations.models import Organisation


def _own_campaign(request, pk: int) -> Campaign:
    """The campaign when it belongs to the reader's huvudman; 404 otherwise, so that another
    huvudman's ids reveal nothing."""
    campaign = (
        Campaign.objects.select_related("framework_version__framework")
        .filter(pk=pk, huvudman_id=request.user.huvudman_id)
        .first()
    )
    if campaign is None or request.user.huvudman_id is None:
        raise Http404
    return campaign


def _strategist_campaign(request, pk: int) -> Campaign:
    campaign = _own_campaign(request, pk)
    if not access.is_strategist(request.user):
        raise PermissionDenied
    return campaign


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _org_filters(request, campaign: Campaign) -> tuple[dict, dict]:
    """The filters asked for, each ignored when it is not one of the offered choices."""
    managed = access.managed_nodes(request.user)
    choices = selectors.org_filter_choices(campaign, managed)
    node_pk, area_pk = _int(request.GET.get("nod")), _int(request.GET.get("omrade"))
    form = request.GET.get("skolform", "")
    node = next((n for n in choices["nodes"] if n.pk == node_pk), None)
    school_form = form if form in choices["school_forms"] else ""
    chosen = {
        "node": node,
        "area": next((a for a in choices["areas"] if a.pk == area_pk), None),
        "school_form": school_form,
        "units": selectors.org_units(campaign, managed, node=node, school_form=school_form),
    }
    return choices, chosen


@login_required
def results_unit(request, pk: int, unit_pk: int):
    campaign = _own_campaign(request, pk)
    unit = Organisation.objects.filter(pk=unit_pk, huvudman_id=campaign.huvudman_id).first()
    if (
        unit is None
        or not access.can_read(request.user, unit)
        or not CampaignUnit.objects.filter(campaign=campaign, unit=unit).exists()
    ):
        raise Http404
    results = selectors.unit_results(campaign, unit)
    breadcrumbs = [{"label": _("Home"), "url": reverse("home")}]
    if access.is_strategist(request.user):
        breadcrumbs.append(
            {"label": _("Results for the organisation"), "url": reverse("results_org", args=[campaign.pk])}
        )
    breadcrumbs.append({"label": unit.name})
    return render(
        request,
        "assessments/results/unit.html",
        {
            "campaign": campaign,
            "unit": unit,
            "r": results,
            "breadcrumbs": breadcrumbs,
            # The charts come from the apps above (reports draws them): none when none is installed.
            "panels": hooks.unit_results_panels(campaign, unit, results) if results["available"] else [],
            # "Jämfört med riket" (the comparison app): none when it is not installed.
            "comparison": hooks.results_page_panels(request.user, campaign, unit)
            if results["available"]
            else [],
        },
    )


@login_required
def results_org(request, pk: int):
    campaign = _strategist_campaign(request, pk)
    choices, chosen = _org_filters(request, campaign)
    results = selectors.org_results(campaign, chosen["units"], area=chosen["area"])
    query = request.GET.urlencode()
    return render(
        request,
        "assessments/results/org.html",
        {
            "campaign": campaign,
            "r": results,
            "choices": choices,
            "chosen": chosen,
            "query": f"?{query}" if query else "",
            "filtered": any(chosen[key] for key in ("node", "area", "school_form")),
            "heat_bands": range(1, selectors.HEAT_BANDS + 1),
            "comparison": hooks.results_page_panels(request.user, campaign) if results["available"] else [],
            "breadcrumbs": [
                {"label": _("Home"), "url": reverse("home")},
                {"label": _("Results for the organisation")},
            ],
        },
    )


@login_required
def results_export(request, pk: int, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    campaign = _strategist_campaign(request, pk)
    _choices, chosen = _org_filters(request, campaign)
    results = selectors.org_results(campaign, chosen["units"], area=chosen["area"])
    tables = selectors.org_tables(results, labels=exports.table_labels())
    filename = f"{slugify(f'{campaign.name} {campaign.school_year}')}-resultat.{fmt}"
    if fmt == "csv":
        response = HttpResponse(exports.results_csv(campaign, tables), content_type=CSV_TYPE)
    else:
        response = HttpResponse(exports.results_xlsx(campaign, tables), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
