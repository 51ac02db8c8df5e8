"""The huvudman's sign-in policy on every request: the session's idle lifetime, and the second
factor a password sign-in still owes before any page opens.

Installed after django_otp's OTPMiddleware (which tells whether this session gave a code)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from digiplan.signin import mfa
from digiplan.signin.session import session_seconds

# What a person who still owes a code may open: sign-out, the pages that take the code, the
# language switch and the two pages every public-sector service shows to anyone.
OPEN_BEFORE_SECOND_FACTOR = frozenset(
    {"logout", "mfa_verify", "mfa_enrol", "set_language", "accessibility", "privacy"}
)


class SignInPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        person = request.user
        if person.is_authenticated:
            # Saved with every request (SESSION_SAVE_EVERY_REQUEST): the idle time starts again.
            request.session.set_expiry(session_seconds(person))
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        person = request.user
        if not person.is_authenticated or request.path.startswith(settings.STATIC_URL):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        if not mfa.second_factor_due(person, request.session):
            return None
        target = "mfa_verify" if mfa.totp_device(person) is not None else "mfa_enrol"
        wanted = request.get_full_path() if request.method == "GET" else reverse("home")
        url = f"{reverse(target)}?{urlencode({'next': wanted})}"
        if request.headers.get("HX-Request"):
            # htmx would put the code page inside the page; it loads the whole page instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
