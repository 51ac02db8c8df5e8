"""OpenID Connect providers for the tests, each a real HTTP server in a thread on a free port.

* ``oidc_mock``: oidc-provider-mock, a real provider (Authlib's server side) for round trips.
  People are told to it with ``oidc_mock.person(sub, claims)``.
  Import ``oidc_mock_fixture`` (and ``mock_server_fixture``) to use it.
* ``forger``: a tiny provider whose ID tokens say whatever the test wants, signed with a key
  the test controls (or another one): for the tokens a real provider would never send, such
  as a wrong nonce, another issuer, an expired token or a wrong audience. Import
  ``forger_fixture`` and ``forger_server_fixture``.

Both servers live for the whole test session; each test starts them from a clean slate."""

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
import requests
from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from oidc_provider_mock import run_server_in_thread
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from digiplan.signin.oidc_services import oidc_provider_save

CLIENT_ID = "digiplan-test"
CLIENT_SECRET = "hemlig-klient-nyckel-8f3a"


@dataclass
class MockProvider:
    issuer: str

    def person(self, sub: str, claims: dict[str, Any]) -> None:
        """The mock will sign in `sub` with these claims (when the scopes ask for them)."""
        requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=5).raise_for_status()


@pytest.fixture(scope="session", name="mock_server")
def mock_server_fixture():
    with run_server_in_thread(require_nonce=True) as server:
        yield MockProvider(issuer=f"http://localhost:{server.server_port}")


@pytest.fixture(name="oidc_mock")
def oidc_mock_fixture(mock_server):
    cache.clear()  # discovery documents are cached between requests, not between tests
    return mock_server


# ---- The forger -----------------------------------------------------------------------------------


def _json(data: object, status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, content_type="application/json")


@dataclass
class Forger:
    """A provider that answers every authorization request at once (no sign-in form) and
    issues the ID token the test describes."""

    issuer: str = ""
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": "forger-1"}, private=True))
    # What the test changes (reset before each test):
    claims: dict[str, Any] = field(default_factory=dict)  # added to / replacing the defaults
    signing_key: RSAKey | None = None  # sign with this key instead of the published one
    discovery: Any = None  # serve this instead of the right discovery document
    nonces: dict[str, str] = field(default_factory=dict)  # code -> nonce of its request

    def reset(self) -> None:
        self.claims, self.signing_key, self.discovery = {}, None, None

    def document(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
        }

    def id_token(self, code: str, client_id: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": "forged-subject",
            "aud": client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": self.nonces.pop(code, ""),
            "email": "personal@sjovik.test",
            "email_verified": True,
        }
        claims.update(self.claims)
        key = self.signing_key or self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)

    def __call__(self, environ, start_response):
        request = Request(environ)
        return self.respond(request)(environ, start_response)

    def respond(self, request: Request) -> Response:
        if request.path == "/.well-known/openid-configuration":
            if isinstance(self.discovery, str):
                return Response(self.discovery, content_type="application/json")
            return _json(self.discovery if self.discovery is not None else self.document())
        if request.path == "/jwks":
            return _json(KeySet([self.key]).as_dict(private=False))
        if request.path == "/authorize":
            code = secrets.token_urlsafe(16)
            self.nonces[code] = request.args.get("nonce", "")
            query = urlencode({"code": code, "state": request.args.get("state", "")})
            return Response(status=302, headers={"Location": f"{request.args['redirect_uri']}?{query}"})
        if request.path == "/token" and request.method == "POST":
            client_id = request.authorization.username if request.authorization else request.form["client_id"]
            token = self.id_token(request.form["code"], client_id)
            return _json(
                {"access_token": "forged", "token_type": "Bearer", "expires_in": 300, "id_token": token}
            )
        return Response("not found", status=404)


@pytest.fixture(scope="session", name="forger_server")
def forger_server_fixture():
    forger = Forger()
    server = make_server("localhost", 0, forger, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    forger.issuer = f"http://localhost:{server.server_port}"
    yield forger
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture(name="forger")
def forger_fixture(forger_server):
    cache.clear()
    forger_server.reset()
    return forger_server


# ---- Steps of a sign-in ---------------------------------------------------------------------------


def provider_for(huvudman, issuer: str, *, actor, **values):
    """The huvudman's provider at issuer, in use, saved the way the settings page saves it."""
    defaults = {
        "display_name": "Skolkonto",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "allowed_email_domains": "",
        "enabled": True,
    }
    return oidc_provider_save(actor=actor, huvudman=huvudman, issuer=issuer, **{**defaults, **values})


def callback_path(location: str) -> str:
    """The path and query of the provider's redirect back to Digiplan, for the test client."""
    parts = urlsplit(location)
    assert parts.path == reverse("signin_oidc_callback"), location
    return f"{parts.path}?{parts.query}"


def onward_url(response) -> str:
    """Where a page of Digiplan sends the browser on to the provider (a refresh, not a redirect)."""
    assert response.status_code == 200, response.content
    url = response.context["provider_url"]
    assert f'content="0;url={escape(url)}"' in response.content.decode()
    return url


def start(client, huvudman, query: str = "") -> str:
    """The provider's authorization URL the start page sends the browser to."""
    return onward_url(client.get(reverse("signin_oidc_start", args=[huvudman.organisation_number]) + query))


def sign_in_at_mock(client, mock: MockProvider, huvudman, sub: str, claims: dict[str, Any], *, deny=False):
    """The whole journey through the mock: start, the person signs in (or says no) at the
    provider, and the provider's answer comes back to Digiplan. The callback's response."""
    mock.person(sub, claims)
    authorize = start(client, huvudman)
    form = {"action": "deny"} if deny else {"sub": sub}
    answer = requests.post(authorize, data=form, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    return client.get(callback_path(answer.headers["Location"]))


def sign_in_at_forger(client, huvudman):
    authorize = start(client, huvudman)
    answer = requests.get(authorize, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    return client.get(callback_path(answer.headers["Location"]))
