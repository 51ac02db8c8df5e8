"""Two-step verification pages: the code at sign-in, enrolment (QR code and the secret written
out), the recovery codes, and the person's own settings page."""

import logging
from typing import Any

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.models import Device

from digiplan.organisations.models import Person
from digiplan.signin import mfa
from digiplan.signin.forms_mfa import CodeForm, FirstCodeForm, RecoveryCodesForm

log = logging.getLogger("digiplan.signin")

# The secret offered on the enrolment page, until its first code confirms it.
SESSION_PENDING_KEY = "signin_mfa_pending_key"
RECOVERY_CODES_FILENAME = "digiplan-reservkoder.txt"


def _person(request: HttpRequest) -> Person:
    # Every view here is behind login_required: the user is a person.
    if not isinstance(request.user, Person):
        raise PermissionDenied
    return request.user


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("home")


def _credentials(request: HttpRequest) -> dict[str, str]:
    # The account name as the sign-in form gives it to django-axes: a wrong code then counts
    # as a failed sign-in of the account from this address, and a lockout stops both.
    return {"username": request.user.get_username()}


def _wrong_code(request: HttpRequest, reason: str) -> None:
    log.info("second factor refused for person %s: %s", request.user.pk, reason)
    user_login_failed.send(sender=__name__, credentials=_credentials(request), request=request)


def _mark_verified(request: HttpRequest, device: Device) -> None:
    # A new session key for the session that has just become fully signed in.
    request.session.cycle_key()
    django_otp.login(request, device)


def _no_password(request: HttpRequest) -> HttpResponse:
    return render(request, "signin/mfa/no_password.html", {"message": mfa.ERROR_NO_PASSWORD}, status=403)


def _show_codes(request: HttpRequest, codes: tuple[str, ...] | list[str], next_url: str) -> HttpResponse:
    response = render(
        request,
        "signin/mfa/recovery_codes.html",
        {
            "codes": [mfa.shown_code(c) for c in codes],
            "download_form": RecoveryCodesForm(initial={"codes": " ".join(codes)}),
            "next": next_url,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The code asked after a password sign-in."""
    person = _person(request)
    if not mfa.second_factor_due(person, request.session):
        return redirect(_next_url(request))
    if mfa.totp_device(person) is None:
        return redirect(f"{reverse('mfa_enrol')}?{urlencode({'next': _next_url(request)})}")
    if AxesProxyHandler.is_locked(request, _credentials(request)):
        return get_lockout_response(request, None, _credentials(request))
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        check = mfa.code_verify(person=person, code=form.cleaned_data["code"])
        if check.ok:
            _mark_verified(request, check.device)
            return redirect(_next_url(request))
        _wrong_code(request, check.error)
        form.add_refusal(check.error)
        status = 400
    return render(
        request, "signin/mfa/verify.html", {"form": form, "next": _next_url(request)}, status=status
    )


def _enrol_context(request: HttpRequest, key: str, form: FirstCodeForm) -> dict[str, Any]:
    return {
        "form": form,
        "qr_svg": mfa.qr_svg(person=_person(request), key=key),
        "secret": mfa.secret_in_groups(key),
        "required": mfa.required_by_policy(_person(request)),
        "next": _next_url(request),
    }


@never_cache
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Turning TOTP on: scan (or type) the secret, confirm with the first code."""
    person = _person(request)
    if not person.has_usable_password():
        return _no_password(request)
    if mfa.totp_device(person) is not None:
        return redirect("mfa_settings")
    key = request.session.get(SESSION_PENDING_KEY) or mfa.new_key()
    request.session[SESSION_PENDING_KEY] = key
    form = FirstCodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        enrolment = mfa.second_factor_enable(person=person, key=key, code=form.cleaned_data["code"])
        if enrolment.device is not None:
            del request.session[SESSION_PENDING_KEY]
            _mark_verified(request, enrolment.device)
            return _show_codes(request, enrolment.recovery_codes, _next_url(request))
        form.add_refusal(enrolment.error)
        status = 400
    response = render(request, "signin/mfa/enrol.html", _enrol_context(request, key, form), status=status)
    response["Cache-Control"] = "no-store"
    return response


def _settings_context(request: HttpRequest, disable_form: CodeForm) -> dict[str, Any]:
    person = _person(request)
    return {
        "enabled": mfa.totp_device(person) is not None,
        "codes_left": mfa.recovery_codes_left(person),
        "required": mfa.required_by_policy(person),
        "disable_form": disable_form,
    }


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    if not _person(request).has_usable_password():
        return _no_password(request)
    return render(request, "signin/mfa/settings.html", _settings_context(request, CodeForm()))


@require_POST
@login_required
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    if mfa.totp_device(person) is None:
        return redirect("mfa_settings")
    codes = mfa.recovery_codes_renew(person=person)
    return _show_codes(request, codes, reverse("mfa_settings"))


@require_POST
@login_required
def recovery_codes_download(request: HttpRequest) -> HttpResponse:
    """The codes just shown, as a text file. Only the person's own unused codes are sent back,
    so the page cannot be made to serve anything else."""
    form = RecoveryCodesForm(request.POST)
    codes = mfa.current_recovery_codes(_person(request), form.code_list()) if form.is_valid() else []
    if not codes:
        return redirect("mfa_settings")
    text = _("Recovery codes for Digiplan (%(email)s). Each code works once.") % {
        "email": request.user.get_username()
    }
    body = "\r\n".join([text, "", *(mfa.shown_code(c) for c in codes), ""])
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{RECOVERY_CODES_FILENAME}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def disable(request: HttpRequest) -> HttpResponse:
    """Turning TOTP off takes a current code; not when the organisation requires it."""
    if AxesProxyHandler.is_locked(request, _credentials(request)):
        return get_lockout_response(request, None, _credentials(request))
    form = CodeForm(request.POST)
    status = 400
    if form.is_valid():
        check = mfa.second_factor_disable(person=_person(request), code=form.cleaned_data["code"])
        if check.ok:
            messages.success(request, _("Two-step verification is turned off."))
            return redirect("mfa_settings")
        if check.error == str(mfa.ERROR_REQUIRED):
            status = 403
        else:
            _wrong_code(request, check.error)
        form.add_refusal(check.error)
    return render(request, "signin/mfa/settings.html", _settings_context(request, form), status=status)
