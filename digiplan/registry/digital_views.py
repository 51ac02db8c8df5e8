"""Pages of the register of digital services: the register (strategists, unit leaders,
coordinators), an entry with its review, a unit's declared services, the public page of a
huvudman's decisions, and the register to and from a spreadsheet."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiplan.lib.spreadsheet.writing import XLSX_TYPE
from digiplan.lib.uploads import UploadRejected, check_request_size, read_upload
from digiplan.organisations.access import is_strategist, require_strategist
from digiplan.registry import digital_exchange as exchange
from digiplan.registry import digital_selectors as selectors
from digiplan.registry import digital_services as services
from digiplan.registry.digital_checks import warnings
from digiplan.registry.digital_forms import (
    DeclareForm,
    ImportFileForm,
    ReviewForm,
    ServiceEditForm,
    ServiceForm,
)
from digiplan.registry.digital_models import DigitalService
from digiplan.registry.expected_tools import expected_against_declared


def _register_reader(request):
    if not selectors.may_read_register(request.user):
        raise PermissionDenied
    return request.user.huvudman


@login_required
def register(request) -> HttpResponse:
    huvudman = _register_reader(request)
    today = timezone.localdate()
    entries = [(s, warnings(s, today)) for s in selectors.services_of(huvudman)]
    strategist = is_strategist(request.user)
    return render(
        request,
        "registry/services/register.html",
        {
            "entries": entries,
            "huvudman": huvudman,
            "deviations": selectors.deviations_for_huvudman(huvudman),
            "tasks": selectors.agreement_tasks(huvudman, today) if strategist else [],
            "is_strategist": strategist,
        },
    )


@login_required
def propose(request) -> HttpResponse:
    huvudman = _register_reader(request)
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_propose(
                huvudman=huvudman, actor=request.user, values=form.cleaned_data
            )
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(request, _("The service is proposed for review."))
            return redirect("services_detail", pk=service.pk)
    return render(
        request,
        "registry/services/form.html",
        {"form": form, "title": _("Propose a service")},
        status=400 if form.errors else 200,
    )


@login_required
def detail(request, pk: int) -> HttpResponse:
    service, decides = selectors.service_for_reader(request.user, pk)
    return _detail_page(request, service, decides, ReviewForm(current=service.status))


def _detail_page(request, service: DigitalService, decides: bool, review_form: ReviewForm, status=200):
    return render(
        request,
        "registry/services/detail.html",
        {
            "service": service,
            "decides": decides,
            "warnings": warnings(service, timezone.localdate()),
            "history": selectors.review_history(service),
            "review_form": review_form,
        },
        status=status,
    )


@login_required
def edit(request, pk: int) -> HttpResponse:
    service, decides = selectors.service_for_reader(request.user, pk)
    if not decides:
        raise PermissionDenied
    form = ServiceEditForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_update(
                service=service, actor=request.user, values=form.cleaned_data, seen=form.cleaned_data["seen"]
            )
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("services_detail", pk=service.pk)
    return render(
        request,
        "registry/services/form.html",
        {"form": form, "title": _("Change %(name)s") % {"name": service.name}, "service": service},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def review(request, pk: int) -> HttpResponse:
    service, decides = selectors.service_for_reader(request.user, pk)
    if not decides:
        raise PermissionDenied
    form = ReviewForm(request.POST, current=service.status)
    if form.is_valid():
        try:
            services.service_review(
                service=service,
                actor=request.user,
                status=form.cleaned_data["status"],
                reasons=form.cleaned_data["reasons"],
                today=timezone.localdate(),
            )
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(request, _("The decision is saved."))
            return redirect("services_detail", pk=service.pk)
    return _detail_page(request, service, decides, form, status=400)


def public(request, orgnr: str) -> HttpResponse:
    huvudman = selectors.huvudman_by_number(orgnr)
    return render(
        request,
        "registry/services/public.html",
        {"huvudman": huvudman, "services": selectors.public_services(huvudman)},
    )


@login_required
def unit_services(request, pk: int) -> HttpResponse:
    unit = selectors.unit_for_reader(request.user, pk)
    may_declare = services.may_declare(request.user, unit)
    form = DeclareForm(request.POST or None, services=selectors.declarable_services(unit))
    if request.method == "POST":
        if not may_declare:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.service_use_declare(
                    unit=unit, service=form.cleaned_data["service"], actor=request.user
                )
            except ValidationError as invalid:
                form.add_error(None, invalid)
            else:
                messages.success(request, _("The service is declared."))
                return redirect("services_unit", pk=unit.pk)
    return render(
        request,
        "registry/services/unit.html",
        {
            "unit": unit,
            "uses": selectors.unit_uses(unit),
            "deviations": selectors.deviations_for_unit(unit),
            "expected": expected_against_declared(unit),
            "may_declare": may_declare,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def unit_withdraw(request, pk: int, service_pk: int) -> HttpResponse:
    unit = selectors.unit_for_reader(request.user, pk)
    service = selectors.declared_service(unit, service_pk)
    services.service_use_withdraw(unit=unit, service=service, actor=request.user)
    messages.success(request, _("The service is no longer declared."))
    return redirect("services_unit", pk=unit.pk)


@login_required
def export(request) -> HttpResponse:
    huvudman = require_strategist(request.user)
    response = HttpResponse(exchange.export_xlsx(huvudman), content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="digitala-tjanster-{huvudman.organisation_number}.xlsx"'
    )
    return response


@login_required
def import_upload(request) -> HttpResponse:
    """Upload, then a preview of what would be added and changed; nothing is written here."""
    huvudman = require_strategist(request.user)
    if request.method == "POST":
        try:  # by the request's declared length, before Django reads the body
            check_request_size(request)
        except UploadRejected as rejected:
            context = {"form": ImportFileForm(), "rejected": rejected.message}
            return render(request, "registry/services/import.html", context, status=413)
    form = ImportFileForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(
            request, "registry/services/import.html", {"form": form}, status=400 if form.errors else 200
        )
    upload = form.cleaned_data["file"]
    try:
        rows = exchange.read_rows(read_upload(upload), upload.name)
    except UploadRejected as rejected:
        return render(
            request, "registry/services/import.html", {"form": form, "rejected": rejected.message}, status=400
        )
    return _preview(request, huvudman, rows, upload.name[:200])


def _preview(request, huvudman, rows, file_name: str) -> HttpResponse:
    plan = exchange.plan_import(huvudman, rows)
    payload = exchange.sign_rows(rows, huvudman_id=huvudman.pk, actor_id=request.user.pk)
    return render(
        request,
        "registry/services/import_preview.html",
        {"plan": plan, "payload": "" if plan.errors else payload, "file_name": file_name},
        status=400 if plan.errors else 200,
    )


@login_required
@require_POST
def import_confirm(request) -> HttpResponse:
    huvudman = require_strategist(request.user)
    file_name = request.POST.get("file_name", "")[:200]
    try:
        rows = exchange.unsign_rows(
            request.POST.get("payload", ""), huvudman_id=huvudman.pk, actor_id=request.user.pk
        )
    except ValueError as wrong:
        messages.error(request, str(wrong))
        return redirect("services_import")
    plan = exchange.plan_import(huvudman, rows)
    if plan.errors:
        return _preview(request, huvudman, rows, file_name)
    try:
        counts = services.services_import(
            huvudman=huvudman, actor=request.user, adds=plan.adds, changes=plan.changes, source=file_name
        )
    except ValidationError:  # the register changed between the plan and the write
        messages.error(request, exchange.ERROR_PAYLOAD)
        return redirect("services_import")
    messages.success(request, _("The import is done: %(added)s added, %(changed)s changed.") % counts)
    return redirect("services_register")
