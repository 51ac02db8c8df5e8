"""Digiplan as one SAML service provider (SP) for the whole installation, as Skolfederation
registers it: one entity ID, one key pair, one assertion consumer service, serving the identity
provider (IdP) of each huvudman.

pysaml2 does every SAML check (signatures, audience, destination, validity, InResponseTo) and
djangosaml2 keeps its state in the session. The SP configuration is built per request and holds
only the metadata of the one huvudman whose sign-in is under way, so that a response from
another huvudman's IdP, or from another IdP of the same federation, cannot verify."""

import datetime as dt
import logging
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.http import HttpRequest
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.attribute_converter import AttributeConverter
from saml2.attributemaps import saml_uri
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from digiplan.signin.models import (
    ATTR_AFFILIATION,
    ATTR_EMAIL,
    ATTR_GIVEN_NAME,
    ATTR_PRINCIPAL_NAME,
    ATTR_SCHOOL_UNIT_CODE,
    ATTR_SURNAME,
    SamlIdentityProvider,
)

log = logging.getLogger("digiplan.signin")

# Where the huvudman of the sign-in under way is remembered between start and ACS.
SESSION_HUVUDMAN = "saml_huvudman"
SESSION_NEXT = "saml_next"

# Skolfederation's attribute profile: what the SP asks for in its metadata.
REQUIRED_ATTRIBUTES = [ATTR_PRINCIPAL_NAME]
OPTIONAL_ATTRIBUTES = [ATTR_EMAIL, ATTR_GIVEN_NAME, ATTR_SURNAME, ATTR_AFFILIATION, ATTR_SCHOOL_UNIT_CODE]


# Attribute names as Skolfederation's IdPs send them (NameFormat uri); the friendly names are
# what the strategist sees in the mapping. sisSchoolUnitCode is not in pysaml2's maps.
ATTRIBUTE_OIDS = {
    ATTR_PRINCIPAL_NAME: "urn:oid:1.3.6.1.4.1.5923.1.1.1.6",
    ATTR_EMAIL: "urn:oid:0.9.2342.19200300.100.1.3",
    ATTR_GIVEN_NAME: "urn:oid:2.5.4.42",
    ATTR_SURNAME: "urn:oid:2.5.4.4",
    ATTR_AFFILIATION: "urn:oid:1.3.6.1.4.1.5923.1.1.1.9",
    ATTR_SCHOOL_UNIT_CODE: "urn:oid:1.2.752.194.10.2.6",
}


def with_skolfederation_names(converters: list[AttributeConverter]) -> None:
    """pysaml2's converters for NameFormat uri, plus the SIS attributes of Skolfederation's
    profile, so that they are requested in the metadata and read from answers by name."""
    uri = AttributeConverter(NAME_FORMAT_URI)
    uri.from_dict(
        {
            "identifier": NAME_FORMAT_URI,
            "fro": {**saml_uri.MAP["fro"], ATTRIBUTE_OIDS[ATTR_SCHOOL_UNIT_CODE]: ATTR_SCHOOL_UNIT_CODE},
            "to": {**saml_uri.MAP["to"], ATTR_SCHOOL_UNIT_CODE: ATTRIBUTE_OIDS[ATTR_SCHOOL_UNIT_CODE]},
        }
    )
    converters[:] = [c for c in converters if c.name_format != NAME_FORMAT_URI] + [uri]


def _site() -> str:
    return settings.SITE_URL.rstrip("/")


def sp_entity_id() -> str:
    return f"{_site()}/saml/metadata/"


def acs_url() -> str:
    return f"{_site()}/saml/acs/"


def single_logout_url() -> str:
    return f"{_site()}/saml/ls/"


def _generate_key_pair(key_path: Path, cert_path: Path) -> None:
    """A self-signed pair for an installation that has not been given one: federations
    trust the certificate published in the SP metadata, not a CA."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, sp_entity_id()[:64])])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # Written under a temporary name and renamed, so that a second process never reads half a key.
    for path, data, mode in (
        (key_path, key_bytes, 0o600),
        (cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644),
    ):
        partial = path.with_suffix(".partial")
        partial.write_bytes(data)
        partial.chmod(mode)
        partial.replace(path)


def sp_key_pair() -> tuple[str, str]:
    """Paths of the SP's key and certificate: from settings, else generated once and reused."""
    if settings.SAML_SP_KEY_FILE and settings.SAML_SP_CERT_FILE:
        return str(settings.SAML_SP_KEY_FILE), str(settings.SAML_SP_CERT_FILE)
    directory = Path(settings.SAML_KEY_DIR)
    key_path, cert_path = directory / "sp-key.pem", directory / "sp-cert.pem"
    if not (key_path.exists() and cert_path.exists()):
        _generate_key_pair(key_path, cert_path)
    return str(key_path), str(cert_path)


