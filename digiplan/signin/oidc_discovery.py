"""An OpenID Connect provider's discovery document (`{issuer}/.well-known/openid-configuration`),
fetched, checked and kept briefly in Django's cache.

The document names the endpoints every later step talks to, so it must come from the issuer the
strategist configured and say so itself: a document whose `issuer` differs (even by a trailing
slash) is refused, as OpenID Connect Discovery 1.0 §4.3 requires."""

import hashlib
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from authlib.common.security import is_secure_transport
from django.core.cache import cache

log = logging.getLogger("digiplan.signin")

DISCOVERY_PATH = "/.well-known/openid-configuration"
CACHE_SECONDS = 300
HTTP_TIMEOUT_SECONDS = 10
REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")


class DiscoveryError(Exception):
    """The provider could not be reached or its document is not usable; str() is the reason."""


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str = ""
    signing_algorithms: tuple[str, ...] = ("RS256",)
    token_auth_methods: tuple[str, ...] = ("client_secret_basic",)


def is_acceptable_url(url: object) -> bool:
    """https, or http to this machine only (a provider under test), by Authlib's rule: never
    plain http elsewhere, where the code and the tokens would cross the network readable."""
    return isinstance(url, str) and bool(urlsplit(url).hostname) and is_secure_transport(url)


def _cache_key(issuer: str) -> str:
    return "signin:oidc:discovery:" + hashlib.sha256(issuer.encode()).hexdigest()


def _strings(value: object, default: tuple[str, ...]) -> tuple[str, ...]:
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    return default


def parse_document(issuer: str, document: object) -> ProviderMetadata:
    """The metadata of a discovery document, or DiscoveryError saying what is wrong with it."""
    if not isinstance(document, dict):
        raise DiscoveryError("the discovery document is not a JSON object")
    if document.get("issuer") != issuer:
        raise DiscoveryError(
            f"the discovery document names issuer {document.get('issuer')!r}, not {issuer!r}"
        )
    for name in REQUIRED_ENDPOINTS:
        if not is_acceptable_url(document.get(name, "")):
            raise DiscoveryError(f"the discovery document has no usable {name}")
    end_session = document.get("end_session_endpoint", "")
    return ProviderMetadata(
        issuer=issuer,
        authorization_endpoint=document["authorization_endpoint"],
        token_endpoint=document["token_endpoint"],
        jwks_uri=document["jwks_uri"],
        end_session_endpoint=end_session if is_acceptable_url(end_session) else "",
        signing_algorithms=_strings(document.get("id_token_signing_alg_values_supported"), ("RS256",)),
        token_auth_methods=_strings(
            document.get("token_endpoint_auth_methods_supported"), ("client_secret_basic",)
        ),
    )


def fetch_json(url: str) -> object:
    """GET url and parse its JSON; DiscoveryError when unreachable, not 200 or not JSON."""
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT_SECONDS, headers={"Accept": "application/json"})
    except requests.RequestException as error:
        raise DiscoveryError(f"{url} could not be reached: {type(error).__name__}") from error
    if response.status_code != 200:
        raise DiscoveryError(f"{url} answered {response.status_code}")
    try:
        return response.json()
    except ValueError as error:
        raise DiscoveryError(f"{url} did not answer JSON") from error


def provider_metadata(issuer: str, *, fresh: bool = False) -> ProviderMetadata:
    """The provider's checked metadata, from the cache unless fresh (the settings page checks
    what the provider says now). Raises DiscoveryError."""
    if not is_acceptable_url(issuer):
        raise DiscoveryError(f"the issuer {issuer!r} is not an https address")
    key = _cache_key(issuer)
    cached = None if fresh else cache.get(key)
    if isinstance(cached, ProviderMetadata):
        return cached
    metadata = parse_document(issuer, fetch_json(issuer.rstrip("/") + DISCOVERY_PATH))
    cache.set(key, metadata, CACHE_SECONDS)
    return metadata
