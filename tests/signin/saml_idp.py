"""A SAML identity provider built in the test with pysaml2, as a school's IdP in Skolfederation
would answer: its own key pair (generated with `cryptography` at test time), Digiplan's SP
metadata as Digiplan publishes it, and Skolfederation's attributes.

    idp = SchoolIdp.build(tmp_path, "https://idp.sjovik.test/idp")
    configure(world.huvudman, idp)                    # the huvudman trusts this IdP
    request_id = start(client, world.huvudman)        # GET the start URL, read the AuthnRequest
    response = post_answer(client, idp.answer(request_id, identity=SKOLFEDERATION_STAFF))
"""

import base64
import datetime as dt
import html
import http.server
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.urls import reverse
from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import Config, IdPConfig
from saml2.metadata import create_metadata_string, entities_descriptor, entity_descriptor
from saml2.s_utils import decode_base64_and_inflate
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.samlp import authn_request_from_string
from saml2.server import Server
from saml2.sigver import security_context
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from digiplan.organisations.models import Huvudman
from digiplan.signin.models import SamlIdentityProvider
from digiplan.signin.saml import acs_url, sp_config, sp_entity_id, with_skolfederation_names

XMLSEC = "/usr/bin/xmlsec1"


@pytest.fixture(scope="session")
def saml_sp_key_dir(tmp_path_factory):
    # One SP key pair for the test run: generating a 3072-bit key takes a while.
    return tmp_path_factory.mktemp("saml-sp")


@pytest.fixture(autouse=True)
def saml_sp_keys(settings, saml_sp_key_dir):
    """Import into a test module: the SP's generated keys go to a temporary directory."""
    settings.SAML_KEY_DIR = saml_sp_key_dir


def key_pair(directory: Path, name: str, *, days: int = 365) -> tuple[Path, Path]:
    """A fresh RSA key and self-signed certificate, as PEM files in directory."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = directory / f"{name}-key.pem", directory / f"{name}-cert.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def sp_metadata() -> str:
    """Digiplan's SP metadata, as the federation passes it on to the IdP."""
    return create_metadata_string("", config=sp_config(), sign=False).decode()


@dataclass
class SchoolIdp:
    entity_id: str
    server: Server
    key_file: Path
    cert_file: Path
    config: IdPConfig

    @classmethod
    def build(
        cls,
        directory: Path,
        entity_id: str,
        *,
        slo: bool = True,
        key_pair_files: tuple[Path, Path] | None = None,
        valid_for_hours: int = 0,
    ) -> "SchoolIdp":
        key_file, cert_file = key_pair_files or key_pair(directory, urlparse(entity_id).hostname or "idp")
        endpoints: dict[str, list[tuple[str, str]]] = {
            "single_sign_on_service": [(f"{entity_id}/sso/redirect", BINDING_HTTP_REDIRECT)],
        }
        if slo:
            endpoints["single_logout_service"] = [(f"{entity_id}/slo/redirect", BINDING_HTTP_REDIRECT)]
        conf = IdPConfig()
        conf.load(
            {
                "entityid": entity_id,
                "xmlsec_binary": XMLSEC,
                "key_file": str(key_file),
                "cert_file": str(cert_file),
                "valid_for": valid_for_hours or None,
                "metadata": {"inline": [sp_metadata()]},
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
                "service": {
                    "idp": {
                        "endpoints": endpoints,
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": 5},
                                "attribute_restrictions": None,
                                "name_form": NAME_FORMAT_URI,
                            }
                        },
                    }
                },
            }
        )
        with_skolfederation_names(conf.attribute_converters)  # sends sisSchoolUnitCode by its OID
        return cls(entity_id, Server(config=conf), key_file, cert_file, conf)

    def metadata(self) -> str:
        return create_metadata_string("", config=self.config, sign=False).decode()

    def entity(self):
        return entity_descriptor(self.config)

    def answer(
        self,
        request_id: str | None,
        identity: dict[str, list[str]],
        *,
        sign_response: bool = False,
        sign_assertion: bool = True,
        encrypt: bool = False,
        audience: str | None = None,
        destination: str | None = None,
        name_id: str = "anna-1234",
    ) -> str:
        """A SAML Response to request_id, base64-encoded as the HTTP-POST binding carries it."""
        kwargs = {}
        if encrypt:
            kwargs = {
                "encrypt_assertion": True,
                "encrypt_cert_assertion": _pem_body(sp_config().cert_file),
                "encrypt_assertion_self_contained": True,
            }
        response = self.server.create_authn_response(
            identity=identity,
            in_response_to=request_id,
            destination=destination or acs_url(),
            sp_entity_id=audience or sp_entity_id(),
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=name_id),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
            sign_response=sign_response,
            sign_assertion=sign_assertion,
            **kwargs,
        )
        return base64.b64encode(str(response).encode()).decode()


