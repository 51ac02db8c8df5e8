"""Signing in with a huvudman's OpenID Connect provider (Entra ID, Google Workspace …): the
authorization code flow with state, nonce and PKCE, done by Authlib.

Authlib's OAuth2Session builds the authorization request and exchanges the code; joserfc
(Authlib's JOSE library) checks the ID token's signature against the provider's published keys
and Authlib's CodeIDToken checks iss, aud, exp, iat and nonce. Nothing here checks a signature
or a claim by hand. The huvudman comes from the session the start page wrote, never from the
provider's answer, so an answer can only ever match the people of the huvudman it was asked for.
"""

import logging
import secrets
from dataclasses import asdict, dataclass
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_uri
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from authlib.oidc.core import CodeIDToken
from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from digiplan.lib.sealing import SealError, seal, unseal
from digiplan.organisations.models import Huvudman, Person
from digiplan.signin.models import OidcProvider, split_domains
from digiplan.signin.oidc_discovery import DiscoveryError, ProviderMetadata, fetch_json, provider_metadata
from digiplan.signin.services import Claims, Outcome, match_person
from digiplan.signin.session import METHOD_OIDC, SESSION_METHOD, sign_in_person

log = logging.getLogger("digiplan.signin")

SECRET_PURPOSE = "oidc-client-secret"
SECRET_SIZE = 512
FLOW_SESSION_KEY = "signin_oidc_flow"
# Kept only to name the session when asking the provider to end it (single logout).
ID_TOKEN_SESSION_KEY = "signin_oidc_id_token"
HTTP_TIMEOUT_SECONDS = 10
PUBLIC_KEY_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
# Clocks of two servers never agree exactly; a minute is what most clients allow.
LEEWAY_SECONDS = 60

ERROR_STATE = _(
    "The sign-in could not be completed: it was started in another window, or it took too long. "
    "Start again from the sign-in page."
)
ERROR_PROVIDER_REFUSED = _(
    "Your school account's sign-in service did not sign you in. Try again; if it happens again, "
    "contact your organisation's IT support."
)
ERROR_TOKEN = _(
    "The answer from your school account's sign-in service could not be verified, so you have not "
    "been signed in. Start again from the sign-in page; if it happens again, contact your "
    "organisation's IT support."
)
ERROR_EMAIL_NOT_VERIFIED = _(
    "Your school account's sign-in service has not confirmed your e-mail address, so Digiplan "
    "cannot tell who you are. Contact your organisation's IT support."
)
ERROR_DOMAIN = _(
    "Your e-mail address is not in a domain your organisation allows for signing in to Digiplan. "
    "Sign in with your school account, or contact your organisation's strategist."
)
ERROR_UNREACHABLE = _(
    "Your school account's sign-in service could not be reached, or it answered in a way Digiplan "
    "does not understand. Try again in a while; if it keeps happening, contact your organisation's "
    "strategist."
)


class Refusal(Exception):
    """A sign-in that must not go on: message is for the person, reason for the log."""

    def __init__(self, message: str | Promise, reason: str, status: int = 403):
        super().__init__(reason)
        self.message = message
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class Flow:
    """What the start page remembers in the session for the callback."""

    huvudman_pk: int
    state: str
    nonce: str
    code_verifier: str
    next_url: str = ""


def redirect_uri() -> str:
    """The one redirect URI of the installation, registered at every huvudman's provider."""
    return settings.SITE_URL.rstrip("/") + reverse("signin_oidc_callback")


def post_logout_redirect_uri() -> str:
    return settings.SITE_URL.rstrip("/") + resolve_url(settings.LOGIN_URL)


def seal_secret(secret: str, *, huvudman: Huvudman) -> bytes:
    return seal(secret.encode(), purpose=SECRET_PURPOSE, context=str(huvudman.pk), size=SECRET_SIZE)


def client_secret(provider: OidcProvider) -> str:
    if not provider.client_secret_sealed:
        return ""
    value = unseal(provider.client_secret_sealed, purpose=SECRET_PURPOSE, context=str(provider.huvudman_id))
    return value.decode()


