"""The register of digital services and learning tools (lärverktyg) a huvudman uses: what each
does with personal data, the strategist's review and its history, and which units use what.

A service is approved (with or without conditions) or rejected by a strategist after a review;
every decision is a row of its own, so the history survives a reopened review. A unit that
declares a service that is not approved deviates from the huvudman's rules (digital_selectors)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from digiplan.organisations.models import NAME_MAX, Huvudman, Organisation, Person

TEXT_MAX = 2000
ERROR_NAME_TAKEN = _("A service with this name is already in the register.")


def name_key(name: str) -> str:
    """What makes two names the same service: letter case (Å and å too, which SQLite's lower()
    does not fold) and runs of spaces do not count."""
    return " ".join(name.split()).casefold()


class ServiceStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", _("Approved")
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", _("Approved with conditions")
    REJECTED = "rejected", _("Rejected")


APPROVED_STATUSES = (ServiceStatus.APPROVED, ServiceStatus.APPROVED_WITH_CONDITIONS)
DECIDED_STATUSES = (*APPROVED_STATUSES, ServiceStatus.REJECTED)


class LegalBasis(models.TextChoices):
    """The lawful bases of GDPR article 6.1; a school mostly relies on (c) or (e)."""

    CONSENT = "consent", _("Consent (art. 6.1 a)")
    CONTRACT = "contract", _("Contract (art. 6.1 b)")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation (art. 6.1 c)")
    VITAL_INTERESTS = "vital_interests", _("Vital interests (art. 6.1 d)")
    PUBLIC_TASK = "public_task", _("Task in the public interest (art. 6.1 e)")
    LEGITIMATE_INTERESTS = "legitimate_interests", _("Legitimate interests (art. 6.1 f)")


class DataLocation(models.TextChoices):
    EU_EEA = "eu_eea", _("Within the EU/EEA")
    THIRD_COUNTRY = "third_country", _("Third country (outside the EU/EEA)")


class TransferBasis(models.TextChoices):
    """GDPR chapter V: what allows personal data to leave the EU/EEA."""

    ADEQUACY = "adequacy", _("Adequacy decision (art. 45)")
    STANDARD_CLAUSES = "standard_clauses", _("Standard contractual clauses (art. 46)")
    BINDING_RULES = "binding_rules", _("Binding corporate rules (art. 47)")
    DEROGATION = "derogation", _("Derogation for a specific situation (art. 49)")


class DigitalService(models.Model):
    huvudman = models.ForeignKey(Huvudman, on_delete=models.PROTECT, related_name="digital_services")
    name = models.CharField(_("name"), max_length=NAME_MAX)
    name_key = models.CharField(max_length=NAME_MAX, editable=False)  # name_key(name), kept by the services
    supplier = models.CharField(_("supplier"), max_length=NAME_MAX)
    purpose = models.TextField(_("purpose"), max_length=TEXT_MAX, blank=True)
    # User groups: pupils of these school forms (SS 12000 codes), staff, guardians.
    pupil_school_forms = models.JSONField(_("pupils (school forms)"), default=list, blank=True)
    for_staff = models.BooleanField(_("staff"), default=False)
    for_guardians = models.BooleanField(_("guardians"), default=False)
    data_categories = models.TextField(
        _("categories of personal data"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("For example name, class, grades, absence."),
    )
    pupil_data = models.BooleanField(_("processes pupils' personal data"), default=False)
    sensitive_data = models.BooleanField(
        _("processes sensitive personal data"),
        default=False,
        help_text=_("Health, ethnic origin, protected identity, pupil welfare records …"),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=30, choices=LegalBasis.choices, blank=True)
    dpa_signed = models.BooleanField(_("data processing agreement signed"), default=False)
    dpa_expires = models.DateField(_("data processing agreement expires"), null=True, blank=True)
    dpia_done = models.BooleanField(_("impact assessment (DPIA) done"), default=False)
    dpia_date = models.DateField(_("impact assessment date"), null=True, blank=True)
    dpia_reference = models.CharField(_("impact assessment reference"), max_length=100, blank=True)
    data_location = models.CharField(
        _("where data is kept"), max_length=20, choices=DataLocation.choices, default=DataLocation.EU_EEA
    )
    third_country = models.CharField(_("third country"), max_length=100, blank=True)
    transfer_basis = models.CharField(
        _("transfer basis"), max_length=30, choices=TransferBasis.choices, blank=True
    )
    retention_rule = models.TextField(_("retention rule (gallring)"), max_length=TEXT_MAX, blank=True)
    integrates_ss12000 = models.BooleanField(_("SS 12000 integration"), default=False)
    integrates_sign_in = models.BooleanField(_("sign-in integration (SSO)"), default=False)
    other_integrations = models.CharField(_("other integrations"), max_length=NAME_MAX, blank=True)
    status = models.CharField(
        _("status"), max_length=30, choices=ServiceStatus.choices, default=ServiceStatus.PROPOSED
    )
    # The latest decision's reasons or conditions, shown on the public page.
    decision_text = models.TextField(_("reasons or conditions"), max_length=TEXT_MAX, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("digital service")
        verbose_name_plural = _("digital services")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["huvudman", "name_key"], name="unique_digital_service_name"),
        ]
        indexes = [models.Index(fields=["huvudman", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status in APPROVED_STATUSES


class ServiceReview(models.Model):
    """One step of a service's review: who moved it to which status, when and why."""

    service = models.ForeignKey(DigitalService, on_delete=models.CASCADE, related_name="reviews")
    status = models.CharField(_("status"), max_length=30, choices=ServiceStatus.choices)
    reasons = models.TextField(_("reasons or conditions"), max_length=TEXT_MAX, blank=True)
    actor = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class ServiceUse(models.Model):
    """A unit's declaration that it uses a service."""

    unit = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="service_uses")
    service = models.ForeignKey(DigitalService, on_delete=models.CASCADE, related_name="uses")
    declared_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "service"], name="unique_service_use")]
