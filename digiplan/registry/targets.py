"""Device targets measured: each device target of the frameworks in force for a huvudman, set
against every unit's devices (the register) and head counts (pupils per school form and grade
band, staff). Four queries, whatever the number of units or targets (docs/registry.md)."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from digiplan.frameworks.models import FrameworkVersion, Target, VersionStatus
from digiplan.organisations.models import Huvudman, Organisation, PupilCount
from digiplan.registry.device_models import UserGroup
from digiplan.registry.devices_selectors import (
    GroupCount,
    UnitDevices,
    current_devices,
    device_counts_by_group,
    group_label,
)

# The metrics the register measures, and whom each counts: pupils (preschool children are
# pupils of school form FS in the register and in the head counts) or staff.
PUPIL_METRICS = ("devices_per_pupil", "devices_per_child")
STAFF_METRICS = ("devices_per_employee",)
DEVICE_METRICS = PUPIL_METRICS + STAFF_METRICS

STATUS_MET = "met"
STATUS_BELOW = "below"
STATUS_UNKNOWN = "unknown"  # no head count, so no ratio
STATUS_TEXT = {
    STATUS_MET: _("Target met"),
    STATUS_BELOW: _("Below target"),
    STATUS_UNKNOWN: _("No head count"),
}

# "F" (förskoleklass) is grade 0; "F-3" is grades 0 to 3, "7" grade 7 alone.
_BAND = re.compile(r"^\s*(F|\d{1,2})\s*(?:[-–]\s*(F|\d{1,2}))?\s*$", re.IGNORECASE)


def _grade(text: str) -> int:
    return 0 if text.upper() == "F" else int(text)


def band_range(band: str) -> tuple[int, int] | None:
    """The grades a band string spans, or None when it names no grades ("" or free text)."""
    match = _BAND.match(band or "")
    if match is None:
        return None
    low = _grade(match.group(1))
    high = _grade(match.group(2)) if match.group(2) else low
    return (low, high) if low <= high else None


def band_covered(band: str, target_band: str) -> bool:
    """Whether a count of this grade band counts towards a target of target_band. A target
    without a band covers every band; otherwise a band counts when all its grades lie inside
    the target's ("4-6" inside "1-9", "F-3" not), or when the two are spelled alike."""
    if not target_band.strip():
        return True
    if band.strip().lower() == target_band.strip().lower():
        return True
    inner, outer = band_range(band), band_range(target_band)
    if inner is None or outer is None:
        return False
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def group_covered(target: Target, school_form: str, grade_band: str) -> bool:
    """Whether pupils (or their devices) of this school form and band count for the target."""
    if target.school_form and target.school_form != school_form:
        return False
    return band_covered(grade_band, target.grade_band)


def targets_in_force(huvudman: Huvudman) -> list[Target]:
    """The device targets of the latest published version of each of the huvudman's own
    frameworks (a built-in framework sets no local targets): one query."""
    latest = (
        FrameworkVersion.objects.filter(
            framework=OuterRef("version__framework"), status=VersionStatus.PUBLISHED
        )
        .order_by("-number")
        .values("pk")[:1]
    )
    return list(
        Target.objects.filter(
            version__framework__huvudman=huvudman,
            version__status=VersionStatus.PUBLISHED,
            metric__in=DEVICE_METRICS,
        )
        .filter(version_id=Subquery(latest))
        .select_related("version__framework", *_owner_relations())
        .order_by("version__framework__name", "order", "pk")
    )


# The owner of a target, as the frameworks state it since issue 15 point 5: a role title, a
# group or an outside party. Read by name so that the page shows it whichever the frameworks have.
OWNER_FIELDS = ("owner_title", "owner_group")


def _owner_relations() -> list[str]:
    names = {f.name for f in Target._meta.get_fields()}
    return [name for name in OWNER_FIELDS if name in names]


def target_owner(target: Target) -> str:
    """The target's owner (title, group or outside party), or "" when it states none."""
    for name in OWNER_FIELDS:
        owner = getattr(target, name, None)
        if owner is not None:
            return str(getattr(owner, "name", owner))
    return str(getattr(target, "owner_party", "") or getattr(target, "owner", "") or "")


def target_due(target: Target) -> object | None:
    return getattr(target, "due_date", None)


@dataclass(frozen=True)
class TargetStatus:
    target: Target
    devices: int
    heads: int | None  # None when the unit has no head count for the group
    ratio: Decimal | None

    @property
    def status(self) -> str:
        if self.ratio is None:
            return STATUS_UNKNOWN
        return STATUS_BELOW if self.ratio < self.target.value else STATUS_MET

    @property
    def below(self) -> bool:
        return self.status == STATUS_BELOW

    @property
    def status_text(self) -> str:
        return str(STATUS_TEXT[self.status])

    @property
    def owner(self) -> str:
        return target_owner(self.target)

    @property
    def due(self) -> object | None:
        return target_due(self.target)


