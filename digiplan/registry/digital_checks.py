"""What a data protection officer checks in a register entry, in three strengths:

- errors: the entry contradicts itself or describes an unlawful processing (data sent to a
  third country without a transfer basis, personal data without a legal basis): it cannot be
  saved, whoever writes it;
- approval blockers: the entry may be saved while the paperwork is under way (a proposer rarely
  has the agreement in hand), but no strategist can approve it until the data processing
  agreement is signed and, for sensitive data, an impact assessment is dated (art. 28, art. 35);
- warnings: what the register page shows beside an entry so that someone acts (an agreement
  that has run out, a retention rule missing).
"""

import datetime

from django.utils.translation import gettext_lazy as _

from digiplan.organisations.models import SchoolForm
from digiplan.registry.digital_models import DataLocation, DigitalService, TransferBasis

ERROR_TRANSFER_BASIS_MISSING = _(
    "Data kept in a third country needs a transfer basis (GDPR chapter V): choose one, or keep the data "
    "within the EU/EEA."
)
ERROR_TRANSFER_BASIS_WITHIN_EU = _("A transfer basis is only given for data kept in a third country.")
ERROR_THIRD_COUNTRY_MISSING = _("Name the third country where the data is kept.")
ERROR_LEGAL_BASIS_MISSING = _("A service that processes personal data needs a legal basis (GDPR art. 6).")
ERROR_DPA_EXPIRY_UNSIGNED = _(
    "An agreement that is not signed has no expiry date: tick “signed” or clear the date."
)
ERROR_DPIA_DATE_MISSING = _("Give the date of the impact assessment.")
ERROR_DPIA_NOT_DONE = _("An impact assessment that is not done has no date or reference.")
ERROR_SCHOOL_FORM_UNKNOWN = _("Unknown school form: %(code)s.")
ERROR_NO_USER_GROUP = _("Choose at least one user group: pupils of a school form, staff or guardians.")

BLOCKER_DPA = _("The data processing agreement is not signed (GDPR art. 28).")
BLOCKER_DPA_EXPIRED = _("The data processing agreement has expired.")
BLOCKER_DPIA = _("Sensitive personal data needs a dated impact assessment (DPIA, GDPR art. 35).")

# An agreement this close to its end (or past it) is a task for the strategist.
AGREEMENT_NOTICE = datetime.timedelta(days=90)

WARNING_RETENTION_MISSING = _("No retention rule (gallring) is given for the personal data.")
WARNING_DPA_EXPIRES = _("The data processing agreement expires on %(date)s.")
WARNING_DEROGATION = _(
    "A derogation (art. 49) covers only occasional transfers; a service in daily use needs another basis."
)


def processes_personal_data(service: DigitalService) -> bool:
    return bool(service.pupil_data or service.sensitive_data or service.data_categories.strip())


def field_errors(service: DigitalService) -> dict[str, list[str]]:
    """The errors that stop the entry from being saved, by field."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: object) -> None:
        errors.setdefault(field, []).append(str(message))

    if service.data_location == DataLocation.THIRD_COUNTRY:
        if not service.transfer_basis:
            add("transfer_basis", ERROR_TRANSFER_BASIS_MISSING)
        if not service.third_country.strip():
            add("third_country", ERROR_THIRD_COUNTRY_MISSING)
    elif service.transfer_basis:
        add("transfer_basis", ERROR_TRANSFER_BASIS_WITHIN_EU)
    if processes_personal_data(service) and not service.legal_basis:
        add("legal_basis", ERROR_LEGAL_BASIS_MISSING)
    if service.dpa_expires and not service.dpa_signed:
        add("dpa_expires", ERROR_DPA_EXPIRY_UNSIGNED)
    if service.dpia_done and not service.dpia_date:
        add("dpia_date", ERROR_DPIA_DATE_MISSING)
    if not service.dpia_done and (service.dpia_date or service.dpia_reference):
        add("dpia_done", ERROR_DPIA_NOT_DONE)
    known = set(SchoolForm.values)
    for code in service.pupil_school_forms:
        if code not in known:
            add("pupil_school_forms", ERROR_SCHOOL_FORM_UNKNOWN % {"code": code})
    if not (service.pupil_school_forms or service.for_staff or service.for_guardians):
        add("pupil_school_forms", ERROR_NO_USER_GROUP)
    return errors


def approval_blockers(service: DigitalService, today: datetime.date) -> list[str]:
    """Why the service cannot be approved yet (it can always be rejected)."""
    blockers: list[str] = []
    if processes_personal_data(service):
        if not service.dpa_signed:
            blockers.append(str(BLOCKER_DPA))
        elif service.dpa_expires and service.dpa_expires < today:
            blockers.append(str(BLOCKER_DPA_EXPIRED))
    if service.sensitive_data and not (service.dpia_done and service.dpia_date):
        blockers.append(str(BLOCKER_DPIA))
    return blockers


def warnings(service: DigitalService, today: datetime.date) -> list[str]:
    """What the register shows beside the entry: the blockers and what else needs doing."""
    found = approval_blockers(service, today)
    if processes_personal_data(service) and not service.retention_rule.strip():
        found.append(str(WARNING_RETENTION_MISSING))
    if service.dpa_expires and today <= service.dpa_expires <= today + AGREEMENT_NOTICE:
        found.append(str(WARNING_DPA_EXPIRES % {"date": service.dpa_expires.isoformat()}))
    if (
        service.data_location == DataLocation.THIRD_COUNTRY
        and service.transfer_basis == TransferBasis.DEROGATION
    ):
        found.append(str(WARNING_DEROGATION))
    return found
