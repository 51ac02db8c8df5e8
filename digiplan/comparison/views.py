"""The strategist's setting for the national comparison."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from digiplan.comparison import selectors, services
from digiplan.comparison.forms import ConsentForm
from digiplan.comparison.rules import COMPARISON_K, MAX_SHARE, MIN_HUVUDMAN
from digiplan.organisations.access import require_strategist


@login_required
@require_http_methods(["GET", "POST"])
def setting(request):
    huvudman = require_strategist(request.user)
    shares = selectors.shares(huvudman.pk)
    form = ConsentForm(request.POST if request.method == "POST" else None, initial={"shares": shares})
    if request.method == "POST" and form.is_valid():
        services.consent_set(actor=request.user, huvudman=huvudman, shares=form.cleaned_data["shares"])
        if form.cleaned_data["shares"]:
            messages.success(request, _("You now share your results in the national comparison."))
        else:
            messages.success(
                request,
                _("You no longer share. Your figures are removed from the comparison at its next build."),
            )
        return redirect("comparison_setting")
    return render(
        request,
        "comparison/setting.html",
        {
            "form": form,
            "huvudman": huvudman,
            "shares": shares,
            "build": selectors.latest_build(),
            "min_huvudman": MIN_HUVUDMAN,
            "k": COMPARISON_K,
            "max_share": int(MAX_SHARE * 100),
            "breadcrumbs": [
                {"label": _("Home"), "url": reverse("home")},
                {"label": _("National comparison")},
            ],
        },
    )