def _refuse(huvudman_pk: int | None, message: str | Promise, reason: str, status: int = 403) -> Refusal:
    log.warning("OpenID Connect sign-in refused for huvudman %s: %s", huvudman_pk, reason)
    return Refusal(message, reason, status)


def _metadata(provider: OidcProvider) -> ProviderMetadata:
    try:
        return provider_metadata(provider.issuer)
    except DiscoveryError as error:
        raise _refuse(provider.huvudman_id, ERROR_UNREACHABLE, f"discovery failed: {error}", 400) from error


def _scope(provider: OidcProvider) -> str:
    scopes = provider.scopes.split()
    return " ".join(scopes if "openid" in scopes else ["openid", *scopes])


# ---- Start ---------------------------------------------------------------------------------------


def _safe_next(request: HttpRequest) -> str:
    """Where the person was going (a page of this site only), to go on there once signed in."""
    target = request.GET.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


def start_url(request: HttpRequest, provider: OidcProvider) -> str:
    """The provider's authorization URL for a new sign-in, remembering the flow in the session.
    Raises Refusal when the provider cannot be reached."""
    metadata = _metadata(provider)
    flow = Flow(
        huvudman_pk=provider.huvudman_id,
        state=generate_token(43),
        nonce=generate_token(43),
        code_verifier=generate_token(64),
        next_url=_safe_next(request),
    )
    client = OAuth2Session(
        client_id=provider.client_id,
        scope=_scope(provider),
        redirect_uri=redirect_uri(),
        code_challenge_method="S256",
    )
    url, _state = client.create_authorization_url(
        metadata.authorization_endpoint, state=flow.state, code_verifier=flow.code_verifier, nonce=flow.nonce
    )
    request.session[FLOW_SESSION_KEY] = asdict(flow)
    return url


# ---- Callback ------------------------------------------------------------------------------------


def _pop_flow(request: HttpRequest) -> Flow:
    """The flow the start page remembered, if the answer's state is its state; used only once."""
    stored = request.session.pop(FLOW_SESSION_KEY, None)
    state = request.GET.get("state", "")
    if not isinstance(stored, dict):
        raise _refuse(None, ERROR_STATE, "no sign-in was started in this session", 400)
    flow = Flow(**stored)
    if not state or not secrets.compare_digest(state.encode(), flow.state.encode()):
        raise _refuse(flow.huvudman_pk, ERROR_STATE, "the state does not match the one sent", 400)
    return flow


def _provider_of(flow: Flow) -> OidcProvider:
    provider = (
        OidcProvider.objects.filter(huvudman_id=flow.huvudman_pk, enabled=True)
        .select_related("huvudman")
        .first()
    )
    if provider is None:
        raise _refuse(
            flow.huvudman_pk, ERROR_UNREACHABLE, "the provider was turned off during the sign-in", 400
        )
    return provider


def _provider_error(request: HttpRequest, flow: Flow) -> None:
    error = request.GET.get("error", "")
    if error:
        description = request.GET.get("error_description", "")[:200]
        raise _refuse(
            flow.huvudman_pk, ERROR_PROVIDER_REFUSED, f"the provider answered {error!r}: {description}"
        )
    if not request.GET.get("code"):
        raise _refuse(flow.huvudman_pk, ERROR_PROVIDER_REFUSED, "the answer has no code", 400)


