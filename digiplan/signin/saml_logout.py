"""SAML single logout. Once signed in, what logout needs (the subject the IdP knows, pysaml2's
record of it, the state of a LogoutRequest sent) lives in the ordinary session."""

import logging
from typing import Any

import saml2
from django.http import HttpRequest
from django.urls import reverse
from saml2.ident import decode
from saml2.s_utils import UnsupportedBinding

from digiplan.signin.models import SamlIdentityProvider
from digiplan.signin.saml import SESSION_HUVUDMAN
from digiplan.signin.saml_signin import (
    ERROR_NO_REQUEST,
    ERROR_NOT_VERIFIED,
    SESSION_SUBJECT,
    SamlRefused,
    saml_client,
)
from digiplan.signin.session import METHOD_SAML, SESSION_METHOD

log = logging.getLogger("digiplan.signin")


def logout_url_for(request: HttpRequest) -> str:
    """Where "Logga ut" posts: the SAML logout for a SAML session, else the ordinary one."""
    if request.session.get(SESSION_METHOD) == METHOD_SAML:
        return reverse("signin_saml_logout")
    return reverse("logout")


def _provider(huvudman_id: int | None) -> SamlIdentityProvider | None:
    if not huvudman_id:
        return None
    return SamlIdentityProvider.objects.filter(huvudman_id=huvudman_id).exclude(metadata_xml="").first()


def start_logout(request: HttpRequest) -> str:
    """The IdP's address carrying a signed LogoutRequest, or "" when the IdP has no single
    logout service by redirect (or the subject is unknown): then the sign-out is local only."""
    subject = request.session.get(SESSION_SUBJECT)
    provider = _provider(getattr(request.user, "huvudman_id", None))
    if subject is None or provider is None:
        return ""
    client = saml_client(request.session, provider)
    try:
        client.metadata.single_logout_service(provider.idp_entity_id, saml2.BINDING_HTTP_REDIRECT, "idpsso")
        result = client.global_logout(decode(subject))
    except UnsupportedBinding:  # no single logout service by redirect
        return ""
    except Exception as error:  # pysaml2's LogoutError and others: sign out locally.
        log.warning("SAML logout request not sent for huvudman %s: %s", provider.huvudman_id, error)
        return ""
    for info in result.values():
        if isinstance(info, tuple) and info[0] == saml2.BINDING_HTTP_REDIRECT:
            return str(dict(info[1]["headers"])["Location"])
    return ""


def forget_after_logout(request: HttpRequest, huvudman_id: int | None) -> None:
    """After the local sign-out: the huvudman, so that the IdP's LogoutResponse is read against
    its IdP (the session is new and holds nothing else)."""
    if huvudman_id:
        request.session[SESSION_HUVUDMAN] = huvudman_id


def handle_logout_message(request: HttpRequest, data: Any, binding: str) -> str:
    """The IdP's LogoutRequest (answered with a LogoutResponse, whose address is returned) or
    its LogoutResponse to ours ("" returned). The caller signs the person out locally."""
    huvudman_id = getattr(request.user, "huvudman_id", None) or request.session.get(SESSION_HUVUDMAN)
    provider = _provider(huvudman_id)
    if provider is None:
        raise SamlRefused("logout message without a known IdP", ERROR_NO_REQUEST, 400)
    client = saml_client(request.session, provider)
    subject = request.session.get(SESSION_SUBJECT)
    if "SAMLResponse" not in data and ("SAMLRequest" not in data or subject is None):
        raise SamlRefused("logout message without a request or a subject", ERROR_NO_REQUEST, 400)
    try:
        if "SAMLResponse" in data:
            client.parse_logout_request_response(data["SAMLResponse"], binding)
            return ""
        info = client.handle_logout_request(
            data["SAMLRequest"], decode(subject), binding, relay_state=data.get("RelayState", "")
        )
    except Exception as error:  # pysaml2 raises many kinds; each one refuses the message.
        raise SamlRefused(f"logout message not verified: {error}", ERROR_NOT_VERIFIED) from error
    return str(dict(info.get("headers", [])).get("Location", ""))