@dataclass
class UnitTargets:
    unit: Organisation
    statuses: list[TargetStatus] = field(default_factory=list)

    @property
    def below(self) -> list[TargetStatus]:
        return [s for s in self.statuses if s.below]


def _ratio(devices: int, heads: int | None) -> Decimal | None:
    # Unrounded: 0.996 is below a target of 1.0 though the page shows it as 1.00.
    return Decimal(devices) / Decimal(heads) if heads else None


def _measure(
    target: Target, unit: Organisation, groups: list[GroupCount], pupils: list[PupilCount]
) -> TargetStatus:
    if target.metric in STAFF_METRICS:
        devices = sum(g.devices for g in groups if g.user_group == UserGroup.STAFF)
        heads = unit.staff_count
    else:
        devices = sum(
            g.devices
            for g in groups
            if g.user_group == UserGroup.PUPILS and group_covered(target, g.school_form, g.grade_band)
        )
        covered = [p.pupils for p in pupils if group_covered(target, p.school_form, p.grade_band)]
        heads = sum(covered) if covered else None
    return TargetStatus(target=target, devices=devices, heads=heads, ratio=_ratio(devices, heads))


def device_target_status(
    *,
    huvudman: Huvudman,
    units: QuerySet[Organisation],
    counts: dict[int, list[GroupCount]] | None = None,
) -> list[UnitTargets]:
    """Each unit (by name) with every device target in force measured at it: the ratio of the
    user group's devices to its head count, against the target's value. Four queries (three
    when the caller passes the units' device_counts_by_group)."""
    targets = targets_in_force(huvudman)
    listed = list(units.order_by("name"))
    if not targets or not listed:
        return [UnitTargets(unit=u) for u in listed]
    ids = [u.pk for u in listed]
    if counts is None:
        counts = device_counts_by_group(huvudman=huvudman, unit_ids=ids)
    pupils: dict[int, list[PupilCount]] = defaultdict(list)
    for row in PupilCount.objects.filter(organisation_id__in=ids).order_by():
        pupils[row.organisation_id].append(row)
    return [
        UnitTargets(
            unit=u, statuses=[_measure(t, u, counts.get(u.pk, []), pupils.get(u.pk, [])) for t in targets]
        )
        for u in listed
    ]


def _overview_counts(
    huvudman: Huvudman, units: list[Organisation]
) -> tuple[list[UnitDevices], dict[int, list[GroupCount]]]:
    """The units' current devices counted per type and per user group in one pass over the
    register (one GROUP BY): the overview's two aggregates and the targets' counts together."""
    listed = {u.pk: UnitDevices(unit=u) for u in units}
    groups: dict[tuple[int, str, str, str], int] = defaultdict(int)
    rows = (
        current_devices(huvudman)
        .filter(unit_id__in=list(listed))
        .values_list("unit_id", "type", "user_group", "school_form", "grade_band")
        .annotate(devices=Count("pk"))
        .order_by()
    )
    for unit_id, kind, user_group, school_form, grade_band, devices in rows:
        by_type = listed[unit_id].by_type
        by_type[kind] = by_type.get(kind, 0) + devices
        groups[(unit_id, user_group, school_form, grade_band)] += devices
    counts: dict[int, list[GroupCount]] = defaultdict(list)
    for (unit_id, user_group, school_form, grade_band), devices in sorted(groups.items()):
        counts[unit_id].append(GroupCount(user_group, school_form, grade_band, devices))
    for unit_id, unit_groups in counts.items():
        listed[unit_id].by_group = [(group_label(g), g.devices) for g in unit_groups]
    return list(listed.values()), dict(counts)


def overview_with_targets(
    *, huvudman: Huvudman, units: QuerySet[Organisation]
) -> tuple[list[UnitDevices], list[UnitTargets]]:
    """The device overview (as devices_selectors.device_overview) and the targets measured,
    from one count of the register: five queries whatever the number of units."""
    overview, counts = _overview_counts(huvudman, list(units.order_by("name")))
    return overview, device_target_status(huvudman=huvudman, units=units, counts=counts)


def unit_target_status(unit: Organisation) -> UnitTargets:
    """One unit's device targets measured (the unit's device page and its report)."""
    units = Organisation.objects.filter(pk=unit.pk)
    return device_target_status(huvudman=unit.huvudman, units=units)[0]
