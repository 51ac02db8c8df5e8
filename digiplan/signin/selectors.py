"""Reads for the sign-in pages: which huvudmän offer a school account, and how."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse

from digiplan.organisations.models import Huvudman
from digiplan.signin.models import OidcProvider, SamlIdentityProvider

KIND_SAML = "saml"
KIND_OIDC = "oidc"


@dataclass(frozen=True)
class Method:
    kind: str
    label: str
    url: str


def _saml_ready(huvudman: Huvudman) -> SamlIdentityProvider | None:
    return (
        SamlIdentityProvider.objects.filter(huvudman=huvudman, enabled=True).exclude(metadata_xml="").first()
    )


def _oidc_ready(huvudman: Huvudman) -> OidcProvider | None:
    return OidcProvider.objects.filter(huvudman=huvudman, enabled=True).first()


def methods_for(huvudman: Huvudman, next_url: str = "") -> list[Method]:
    """The school-account sign-ins the huvudman has turned on, each with where it starts."""
    query = "?" + urlencode({"next": next_url}) if next_url else ""
    methods = []
    saml = _saml_ready(huvudman)
    if saml is not None:
        url = reverse("signin_saml_start", kwargs={"orgnr": huvudman.organisation_number})
        methods.append(Method(KIND_SAML, saml.display_name or huvudman.name, url + query))
    oidc = _oidc_ready(huvudman)
    if oidc is not None:
        url = reverse("signin_oidc_start", kwargs={"orgnr": huvudman.organisation_number})
        methods.append(Method(KIND_OIDC, oidc.display_name or huvudman.name, url + query))
    return methods


def huvudman_with_school_accounts() -> QuerySet[Huvudman]:
    saml = Q(saml_provider__enabled=True) & ~Q(saml_provider__metadata_xml="")
    return Huvudman.objects.filter(saml | Q(oidc_provider__enabled=True)).distinct().order_by("name")


def has_school_account(huvudman: Huvudman) -> bool:
    return _saml_ready(huvudman) is not None or _oidc_ready(huvudman) is not None


def provider_status(huvudman: Huvudman) -> dict[str, object]:
    """What the settings page shows about each provider."""
    return {
        "saml": SamlIdentityProvider.objects.filter(huvudman=huvudman).first(),
        "oidc": OidcProvider.objects.filter(huvudman=huvudman).first(),
    }
