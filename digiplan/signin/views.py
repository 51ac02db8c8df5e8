"""The pages every school-account sign-in shares: "Logga in med skolkonto" (find one's
organisation and its way of signing in), the page for someone Digiplan does not know, and the
strategist's sign-in settings. SAML, OpenID Connect and the second factor have their own views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from digiplan.organisations.access import require_strategist
from digiplan.organisations.models import Huvudman
from digiplan.signin import selectors, services
from digiplan.signin.forms import ERROR_NO_ORGANISATION, ChooseForm, PolicyForm


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


def _methods_page(request, huvudman: Huvudman, next_url: str):
    methods = selectors.methods_for(huvudman, next_url)
    if len(methods) == 1:
        # Our own start page, which moves on to the identity provider by itself.
        return redirect(methods[0].url)
    return render(request, "signin/methods.html", {"huvudman": huvudman, "methods": methods})


@require_http_methods(["GET", "POST"])
def choose(request):
    """Finds the organisation from the e-mail domain (or the list) and sends the person on to its
    identity provider; with two ways to sign in, shows both."""
    next_url = _safe_next(request)
    organisations = selectors.huvudman_with_school_accounts()
    if request.method == "GET" and request.GET.get("h", "").isdigit():
        return _methods_page(request, get_object_or_404(organisations, pk=request.GET["h"]), next_url)
    form = ChooseForm(request.POST if request.method == "POST" else None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        huvudman = form.cleaned_data.get("huvudman")
        if huvudman is None:
            found = services.huvudman_for_email(form.cleaned_data["email"])
            huvudman = found if found is not None and selectors.has_school_account(found) else None
        if huvudman is not None:
            return _methods_page(request, huvudman, next_url)
        form.add_error("email", ERROR_NO_ORGANISATION)
    status = 400 if form.errors else 200
    return render(request, "signin/choose.html", {"form": form, "next": next_url}, status=status)


def unknown(request):
    """The end of a sign-in whose identity matched nobody: whom to ask, never who exists."""
    huvudman = None
    if request.GET.get("h", "").isdigit():
        huvudman = Huvudman.objects.filter(pk=request.GET["h"]).first()
    policy = services.policy_for(huvudman)
    return render(
        request, "signin/unknown.html", {"huvudman": huvudman, "contact": policy.contact}, status=403
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    huvudman = require_strategist(request.user)
    policy = services.policy_for(huvudman)
    form = PolicyForm(
        request.POST if request.method == "POST" else None,
        instance=policy,
        huvudman=huvudman,
        school_account=selectors.has_school_account(huvudman),
    )
    if request.method == "POST" and form.is_valid():
        services.policy_save(actor=request.user, huvudman=huvudman, values=form.cleaned_data)
        messages.success(request, _("The sign-in settings are saved."))
        return redirect("signin_settings")
    context = {"form": form, "huvudman": huvudman, **selectors.provider_status(huvudman)}
    return render(request, "signin/settings.html", context, status=400 if form.errors else 200)
