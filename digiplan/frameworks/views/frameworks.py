"""Framework pages: list, create, a version's tree, versioning, diff and YAML exchange."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiplan.frameworks import access, selectors, services
from digiplan.frameworks.exchange import (
    MAX_FILE_BYTES,
    DraftInTheWay,
    FrameworkFileError,
    export_framework,
    import_framework,
)
from digiplan.frameworks.forms import FrameworkForm, FrameworkImportForm
from digiplan.frameworks.models import VersionStatus
from digiplan.lib.uploads import UploadRejected, check_request_size, decode_utf8, read_upload
from digiplan.organisations.access import is_strategist


def _require_strategist(request):
    if not is_strategist(request.user):
        raise PermissionDenied
    return request.user.huvudman


@login_required
def framework_list(request):
    lists = selectors.framework_lists(request.user)
    return render(
        request,
        "frameworks/list.html",
        {"own": lists.own, "builtin": lists.builtin, "can_create": is_strategist(request.user)},
    )


@login_required
def framework_create(request):
    huvudman = _require_strategist(request)
    templates = selectors.template_versions(huvudman)
    form = FrameworkForm(
        request.POST or None, templates=templates, initial={"template": request.GET.get("mall")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.framework_create(actor=request.user, huvudman=huvudman, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for e in errors:
                    form.add_error(field if field in form.fields else None, e)
        else:
            messages.success(request, _("The framework was created as a draft."))
            return redirect("version_detail", pk=version.pk)
    return render(request, "frameworks/create.html", {"form": form})


@login_required
def framework_detail(request, pk: int):
    framework, can_edit = access.get_framework(request.user, pk)
    version = (
        selectors.current_version(framework)
        or selectors.version_list(framework, with_drafts=can_edit).first()
    )
    if version is None:
        raise Http404
    return redirect("version_detail", pk=version.pk)


@login_required
def version_detail(request, pk: int):
    version, can_edit = access.get_version(request.user, pk)
    framework = version.framework
    return render(
        request,
        "frameworks/version.html",
        {
            "version": version,
            "framework": framework,
            "versions": selectors.version_list(framework, with_drafts=can_edit),
            "can_edit": can_edit,
            "editable": can_edit and version.status == VersionStatus.DRAFT,
            **selectors.version_parts(version),
        },
    )


def _action(request, pk, service, success):
    version = access.get_version_to_edit(request.user, pk)
    try:
        result = service(actor=request.user, version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("version_detail", pk=version.pk)
    messages.success(request, success)
    if result.pk is None:  # a discarded draft
        return redirect("framework_list")
    return redirect("version_detail", pk=result.pk)


@login_required
@require_POST
def version_publish(request, pk: int):
    return _action(
        request, pk, services.version_publish, _("The version was published. It can no longer be changed.")
    )


@login_required
@require_POST
def version_new_draft(request, pk: int):
    return _action(request, pk, services.version_new_draft, _("A new draft was started."))


@login_required
@require_POST
def version_archive(request, pk: int):
    version = access.get_version_to_edit(request.user, pk)
    done = (
        _("The draft was discarded.")
        if version.status == VersionStatus.DRAFT
        else _("The version was archived. It stays readable in the version list.")
    )
    return _action(request, pk, services.version_archive, done)


@login_required
def version_diff(request, pk: int):
    framework, _can_edit = access.get_framework(request.user, pk)
    versions = selectors.readable_versions(request.user, framework)
    by_pk = {str(v.pk): v for v in versions}
    old = by_pk.get(request.GET.get("fran")) or (versions[1] if len(versions) > 1 else None)
    new = by_pk.get(request.GET.get("till")) or (versions[0] if versions else None)
    diff = selectors.version_diff(old, new) if old and new and old != new else None
    return render(
        request,
        "frameworks/diff.html",
        {"framework": framework, "versions": versions, "old": old, "new": new, "diff": diff},
    )


@login_required
def version_export(request, pk: int):
    version, _can_edit = access.get_version(request.user, pk)
    response = HttpResponse(export_framework(version), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{version.framework.slug}-{version.label}.yaml"'
    return response


@login_required
def framework_import(request):
    huvudman = _require_strategist(request)
    errors = []
    if request.method == "POST":
        try:  # by the request's declared length, before Django reads the body
            check_request_size(request, MAX_FILE_BYTES)
        except UploadRejected as rejected:
            return render(
                request,
                "frameworks/import.html",
                {"form": FrameworkImportForm(), "errors": [(0, rejected.message)]},
                status=413,
            )
    form = FrameworkImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            text = decode_utf8(read_upload(form.cleaned_data["file"], MAX_FILE_BYTES))
            version = import_framework(
                text,
                huvudman=huvudman,
                actor=request.user,
                replace_draft=form.cleaned_data["replace_draft"],
            )
        except (UploadRejected, DraftInTheWay) as rejected:
            errors = [(0, rejected.message)]
        except FrameworkFileError as error:
            errors = error.errors
        else:
            messages.success(request, _("The file was imported as a draft."))
            return redirect("version_detail", pk=version.pk)
    return render(
        request, "frameworks/import.html", {"form": form, "errors": errors}, status=400 if errors else 200
    )
