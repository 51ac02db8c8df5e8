"""SAML pages: the SP metadata, the start of a sign-in, the ACS, single logout and the
strategist's settings. The work is in saml_signin (protocol) and saml_services (writes)."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from digiplan.organisations.access import require_strategist
from digiplan.organisations.models import Person
from digiplan.signin import saml_logout, saml_signin
from digiplan.signin.forms_saml import SamlProviderForm
from digiplan.signin.saml import signed_sp_metadata, sp_entity_id, startable_provider
from digiplan.signin.saml_services import saml_provider_for, saml_provider_save
from digiplan.signin.saml_signin import SamlRefused

log = logging.getLogger("digiplan.signin")


def _refused(request: HttpRequest, refused: SamlRefused, huvudman_pk: object = None) -> HttpResponse:
    log.warning("SAML sign-in refused (huvudman %s): %s", huvudman_pk, refused.reason)
    return render(request, "signin/saml/refused.html", {"message": refused.message}, status=refused.status)


@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    return HttpResponse(signed_sp_metadata(), content_type="application/samlmetadata+xml")


@require_GET
def start(request: HttpRequest, orgnr: str) -> HttpResponse:
    provider = startable_provider(orgnr)
    if provider is None:
        raise Http404
    try:
        location = saml_signin.start(request, provider)
    except Exception as error:  # e.g. metadata that has expired since it was stored
        refused = SamlRefused(f"AuthnRequest not made: {error}", saml_signin.ERROR_NOT_AVAILABLE, 400)
        return _refused(request, refused, provider.huvudman_id)
    # A page that moves on, not a redirect: reached from "Logga in med skolkonto"'s form, a
    # redirect to the IdP would be stopped by the CSP's form-action 'self'.
    return render(request, "signin/onward.html", {"provider_url": location, "signed_out": False})


@csrf_exempt  # the IdP POSTs from its own site; pysaml2 checks the signed answer instead
@require_POST
def acs(request: HttpRequest) -> HttpResponse:
    try:
        return HttpResponseRedirect(saml_signin.complete(request))
    except SamlRefused as refused:
        return _refused(request, refused, request.saml_session.get(saml_signin.SESSION_HUVUDMAN))  # type: ignore[attr-defined]


def _signed_out(request: HttpRequest, location: str, *, from_form: bool = False) -> HttpResponse:
    huvudman_id = getattr(request.user, "huvudman_id", None)
    logout(request)
    saml_logout.forget_after_logout(request, huvudman_id if location else None)
    if location and from_form:
        # Not a redirect: "Logga ut" is a form, and the CSP's form-action 'self' stops a
        # browser from following a form's redirect to the identity provider.
        return render(request, "signin/onward.html", {"provider_url": location, "signed_out": True})
    return HttpResponseRedirect(location or resolve_url(settings.LOGOUT_REDIRECT_URL))


@csrf_exempt  # the IdP's LogoutRequest or LogoutResponse, checked by pysaml2
@require_http_methods(["GET", "POST"])
def single_logout(request: HttpRequest) -> HttpResponse:
    data, binding = (request.GET, "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect")
    if request.method == "POST":
        data, binding = (request.POST, "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST")
    try:
        location = saml_logout.handle_logout_message(request, data, binding)
    except SamlRefused as refused:
        log.warning("SAML logout message refused: %s", refused.reason)
        # Signed out here all the same: a logout never leaves a session open.
        location = ""
    return _signed_out(request, location)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    location = saml_logout.start_logout(request) if request.user.is_authenticated else ""
    return _signed_out(request, location, from_form=True)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    if not isinstance(request.user, Person):
        raise PermissionDenied
    huvudman = require_strategist(request.user)
    provider = saml_provider_for(huvudman)
    form = SamlProviderForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        instance=provider,
    )
    if request.method == "POST":
        if form.is_valid():
            saml_provider_save(
                actor=request.user,
                huvudman=huvudman,
                values=form.values(),
                metadata=form.checked,
                fetched=form.fetched,
            )
            messages.success(request, _("The SAML settings have been saved."))
            return redirect("signin_saml_settings")
        reason = getattr(form, "refusal_reason", "") or form.errors.as_json()
        log.warning("SAML settings of huvudman %s not saved: %s", huvudman.pk, reason)
    context = {
        "form": form,
        "provider": provider,
        "sp_entity_id": sp_entity_id(),
        "sp_metadata_url": sp_entity_id(),
        "start_url": reverse("signin_saml_start", args=[huvudman.organisation_number])
        if huvudman.organisation_number
        else "",
    }
    return render(request, "signin/saml/settings.html", context, status=400 if form.errors else 200)
