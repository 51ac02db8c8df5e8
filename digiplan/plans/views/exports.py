"""A plan as a PDF or a workbook to download, for whoever may read the plan."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from digiplan.plans import exports
from digiplan.plans.access import get_plan_for_user

FORMATS = {"pdf": "application/pdf", "xlsx": exports.XLSX_TYPE}


@login_required
def plan_export(request, pk: int, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    plan, _can_edit = get_plan_for_user(request.user, pk)
    body = exports.plan_pdf(plan, request) if fmt == "pdf" else exports.plan_xlsx(plan)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.export_filename(plan, fmt)}"'
    return response
