"""The chain of steering ("styrkedja"), "Mitt ansvar" and the library of scales."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from digiplan.frameworks import access, selectors, services
from digiplan.frameworks.forms import ScaleForm
from digiplan.frameworks.hooks import unit_goals_for_chain
from digiplan.organisations.access import is_strategist


@login_required
def item_chain(request, pk: int):
    item, _can_edit = access.get_item(request.user, pk)
    down = selectors.chain_down(item, request.user)
    return render(
        request,
        "frameworks/chain.html",
        {
            "item": item,
            "ancestors": selectors._ancestors(item),
            "up": selectors.chain_up(item, request.user),
            "down": down,
            "unit_goals": unit_goals_for_chain(item, request.user, down),
        },
    )


@login_required
def my_responsibilities(request):
    return render(
        request,
        "frameworks/my_responsibilities.html",
        {"groups": selectors.my_responsibilities(request.user)},
    )


@login_required
def scale_list(request):
    scales = selectors.readable_scales(request.user).prefetch_related("levels").order_by("huvudman", "name")
    return render(
        request, "frameworks/scales.html", {"scales": scales, "can_create": is_strategist(request.user)}
    )


@login_required
def scale_create(request):
    if not is_strategist(request.user):
        raise PermissionDenied
    form = ScaleForm(request.POST or None, label_suffix="")
    if request.method == "POST" and form.is_valid():
        try:
            services.scale_create(actor=request.user, huvudman=request.user.huvudman, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The scale was added."))
            return redirect("scale_list")
    return render(request, "frameworks/simple_form.html", {"form": form, "title": _("New scale")})
