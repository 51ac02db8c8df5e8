"""The organisation tree: browse what you reach; strategists change what they manage."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiplan.lib.forms import form_errors_add
from digiplan.organisations import access, services
from digiplan.organisations.forms import MoveForm, NodeForm
from digiplan.organisations.models import Organisation, OrganisationType


def _managed_node(request, pk: int) -> Organisation:
    node, can_manage = access.get_node_for_user(request.user, pk)
    if not can_manage:
        raise PermissionDenied
    return node


@login_required
def organisation_tree(request):
    show_inactive = request.GET.get("inaktiva") == "1"
    nodes = access.reachable_nodes(request.user).annotate(
        member_count=Count("memberships", distinct=True),
        pupil_total=Sum("pupil_counts__pupils"),
    )
    if not show_inactive:
        nodes = nodes.filter(is_active=True)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        nodes = nodes.filter(Q(name__icontains=query) | Q(school_unit_code=query))
    nodes = list(nodes.order_by("path"))
    managed = {n.pk for n in access.managed_nodes(request.user)}
    top = min((n.depth for n in nodes), default=0)
    for node in nodes:
        node.level = node.depth - top
        node.can_manage = node.pk in managed
    return render(
        request,
        "organisations/tree.html",
        {
            "nodes": nodes,
            "query": query,
            "show_inactive": show_inactive,
            "unit_count": sum(1 for n in nodes if n.is_unit and n.is_active),
        },
    )


@login_required
def organisation_detail(request, pk: int):
    node, can_manage = access.get_node_for_user(request.user, pk)
    ancestors = Organisation.objects.filter(pk__in=node.ancestor_ids()[:-1]).order_by("path")
    ancestors = [a for a in ancestors if access.can_read(request.user, a)]
    children = node.children.order_by("-is_active", "name")
    memberships = node.memberships.select_related("person", "title").order_by("role", "person__name")
    return render(
        request,
        "organisations/detail.html",
        {
            "node": node,
            "can_manage": can_manage,
            "ancestors": ancestors,
            "children": children,
            "memberships": memberships if can_manage or node.is_unit else memberships.none(),
            "school_forms": node.school_forms.all(),
            "pupil_counts": node.pupil_counts.all(),
            "pupil_total": sum(c.pupils for c in node.pupil_counts.all()),
        },
    )


@login_required
def organisation_create(request, parent_pk: int):
    parent = _managed_node(request, parent_pk)
    if not parent.is_active:
        raise PermissionDenied
    default_type = {
        OrganisationType.HUVUDMAN: OrganisationType.FORVALTNING,
        OrganisationType.FORVALTNING: OrganisationType.OMRADE,
    }.get(parent.type, OrganisationType.SKOLENHET)
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
    form = NodeForm(request.POST or None, initial=NodeForm.initial_for(node))
    if node.parent_id is None:
        form.fields["type"].choices = [(node.type, node.get_type_display())]
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
    candidates = (
        access.managed_nodes(request.user)
        .filter(is_active=True)
        .exclude(path__startswith=node.path)
        .exclude(type=OrganisationType.SKOLENHET)
    )
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
