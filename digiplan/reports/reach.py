"""What a reader knows besides the report in front of them: the figures of every unit their
membership reaches.

A unit's leader knows the unit's own figures. Whoever has a membership at an administration or
area (a strategist there, an area head as viewer) reads the report of every unit below it, and
so knows all their figures. An organisation figure over more units than that (the median over
every unit of the campaign in a unit's report, a public report's totals) minus what they know
is a figure of the units outside their part: it must rest on more than one unit.
"""

from __future__ import annotations

from django.db.models import Q

from digiplan.organisations.models import Huvudman, Membership, Organisation, OrganisationType

PARTS = (OrganisationType.FORVALTNING, OrganisationType.OMRADE)


def _ancestor_paths(unit: Organisation) -> list[str]:
    ids = unit.path.strip("/").split("/")
    return ["/" + "/".join(ids[:depth]) + "/" for depth in range(1, len(ids))]


def parts_above(unit: Organisation) -> list[str]:
    """The paths of the administrations and areas above the unit where someone has a
    membership. (A unit's report is made on every request, so today's memberships are the ones
    that matter; the huvudman's own memberships reach every unit.)"""
    return sorted(
        set(
            Membership.objects.filter(
                organisation__huvudman_id=unit.huvudman_id,
                organisation__is_active=True,
                organisation__type__in=PARTS,
            ).values_list("organisation__path", flat=True)
        )
        & set(_ancestor_paths(unit))
    )


def org_figure_shown(rest: list[int], parts: list[str], paths: dict[int, str], *, minimum: int) -> bool:
    """Whether an organisation figure over the units in rest (those with a figure), in the
    report of a unit below parts, may be shown: from `minimum` units, so that a leader who knows
    the own unit's figure never learns another single unit's; and only when whoever reads it
    from an administration or area above, knowing every unit below it, is left with none or
    with at least minimum − 1 units outside it, never a single one."""
    below = [{u for u in rest if paths.get(u, "").startswith(part)} for part in parts]
    return org_figure_shown_below(set(rest), below, minimum=minimum)


def nodes_below(parts: list[str]) -> list[set[int]]:
    """The ids of the nodes below each of the parts (as parts_above gives them), in one query;
    for org_figure_shown_below."""
    if not parts:
        return []
    below = Q()
    for part in parts:
        below |= Q(path__startswith=part)
    rows = list(Organisation.objects.filter(below).values_list("pk", "path"))
    return [{pk for pk, path in rows if path.startswith(part)} for part in parts]


def org_figure_shown_below(rest: set[int], below: list[set[int]], *, minimum: int) -> bool:
    """org_figure_shown's rule, with the nodes below each part given as sets (nodes_below)
    instead of every unit's path: a unit's results page decides without going through every
    unit of the organisation (issue 17)."""
    if len(rest) < minimum:
        return False
    for nodes in below:
        outside = len(rest - nodes)
        if 0 < outside < minimum - 1:
            return False
    return True


def part_units(huvudman: Huvudman) -> list[frozenset[int]]:
    """The units below each administration and area of the huvudman, whether or not someone
    has a membership there today: a frozen public report outlives today's memberships."""
    nodes = Organisation.objects.filter(huvudman=huvudman)
    units = list(nodes.filter(type=OrganisationType.SKOLENHET).values_list("pk", "path"))
    reaches = {
        frozenset(pk for pk, path in units if path.startswith(node_path))
        for node_path in nodes.filter(type__in=PARTS).values_list("path", flat=True)
    }
    return [units_below for units_below in reaches if units_below]
