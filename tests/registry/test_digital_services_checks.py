"""What a data protection officer expects of a register entry: errors that stop it from being
saved, blockers that stop its approval, and warnings beside it."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from digiplan.registry import digital_checks as checks
from digiplan.registry.digital_models import ERROR_NAME_TAKEN, DigitalService, ServiceStatus
from digiplan.registry.digital_services import service_propose, service_review
from tests.registry.digital_services_helpers import TODAY, VALID, make_service

pytestmark = pytest.mark.django_db


def _propose(world, **values) -> DigitalService:
    return service_propose(huvudman=world.huvudman, actor=world.strategist, values={**VALID, **values})


def _errors(world, **values) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        _propose(world, **values)
    assert not DigitalService.objects.filter(huvudman=world.huvudman).exists()
    return refused.value.message_dict


def test_data_in_a_third_country_without_a_transfer_basis_cannot_be_saved(world):
    errors = _errors(world, data_location="third_country", third_country="USA", transfer_basis="")
    assert errors == {"transfer_basis": [str(checks.ERROR_TRANSFER_BASIS_MISSING)]}


def test_a_third_country_must_be_named(world):
    errors = _errors(
        world, data_location="third_country", third_country=" ", transfer_basis="standard_clauses"
    )
    assert errors == {"third_country": [str(checks.ERROR_THIRD_COUNTRY_MISSING)]}


def test_a_transfer_basis_for_data_kept_in_the_eu_is_a_contradiction(world):
    errors = _errors(world, data_location="eu_eea", transfer_basis="adequacy")
    assert errors == {"transfer_basis": [str(checks.ERROR_TRANSFER_BASIS_WITHIN_EU)]}


def test_a_third_country_with_standard_clauses_is_saved(world):
    service = _propose(
        world, data_location="third_country", third_country="USA", transfer_basis="standard_clauses"
    )
    assert service.pk


def test_personal_data_without_a_legal_basis_cannot_be_saved(world):
    errors = _errors(world, legal_basis="")
    assert errors == {"legal_basis": [str(checks.ERROR_LEGAL_BASIS_MISSING)]}


def test_a_service_without_personal_data_needs_no_legal_basis(world):
    service = _propose(
        world, legal_basis="", pupil_data=False, data_categories="", dpa_signed=False, dpa_expires=None
    )
    assert service.pk and checks.approval_blockers(service, TODAY) == []


def test_an_expiry_date_of_an_unsigned_agreement_is_refused(world):
    assert _errors(world, dpa_signed=False) == {"dpa_expires": [str(checks.ERROR_DPA_EXPIRY_UNSIGNED)]}


def test_an_impact_assessment_marked_done_needs_its_date(world):
    assert _errors(world, dpia_done=True, dpia_date=None) == {
        "dpia_date": [str(checks.ERROR_DPIA_DATE_MISSING)]
    }


def test_a_service_for_nobody_is_refused(world):
    errors = _errors(world, pupil_school_forms=[], for_staff=False, for_guardians=False)
    assert errors == {"pupil_school_forms": [str(checks.ERROR_NO_USER_GROUP)]}


def test_an_unknown_school_form_is_refused(world):
    errors = _errors(world, pupil_school_forms=["GR", "XX"])
    assert errors == {"pupil_school_forms": [str(checks.ERROR_SCHOOL_FORM_UNKNOWN % {"code": "XX"})]}


def test_a_second_service_of_the_same_name_in_other_letters_is_refused(world):
    _propose(world)
    with pytest.raises(ValidationError) as refused:
        _propose(world, name="LÄRPLATTFORMEN")
    assert refused.value.message_dict == {"name": [str(ERROR_NAME_TAKEN)]}


def test_another_huvudman_may_use_the_same_name(world):
    _propose(world)
    assert make_service(world, huvudman=world.other_huvudman).pk


def test_sensitive_data_without_a_dated_impact_assessment_is_saved_with_a_warning_but_not_approved(world):
    service = make_service(world, sensitive_data=True, status=ServiceStatus.UNDER_REVIEW)
    assert str(checks.BLOCKER_DPIA) in checks.warnings(service, TODAY)
    for decision in (ServiceStatus.APPROVED, ServiceStatus.APPROVED_WITH_CONDITIONS):
        with pytest.raises(ValidationError) as refused:
            service_review(
                service=service, actor=world.strategist, status=decision, reasons="Villkor", today=TODAY
            )
        assert refused.value.messages == [str(checks.BLOCKER_DPIA)]
    service.refresh_from_db()
    assert service.status == ServiceStatus.UNDER_REVIEW


def test_sensitive_data_with_a_dated_impact_assessment_can_be_approved(world):
    service = make_service(
        world,
        sensitive_data=True,
        dpia_done=True,
        dpia_date=datetime.date(2026, 5, 1),
        dpia_reference="UBF 2026/123",
        status=ServiceStatus.APPROVED,
    )
    assert service.status == ServiceStatus.APPROVED


def test_pupils_data_without_a_signed_agreement_cannot_be_approved_but_can_be_rejected(world):
    service = make_service(world, dpa_signed=False, dpa_expires=None, status=ServiceStatus.UNDER_REVIEW)
    with pytest.raises(ValidationError) as refused:
        service_review(
            service=service, actor=world.strategist, status=ServiceStatus.APPROVED, reasons="", today=TODAY
        )
    assert refused.value.messages == [str(checks.BLOCKER_DPA)]
    service_review(
        service=service,
        actor=world.strategist,
        status=ServiceStatus.REJECTED,
        reasons="Inget avtal",
        today=TODAY,
    )
    service.refresh_from_db()
    assert service.status == ServiceStatus.REJECTED


def test_an_expired_agreement_blocks_approval(world):
    service = make_service(
        world, dpa_expires=TODAY - datetime.timedelta(days=1), status=ServiceStatus.UNDER_REVIEW
    )
    with pytest.raises(ValidationError) as refused:
        service_review(
            service=service, actor=world.strategist, status=ServiceStatus.APPROVED, reasons="", today=TODAY
        )
    assert refused.value.messages == [str(checks.BLOCKER_DPA_EXPIRED)]


def test_the_warnings_name_a_missing_retention_rule_and_an_agreement_running_out(world):
    service = make_service(world, retention_rule="", dpa_expires=TODAY + datetime.timedelta(days=30))
    assert checks.warnings(service, TODAY) == [
        str(checks.WARNING_RETENTION_MISSING),
        str(checks.WARNING_DPA_EXPIRES % {"date": "2027-01-02"}),
    ]


def test_the_checks_speak_swedish(world, settings):
    from django.utils import translation

    with translation.override("sv"):
        message = str(checks.ERROR_TRANSFER_BASIS_MISSING)
    assert "tredje land" in message
