"""A SAML sign-in from start to end: the AuthnRequest to the huvudman's IdP, the answer
verified by pysaml2 and turned into Claims, and single logout.

The SAML state (the huvudman, the outstanding request, the subject for logout) lives in
djangosaml2's SAML session (request.saml_session), whose cookie reaches the ACS when the IdP
POSTs the answer from its own site."""

import logging
from dataclasses import dataclass
from typing import Any

import saml2
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from djangosaml2.cache import IdentityCache, OutstandingQueriesCache, StateCache
from saml2.client import Saml2Client
from saml2.ident import code
from saml2.response import AuthnResponse, StatusError, UnsolicitedResponse
from saml2.validate import ResponseLifetimeExceed, ToEarly

from digiplan.organisations.models import Huvudman
from digiplan.signin.models import SamlIdentityProvider
from digiplan.signin.saml import (
    ATTRIBUTE_OIDS,
    SESSION_HUVUDMAN,
    SESSION_NEXT,
    provider_in_session,
    sp_config,
)
from digiplan.signin.saml_services import saml_assertion_remember
from digiplan.signin.services import Claims, Outcome, match_person
from digiplan.signin.session import METHOD_SAML, sign_in_person

log = logging.getLogger("digiplan.signin")

SESSION_SUBJECT = "_saml2_subject_id"
SESSION_IDENTITIES = "_saml2_identities"  # djangosaml2's IdentityCache

ERROR_NO_REQUEST = _(
    "Digiplan has not asked your school's identity provider to sign you in, or the sign-in has "
    "already been used. Start again from the sign-in page."
)
ERROR_NOT_VERIFIED = _(
    "The answer from your school's identity provider could not be verified, so you have not been "
    "signed in. Start again from the sign-in page. If it happens again, contact your strategist or "
    "IT support and tell them the time."
)
ERROR_TIME = _(
    "The answer from your school's identity provider has expired or is not valid yet. Check that "
    "the clock of your computer is right, then start again from the sign-in page."
)
ERROR_REPLAYED = _("This sign-in has already been used. Start again from the sign-in page.")
ERROR_NOT_AVAILABLE = _(
    "Sign-in with a school account is not available for your organisation right now. Sign in with "
    "your password or contact your strategist."
)


class SamlRefused(Exception):
    """A SAML answer that signs nobody in: the reason for the log, the message for the person."""

    def __init__(self, reason: str, message: Any, status: int = 403) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message
        self.status = status


@dataclass(frozen=True)
class VerifiedAnswer:
    provider: SamlIdentityProvider
    claims: Claims
    assertion_id: str
    not_on_or_after: int
    name_id: Any
    next_url: str


def saml_client(session: Any, provider: SamlIdentityProvider) -> Saml2Client:
    """pysaml2's client for provider, keeping its state in session: the SAML session during a
    sign-in, the ordinary session once signed in (for single logout)."""
    return Saml2Client(
        sp_config(provider), state_cache=StateCache(session), identity_cache=IdentityCache(session)
    )


