"""Writes of a huvudman's OpenID Connect settings."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from digiplan.audit.services import audit_record
from digiplan.organisations.models import Huvudman
from digiplan.signin.models import OidcProvider
from digiplan.signin.oidc import seal_secret

# What the audit row shows of a change; the client secret is never among them.
AUDITED_FIELDS = ("display_name", "issuer", "client_id", "allowed_email_domains", "enabled")


@transaction.atomic
def oidc_provider_save(
    *,
    actor: AbstractBaseUser | AnonymousUser,
    huvudman: Huvudman,
    display_name: str,
    issuer: str,
    client_id: str,
    client_secret: str,
    allowed_email_domains: str,
    enabled: bool,
) -> OidcProvider:
    """Saves the huvudman's provider; an empty client_secret keeps the stored one. The secret
    is sealed (lib.sealing) before it reaches the database, and the audit row only says that it
    changed."""
    provider = OidcProvider.objects.select_for_update().filter(huvudman=huvudman).first()
    if provider is None:
        provider = OidcProvider(huvudman=huvudman)
    before = {name: getattr(provider, name) for name in AUDITED_FIELDS} if provider.pk else {}
    values = {
        "display_name": display_name,
        "issuer": issuer,
        "client_id": client_id,
        "allowed_email_domains": allowed_email_domains,
        "enabled": enabled,
    }
    for name, value in values.items():
        setattr(provider, name, value)
    if client_secret:
        provider.client_secret_sealed = seal_secret(client_secret, huvudman=huvudman)
    provider.full_clean()
    provider.save()
    audit_record(
        actor=actor,
        huvudman=huvudman,
        action="signin.oidc_provider_changed",
        obj=provider,
        before=before,
        after=values,
        extra={"client_secret_changed": bool(client_secret)},
    )
    return provider
