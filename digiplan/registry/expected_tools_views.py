"""The expected tools page: a strategist links each tool the frameworks in force name to the
register entry that is that tool, starting from a suggestion by name. Others: 403."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from digiplan.frameworks.models import Item, ItemKind
from digiplan.organisations import access
from digiplan.registry.digital_models import DigitalService
from digiplan.registry.expected_tools import expected_tools
from digiplan.registry.expected_tools_services import expected_tool_link


class LinkForm(forms.Form):
    service = forms.ModelChoiceField(
        queryset=DigitalService.objects.none(),
        required=False,
        label=gettext_lazy("Register entry"),
        empty_label=gettext_lazy("Not linked"),
    )

    def __init__(self, *args, huvudman, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = DigitalService.objects.filter(huvudman=huvudman).order_by("name")


def _strategist_huvudman(request):
    if request.user.huvudman is None or not access.is_strategist(request.user):
        raise PermissionDenied
    return request.user.huvudman


@login_required
def expected_tools_page(request):
    huvudman = _strategist_huvudman(request)
    rows = [
        (
            tool,
            LinkForm(
                huvudman=huvudman,
                initial={"service": tool.service or tool.suggestion},
                prefix=str(tool.item.pk),
            ),
        )
        for tool in expected_tools(huvudman)
    ]
    return render(request, "registry/services/expected_tools.html", {"rows": rows})


@login_required
@require_POST
def expected_tool_link_view(request, pk: int):
    huvudman = _strategist_huvudman(request)
    item = get_object_or_404(Item, pk=pk, kind=ItemKind.TOOL, version__framework__huvudman=huvudman)
    form = LinkForm(request.POST, huvudman=huvudman, prefix=str(item.pk))
    if not form.is_valid():
        messages.error(request, _("Choose an entry of the register."))
        return redirect("expected_tools")
    try:
        expected_tool_link(actor=request.user, item=item, service=form.cleaned_data["service"])
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    else:
        messages.success(request, _("The tool “%(tool)s” is linked.") % {"tool": item.title})
    return redirect("expected_tools")
