"""Results of a self-assessment: a unit's page, the organisation's page and its downloads.

What is suppressed is decided in selectors, once; these views check access and render.
"""

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from digiplan.assessments import exports, hooks, selectors
from digiplan.assessments.models import Campaign, CampaignUnit
from digiplan.lib.spreadsheet.writing import CSV_TYPE, XLSX_TYPE
from digiplan.organisations import access
from digiplan.organisations.models import Organisation, Role

# The organisation page lists its units (response rates, heat map) this many at a time: what a
# person can read, and a page whose cost does not grow with the organisation (issue 17).
UNITS_PER_PAGE = 50
# A closed campaign's stored figures never change; what else the page shows of its units (their
# names, where they sit in the tree) may, so a cached page is kept a bounded time.
ORG_PAGE_CACHE_SECONDS = 600


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


def _org_cache_key(request, campaign: Campaign, chosen: dict, page: int) -> str:
    """The closed campaign (its id and the moment it closed: ids are reused by tests and by a
    restore), the filters, the page of units, the language and the viewer's scope (the
    strategist memberships decide which units the page covers)."""
    scope = sorted(access.membership_paths(request.user, (Role.STRATEGIST,)))
    parts = [
        campaign.pk,
        campaign.closed_at.isoformat() if campaign.closed_at else "",
        chosen["node"].pk if chosen["node"] else "",
        chosen["area"].pk if chosen["area"] else "",
        chosen["school_form"],
        page,
        get_language(),
        *scope,
    ]
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
    return f"results_org:{digest}"


def _org_body(request, campaign: Campaign, chosen: dict) -> tuple[str, bool]:
    """The figures of the page, rendered: from the cache when the campaign is closed and its
    figures are stored (they never change), else computed. Only the requested page of units is
    rendered; the organisation's own figures (areas, indicators, totals) rest on all of them."""
    page_number = _int(request.GET.get("sida")) or 1
    key = _org_cache_key(request, campaign, chosen, page_number)
    cached = cache.get(key)
    if cached is not None:
        return mark_safe(cached[0]), cached[1]  # noqa: S308
    # The page shows no distribution of the pooled indicators: only the downloads list them.
    # The organisation's own figures of a whole closed campaign are read as stored at closing,
    # and only the units of the page are read (org_page; issue 17).
    results = selectors.org_page(
        campaign, chosen["units"], area=chosen["area"], page_number=page_number, per_page=UNITS_PER_PAGE
    )
    page = results["page"]
    params = request.GET.copy()
    params.pop("sida", None)
    body = render_to_string(
        "assessments/results/_org_body.html",
        {
            "campaign": campaign,
            "r": results,
            "page": page,
            "rates": results["page_rates"],
            "heatmap": results["page_heatmap"],
            "query": f"?{params.urlencode()}" if params else "",
            "page_query": params.urlencode(),  # _pagination.html adds the page
            "heat_bands": range(1, selectors.HEAT_BANDS + 1),
        },
    )
    # Our own rendered template: safe to put into the page as it is (also from the cache).
    value = (mark_safe(body), results["available"])  # noqa: S308
    if results.get("stored"):
        cache.set(key, value, ORG_PAGE_CACHE_SECONDS)
    return value


@login_required
def results_org(request, pk: int):
    campaign = _strategist_campaign(request, pk)
    choices, chosen = _org_filters(request, campaign)
    body, available = _org_body(request, campaign, chosen)
    return render(
        request,
        "assessments/results/org.html",
        {
            "campaign": campaign,
            "body": body,
            "choices": choices,
            "chosen": chosen,
            "comparison": hooks.results_page_panels(request.user, campaign) if available else [],
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
