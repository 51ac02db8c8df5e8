"""Import through the UI: upload → preview of what would change → confirm or cancel. Nothing
is written before the confirmation, and the confirmation writes all of it or nothing
(previews.py keeps the rows in between, never the files)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiplan.imports import people as people_import
from digiplan.imports import previews
from digiplan.imports import units as units_import
from digiplan.imports.forms import ImportForm
from digiplan.imports.models import PendingImport
from digiplan.imports.ss12000 import PlanOutdated
from digiplan.lib.spreadsheet.writing import CSV_TYPE, XLSX_TYPE, csv_bytes, table_xlsx
from digiplan.lib.uploads import UploadRejected, check_request_size, read_upload
from digiplan.organisations.access import require_strategist

TEMPLATES = {
    "enheter": (
        list(n[0] for n in units_import.UNIT_COLUMNS.values()),
        [
            ["förvaltning", "Utbildningsförvaltningen", "", "", "UF", "", "", "", "", "ja"],
            ["område", "Rektorsområde Norr", "", "", "RO-N", "UF", "", "", "", "ja"],
            [
                "skolenhet",
                "Björkskolan",
                "Björk",
                "12345678",
                "BJ",
                "RO-N",
                "FKLASS, GR, FTH",
                "FKLASS=40, GR F-3=160, GR 4-6=150",
                "45",
                "ja",
            ],
        ],
    ),
    "personer": (
        list(n[0] for n in people_import.PEOPLE_COLUMNS.values()),
        [
            [
                "Anna Andersson",
                "anna.andersson@exempel.se",
                "",
                "anna.andersson@edu.exempel.se",
                "12345678",
                "enhetsledare",
                "nej",
            ],
            ["Bo Berg", "bo.berg@exempel.se", "", "bo.berg@edu.exempel.se", "12345678", "personal", "ja"],
        ],
    ),
}


@login_required
def import_start(request):
    huvudman = require_strategist(request.user)
    context = {"max_mb": settings.IMPORT_MAX_BYTES // 2**20}
    if request.method == "POST":
        try:  # by the request's declared length, before Django reads the body
            check_request_size(request)
        except UploadRejected as rejected:
            return render(
                request,
                "imports/start.html",
                {**context, "form": ImportForm(), "rejected": rejected.message},
                status=413,
            )
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploads = request.FILES.getlist("files")
        kind = form.cleaned_data["kind"]
        if kind != ImportForm.KIND_SS12000 and len(uploads) > 1:
            form.add_error("files", _("Choose one file for this kind of import."))
        else:
            try:
                pending = previews.pending_import_create(
                    huvudman=huvudman,
                    actor=request.user,
                    kind=kind,
                    deactivate_missing=form.cleaned_data["deactivate_missing"],
                    files=[(u.name[:200], read_upload(u)) for u in uploads],
                )
            except UploadRejected as rejected:
                return render(
                    request,
                    "imports/start.html",
                    {**context, "form": form, "rejected": rejected.message},
                    status=400,
                )
            return redirect("import_preview", pk=pending.pk)
    return render(
        request,
        "imports/start.html",
        {**context, "form": form},
        status=400 if form.errors else 200,
    )


def _pending_for(request, pk: int) -> PendingImport:
    huvudman = require_strategist(request.user)
    pending = previews.pending_import_get(pk=pk, huvudman=huvudman, actor=request.user)
    if pending is None:
        raise Http404
    return pending


@login_required
def import_preview(request, pk: int):
    pending = _pending_for(request, pk)
    preview = previews.pending_import_preview(pending=pending, actor=request.user)
    return render(
        request,
        "imports/preview.html",
        {
            "pending": pending,
            "file_names": pending.file_names,
            "rejected": preview.rejected,
            "sections": preview.sections,
            "errors": preview.errors,
        },
        status=400 if preview.rejected or preview.errors else 200,
    )


@login_required
@require_POST
def import_confirm(request, pk: int):
    pending = _pending_for(request, pk)
    try:
        previews.pending_import_confirm(
            pending=pending, actor=request.user, digest=request.POST.get("digest", "")
        )
    except previews.PreviewGone:
        messages.error(request, previews.ERROR_PREVIEW_GONE)
        return redirect("import_start")
    except (previews.PreviewOutdated, PlanOutdated):
        messages.error(request, previews.ERROR_PREVIEW_OUTDATED)
        return redirect("import_preview", pk=pending.pk)
    except UploadRejected as rejected:
        messages.error(request, rejected.message)
        return redirect("import_preview", pk=pending.pk)
    messages.success(request, _("The import is done."))
    return redirect("people_list" if pending.kind == ImportForm.KIND_PEOPLE else "organisation_tree")


@login_required
@require_POST
def import_cancel(request, pk: int):
    previews.pending_import_cancel(pending=_pending_for(request, pk))
    messages.info(request, _("The import was cancelled. Nothing was changed."))
    return redirect("import_start")


@login_required
def import_template(request, kind: str, fmt: str):
    if kind not in TEMPLATES or fmt not in ("csv", "xlsx"):
        raise Http404
    require_strategist(request.user)
    header, examples = TEMPLATES[kind]
    filename = f"digiplan-{kind}-mall.{fmt}"
    if fmt == "csv":
        response = HttpResponse(csv_bytes([header, *examples]), content_type=CSV_TYPE)
    else:
        response = HttpResponse(table_xlsx(header, examples, title=kind), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
