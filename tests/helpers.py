from pathlib import Path

from digiplan.audit.models import AuditEvent
from digiplan.organisations.models import (
    Membership,
    Organisation,
    Person,
    PupilCount,
    RoleTitle,
    UnitSchoolForm,
)

FIXTURES = Path(__file__).parent / "fixtures"
DOMAIN_MODELS = (Organisation, UnitSchoolForm, PupilCount, Person, Membership, RoleTitle, AuditEvent)


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / "imports" / name).read_bytes()


def domain_snapshot() -> dict:
    """Every row of every domain table, to prove a rejected import wrote nothing at all."""
    return {model.__name__: sorted(map(repr, model.objects.values_list())) for model in DOMAIN_MODELS}