def _config_dict(metadata_xml: str) -> dict[str, object]:
    key_file, cert_file = sp_key_pair()
    return {
        "entityid": sp_entity_id(),
        "xmlsec_binary": settings.SAML_XMLSEC_BINARY,
        "key_file": key_file,
        "cert_file": cert_file,
        "encryption_keypairs": [{"key_file": key_file, "cert_file": cert_file}],
        "allow_unknown_attributes": True,
        "accepted_time_diff": settings.SAML_ACCEPTED_TIME_DIFF,
        "signing_algorithm": SIG_RSA_SHA256,
        "digest_algorithm": DIGEST_SHA256,
        "valid_for": settings.SAML_METADATA_VALID_HOURS,
        "metadata": {"inline": [metadata_xml]} if metadata_xml else {},
        "service": {
            "sp": {
                "name": "Digiplan",
                "endpoints": {
                    "assertion_consumer_service": [(acs_url(), BINDING_HTTP_POST)],
                    "single_logout_service": [
                        (single_logout_url(), BINDING_HTTP_REDIRECT),
                        (single_logout_url(), BINDING_HTTP_POST),
                    ],
                },
                "allow_unsolicited": False,
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                "want_response_signed": False,
                "want_assertions_signed": False,
                # Either the response or its assertion must be signed: Skolfederation's IdPs
                # sign the assertion, others the response.
                "want_assertions_or_response_signed": True,
                "required_attributes": REQUIRED_ATTRIBUTES,
                "optional_attributes": OPTIONAL_ATTRIBUTES,
            }
        },
    }


def sp_config(provider: SamlIdentityProvider | None = None) -> SPConfig:
    """The SP configuration, trusting only provider's IdP (or no IdP at all)."""
    metadata_xml = provider.metadata_xml if provider is not None else ""
    conf = SPConfig()
    conf.load(_config_dict(metadata_xml))
    with_skolfederation_names(conf.attribute_converters)
    if provider is not None:
        # Federation metadata names many IdPs: all but the huvudman's own are forgotten.
        for source in conf.metadata.metadata.values():
            for entity_id in [e for e in source.keys() if e != provider.idp_entity_id]:
                del source[entity_id]
    return conf


def startable_provider(organisation_number: str) -> SamlIdentityProvider | None:
    """The huvudman's provider when a sign-in can start there: turned on, with metadata."""
    return (
        SamlIdentityProvider.objects.filter(huvudman__organisation_number=organisation_number, enabled=True)
        .exclude(metadata_xml="")
        .exclude(idp_entity_id="")
        .select_related("huvudman")
        .first()
    )


def provider_in_session(saml_session: Mapping[str, Any]) -> SamlIdentityProvider | None:
    """The enabled provider of the huvudman whose sign-in this SAML session started, if any."""
    pk = saml_session.get(SESSION_HUVUDMAN)
    if pk is None:
        return None
    return (
        SamlIdentityProvider.objects.filter(huvudman_id=pk, enabled=True)
        .exclude(metadata_xml="")
        .select_related("huvudman")
        .first()
    )


def config_loader(request: HttpRequest | None = None) -> SPConfig:
    """djangosaml2's SAML_CONFIG_LOADER: the SP trusting the IdP of the signed-in person's
    huvudman, or of the sign-in under way; no IdP otherwise."""
    provider = None
    if request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            provider = SamlIdentityProvider.objects.filter(huvudman_id=user.huvudman_id, enabled=True).first()
        elif hasattr(request, "saml_session"):
            provider = provider_in_session(request.saml_session)
    return sp_config(provider)


@cache
def _signed_metadata(entity_id: str, cert_file: str, mtime: float, day: dt.date) -> str:
    # Signing calls xmlsec1: once a day per key (and address), not once per request; the day
    # keeps validUntil moving forward.
    conf = sp_config()
    xml = create_metadata_string("", config=conf, sign=True)
    return xml.decode() if isinstance(xml, bytes) else xml


def signed_sp_metadata() -> str:
    """The SP's metadata, signed with its own key, for the federation or the IdP."""
    _key_file, cert_file = sp_key_pair()
    return _signed_metadata(sp_entity_id(), cert_file, Path(cert_file).stat().st_mtime, dt.date.today())
