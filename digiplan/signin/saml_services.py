"""Writes of the SAML slice: a huvudman's IdP settings, refreshed metadata, and the assertions
already used (so that none is accepted twice)."""

import datetime as dt
import logging
from typing import TypedDict

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from digiplan.audit.services import audit_record
from digiplan.organisations.models import Huvudman
from digiplan.signin.models import SamlIdentityProvider, SamlSeenAssertion
from digiplan.signin.saml_metadata import CheckedMetadata, MetadataRefused, check_metadata, fetch_metadata

log = logging.getLogger("digiplan.signin")

# An assertion without NotOnOrAfter is remembered this long (pysaml2 refuses older ones anyway).
SEEN_ASSERTION_DEFAULT = dt.timedelta(days=1)


class SamlProviderValues(TypedDict):
    display_name: str
    metadata_url: str
    federation_certificate: str
    attr_principal_name: str
    attr_email: str
    attr_given_name: str
    attr_surname: str
    attr_affiliation: str
    attr_school_unit_code: str
    enabled: bool


def saml_provider_for(huvudman: Huvudman) -> SamlIdentityProvider:
    """The huvudman's provider, or an unsaved one with Skolfederation's defaults."""
    provider = SamlIdentityProvider.objects.filter(huvudman=huvudman).first()
    return provider if provider is not None else SamlIdentityProvider(huvudman=huvudman)


@transaction.atomic
def saml_provider_save(
    *,
    actor: AbstractBaseUser | AnonymousUser,
    huvudman: Huvudman,
    values: SamlProviderValues,
    metadata: CheckedMetadata | None,
    fetched: bool = False,
) -> SamlIdentityProvider:
    """Saves the settings; metadata, when given, has passed check_metadata (new metadata
    replaces the old; None keeps the stored one)."""
    provider = saml_provider_for(huvudman)
    tracked = [*values.keys(), "idp_entity_id"]
    before = {name: getattr(provider, name) for name in tracked} if provider.pk else {}
    for name, value in values.items():
        setattr(provider, name, value)
    if metadata is not None:
        provider.metadata_xml = metadata.xml
        provider.idp_entity_id = metadata.entity_id
        provider.metadata_error = ""
        if fetched:
            provider.metadata_fetched_at = timezone.now()
    provider.full_clean()
    provider.save()
    after = {name: getattr(provider, name) for name in tracked}
    audit_record(
        actor=actor,
        huvudman=huvudman,
        action="signin.saml_provider_changed",
        obj=provider,
        before=before,
        after=after,
        extra={"metadata_replaced": metadata is not None},
    )
    return provider


@transaction.atomic
def _metadata_store(*, provider: SamlIdentityProvider, xml: str | None, error: str) -> None:
    changed = xml is not None and xml != provider.metadata_xml
    if xml is not None:
        provider.metadata_xml = xml
        provider.metadata_fetched_at = timezone.now()
    provider.metadata_error = error[:500]
    provider.save(update_fields=["metadata_xml", "metadata_fetched_at", "metadata_error", "updated_at"])
    if changed or error:
        audit_record(
            actor=None,
            huvudman=provider.huvudman,
            action="signin.saml_metadata_refreshed" if not error else "signin.saml_metadata_refresh_failed",
            obj=provider,
            extra={"error": error[:500]} if error else {"changed": True},
        )


def saml_metadata_refresh(*, provider: SamlIdentityProvider) -> bool:
    """Fetches and verifies the provider's metadata URL. On failure the last good metadata is
    kept and the reason stored in metadata_error. True when the new metadata was stored."""
    try:
        xml = fetch_metadata(provider.metadata_url)
        check_metadata(
            xml,
            certificate=provider.federation_certificate,
            entity_id=provider.idp_entity_id,
            source_field="metadata_url",
        )
    except MetadataRefused as refused:
        log.warning("SAML metadata of huvudman %s refused: %s", provider.huvudman_id, refused.reason)
        error = str(refused.message)
        if refused.reason != error:
            error = f"{error} ({refused.reason})"
        _metadata_store(provider=provider, xml=None, error=error)
        return False
    _metadata_store(provider=provider, xml=xml, error="")
    return True


def saml_assertion_remember(*, assertion_id: str, not_on_or_after: int | None) -> bool:
    """Records an assertion as used; False when it was used before (a replay). Expired
    records are purged on the way: pysaml2 refuses their assertions by time already."""
    now = timezone.now()
    expires = now + SEEN_ASSERTION_DEFAULT
    if not_on_or_after:
        expires = dt.datetime.fromtimestamp(not_on_or_after, dt.UTC)
    try:
        with transaction.atomic():
            SamlSeenAssertion.objects.filter(not_on_or_after__lt=now - SEEN_ASSERTION_DEFAULT).delete()
            SamlSeenAssertion.objects.create(assertion_id=assertion_id[:200], not_on_or_after=expires)
    except IntegrityError:
        return False
    return True
