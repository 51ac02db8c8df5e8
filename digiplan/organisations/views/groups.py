"""The groups the huvudman's plans give duties to (next to the role titles), kept by its
strategists: named members and the titles whose holders belong."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiplan.lib.forms import form_errors_add
from digiplan.organisations import access, selectors, services
from digiplan.organisations.forms import GroupForm
from digiplan.organisations.models import Group


def _group_form(request, huvudman, group: Group | None = None) -> GroupForm:
    initial = (
        {"name": group.name, "members": list(group.members.all()), "titles": list(group.titles.all())}
        if group
        else None
    )
    return GroupForm(
        request.POST or None,
        initial=initial,
        people=selectors.group_member_choices(huvudman),
        titles=selectors.role_titles(huvudman),
    )


def _save(request, form: GroupForm, huvudman, group: Group | None):
    try:
        services.group_save(actor=request.user, huvudman=huvudman, group=group, **form.cleaned_data)
    except ValidationError as error:
        form_errors_add(form, error)
        return None
    messages.success(request, _("The group was saved."))
    return redirect("plan_groups")


@login_required
def plan_groups(request):
    huvudman = access.require_strategist(request.user)
    form = _group_form(request, huvudman)
    if request.method == "POST" and form.is_valid():
        response = _save(request, form, huvudman, None)
        if response:
            return response
    return render(
        request, "organisations/groups.html", {"form": form, "groups": selectors.plan_groups(huvudman)}
    )


@login_required
def plan_group_edit(request, pk: int):
    huvudman = access.require_strategist(request.user)
    group = get_object_or_404(Group, pk=pk, huvudman=huvudman)
    form = _group_form(request, huvudman, group)
    if request.method == "POST" and form.is_valid():
        response = _save(request, form, huvudman, group)
        if response:
            return response
    return render(request, "organisations/group_edit.html", {"form": form, "group": group})


@login_required
@require_POST
def plan_group_delete(request, pk: int):
    huvudman = access.require_strategist(request.user)
    group = get_object_or_404(Group, pk=pk, huvudman=huvudman)
    try:
        services.group_delete(actor=request.user, group=group)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The group was removed."))
    return redirect("plan_groups")
