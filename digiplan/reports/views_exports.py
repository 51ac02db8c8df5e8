"""The reports as files: a unit's or the organisation's report as PDF, XLSX or CSV, every answer
of a year as XLSX, and every unit's report as a ZIP built in the background.

The same access and the same filters (?ar=, ?nod=, ?skolform=) as the report pages; what a file
shows is decided in reports.exports from the same report data the pages draw.
"""

import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiplan.assessments import selectors as results
from digiplan.lib import schoolyear
from digiplan.organisations import access
from digiplan.reports import exports, selectors, tasks
from digiplan.reports.models import ArchiveStatus, ReportArchive
from digiplan.reports.registry_section import (
    org_registry_section,
    org_registry_tables,
    unit_registry_section,
    unit_registry_tables,
)
from digiplan.reports.views import _int, _year


def _download(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _org_scope(request, params) -> dict:
    """Year, chosen filters and units of the organisation report, as the page reads them (from
    params: the query string, or the archive form)."""
    huvudman = request.user.huvudman
    managed = access.managed_nodes(request.user)
    wanted = params.get("ar", "")
    year = (
        wanted
        if schoolyear.is_valid(wanted)
        else selectors.default_year(selectors.org_years(huvudman.pk), selectors.closed_years(huvudman.pk))
    )
    choices = selectors.filter_choices(managed)
    node_pk, form = _int(params.get("nod")), params.get("skolform", "")
    node = next((n for n in choices["nodes"] if n.pk == node_pk), None)
    form = form if form in choices["school_forms"] else ""
    return {
        "huvudman": huvudman,
        "year": year,
        "node": node,
        "school_form": form,
        "campaign": _int(params.get("skattning")),  # the self-assessment chosen, if any
        "units": selectors.report_units(managed, node=node, school_form=form),
        "filter_text": ", ".join(x for x in (node.name if node else "", form) if x),
    }


def _strategist(request) -> None:
    if not access.is_strategist(request.user):
        raise PermissionDenied


@login_required
def report_export(request, unit_pk: int, fmt: str):
    if fmt not in exports.FORMATS:
        raise Http404
    unit = selectors.school_unit(unit_pk)
    if unit is None or not access.can_read(request.user, unit):
        raise Http404
    year, _years = _year(
        request, selectors.unit_years(unit), selectors.closed_years(unit.huvudman_id, unit=unit)
    )
    report = selectors.readable_unit_report(request.user, unit, year)
    name = exports.filename(_("report"), unit.name, year, fmt)
    registry = unit_registry_section(request.user, unit)
    if fmt == "pdf":
        return _download(
            exports.unit_pdf(report, huvudman_name=unit.huvudman.name, registry=registry), fmt, name
        )
    tables = exports.unit_tables(report) + (unit_registry_tables(registry) if registry else [])
    if fmt == "xlsx":
        return _download(exports.tables_xlsx(tables, title=unit.name), fmt, name)
    return _download(exports.tables_csv(tables), fmt, name)


@login_required
def report_org_export(request, fmt: str):
    if fmt not in exports.FORMATS:
        raise Http404
    _strategist(request)
    scope = _org_scope(request, request.GET)
    report = selectors.org_report(scope["units"], scope["year"], scope["huvudman"], chosen=scope["campaign"])
    name = exports.filename(_("organisation report"), scope["huvudman"].name, scope["year"], fmt)
    registry = org_registry_section(scope["huvudman"], scope["units"])
    if fmt == "pdf":
        return _download(
            exports.org_pdf(
                report,
                huvudman_name=scope["huvudman"].name,
                filter_text=scope["filter_text"],
                registry=registry,
            ),
            fmt,
            name,
        )
    tables = exports.org_tables(report) + org_registry_tables(registry)
    if fmt == "xlsx":
        return _download(exports.tables_xlsx(tables, title=scope["huvudman"].name), fmt, name)
    return _download(exports.tables_csv(tables), fmt, name)


@login_required
def report_answers_export(request):
    """Every answer of the year's closed self-assessment, within the filters: see
    exports.answers_xlsx for what is left out."""
    _strategist(request)
    scope = _org_scope(request, request.GET)
    campaign = selectors.report_campaign(scope["huvudman"].pk, scope["year"], chosen=scope["campaign"])
    if campaign is None:
        raise Http404
    units = results.org_units(campaign, scope["units"])
    handle = exports.answers_tempfile(campaign, units)
    name = exports.filename(_("answers"), scope["huvudman"].name, scope["year"], "xlsx")
    # FileResponse streams the file from disk and closes (so deletes) it when done.
    return FileResponse(handle, as_attachment=True, filename=name, content_type=exports.XLSX_TYPE)


# ---- The ZIP of every unit's report ---------------------------------------------------------


def _archive_for(request, pk: int) -> ReportArchive:
    """The archive, for a strategist of its huvudman who manages its node; 404 otherwise."""
    _strategist(request)
    archive = selectors.archive_for(request.user, pk)
    if archive is None:
        raise Http404
    return archive


def _breadcrumbs(*, last: str, archives: bool = True) -> list[dict]:
    crumbs = [
        {"label": _("Home"), "url": reverse("home")},
        {"label": _("Organisation report"), "url": reverse("report_org")},
    ]
    if archives:
        crumbs.append({"label": _("All units' reports"), "url": reverse("report_archives")})
    crumbs.append({"label": last})
    return crumbs


@login_required
def report_archives(request):
    """The form that asks for a new archive, and the archives asked for before."""
    _strategist(request)
    scope = _org_scope(request, request.GET)
    managed = access.managed_nodes(request.user)
    return render(
        request,
        "reports/archive_list.html",
        {
            "archives": selectors.recent_archives(request.user),
            "year": scope["year"],
            "years": selectors.org_years(request.user.huvudman_id),
            "choices": selectors.filter_choices(managed),
            "chosen": {"node": scope["node"], "school_form": scope["school_form"]},
            "keep_days": settings.REPORT_ARCHIVE_DAYS,
            "erasure": tasks.archives_deleted_by_erasure(request.user.huvudman_id),
            "breadcrumbs": _breadcrumbs(last=_("All units' reports"), archives=False),
        },
    )


@login_required
@require_POST
def report_archive_create(request):
    _strategist(request)
    scope = _org_scope(request, request.POST)
    archive = tasks.archive_request(
        actor=request.user, school_year=scope["year"], node=scope["node"], school_form=scope["school_form"]
    )
    return redirect("report_archive", pk=archive.pk)


@login_required
def report_archive(request, pk: int):
    archive = _archive_for(request, pk)
    working = archive.status in (ArchiveStatus.QUEUED, ArchiveStatus.RUNNING)
    return render(
        request,
        "reports/archive_detail.html",
        {
            "archive": archive,
            "working": working,
            "disk_full": archive.status == ArchiveStatus.FAILED and archive.error == tasks.ERROR_DISK_FULL,
            "breadcrumbs": _breadcrumbs(last=_("Reports %(year)s") % {"year": archive.school_year}),
        },
    )


@login_required
def report_archive_download(request, pk: int):
    archive = _archive_for(request, pk)
    if archive.status != ArchiveStatus.DONE or archive.content is None:
        raise Http404
    return FileResponse(
        io.BytesIO(bytes(archive.content)),
        as_attachment=True,
        filename=archive.filename or "reports.zip",
        content_type="application/zip",
    )
