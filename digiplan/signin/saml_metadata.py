"""An IdP's metadata, as uploaded or fetched: parsed, its signature verified against the
federation's certificate and its validUntil checked, all by pysaml2 (with xmlsec1).

A check either returns the IdP's entity ID or raises MetadataRefused with a message for the
strategist (and the log): nothing is stored from metadata that did not pass."""

import tempfile
from dataclasses import dataclass

import requests
from cryptography import x509
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from saml2.mdstore import InMemoryMetaData, TooOld
from saml2.sigver import SignatureError, security_context

from digiplan.signin.saml import sp_config

ERROR_METADATA_MALFORMED = _("The metadata could not be read: it is not SAML metadata.")
ERROR_METADATA_NO_IDP = _("The metadata describes no SAML identity provider.")
ERROR_METADATA_EXPIRED = _("The metadata has expired (its validUntil has passed). Get a current copy.")
ERROR_METADATA_SIGNATURE = _(
    "The metadata's signature does not match the given certificate. Check that the certificate is the "
    "federation's signing certificate and that the metadata comes from the federation."
)
ERROR_METADATA_UNSIGNED = _("A certificate is given but the metadata is not signed.")
ERROR_CERTIFICATE = _(
    "The certificate could not be read. Paste it in PEM form (-----BEGIN CERTIFICATE-----)."
)
ERROR_ENTITY_REQUIRED = _(
    "The metadata describes several identity providers: give the entity ID of your organisation's."
)
ERROR_ENTITY_NOT_FOUND = _("The metadata has no identity provider with this entity ID.")
ERROR_URL = _("The metadata could not be fetched from the address: %(reason)s")


class MetadataRefused(ValueError):
    def __init__(self, message: object, field: str, reason: str = "") -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.reason = reason or str(message)


@dataclass(frozen=True)
class CheckedMetadata:
    xml: str
    entity_id: str
    entity_ids: tuple[str, ...]


def check_certificate(certificate: str) -> None:
    if certificate.strip():
        try:
            x509.load_pem_x509_certificate(certificate.strip().encode())
        except ValueError as error:
            raise MetadataRefused(ERROR_CERTIFICATE, "federation_certificate", str(error)) from error


def _parsed(xml: str, certificate: str, source_field: str) -> InMemoryMetaData:
    conf = sp_config()
    security = security_context(conf)
    metadata = InMemoryMetaData(conf.attribute_converters, security=security, check_validity=True)
    with tempfile.NamedTemporaryFile("w", suffix=".pem") as cert_file:
        cert_file.write(certificate.strip() + "\n")
        cert_file.flush()
        metadata.cert = cert_file.name if certificate.strip() else None
        try:
            metadata.parse_and_check_signature(xml.encode() if isinstance(xml, str) else xml)
        except TooOld as error:
            raise MetadataRefused(ERROR_METADATA_EXPIRED, source_field, str(error)) from error
        except SignatureError as error:
            raise MetadataRefused(ERROR_METADATA_SIGNATURE, source_field, f"signature: {error}") from error
        except Exception as error:  # defusedxml's and pysaml2's parse errors
            reason = f"{type(error).__name__}: {error}"
            raise MetadataRefused(ERROR_METADATA_MALFORMED, source_field, reason) from error
    if metadata.entities_descr is None and metadata.entity_descr is None:
        raise MetadataRefused(ERROR_METADATA_MALFORMED, source_field, "no EntityDescriptor in it")
    # pysaml2 accepts unsigned metadata even when given a certificate; we do not.
    if certificate.strip() and not metadata.signed():
        raise MetadataRefused(ERROR_METADATA_UNSIGNED, source_field)
    return metadata


def check_metadata(
    xml: str, *, certificate: str = "", entity_id: str = "", source_field: str
) -> CheckedMetadata:
    """The metadata verified, with the IdP's entity ID (the one given, or the only one)."""
    check_certificate(certificate)
    metadata = _parsed(xml, certificate, source_field)
    idps = tuple(sorted(e for e, entity in metadata.items() if entity.get("idpsso_descriptor")))
    entity_id = entity_id.strip()
    if entity_id and entity_id in metadata.to_old:
        raise MetadataRefused(ERROR_METADATA_EXPIRED, source_field, f"{entity_id} has expired")
    if not idps:
        if metadata.to_old:
            raise MetadataRefused(ERROR_METADATA_EXPIRED, source_field, "every entity has expired")
        raise MetadataRefused(ERROR_METADATA_NO_IDP, source_field)
    if not entity_id:
        if len(idps) > 1:
            raise MetadataRefused(ERROR_ENTITY_REQUIRED, "idp_entity_id")
        entity_id = idps[0]
    if entity_id not in idps:
        raise MetadataRefused(ERROR_ENTITY_NOT_FOUND, "idp_entity_id", f"{entity_id} not in the metadata")
    return CheckedMetadata(xml=xml, entity_id=entity_id, entity_ids=idps)


def fetch_metadata(url: str) -> str:
    """The document at url (HTTPS verified by requests); MetadataRefused when unreachable."""
    try:
        response = requests.get(url, timeout=settings.SAML_METADATA_TIMEOUT)
        response.raise_for_status()
    except requests.RequestException as error:
        reason = type(error).__name__
        if isinstance(error, requests.HTTPError) and error.response is not None:
            reason = f"HTTP {error.response.status_code}"
        raise MetadataRefused(ERROR_URL % {"reason": reason}, "metadata_url", f"{url}: {error}") from error
    return response.content.decode(response.encoding or "utf-8", errors="replace")
