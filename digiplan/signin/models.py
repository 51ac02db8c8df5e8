"""How the people of one huvudman sign in: the huvudman's rules, its identity providers (SAML
and OpenID Connect) and the links remembered between an identity and a person.

Everything here belongs to one huvudman. An identity provider of huvudman A can only ever
identify people of A: matching (services.match_person) looks only among A's people."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from digiplan.organisations.models import Huvudman, Person

# Skolfederation's attribute profile for the school sector (technical profile for SAML WebSSO).
ATTR_PRINCIPAL_NAME = "eduPersonPrincipalName"
ATTR_EMAIL = "mail"
ATTR_GIVEN_NAME = "givenName"
ATTR_SURNAME = "sn"
ATTR_AFFILIATION = "eduPersonScopedAffiliation"
ATTR_SCHOOL_UNIT_CODE = "sisSchoolUnitCode"


class SignInPolicy(models.Model):
    """A huvudman's rules for signing in. A huvudman without a row has the defaults."""

    huvudman = models.OneToOneField(Huvudman, on_delete=models.CASCADE, related_name="sign_in_policy")
    email_domains = models.CharField(
        _("e-mail domains"),
        max_length=500,
        blank=True,
        help_text=_("The domains of the staff's addresses, e.g. skola.example.se, one per line."),
    )
    password_sign_in = models.BooleanField(_("sign-in with password allowed"), default=True)
    strategists_second_factor = models.BooleanField(
        _("strategists with a password need a second factor"), default=False
    )
    session_minutes = models.PositiveIntegerField(
        _("signed out after minutes without activity"), null=True, blank=True
    )
    create_unknown_people = models.BooleanField(
        _("create unknown people as staff of the unit their school unit code names"), default=False
    )
    roles_from_attributes = models.BooleanField(
        _("give roles from the identity provider's attributes"), default=False
    )
    contact = models.CharField(_("whom people without an account should contact"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sign-in policy")
        verbose_name_plural = _("sign-in policies")

    def __str__(self) -> str:
        return str(self.huvudman)

    def domains(self) -> list[str]:
        return split_domains(self.email_domains)


def split_domains(text: str) -> list[str]:
    return sorted({d.strip().lstrip("@").lower() for d in text.replace(",", "\n").split() if d.strip()})


class SamlIdentityProvider(models.Model):
    """The huvudman's SAML identity provider, e.g. its IdP in Skolfederation."""

    huvudman = models.OneToOneField(Huvudman, on_delete=models.CASCADE, related_name="saml_provider")
    enabled = models.BooleanField(_("in use"), default=False)
    display_name = models.CharField(_("name shown on the sign-in page"), max_length=100, blank=True)
    metadata_url = models.URLField(_("metadata URL"), max_length=500, blank=True)
    # The metadata as last uploaded or fetched (and verified, when a certificate is given).
    metadata_xml = models.TextField(_("metadata"), blank=True)
    federation_certificate = models.TextField(
        _("certificate that signs the metadata"),
        blank=True,
        help_text=_(
            "For federation metadata such as Skolfederation's: the federation's signing certificate."
        ),
    )
    idp_entity_id = models.CharField(_("identity provider's entity ID"), max_length=500, blank=True)
    metadata_fetched_at = models.DateTimeField(null=True, blank=True, editable=False)
    metadata_error = models.CharField(max_length=500, blank=True, editable=False)
    attr_principal_name = models.CharField(
        _("attribute: principal name"), max_length=200, default=ATTR_PRINCIPAL_NAME
    )
    attr_email = models.CharField(_("attribute: e-mail"), max_length=200, default=ATTR_EMAIL)
    attr_given_name = models.CharField(_("attribute: given name"), max_length=200, default=ATTR_GIVEN_NAME)
    attr_surname = models.CharField(_("attribute: surname"), max_length=200, default=ATTR_SURNAME)
    attr_affiliation = models.CharField(_("attribute: affiliation"), max_length=200, default=ATTR_AFFILIATION)
    attr_school_unit_code = models.CharField(
        _("attribute: school unit code"), max_length=200, default=ATTR_SCHOOL_UNIT_CODE
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("SAML identity provider")
        verbose_name_plural = _("SAML identity providers")

    def __str__(self) -> str:
        return self.display_name or self.idp_entity_id


class OidcProvider(models.Model):
    """The huvudman's OpenID Connect provider, e.g. Entra ID or Google Workspace."""

    huvudman = models.OneToOneField(Huvudman, on_delete=models.CASCADE, related_name="oidc_provider")
    enabled = models.BooleanField(_("in use"), default=False)
    display_name = models.CharField(_("name shown on the sign-in page"), max_length=100, blank=True)
    issuer = models.URLField(_("issuer"), max_length=500)
    client_id = models.CharField(_("client ID"), max_length=300)
    # Sealed with lib.sealing (purpose "oidc-client-secret", context the huvudman's id): a copy
    # of the database does not give the secret away.
    client_secret_sealed = models.BinaryField(editable=False, default=b"")
    allowed_email_domains = models.CharField(
        _("allowed e-mail domains"),
        max_length=500,
        blank=True,
        help_text=_("Only addresses in these domains may sign in, one per line. Empty: any."),
    )
    scopes = models.CharField(_("scopes"), max_length=200, default="openid email profile")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("OpenID Connect provider")
        verbose_name_plural = _("OpenID Connect providers")

    def __str__(self) -> str:
        return self.display_name or self.issuer

    def email_domains(self) -> list[str]:
        return split_domains(self.allowed_email_domains)


class ExternalIdentity(models.Model):
    """An identity (issuer and subject) once matched to a person, so the next sign-in needs no
    matching. Only the huvudman's own providers ever create one for its people."""

    huvudman = models.ForeignKey(Huvudman, on_delete=models.CASCADE, related_name="external_identities")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="external_identities")
    issuer = models.CharField(max_length=500)
    subject = models.CharField(max_length=500)
    created_on = models.DateField(auto_now_add=True)

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        constraints = [
            models.UniqueConstraint(fields=["huvudman", "issuer", "subject"], name="unique_external_identity")
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.issuer})"


class SamlSeenAssertion(models.Model):
    """The ID of each SAML assertion that signed someone in, until it has expired: the same
    assertion is never accepted twice, even by another worker or machine."""

    assertion_id = models.CharField(max_length=200, unique=True)
    not_on_or_after = models.DateTimeField()

    class Meta:
        verbose_name = _("seen SAML assertion")
        verbose_name_plural = _("seen SAML assertions")

    def __str__(self) -> str:
        return self.assertion_id
