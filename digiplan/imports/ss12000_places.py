"""Where each SS 12000 organisation record lands in our tree (huvudman › förvaltning › område
› skolenhet): kept as a node of our type, or passed over to the nearest kept ancestor; and the
UnitRow of each kept record. ss12000.py explains the mapping."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from digiplan.imports.errors import ErrorList
from digiplan.imports.ss12000_pages import (
    ERROR_CODE_TWICE,
    ERROR_PARENT_CYCLE,
    ERROR_PARENT_MISSING,
    ERROR_UNDER_UNIT,
    HUVUDMAN,
    ORGANISATION_TYPES,
    _Org,
    _Parsed,
)
from digiplan.imports.unit_rows import UnitRow
from digiplan.organisations.models import TYPE_RANK, Organisation, OrganisationType


@dataclass(slots=True)
class Placed:
    """Where a record ends up: kept as a node (type), or not kept (anchor takes its place)."""

    kept: bool
    type: str | None
    anchor_ref: str  # the ref children use for their parent: "" is the root
    anchor_type: str  # our type of that anchor
    anchor_name: str
    active: bool
    bad: bool = False
    parent_ref: str = ""  # for a kept record: the ref of the node it hangs on
    merged: bool = False  # an område within an område: its duties go to the upper one


def _bad_place() -> Placed:
    """A record in error, or below one: it and everything below it is left out."""
    return Placed(False, None, "", "", "", True, bad=True)


@dataclass
class _Placer:
    """Walks each organisation record's parent chain up to a record already placed (or the
    root, or an existing node), then places the chain from the top down."""

    parsed: _Parsed
    existing: dict[str, Organisation]
    root_ids: set[str]
    errors: ErrorList
    notes: dict[str, int]
    root_place: Placed
    by_id: dict[str, _Org] = field(default_factory=dict)
    placed: dict[str, Placed] = field(default_factory=dict)
    today: datetime.date = field(default_factory=timezone.localdate)

    def parent_place(self, org: _Org) -> Placed | None:
        """The placement of the org's parent, when it is already known (None: look further)."""
        if org.ss_type == HUVUDMAN or not org.parent_id or org.parent_id in self.root_ids:
            return self.root_place
        if org.parent_id in self.placed:
            return self.placed[org.parent_id]
        if org.parent_id in self.by_id:
            return None
        if org.parent_id in self.parsed.bad_org_ids:  # reported already: say nothing more
            return _bad_place()
        node = self.existing.get(org.parent_id)
        if node is None:
            self.errors.add(org.line, ERROR_PARENT_MISSING % {"id": org.parent_id[:80]})
            return _bad_place()
        if node.parent_id is None:
            return self.root_place
        return Placed(True, node.type, org.parent_id, node.type, node.name, node.is_active)

    def unplaced_chain(self, start: _Org) -> tuple[list[_Org], dict[str, Placed]]:
        """The records from start up to the first one whose parent is known (top last), and
        the parents' places found on the way. The records of a cycle are errors, placed bad."""
        chain: list[_Org] = []
        on_chain: set[str] = set()
        aboves: dict[str, Placed] = {}
        org = start
        while org.id not in self.placed:
            above = self.parent_place(org)
            chain.append(org)
            on_chain.add(org.id)
            if above is not None:
                aboves[org.id] = above
                break
            org = self.by_id[org.parent_id]
            if org.id in on_chain:  # a cycle: every record on it is in error
                cycle = chain[[c.id for c in chain].index(org.id) :]
                ids = " → ".join(c.id[:40] for c in [*cycle, cycle[0]][:6])
                for member in cycle:
                    self.errors.add(member.line, ERROR_PARENT_CYCLE % {"ids": ids})
                    self.placed[member.id] = _bad_place()
                chain = chain[: len(chain) - len(cycle)]
                break
        return chain, aboves

    def place_all(self) -> dict[str, Placed]:
        self.by_id = {o.id: o for o in self.parsed.orgs}
        for start in self.parsed.orgs:
            chain, aboves = self.unplaced_chain(start)
            for org in reversed(chain):
                above = aboves.get(org.id) or self.placed[org.parent_id]
                self.placed[org.id] = _place_one(org, above, self.today, self.errors, self.notes)
        return self.placed


def place_orgs(
    parsed: _Parsed,
    existing: dict[str, Organisation],
    root: Organisation | None,
    root_ids: set[str],
    errors: ErrorList,
    notes: dict[str, int],
) -> dict[str, Placed]:
    """Resolves every organisation record's parent chain: missing parents and cycles are
    errors; records of types we do not import are passed over to the nearest kept ancestor."""
    root_place = Placed(
        True, OrganisationType.HUVUDMAN, "", OrganisationType.HUVUDMAN, root.name if root else "", True
    )
    return _Placer(
        parsed=parsed, existing=existing, root_ids=root_ids, errors=errors, notes=notes, root_place=root_place
    ).place_all()


def _place_one(
    org: _Org, above: Placed, today: datetime.date, errors: ErrorList, notes: dict[str, int]
) -> Placed:
    if above.bad:
        return _bad_place()
    active = above.active and not (org.end_date and org.end_date < today)
    if org.ss_type == HUVUDMAN:
        return Placed(True, OrganisationType.HUVUDMAN, "", OrganisationType.HUVUDMAN, org.name, True)
    ours = ORGANISATION_TYPES[org.ss_type]
    if ours is None:
        notes["skipped_organisations"] = notes.get("skipped_organisations", 0) + 1
        return Placed(False, None, above.anchor_ref, above.anchor_type, above.anchor_name, active)
    rank, above_rank = TYPE_RANK[OrganisationType(ours)], TYPE_RANK[OrganisationType(above.anchor_type)]
    if above.anchor_type == OrganisationType.SKOLENHET:
        errors.add(
            org.line,
            ERROR_UNDER_UNIT
            % {"type": OrganisationType(ours).label.lower(), "parent": above.anchor_name[:80]},
        )
        return _bad_place()
    if (
        rank <= above_rank
        and ours == OrganisationType.FORVALTNING
        and above_rank < TYPE_RANK[OrganisationType.OMRADE]
    ):
        ours, rank = OrganisationType.OMRADE, TYPE_RANK[OrganisationType.OMRADE]
    if rank <= above_rank:  # an område within an område: its children move up
        notes["merged_organisations"] = notes.get("merged_organisations", 0) + 1
        return Placed(
            False, None, above.anchor_ref, above.anchor_type, above.anchor_name, active, merged=True
        )
    return Placed(True, ours, org.id, ours, org.name, active, parent_ref=above.anchor_ref)


def unit_rows(parsed: _Parsed, placed: dict[str, Placed], errors: ErrorList) -> list[UnitRow]:
    rows = []
    codes: dict[str, int] = {}
    for org in parsed.orgs:
        place = placed[org.id]
        if not place.kept or place.bad or org.ss_type == HUVUDMAN or place.type is None:
            continue
        if org.code and place.active:
            if org.code in codes:
                file, number = parsed.where(codes[org.code])
                errors.add(org.line, ERROR_CODE_TWICE % {"code": org.code, "number": number, "file": file})
                continue
            codes[org.code] = org.line
        rows.append(
            UnitRow(
                line=org.line,
                type=place.type,
                name=org.name,
                parent_ref=place.parent_ref,
                # as apply_units does: an ended unit gives its code up
                school_unit_code=org.code if place.active else "",
                external_id=org.id,
                municipality_code=org.municipality_code,
                school_forms=org.school_types,
                active=place.active,
            )
        )
    return rows
