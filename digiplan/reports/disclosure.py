"""Which small groups of units a set of released totals gives away, by subtraction or any other
linear combination: the arithmetic behind complementary suppression of the public reports.

Each released figure of one kind (say the staff who answered, in one campaign) is a total over a
set of units: the units of the report's scope that the figure covers. A reader who has several
reports adds and subtracts them. Everything they can compute is a vector of the span of the
sets' indicator vectors; such a vector tells something about the units it is supported on and
nothing about the others. So the totals of a small group T (fewer than `below` units) leak
exactly when some nonzero vector of the span is supported inside T: "whole minus part" is the
vector of the one unit left out, and "(A ∪ B) − (B ∪ C) = A − C" one supported on A ∪ C.

Every vector of the span is constant on the atoms, the cells of the Venn diagram of the sets
(units that lie in exactly the same sets), so it is enough to look at sets C of atoms. With M
the matrix of sets × atoms and K a basis of its null space, the vectors of the span supported
inside C form a space of dimension |C| − rank(K restricted to the rows of C); it is positive
exactly when those rows of K are linearly dependent (a single row: zero; two rows: parallel).
The arithmetic is exact (fractions): no rounding can hide or invent a dependency.

A reader who already knows some units' figures (a unit's leader knows the unit's, a strategist
of an administration every unit below it) can take them out of any total: their coordinates are
dropped before the atoms are formed (`known`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from fractions import Fraction
from itertools import combinations

Units = frozenset[int]


def rank(rows: Sequence[Sequence[Fraction | int]]) -> int:
    return len(_echelon([list(map(Fraction, row)) for row in rows])[1])


def _echelon(rows: list[list[Fraction]]) -> tuple[list[list[Fraction]], list[int]]:
    """The reduced row echelon form of rows (changed in place) and its pivot columns."""
    pivots: list[int] = []
    width = len(rows[0]) if rows else 0
    top = 0
    for column in range(width):
        found = next((r for r in range(top, len(rows)) if rows[r][column] != 0), None)
        if found is None:
            continue
        rows[top], rows[found] = rows[found], rows[top]
        lead = rows[top][column]
        rows[top] = [value / lead for value in rows[top]]
        for r in range(len(rows)):
            if r != top and rows[r][column] != 0:
                factor = rows[r][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[top], strict=True)]
        pivots.append(column)
        top += 1
    return rows[:top], pivots


def atoms(sets: Sequence[Collection[int]]) -> list[Units]:
    """The cells of the Venn diagram of the sets: the units that lie in exactly the same sets,
    for every pattern some unit has (units in none of them are no atom)."""
    cells: dict[tuple[bool, ...], set[int]] = {}
    for unit in sorted(set().union(*sets)) if sets else []:
        cells.setdefault(tuple(unit in s for s in sets), set()).add(unit)
    return [frozenset(cell) for cell in cells.values()]


def _null_rows(sets: Sequence[Collection[int]], cells: list[Units]) -> list[tuple[Fraction, ...]]:
    """Per atom, its row of a basis of the null space of the sets × atoms matrix."""
    matrix = [[Fraction(1 if next(iter(cell)) in s else 0) for cell in cells] for s in sets]
    reduced, pivots = _echelon(matrix)
    free = [c for c in range(len(cells)) if c not in pivots]
    basis = []
    for f in free:
        vector = [Fraction(0)] * len(cells)
        vector[f] = Fraction(1)
        for row, pivot in zip(reduced, pivots, strict=True):
            vector[pivot] = -row[f]
        basis.append(vector)
    return [tuple(vector[c] for vector in basis) for c in range(len(cells))]


def _direction(row: tuple[Fraction, ...]) -> tuple[Fraction, ...] | None:
    lead = next((value for value in row if value != 0), None)
    return None if lead is None else tuple(value / lead for value in row)


def _dimension(rows: list[tuple[Fraction, ...]], chosen: tuple[int, ...]) -> int:
    """How many independent vectors of the span are supported inside the chosen atoms."""
    picked = [rows[c] for c in chosen]
    return len(picked) - rank(picked)


def _candidates(cells: list[Units], below: int) -> Iterable[tuple[int, ...]]:
    """Every set of atoms with fewer than `below` units together, smallest first."""
    small = [c for c, cell in enumerate(cells) if len(cell) < below]
    for size in range(1, below):
        for chosen in combinations(small, size):
            if sum(len(cells[c]) for c in chosen) < below:
                yield chosen


def derivable(
    sets: Sequence[Collection[int]], *, below: int, known: Collection[int] = frozenset()
) -> list[Units]:
    """The smallest groups of fewer than `below` units (none of them known) about which the
    sets' totals, with the known units' own figures, tell something: the groups to protect."""
    return exposed([], sets, below=below, known=known)


def exposed(
    before: Sequence[Collection[int]],
    after: Sequence[Collection[int]],
    *,
    below: int,
    known: Collection[int] = frozenset(),
) -> list[Units]:
    """The groups of fewer than `below` units (none known) that the totals over `after` tell
    more about than the totals over `before` did: what releasing the sets of `after` that are
    not in `before` would newly give away. Each group is minimal: no smaller one is listed
    that it contains."""
    known = frozenset(known)
    after = [frozenset(s) - known for s in after]
    before = [frozenset(s) - known for s in before]
    cells = atoms(after + before)
    rows_after = _null_rows(after, cells)
    rows_before = _null_rows(before, cells) if before else None
    found: list[tuple[int, ...]] = []
    directions = [_direction(row) for row in rows_after]
    for chosen in _candidates(cells, below):
        if any(set(f) <= set(chosen) for f in found):
            continue
        if (
            len(chosen) == 2
            and None not in (directions[chosen[0]], directions[chosen[1]])
            and directions[chosen[0]] != directions[chosen[1]]
        ):
            continue  # two independent rows: nothing of the span lies on these two atoms alone
        now = _dimension(rows_after, chosen)
        if now == 0:
            continue
        then = _dimension(rows_before, chosen) if rows_before is not None else 0
        if now > then:
            found.append(chosen)
    return [frozenset().union(*(cells[c] for c in chosen)) for chosen in found]