def _exchange_code(
    request: HttpRequest, provider: OidcProvider, metadata: ProviderMetadata, flow: Flow
) -> tuple[str, str]:
    """The ID token and access token the provider gives for the code (proving the client by its
    secret and the PKCE verifier)."""
    try:
        secret = client_secret(provider)
    except SealError as error:
        raise _refuse(
            provider.huvudman_id, ERROR_UNREACHABLE, "the client secret does not open", 400
        ) from error
    method = (
        "client_secret_basic"
        if "client_secret_basic" in metadata.token_auth_methods
        else "client_secret_post"
    )
    client = OAuth2Session(
        client_id=provider.client_id,
        client_secret=secret,
        token_endpoint_auth_method=method,
        redirect_uri=redirect_uri(),
    )
    try:
        token = client.fetch_token(
            metadata.token_endpoint,
            grant_type="authorization_code",
            code=request.GET["code"],
            code_verifier=flow.code_verifier,
            timeout=HTTP_TIMEOUT_SECONDS,
        )
    except OAuthError as error:
        reason = f"the token endpoint refused the code: {error.error}"
        raise _refuse(provider.huvudman_id, ERROR_PROVIDER_REFUSED, reason) from error
    except (requests.RequestException, ValueError) as error:
        reason = f"the token endpoint could not be used: {type(error).__name__}"
        raise _refuse(provider.huvudman_id, ERROR_UNREACHABLE, reason, 400) from error
    id_token = token.get("id_token")
    if not isinstance(id_token, str) or not id_token:
        raise _refuse(provider.huvudman_id, ERROR_TOKEN, "the token response has no ID token")
    access_token = token.get("access_token")
    return id_token, access_token if isinstance(access_token, str) else ""


def _key_set(metadata: ProviderMetadata) -> KeySet:
    document = fetch_json(metadata.jwks_uri)
    keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(keys, list):
        raise DiscoveryError("the provider's key set has no keys")
    try:
        return KeySet.import_key_set({"keys": keys})
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise DiscoveryError(f"the provider's keys could not be read: {error}") from error


def _signing_algorithms(metadata: ProviderMetadata) -> list[str]:
    """The provider's algorithms that sign with a published public key: never "none", and never
    a shared-secret HMAC, which anyone holding the client secret could forge."""
    offered = [a for a in metadata.signing_algorithms if a in PUBLIC_KEY_ALGORITHMS]
    return offered or ["RS256"]


def _token_failure(error: JoseError) -> str:
    if isinstance(error, BadSignatureError):
        return "the ID token's signature does not verify with the provider's keys"
    if isinstance(error, ExpiredTokenError):
        return "the ID token has expired"
    if isinstance(error, InvalidClaimError | MissingClaimError):
        return f"the ID token's {error.claim} claim is wrong or missing"
    return f"the ID token is not acceptable: {type(error).__name__}: {error}"


def verified_claims(
    id_token: str, *, provider: OidcProvider, metadata: ProviderMetadata, nonce: str, access_token: str = ""
) -> dict[str, Any]:
    """The ID token's claims once its signature (the provider's published keys), issuer
    (exactly the configured one), audience (our client id), times and nonce are right."""
    try:
        # The keys are fetched at each sign-in, so a key the provider has just rotated in works.
        registry = JWSRegistry(algorithms=_signing_algorithms(metadata))
        decoded = jwt.decode(id_token, _key_set(metadata), registry=registry)
        options = {
            "iss": {"essential": True, "value": provider.issuer},
            "aud": {"essential": True, "value": provider.client_id},
        }
        # With the access token, CodeIDToken also checks at_hash when the token carries one.
        params = {"nonce": nonce, "client_id": provider.client_id, "access_token": access_token}
        claims = CodeIDToken(decoded.claims, decoded.header, options, params)
        claims.validate(leeway=LEEWAY_SECONDS)
    except DiscoveryError as error:
        raise _refuse(provider.huvudman_id, ERROR_UNREACHABLE, str(error), 400) from error
    except JoseError as error:
        raise _refuse(provider.huvudman_id, ERROR_TOKEN, _token_failure(error)) from error
    except ValueError as error:  # not a JWT at all
        raise _refuse(provider.huvudman_id, ERROR_TOKEN, f"the ID token cannot be read: {error}") from error
    return dict(claims)


def _text(token: dict[str, Any], name: str) -> str:
    value = token.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def claims_from_token(token: dict[str, Any], *, provider: OidcProvider) -> Claims:
    """What the provider says about the person, in the shape matching takes.

    The principal name is only `upn` (Entra ID's user principal name, set by the tenant's
    administrators and unique in it). `preferred_username` is not used: OpenID Connect Core
    §5.1 says it may change and is not unique, and some providers let people choose it."""
    return Claims(
        issuer=provider.issuer,
        subject=_text(token, "sub"),
        principal_name=_text(token, "upn"),
        email=_text(token, "email"),
        email_verified=token.get("email_verified") is True,
        given_name=_text(token, "given_name"),
        surname=_text(token, "family_name"),
    )


