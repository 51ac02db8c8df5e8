"""The device register's pages: the overview per unit, a unit's devices, the budget view, the
rules that place devices, and the import with its preview. Reading is for strategists, unit
leaders and coordinators (each their own units); importing and the rules for strategists and
coordinators. Staff have no access; another huvudman's units are not found."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiplan.imports.models import PendingImport
from digiplan.imports.previews import (
    ERROR_PREVIEW_GONE,
    ERROR_PREVIEW_OUTDATED,
    PreviewGone,
    PreviewOutdated,
    pending_import_cancel,
)
from digiplan.lib.forms import form_errors_add
from digiplan.lib.spreadsheet.writing import CSV_TYPE, XLSX_TYPE, csv_bytes, table_xlsx
from digiplan.lib.uploads import UploadRejected, check_request_size, read_upload
from digiplan.organisations.models import Huvudman, Organisation, Person
from digiplan.registry import devices_previews, devices_selectors, devices_services, targets
from digiplan.registry.device_models import DeviceType, DeviceUnitRule
from digiplan.registry.devices_forms import DeviceImportForm, DeviceRuleForm
from digiplan.registry.devices_rows import TEMPLATE_HEADER

PAGE_SIZE = 100
TEMPLATE_EXAMPLES = [
    [
        "PF3ABC12",
        "ALM-ELEV-001",
        "chromebook",
        "elever GR 4-6",
        "12345678",
        "leasad",
        "2027-06-30",
        "2029-06-30",
    ]
    + ["Lenovo 300e Gen 4", "ChromeOS", "124.0", "2026-11-28", "nej"],
    ["C02XYZ34", "ALM-PERS-014", "dator", "personal", "12345678", "ägd", "", "", "MacBook Air M2", "macOS"]
    + ["15.1", "2026-11-30", "ja"],
]


def _readable_units(request) -> Any:
    units = devices_selectors.device_readable_units(request.user)
    if not units.exists():
        raise PermissionDenied
    return units


def _require_writer(request) -> tuple[Person, Huvudman]:
    """The person and their huvudman, when they may import devices and set the rules."""
    person = request.user
    if not devices_selectors.can_write_devices(person) or person.huvudman is None:
        raise PermissionDenied
    return person, person.huvudman


def _unit_for(request, pk: int) -> Organisation:
    """A unit whose devices the person may see; 404 for any other, whose ever it is (403 for
    those who see no devices at all)."""
    unit = _readable_units(request).filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


@login_required
def device_overview(request):
    units = _readable_units(request)
    rows, target_rows = targets.overview_with_targets(huvudman=request.user.huvudman, units=units)
    return render(
        request,
        "registry/devices/overview.html",
        {
            "rows": rows,
            "target_rows": target_rows,
            "types": DeviceType.choices,
            "can_write": devices_selectors.can_write_devices(request.user),
        },
    )


@login_required
def device_unit(request, pk: int):
    unit = _unit_for(request, pk)
    page = Paginator(devices_selectors.unit_devices(unit), PAGE_SIZE).get_page(request.GET.get("sida"))
    measured = targets.unit_target_status(unit)
    return render(request, "registry/devices/unit.html", {"unit": unit, "page": page, "measured": measured})


@login_required
def device_budget(request):
    units = _readable_units(request)
    return render(
        request,
        "registry/devices/budget.html",
        {
            "rows": devices_selectors.device_budget(huvudman=request.user.huvudman, units=units),
            "months": devices_selectors.BUDGET_MONTHS,
        },
    )


@login_required
def device_rules(request):
    actor, huvudman = _require_writer(request)
    units = devices_selectors.device_writable_units(actor)
    form = DeviceRuleForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            devices_services.device_rule_create(actor=actor, huvudman=huvudman, **form.cleaned_data)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("The rule was added."))
            return redirect("device_rules")
    rules = devices_selectors.device_rules(huvudman=huvudman, units=units)
    return render(
        request,
        "registry/devices/rules.html",
        {"form": form, "rules": rules},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def device_rule_delete(request, pk: int):
    actor, huvudman = _require_writer(request)
    units = devices_selectors.device_writable_units(actor)
    rule = get_object_or_404(DeviceUnitRule, pk=pk, huvudman=huvudman, unit__in=units)
    devices_services.device_rule_delete(actor=actor, rule=rule)
    messages.success(request, _("The rule was removed."))
    return redirect("device_rules")


def _start_page(request, form, rejected: str = "", status: int = 200):
    context = {"form": form, "rejected": rejected, "max_mb": settings.IMPORT_MAX_BYTES // 2**20}
    return render(request, "registry/devices/import_start.html", context, status=status)


@login_required
def device_import_start(request):
    actor, huvudman = _require_writer(request)
    if request.method == "POST":
        try:  # by the request's declared length, before Django reads the body
            check_request_size(request)
        except UploadRejected as rejected:
            return _start_page(request, DeviceImportForm(), rejected.message, status=413)
    form = DeviceImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            pending = devices_previews.device_import_create(
                huvudman=huvudman,
                actor=actor,
                filename=upload.name[:200],
                data=read_upload(upload),
                format=form.cleaned_data["format"],
            )
        except UploadRejected as rejected:
            return _start_page(request, form, rejected.message, status=400)
        return redirect("device_import_preview", pk=pending.pk)
    return _start_page(request, form, status=400 if form.errors else 200)


def _pending_for(request, pk: int) -> PendingImport:
    actor, huvudman = _require_writer(request)
    pending = devices_previews.device_import_get(pk=pk, huvudman=huvudman, actor=actor)
    if pending is None:
        raise Http404
    return pending


@login_required
def device_import_preview(request, pk: int):
    pending = _pending_for(request, pk)
    preview = devices_previews.device_import_preview(pending=pending, actor=request.user)
    return render(
        request,
        "registry/devices/import_preview.html",
        {"pending": pending, "sections": preview.sections, "errors": preview.errors},
        status=400 if preview.errors else 200,
    )


@login_required
@require_POST
def device_import_confirm(request, pk: int):
    pending = _pending_for(request, pk)
    try:
        devices_previews.device_import_confirm(
            pending=pending, actor=request.user, digest=request.POST.get("digest", "")
        )
    except PreviewGone:
        messages.error(request, ERROR_PREVIEW_GONE)
        return redirect("device_import_start")
    except PreviewOutdated:
        messages.error(request, ERROR_PREVIEW_OUTDATED)
        return redirect("device_import_preview", pk=pending.pk)
    messages.success(request, _("The import is done."))
    return redirect("device_overview")


@login_required
@require_POST
def device_import_cancel(request, pk: int):
    pending_import_cancel(pending=_pending_for(request, pk))
    messages.info(request, _("The import was cancelled. Nothing was changed."))
    return redirect("device_import_start")


@login_required
def device_template(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _require_writer(request)
    if fmt == "csv":
        response = HttpResponse(csv_bytes([TEMPLATE_HEADER, *TEMPLATE_EXAMPLES]), content_type=CSV_TYPE)
    else:
        response = HttpResponse(
            table_xlsx(TEMPLATE_HEADER, TEMPLATE_EXAMPLES, title="enheter"), content_type=XLSX_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="digiplan-utrustning-mall.{fmt}"'
    return response


@login_required
def device_export(request, fmt: str):
    """The devices of the person's units in Digiplan's template, every text cell neutralised so
    that no name turns into a formula in a spreadsheet."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    units = _readable_units(request)
    rows = devices_selectors.device_export_rows(huvudman=request.user.huvudman, units=units)
    if fmt == "csv":
        response = HttpResponse(csv_bytes([TEMPLATE_HEADER, *rows]), content_type=CSV_TYPE)
    else:
        response = HttpResponse(table_xlsx(TEMPLATE_HEADER, rows, title="utrustning"), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="digiplan-utrustning.{fmt}"'
    return response