def _pem_body(cert_file: str) -> str:
    lines = Path(cert_file).read_text().strip().splitlines()
    return "".join(line for line in lines if "CERTIFICATE" not in line)


def federation_metadata(
    directory: Path, idps: list[SchoolIdp], *, valid_for_hours: int = 24, signer: str = "federation"
) -> tuple[str, str]:
    """Metadata of a federation naming idps, signed with the key named signer (made on first
    use in directory): the XML and the signer's certificate (PEM)."""
    key_file, cert_file = directory / f"{signer}-key.pem", directory / f"{signer}-cert.pem"
    if not key_file.exists():
        key_file, cert_file = key_pair(directory, signer)
    conf = Config()
    conf.key_file, conf.cert_file, conf.xmlsec_binary = str(key_file), str(cert_file), XMLSEC
    conf.crypto_backend = "xmlsec1"
    _entities, xml = entities_descriptor(
        [idp.entity() for idp in idps],
        valid_for_hours,
        "https://federation.test/",
        "fed-1",
        True,
        security_context(conf),
        SIG_RSA_SHA256,
        DIGEST_SHA256,
    )
    return xml if isinstance(xml, str) else xml.decode(), cert_file.read_text()


class MetadataServer:
    """A local HTTP server that serves documents set per path: federation metadata, fetched by
    the settings page and the refresh command over a real connection."""

    def __init__(self) -> None:
        self.documents: dict[str, tuple[int, bytes]] = {}
        documents = self.documents

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802  (the name http.server calls)
                status, body = documents.get(self.path, (404, b"not found"))
                self.send_response(status)
                self.send_header("Content-Type", "application/samlmetadata+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def serve(self, path: str, body: str, status: int = 200) -> str:
        self.documents[path] = (status, body.encode())
        return f"http://127.0.0.1:{self.httpd.server_port}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(name="metadata_server")
def metadata_server_fixture():
    server = MetadataServer()
    yield server
    server.close()


def configure(huvudman: Huvudman, idp: SchoolIdp, **fields) -> SamlIdentityProvider:
    provider, _created = SamlIdentityProvider.objects.update_or_create(
        huvudman=huvudman,
        defaults={
            "enabled": True,
            "display_name": "Skolkonto",
            "metadata_xml": idp.metadata(),
            "idp_entity_id": idp.entity_id,
            **fields,
        },
    )
    return provider


def start(client, huvudman: Huvudman) -> str:
    """GETs the start URL; the id of the AuthnRequest the page carries on to the IdP."""
    response = client.get(reverse("signin_saml_start", args=[huvudman.organisation_number]))
    assert response.status_code == 200, response
    return request_id_of(parse_qs(urlparse(onward_url(response)).query)["SAMLRequest"][0])


def onward_url(response) -> str:
    """Where a page that moves on by itself (signin/onward.html) sends the browser."""
    match = re.search(r'http-equiv="refresh" content="0;url=([^"]+)"', response.content.decode())
    assert match, response.content.decode()
    return html.unescape(match.group(1))


def request_id_of(saml_request: str) -> str:
    return authn_request_from_string(decode_base64_and_inflate(saml_request)).id


def post_answer(client, saml_response: str):
    return client.post(reverse("signin_saml_acs"), {"SAMLResponse": saml_response})


SKOLFEDERATION_ATTRIBUTES = (
    "eduPersonPrincipalName",
    "mail",
    "givenName",
    "sn",
    "eduPersonScopedAffiliation",
)


def skolfederation_identity(
    *, principal: str, mail: str, given: str = "Per", surname: str = "Personal", unit_code: str = ""
) -> dict[str, list[str]]:
    identity = {
        "eduPersonPrincipalName": [principal],
        "mail": [mail],
        "givenName": [given],
        "sn": [surname],
        "eduPersonScopedAffiliation": [f"staff@{principal.partition('@')[2] or 'sjovik.test'}"],
    }
    if unit_code:
        identity["sisSchoolUnitCode"] = [unit_code]
    return identity
