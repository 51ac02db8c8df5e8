"""Import through the UI: upload → preview of what would change → confirm. Nothing is written
before the confirmation, and the confirmation writes all of it or nothing."""

import base64
import csv
import io
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiplan.organisations.forms import ImportForm
from digiplan.organisations.imports import people as people_import
from digiplan.organisations.imports import units as units_import
from digiplan.organisations.imports.errors import ErrorList, FileRejected
from digiplan.organisations.imports.readers import check_size
from digiplan.organisations.models import PendingImport
from digiplan.organisations.views.people import _require_strategist

PENDING_LIFETIME = timedelta(days=1)

TEMPLATES = {
    "enheter": (
        list(n[0] for n in units_import.UNIT_COLUMNS.values()),
        [["förvaltning", "Utbildningsförvaltningen", "", "", "UF", "", "", "", "", "ja"],
         ["område", "Rektorsområde Norr", "", "", "RO-N", "UF", "", "", "", "ja"],
         ["skolenhet", "Björkskolan", "Björk", "12345678", "BJ", "RO-N", "FKLASS, GR, FTH",
          "FKLASS=40, GR F-3=160, GR 4-6=150", "45", "ja"]],
    ),
    "personer": (
        list(n[0] for n in people_import.PEOPLE_COLUMNS.values()),
        [["Anna Andersson", "anna.andersson@exempel.se", "", "12345678", "enhetsledare", "nej"],
         ["Bo Berg", "bo.berg@exempel.se", "", "12345678", "personal", "ja"]],
    ),
}


def _plan(pending: PendingImport, actor):
    """The plan for a stored upload: (summary rows, errors, apply function)."""
    files = [(name, base64.b64decode(content)) for name, content in pending.files]
    errors = ErrorList()
    if pending.kind == ImportForm.KIND_SS12000:
        from digiplan.organisations.imports import ss12000

        plan = ss12000.plan_ss12000(files, pending.huvudman.organisation_number,
                                    pending.deactivate_missing)
        return plan, plan.errors, lambda: ss12000.apply_ss12000(plan, actor=actor,
                                                                source=_source(files))
    name, data = files[0]
    if pending.kind == ImportForm.KIND_UNITS:
        rows = units_import.rows_from_table(data, name, errors)
        plan = units_import.plan_units(pending.huvudman, rows, errors=errors,
                                       deactivate_missing=pending.deactivate_missing)
        return plan, plan.errors, lambda: units_import.apply_units(plan, actor=actor, source=name)
    rows = people_import.rows_from_table(data, name, pending.huvudman, errors)
    plan = people_import.plan_people(pending.huvudman, rows, actor=actor, errors=errors,
                                     deactivate_missing=pending.deactivate_missing)
    return plan, plan.errors, lambda: people_import.apply_people(plan, actor=actor, source=name)


PREVIEW_ITEMS = 50


def _change_text(before: dict, after: dict) -> str:
    return "; ".join(f"{key}: {before.get(key, '')} → {after.get(key, '')}"
                     for key in after if before.get(key) != after.get(key))


def _sections(plan) -> list[dict]:
    """What the preview lists: one section per kind of change, the first items of each."""
    sections = []

    def add(title, items):
        items = list(items)
        if items:
            sections.append({"title": title, "count": len(items), "items": items[:PREVIEW_ITEMS],
                             "more": max(0, len(items) - PREVIEW_ITEMS)})

    units = getattr(plan, "units", plan if isinstance(plan, units_import.UnitPlan) else None)
    people = getattr(plan, "people", plan if isinstance(plan, people_import.PeoplePlan) else None)
    if units is not None:
        add(_("Units to add"), (" ".join(filter(None, [r.name, r.school_unit_code]))
                                for r in units.adds))
        add(_("Units to change"), (f"{c.node.name}: {_change_text(c.before, c.after)}"
                                   for c in units.changes))
        add(_("Units to deactivate"), (n.name for n in units.deactivations))
    if people is not None:
        add(_("People to add"), (f"{r.name} <{r.email}>" for r in people.adds))
        add(_("People to change"), (f"{p.name}: {_change_text(b, a)}"
                                    for _r, p, b, a in people.changes))
        add(_("People to deactivate"), (p.name for p in people.deactivations))
        add(_("Roles to give"), (f"{row.name}: {node.name} – {title.name if title else role}"
                                 for row, _m, node, role, title in people.memberships_add))
        add(_("Roles to remove"), (f"{m.person.name}: {m.organisation.name} – {m.get_role_display()}"
                                   for m in people.memberships_remove))
    return sections


