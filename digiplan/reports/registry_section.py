"""The reports' section "Digital utrustning och tjänster": a unit's device ratios against the
plan's targets, its deviations (services used but not approved) and the expected tools against
what it declares; for the organisation, the units below a target and those with deviations.

Devices and services are no one's answers (docs/privacy.md): nothing here is suppressed, but
the section is shown only to those who may read the unit's devices, as on the device pages."""

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from digiplan.frameworks.templatetags.frameworks import localised
from digiplan.organisations.models import Huvudman, Organisation, Person
from digiplan.registry.devices_selectors import device_readable_units
from digiplan.registry.digital_models import ServiceUse
from digiplan.registry.digital_selectors import deviations_for_huvudman, deviations_for_unit
from digiplan.registry.expected_tools import ExpectedUse, expected_against_declared
from digiplan.registry.targets import TargetStatus, UnitTargets, device_target_status, unit_target_status
from digiplan.reports.report_tables import Table


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
    """Every unit measured against every device target (the targets in the same order at each
    unit), and the units' deviations."""

    measured: list[UnitTargets] = field(default_factory=list)
    deviations: list[ServiceUse] = field(default_factory=list)

    @property
    def targets(self) -> list[TargetStatus]:
        """The first unit's statuses stand for the columns: each target with its wording, owner
        and date (the same at every unit)."""
        return self.measured[0].statuses if self.measured else []

    @property
    def below(self) -> list[UnitTargets]:
        return [row for row in self.measured if row.below]


def org_registry_section(huvudman: Huvudman, units: QuerySet[Organisation]) -> OrgRegistrySection:
    """Every unit against the device targets, and their deviations: a fixed number of queries."""
    return OrgRegistrySection(
        measured=device_target_status(huvudman=huvudman, units=units),
        deviations=list(deviations_for_huvudman(huvudman).filter(unit__in=units)),
    )


# ---- As tables, for the workbook, the CSV and the PDF (reports.exports) ----------------------


def _wording(status: TargetStatus) -> str:
    target = status.target
    text = target.description or target.metric
    scope = " ".join(part for part in (target.school_form, target.grade_band) if part)
    return f"{text} ({scope})" if scope else text


def _target_heading(status: TargetStatus) -> str:
    """A column's header: the target's wording, value, owner and date, as the plan states them."""
    parts = [_("target %(value)s") % {"value": number_format(status.target.value, decimal_pos=2)}]
    if status.owner:
        parts.append(_("owner %(owner)s") % {"owner": status.owner})
    if isinstance(status.due, datetime.date):
        parts.append(_("due %(date)s") % {"date": status.due.isoformat()})
    return f"{_wording(status)} ({'; '.join(parts)})"


def _ratio(status: TargetStatus) -> float | None:
    """A number in the workbook (two decimals, as the page shows it); its status says whether
    it is below, as 0.996 is below a target of 1 though it shows as 1.00."""
    return None if status.ratio is None else round(float(status.ratio), 2)


def org_registry_tables(section: OrgRegistrySection) -> list[Table]:
    """The organisation's section as tables: every unit's ratio and status per target (a pair of
    columns each), then the deviations."""
    tables = []
    if section.targets:
        tables.append(
            Table(
                ident="device-targets",
                title=_("Device ratio per unit against the targets"),
                header=[
                    _("Unit"),
                    *[
                        f"{_target_heading(s)}{suffix}"
                        for s in section.targets
                        for suffix in ("", ": " + _("status"))
                    ],
                ],
                rows=[
                    [row.unit.name, *[cell for s in row.statuses for cell in (_ratio(s), s.status_text)]]
                    for row in section.measured
                ],
            )
        )
    return tables + _deviations_tables(section.deviations)


def unit_registry_tables(section: UnitRegistrySection) -> list[Table]:
    """The unit's section as tables: each target measured, the deviations, the expected tools."""
    tables = []
    if section.measured.statuses:
        tables.append(
            Table(
                ident="device-targets",
                title=_("Device targets"),
                header=[_("Target"), _("Number of devices"), _("Head count"), _("Ratio"), _("Status")],
                rows=[
                    [_target_heading(s), s.devices, s.heads, _ratio(s), s.status_text]
                    for s in section.measured.statuses
                ],
            )
        )
    tables += _deviations_tables(section.deviations)
    if section.expected:
        tables.append(
            Table(
                ident="expected-tools",
                title=_("Expected tools"),
                header=[_("Tool"), _("Service in the register"), _("Status")],
                rows=[
                    [localised(e.item, "title"), e.service.name if e.service else "", e.state_text]
                    for e in section.expected
                ],
            )
        )
    return tables


def _deviations_tables(deviations: list[ServiceUse]) -> list[Table]:
    """A sheet of deviations only when there are some: a huvudman that keeps no register gets
    no empty sheets (the web page says "none" in words)."""
    if not deviations:
        return []
    table = Table(
        ident="deviations",
        title=_("Services used but not approved"),
        header=[_("Unit"), _("Service"), _("Status")],
        rows=[[use.unit.name, use.service.name, use.service.get_status_display()] for use in deviations],
    )
    return [table]
