"""A version's period of validity, its decision and its follow-up dates. They describe the
version rather than its content, so they may be recorded on a published version too."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiplan.frameworks import access, services
from digiplan.frameworks.forms import FollowUpForm, VersionDetailsForm
from digiplan.frameworks.models import FollowUp

DETAIL_FIELDS = ("valid_from", "valid_to", "decision_body", "decision_date", "decision_reference")


@login_required
def version_details(request, pk: int):
    version = access.get_version_to_edit(request.user, pk)
    posted = request.POST.get("form") if request.method == "POST" else None
    details = VersionDetailsForm(
        request.POST if posted == "details" else None,
        initial={name: getattr(version, name) for name in DETAIL_FIELDS},
    )
    follow_up = FollowUpForm(request.POST if posted == "follow_up" else None)
    if posted == "details" and details.is_valid():
        try:
            services.version_details_save(actor=request.user, version=version, **details.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                details.add_error(field if field in details.fields else None, errors)
        else:
            messages.success(request, _("The period and the decision were saved."))
            return redirect(reverse("version_detail", args=[version.pk]) + "#follow-ups")
    if posted == "follow_up" and follow_up.is_valid():
        services.follow_up_add(actor=request.user, version=version, **follow_up.cleaned_data)
        messages.success(request, _("The follow-up date was added."))
        return redirect("version_details", pk=version.pk)
    return render(
        request,
        "frameworks/version_details.html",
        {
            "version": version,
            "details": details,
            "follow_up": follow_up,
            "follow_ups": version.follow_ups.all(),
        },
    )


def _follow_up_to_edit(request, pk: int) -> FollowUp:
    follow_up = FollowUp.objects.select_related("version__framework").filter(pk=pk).first()
    if follow_up is None or not access.can_read_version(request.user, follow_up.version):
        raise Http404
    access.get_version_to_edit(request.user, follow_up.version_id)
    return follow_up


@login_required
@require_POST
def follow_up_done(request, pk: int):
    """Marks a follow-up done (or, with done=0, not done); back to where the button was."""
    follow_up = _follow_up_to_edit(request, pk)
    done = request.POST.get("done", "1") != "0"
    services.follow_up_mark(
        actor=request.user, follow_up=follow_up, done_on=timezone.localdate() if done else None
    )
    messages.success(
        request, _("The follow-up was marked done.") if done else _("The follow-up was marked not done.")
    )
    if request.POST.get("next") == "home":
        return redirect("home")
    return redirect("version_details", pk=follow_up.version_id)


@login_required
@require_POST
def follow_up_delete(request, pk: int):
    follow_up = _follow_up_to_edit(request, pk)
    services.follow_up_delete(actor=request.user, follow_up=follow_up)
    messages.success(request, _("The follow-up date was removed."))
    return redirect("version_details", pk=follow_up.version_id)
