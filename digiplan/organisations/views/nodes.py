"""The organisation tree: browse what you reach; strategists change what they manage."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiplan.lib.forms import form_errors_add
from digiplan.organisations import access, selectors, services
from digiplan.organisations.forms import MoveForm, NodeForm
from digiplan.organisations.models import Organisation, OrganisationType

# The type a new node most likely has, by its parent's.
CHILD_TYPE: dict[str, str] = {
    OrganisationType.HUVUDMAN: OrganisationType.FORVALTNING,
    OrganisationType.FORVALTNING: OrganisationType.OMRADE,
}


def _managed_node(request, pk: int) -> Organisation:
    node, can_manage = access.get_node_for_user(request.user, pk)
    if not can_manage:
        raise PermissionDenied
    return node


@login_required
def organisation_tree(request):
    show_inactive = request.GET.get("inaktiva") == "1"
    query = request.GET.get("q", "").strip()[:100]
    rows = selectors.organisation_tree(viewer=request.user, show_inactive=show_inactive, query=query)
    return render(
        request,
        "organisations/tree.html",
        {
            "rows": rows,
            "query": query,
            "show_inactive": show_inactive,
            "unit_count": sum(1 for r in rows if r.node.is_unit and r.node.is_active),
        },
    )


@login_required
def organisation_detail(request, pk: int):
    node, can_manage = access.get_node_for_user(request.user, pk)
    detail = selectors.node_detail(viewer=request.user, node=node, can_manage=can_manage)
    return render(
        request,
        "organisations/detail.html",
        {
            "node": node,
            "can_manage": can_manage,
            "ancestors": detail.ancestors,
            "children": detail.children,
            "memberships": detail.memberships,
            "school_forms": detail.school_forms,
            "pupil_counts": detail.pupil_counts,
            "pupil_total": detail.pupil_total,
        },
    )


@login_required
def organisation_create(request, parent_pk: int):
    parent = _managed_node(request, parent_pk)
    if not parent.is_active:
        raise PermissionDenied
    default_type = CHILD_TYPE.get(parent.type, OrganisationType.SKOLENHET)
    form = NodeForm(request.POST or None, initial={"type": default_type})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            node = services.organisation_create(
                actor=request.user,
                parent=parent,
                type=data["type"],
                name=data["name"],
                short_name=data["short_name"],
                school_unit_code=data["school_unit_code"],
                external_id=data["external_id"],
                staff_count=data["staff_count"],
                school_forms=data["school_forms"],
                pupil_counts=data["pupils"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("“%(name)s” was created.") % {"name": node.name})
            return redirect("organisation_detail", pk=node.pk)
    return render(
        request,
        "organisations/form.html",
        {"form": form, "parent": parent, "title": _("New node under %(name)s") % {"name": parent.name}},
    )


@login_required
def organisation_edit(request, pk: int):
    node = _managed_node(request, pk)
    form = NodeForm(request.POST or None, initial=NodeForm.initial_for(node), node=node)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.organisation_update(
                actor=request.user,
                node=node,
                school_forms=data["school_forms"],
                pupil_counts=data["pupils"],
                name=data["name"],
                short_name=data["short_name"],
                school_unit_code=data["school_unit_code"],
                external_id=data["external_id"],
                staff_count=data["staff_count"],
                **({"type": data["type"]} if node.parent_id else {}),
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("organisation_detail", pk=node.pk)
    return render(
        request,
        "organisations/form.html",
        {"form": form, "node": node, "title": _("Edit %(name)s") % {"name": node.name}},
    )


@login_required
def organisation_move(request, pk: int):
    node = _managed_node(request, pk)
    if node.parent_id is None:
        raise PermissionDenied
    candidates = selectors.move_targets(viewer=request.user, node=node)
    form = MoveForm(request.POST or None, candidates=candidates, initial={"new_parent": node.parent_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_move(
                actor=request.user, node=node, new_parent=form.cleaned_data["new_parent"]
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("“%(name)s” was moved.") % {"name": node.name})
            return redirect("organisation_detail", pk=node.pk)
    return render(request, "organisations/move.html", {"form": form, "node": node})


@login_required
@require_POST
def organisation_deactivate(request, pk: int):
    node = _managed_node(request, pk)
    try:
        services.organisation_deactivate(actor=request.user, node=node)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(name)s” was deactivated. Its history is kept.") % {"name": node.name})
    return redirect("organisation_detail", pk=node.pk)


@login_required
@require_POST
def organisation_reactivate(request, pk: int):
    node = _managed_node(request, pk)
    try:
        services.organisation_reactivate(actor=request.user, node=node)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(name)s” is active again.") % {"name": node.name})
    return redirect("organisation_detail", pk=node.pk)