def _check_domains(claims: Claims, provider: OidcProvider) -> None:
    """Every address the answer would be matched by is in an allowed domain (when the strategist
    listed some), and there is at least one."""
    allowed = set(provider.email_domains())
    if not allowed:
        return
    addresses = [a for a in (claims.email, claims.principal_name) if a]
    domains = set(split_domains("\n".join(a.rpartition("@")[2] for a in addresses)))
    if not addresses or not domains <= allowed:
        raise _refuse(
            provider.huvudman_id, ERROR_DOMAIN, f"address domains {sorted(domains)} are not allowed"
        )


def _claims_of_answer(request: HttpRequest) -> tuple[OidcProvider, Claims, str, str]:
    flow = _pop_flow(request)
    provider = _provider_of(flow)
    _provider_error(request, flow)
    metadata = _metadata(provider)
    id_token, access_token = _exchange_code(request, provider, metadata, flow)
    token = verified_claims(
        id_token, provider=provider, metadata=metadata, nonce=flow.nonce, access_token=access_token
    )
    claims = claims_from_token(token, provider=provider)
    if not claims.subject:
        raise _refuse(provider.huvudman_id, ERROR_TOKEN, "the ID token has no subject")
    _check_domains(claims, provider)
    return provider, claims, id_token, flow.next_url


def finish_sign_in(request: HttpRequest) -> str:
    """Signs in the person the provider's answer names and returns where to go next: the start
    page, or the page for people Digiplan does not know. Raises Refusal."""
    provider, claims, id_token, next_url = _claims_of_answer(request)
    huvudman = provider.huvudman
    match = match_person(huvudman=huvudman, claims=claims)
    if match.outcome in (Outcome.MATCHED, Outcome.CREATED) and match.person is not None:
        sign_in_person(request, match.person, method=METHOD_OIDC, provider=provider.issuer)
        request.session[ID_TOKEN_SESSION_KEY] = id_token
        log.info(
            "OpenID Connect sign-in of person %s (huvudman %s) by %s", match.person.pk, huvudman.pk, match.via
        )
        return next_url or resolve_url(settings.LOGIN_REDIRECT_URL)
    if match.outcome == Outcome.UNKNOWN and claims.email and not claims.email_verified:
        # Matching by an address needs the provider's word that the address is the person's.
        raise _refuse(
            huvudman.pk, ERROR_EMAIL_NOT_VERIFIED, "no match, and the e-mail address is not verified"
        )
    return reverse("signin_unknown") + f"?h={huvudman.pk}"


# ---- Signing out ---------------------------------------------------------------------------------


def sign_out(request: HttpRequest) -> str:
    """Signs out here and returns where to go: the provider's end-session endpoint when it has
    one (single logout), else the sign-in page."""
    id_token = request.session.get(ID_TOKEN_SESSION_KEY, "")
    was_oidc = request.session.get(SESSION_METHOD) == METHOD_OIDC
    huvudman_id = request.user.huvudman_id if isinstance(request.user, Person) else None
    logout(request)
    local = resolve_url(settings.LOGOUT_REDIRECT_URL or settings.LOGIN_URL)
    if not was_oidc or huvudman_id is None:
        return local
    provider = OidcProvider.objects.filter(huvudman_id=huvudman_id, enabled=True).first()
    if provider is None:
        return local
    try:
        metadata = provider_metadata(provider.issuer)
    except DiscoveryError as error:
        log.warning("single logout skipped for huvudman %s: %s", huvudman_id, error)
        return local
    if not metadata.end_session_endpoint:
        return local
    params = {"post_logout_redirect_uri": post_logout_redirect_uri(), "client_id": provider.client_id}
    if id_token:
        params["id_token_hint"] = id_token
    return add_params_to_uri(metadata.end_session_endpoint, params)
