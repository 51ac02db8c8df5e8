"""The last step of every school-account sign-in (SAML or OpenID Connect): the matched person is
signed in, the session gets the huvudman's lifetime and remembers how the person signed in."""

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest

from digiplan.organisations.models import Person
from digiplan.signin.services import policy_for

# What the session records about the sign-in; never anything an answer could be tied to.
SESSION_METHOD = "signin_method"
SESSION_PROVIDER = "signin_provider"
METHOD_PASSWORD = "password"
METHOD_SAML = "saml"
METHOD_OIDC = "oidc"


def session_seconds(person: Person) -> int:
    policy = policy_for(person.huvudman)
    minutes = policy.session_minutes or settings.SESSION_COOKIE_AGE // 60
    return int(minutes) * 60


def sign_in_person(request: HttpRequest, person: Person, *, method: str, provider: str = "") -> None:
    """Signs person in by a school account: the identity provider has already proved who they
    are (and does its own second factor), so no password step and no TOTP step follow."""
    login(request, person, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_METHOD] = method
    request.session[SESSION_PROVIDER] = provider
    request.session.set_expiry(session_seconds(person))
