"""The pages of OpenID Connect sign-in: start, the provider's answer, signing out, and the
strategist's settings. The steps themselves are in oidc.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from digiplan.organisations.access import require_strategist
from digiplan.organisations.models import Person
from digiplan.signin import oidc
from digiplan.signin.forms_oidc import OidcProviderForm
from digiplan.signin.models import OidcProvider
from digiplan.signin.oidc_services import oidc_provider_save

SAVED = _("The OpenID Connect settings are saved.")


def _onward(request: HttpRequest, url: str, *, signed_out: bool = False) -> HttpResponse:
    """A page that sends the browser on to the provider at once. Not a redirect: this request
    may come from a form (the e-mail on "Logga in med skolkonto", "Logga ut"), and the browser
    would block a form's redirect to another site under the CSP's form-action 'self'."""
    return render(request, "signin/onward.html", {"provider_url": url, "signed_out": signed_out})


def _refused(request: HttpRequest, refusal: oidc.Refusal) -> HttpResponse:
    return render(request, "signin/oidc/refused.html", {"message": refusal.message}, status=refusal.status)


@require_GET
def start(request: HttpRequest, orgnr: str) -> HttpResponse:
    provider = get_object_or_404(
        OidcProvider.objects.select_related("huvudman"), huvudman__organisation_number=orgnr, enabled=True
    )
    try:
        return _onward(request, oidc.start_url(request, provider))
    except oidc.Refusal as refusal:
        return _refused(request, refusal)


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    try:
        return redirect(oidc.finish_sign_in(request))
    except oidc.Refusal as refusal:
        return _refused(request, refusal)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    url = oidc.sign_out(request)
    return (
        _onward(request, url, signed_out=True) if url.startswith(("https://", "http://")) else redirect(url)
    )


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    if not isinstance(request.user, Person):  # login_required has let only people in
        raise PermissionDenied
    huvudman = require_strategist(request.user)
    provider = OidcProvider.objects.filter(huvudman=huvudman).first() or OidcProvider(huvudman=huvudman)
    form = OidcProviderForm(
        request.POST if request.method == "POST" else None,
        instance=provider,
        has_secret=bool(provider.client_secret_sealed),
    )
    if request.method == "POST" and form.is_valid():
        oidc_provider_save(actor=request.user, huvudman=huvudman, **form.cleaned_data)
        messages.success(request, SAVED)
        return redirect("signin_oidc_settings")
    context = {
        "form": form,
        "redirect_uri": oidc.redirect_uri(),
        "post_logout_redirect_uri": oidc.post_logout_redirect_uri(),
        "has_secret": bool(provider.client_secret_sealed),
    }
    return render(request, "signin/oidc/settings.html", context, status=400 if form.errors else 200)