def _safe_next(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return ""


def start(request: HttpRequest, provider: SamlIdentityProvider) -> str:
    """The IdP's address carrying a signed AuthnRequest (HTTP-Redirect binding); the request
    and the huvudman are remembered in the SAML session for the ACS."""
    saml_session = request.saml_session  # type: ignore[attr-defined]
    client = saml_client(saml_session, provider)
    request_id, info = client.prepare_for_authenticate(
        entityid=provider.idp_entity_id, binding=saml2.BINDING_HTTP_REDIRECT, sign=True
    )
    # Only the request of this sign-in is outstanding: an older one's answer is unsolicited.
    saml_session.pop("_saml2_outstanding_queries", None)
    OutstandingQueriesCache(saml_session).set(request_id, provider.huvudman_id)
    saml_session[SESSION_HUVUDMAN] = provider.huvudman_id
    saml_session[SESSION_NEXT] = _safe_next(request, request.GET.get("next", ""))
    return dict(info["headers"])["Location"]


def _parse(request: HttpRequest, provider: SamlIdentityProvider, outstanding: dict) -> AuthnResponse:
    try:
        client = saml_client(request.saml_session, provider)  # type: ignore[attr-defined]
        response = client.parse_authn_request_response(
            request.POST["SAMLResponse"], saml2.BINDING_HTTP_POST, outstanding
        )
    except UnsolicitedResponse as error:
        raise SamlRefused(f"unsolicited response: {error}", ERROR_NO_REQUEST, 400) from error
    except (ResponseLifetimeExceed, ToEarly) as error:
        raise SamlRefused(f"outside its validity: {error}", ERROR_TIME) from error
    except StatusError as error:
        raise SamlRefused(f"the IdP answered with an error status: {error}", ERROR_NOT_VERIFIED) from error
    except Exception as error:  # pysaml2 raises many kinds; every one refuses the answer.
        raise SamlRefused(
            f"not verified ({type(error).__name__}: {str(error)[:300]})", ERROR_NOT_VERIFIED
        ) from error
    # pysaml2 hands back the parsed response even when its own check of Destination or
    # InResponseTo failed (it logs the reason on "saml2.response"); then it has parsed no
    # assertion. Only a response with a verified assertion signs anyone in.
    if response is None or response.assertion is None:
        raise SamlRefused(
            "not verified (Destination, InResponseTo or status refused by pysaml2)", ERROR_NOT_VERIFIED
        )
    return response


def _values(ava: dict[str, list[str]], name: str) -> list[str]:
    name = name.strip()
    if not name:
        return []
    values = ava.get(name) or ava.get(ATTRIBUTE_OIDS.get(name, "")) or []
    return [str(v) for v in values]


def _first(ava: dict[str, list[str]], name: str) -> str:
    values = _values(ava, name)
    return values[0].strip() if values else ""


def claims_from(provider: SamlIdentityProvider, ava: dict[str, list[str]], name_id: str) -> Claims:
    """The attributes as the provider's mapping names them. The e-mail address counts as
    verified: the huvudman's own IdP vouches for it, and matching looks only among that
    huvudman's people."""
    principal = _first(ava, provider.attr_principal_name)
    return Claims(
        issuer=provider.idp_entity_id,
        subject=principal or name_id,
        principal_name=principal,
        email=_first(ava, provider.attr_email),
        email_verified=True,
        given_name=_first(ava, provider.attr_given_name),
        surname=_first(ava, provider.attr_surname),
        affiliations=tuple(_values(ava, provider.attr_affiliation)),
        school_unit_codes=tuple(_values(ava, provider.attr_school_unit_code)),
    )


def verify(request: HttpRequest) -> VerifiedAnswer:
    """The answer POSTed to the ACS, verified by pysaml2 against the one IdP of the sign-in
    under way; SamlRefused otherwise."""
    if "SAMLResponse" not in request.POST:
        raise SamlRefused("no SAMLResponse in the POST", ERROR_NO_REQUEST, 400)
    provider = provider_in_session(request.saml_session)  # type: ignore[attr-defined]
    oq_cache = OutstandingQueriesCache(request.saml_session)  # type: ignore[attr-defined]
    outstanding = oq_cache.outstanding_queries()
    if provider is None or not outstanding:
        raise SamlRefused("unsolicited response: no sign-in under way in this session", ERROR_NO_REQUEST, 400)
    response = _parse(request, provider, outstanding)
    if response.issuer() != provider.idp_entity_id:
        raise SamlRefused(f"issuer {response.issuer()!r} is not the configured IdP", ERROR_NOT_VERIFIED)
    oq_cache.delete(response.in_response_to)
    assertion = response.assertion
    name_id = response.name_id
    return VerifiedAnswer(
        provider=provider,
        claims=claims_from(provider, response.ava or {}, getattr(name_id, "text", "") or ""),
        assertion_id=assertion.id,
        not_on_or_after=response.not_on_or_after,
        name_id=name_id,
        next_url=request.saml_session.get(SESSION_NEXT, ""),  # type: ignore[attr-defined]
    )


def remember_subject(request: HttpRequest, answer: VerifiedAnswer) -> None:
    """After sign-in: what single logout needs (the subject the IdP knows and pysaml2's record
    of it) moves to the ordinary session, and the SAML session, done with, is deleted."""
    saml_session = request.saml_session  # type: ignore[attr-defined]
    request.session[SESSION_SUBJECT] = code(answer.name_id)
    request.session[SESSION_IDENTITIES] = saml_session.get(SESSION_IDENTITIES, {})
    saml_session.flush()


def after_sign_in_url(request: HttpRequest, answer: VerifiedAnswer) -> str:
    return _safe_next(request, answer.next_url) or resolve_url(settings.LOGIN_REDIRECT_URL)


def unknown_url(huvudman: Huvudman) -> str:
    return reverse("signin_unknown") + f"?h={huvudman.pk}"


def complete(request: HttpRequest) -> str:
    """The ACS: the verified answer signs its person in (where to go next is returned), or
    SamlRefused. Matching looks only among the people of the huvudman the sign-in started for."""
    answer = verify(request)
    if not saml_assertion_remember(assertion_id=answer.assertion_id, not_on_or_after=answer.not_on_or_after):
        raise SamlRefused(f"replayed assertion {answer.assertion_id}", ERROR_REPLAYED)
    huvudman = answer.provider.huvudman
    match = match_person(huvudman=huvudman, claims=answer.claims)
    if match.person is None or match.outcome not in (Outcome.MATCHED, Outcome.CREATED):
        return unknown_url(huvudman)
    sign_in_person(request, match.person, method=METHOD_SAML, provider=answer.provider.idp_entity_id)
    remember_subject(request, answer)
    return after_sign_in_url(request, answer)
