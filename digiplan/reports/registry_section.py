"""The reports' section "Digital utrustning och tjänster": a unit's device ratios against the
plan's targets, its deviations (services used but not approved) and the expected tools against
what it declares; for the organisation, the units below a target and those with deviations.

Devices and services are no one's answers (docs/privacy.md): nothing here is suppressed, but
the section is shown only to those who may read the unit's devices, as on the device pages."""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from digiplan.organisations.models import Huvudman, Organisation, Person
from digiplan.registry.devices_selectors import device_readable_units
from digiplan.registry.digital_models import ServiceUse
from digiplan.registry.digital_selectors import deviations_for_huvudman, deviations_for_unit
from digiplan.registry.expected_tools import ExpectedUse, expected_against_declared
from digiplan.registry.targets import UnitTargets, device_target_status, unit_target_status


@dataclass
class UnitRegistrySection:
    measured: UnitTargets
    deviations: list[ServiceUse]
    expected: list[ExpectedUse]


def unit_registry_section(person: Person, unit: Organisation) -> UnitRegistrySection | None:
    """The unit's section, or None for a reader who may not see its devices (staff)."""
    if not device_readable_units(person).filter(pk=unit.pk).exists():
        return None
    return UnitRegistrySection(
        measured=unit_target_status(unit),
        deviations=list(deviations_for_unit(unit)),
        expected=expected_against_declared(unit),
    )


@dataclass
class OrgRegistrySection:
    below: list[UnitTargets] = field(default_factory=list)
    deviations: list[ServiceUse] = field(default_factory=list)


def org_registry_section(huvudman: Huvudman, units: QuerySet[Organisation]) -> OrgRegistrySection:
    """The report's units below a device target, and their deviations: a fixed number of queries."""
    measured = device_target_status(huvudman=huvudman, units=units)
    return OrgRegistrySection(
        below=[row for row in measured if row.below],
        deviations=list(deviations_for_huvudman(huvudman).filter(unit__in=units)),
    )
