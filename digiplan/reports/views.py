"""The unit report and the organisation report as web pages.

What is shown is decided in reports.selectors (and, below it, in the assessments selectors that
suppress); these views check access, read the chosen year and filters, and draw the charts.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digiplan.lib import schoolyear
from digiplan.organisations import access
from digiplan.reports import selectors
from digiplan.reports.registry_section import org_registry_section, unit_registry_section
from digiplan.reports.report_charts import org_charts, unit_charts

# The downloads offered on both report pages: (format in the address, link text).
FORMATS = (("pdf", gettext_lazy("PDF")), ("xlsx", gettext_lazy("Excel (XLSX)")), ("csv", gettext_lazy("CSV")))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _year(request, years: list[str], closed: set[str]) -> tuple[str, list[str]]:
    """The year asked for in ?ar= (any well-formed school year: a year without a campaign says
    so), else the newest year with a closed campaign."""
    wanted = request.GET.get("ar", "")
    if schoolyear.is_valid(wanted):
        if wanted not in years:
            years = sorted([*years, wanted], reverse=True)
        return wanted, years
    return selectors.default_year(years, closed), years


@login_required
def report_unit(request, unit_pk: int):
    unit = selectors.school_unit(unit_pk)
    if unit is None or not access.can_read(request.user, unit):
        raise Http404
    year, years = _year(
        request, selectors.unit_years(unit), selectors.closed_years(unit.huvudman_id, unit=unit)
    )
    report = selectors.readable_unit_report(request.user, unit, year)
    breadcrumbs = [{"label": _("Home"), "url": reverse("home")}]
    if access.is_strategist(request.user):
        breadcrumbs.append({"label": _("Organisation report"), "url": reverse("report_org")})
    breadcrumbs.append({"label": unit.name})
    return render(
        request,
        "reports/unit_report.html",
        {
            "formats": FORMATS,
            "unit": unit,
            "report": report,
            "year": year,
            "years": years,
            "charts": unit_charts(report),
            "registry": unit_registry_section(request.user, unit),
            "min_units": selectors.MEDIAN_MIN_UNITS,
            "breadcrumbs": breadcrumbs,
        },
    )


@login_required
def report_org(request):
    if not access.is_strategist(request.user):
        raise PermissionDenied
    huvudman = request.user.huvudman
    managed = access.managed_nodes(request.user)
    year, years = _year(request, selectors.org_years(huvudman.pk), selectors.closed_years(huvudman.pk))
    choices = selectors.filter_choices(managed)
    node_pk, form = _int(request.GET.get("nod")), request.GET.get("skolform", "")
    chosen = {
        "node": next((n for n in choices["nodes"] if n.pk == node_pk), None),
        "school_form": form if form in choices["school_forms"] else "",
    }
    units = selectors.report_units(managed, node=chosen["node"], school_form=chosen["school_form"])
    report = selectors.org_report(units, year, huvudman, chosen=_int(request.GET.get("skattning")))
    return render(
        request,
        "reports/org_report.html",
        {
            "formats": FORMATS,
            "report": report,
            "year": year,
            "years": years,
            "choices": choices,
            "chosen": chosen,
            "filtered": bool(chosen["node"] or chosen["school_form"]),
            "charts": org_charts(report),
            "registry": org_registry_section(huvudman, units),
            "breadcrumbs": [
                {"label": _("Home"), "url": reverse("home")},
                {"label": _("Organisation report")},
            ],
        },
    )