def _source(files) -> str:
    return ", ".join(name for name, _data in files)[:200]


@login_required
def import_start(request):
    huvudman = _require_strategist(request)
    # Refuse an oversized upload by its declared length, before Django reads the body.
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if request.method == "POST" and length > settings.IMPORT_MAX_BYTES:
        try:
            check_size(length)
        except FileRejected as rejected:
            form = ImportForm()
            return render(request, "organisations/import_start.html",
                          {"form": form, "rejected": rejected.message}, status=413)
    form = ImportForm(request.POST or None, request.FILES or None)
    rejected = None
    if request.method == "POST" and form.is_valid():
        uploads = request.FILES.getlist("files")
        kind = form.cleaned_data["kind"]
        if kind != ImportForm.KIND_SS12000 and len(uploads) > 1:
            form.add_error("files", _("Choose one file for this kind of import."))
        else:
            try:
                for upload in uploads:
                    check_size(upload.size)
            except FileRejected as error:
                rejected = error.message
            else:
                PendingImport.objects.filter(created_at__lt=timezone.now() - PENDING_LIFETIME).delete()
                pending = PendingImport.objects.create(
                    huvudman=huvudman, actor=request.user, kind=kind,
                    deactivate_missing=form.cleaned_data["deactivate_missing"],
                    files=[[u.name[:200], base64.b64encode(u.read()).decode()] for u in uploads])
                return redirect("import_preview", pk=pending.pk)
    return render(request, "organisations/import_start.html",
                  {"form": form, "rejected": rejected, "max_mb": settings.IMPORT_MAX_BYTES // 2**20})


def _pending_for(request, pk: int) -> PendingImport:
    huvudman = _require_strategist(request)
    pending = PendingImport.objects.filter(pk=pk, huvudman=huvudman, actor=request.user).first()
    if pending is None:
        raise Http404
    return pending


@login_required
def import_preview(request, pk: int):
    pending = _pending_for(request, pk)
    try:
        plan, errors, _apply = _plan(pending, request.user)
    except FileRejected as rejected:
        return render(request, "organisations/import_preview.html", {
            "pending": pending, "rejected": rejected.message}, status=400)
    return render(request, "organisations/import_preview.html", {
        "pending": pending, "sections": [] if errors else _sections(plan), "errors": errors,
        "file_names": _source(pending.files)},
        status=400 if errors else 200)


@login_required
@require_POST
def import_confirm(request, pk: int):
    pending = _pending_for(request, pk)
    try:
        _plan_obj, errors, apply = _plan(pending, request.user)
    except FileRejected as rejected:
        messages.error(request, rejected.message)
        return redirect("import_start")
    if errors:
        return redirect("import_preview", pk=pending.pk)
    apply()
    pending.delete()
    messages.success(request, _("The import is done."))
    return redirect("people_list" if pending.kind == ImportForm.KIND_PEOPLE else "organisation_tree")


@login_required
@require_POST
def import_cancel(request, pk: int):
    _pending_for(request, pk).delete()
    messages.info(request, _("The import was cancelled. Nothing was changed."))
    return redirect("import_start")


@login_required
def import_template(request, kind: str, fmt: str):
    if kind not in TEMPLATES or fmt not in ("csv", "xlsx"):
        raise Http404
    _require_strategist(request)
    header, examples = TEMPLATES[kind]
    filename = f"digiplan-{kind}-mall.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        # Excel in Swedish opens UTF-8 with BOM and semicolons without asking.
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(examples)
        response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"),
                                content_type="text/csv; charset=utf-8")
    else:
        import xlsxwriter

        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False})
        sheet = workbook.add_worksheet(kind)
        bold = workbook.add_format({"bold": True})
        sheet.write_row(0, 0, header, bold)
        for number, row in enumerate(examples, start=1):
            sheet.write_row(number, 0, row)
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, len(header) - 1, 22)
        workbook.close()
        response = HttpResponse(
            output.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
