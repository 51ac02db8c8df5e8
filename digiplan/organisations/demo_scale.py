"""The organisations' part of `manage.py seed_scale --units N --staff M` (digiplan/demo/registry.py):
one large, fictional huvudman for benchmarks.

Everything is bulk-written in batches inside one transaction, with one audit row per bulk
step: förvaltningar › områden (about 20 units each) › N skolenheter with unique 8-digit codes,
a unit leader per unit and M staff spread over the units by their size. Nobody gets a usable
password. A national installation (5,000 units, 150,000 staff) takes a few minutes on SQLite.
"""

import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.management.base import CommandError
from django.db import transaction

from digiplan.audit.services import audit_record
from digiplan.demo.registry import DemoRun, ScaleSize
from digiplan.organisations.demo_people import NameGenerator, spread, unusable_password
from digiplan.organisations.models import (
    Huvudman,
    Membership,
    Organisation,
    OrganisationType,
    Person,
    PupilCount,
    Role,
    RoleTitle,
    UnitSchoolForm,
    organisation_number_validator,
)
from digiplan.organisations.services import huvudman_create, huvudman_root, role_title_save

COMMAND = "seed_scale"
FIRST_CODE = 10_000_000  # seed_demo's codes start with 9: the two never meet
ERROR_NO_PRIMARY_KEYS = "The database returned no primary keys for the new nodes."

# (name suffix, weight among units, {(form, band): typical pupils})
PROFILES: list[tuple[str, int, dict[tuple[str, str], int]]] = [
    ("förskola", 6, {("FS", "1-5 år"): 80}),
    ("skola F-6", 5, {("FKLASS", "F"): 45, ("GR", "1-3"): 135, ("GR", "4-6"): 130, ("FTH", "F-6"): 200}),
    (
        "skola F-9",
        3,
        {
            ("FKLASS", "F"): 40,
            ("GR", "1-3"): 120,
            ("GR", "4-6"): 120,
            ("GR", "7-9"): 160,
            ("FTH", "F-6"): 180,
        },
    ),
    ("skola 7-9", 2, {("GR", "7-9"): 420}),
    ("anpassad grundskola", 1, {("GRS", "1-9"): 35}),
    ("gymnasium", 2, {("GY", "1-3"): 750}),
    ("anpassad gymnasieskola", 1, {("GYS", "1-4"): 30}),
    ("vuxenutbildning", 1, {("VUX", "gymnasial"): 400, ("SFI", "A-D"): 250}),
]
PUPILS_PER_STAFF: dict[str, float] = {
    "FS": 5.0,
    "FKLASS": 12.0,
    "GR": 10.0,
    "FTH": 25.0,
    "GRS": 2.5,
    "GY": 11.0,
    "GYS": 2.5,
    "VUX": 22.0,
    "SFI": 22.0,
}
PLACES = (
    "Norr",
    "Söder",
    "Öster",
    "Väster",
    "Centrum",
    "Hamnen",
    "Skogen",
    "Ängen",
    "Berget",
    "Dalen",
    "Strand",
    "Kyrkby",
    "Backa",
    "Lunden",
    "Haga",
    "Åsen",
    "Viken",
    "Udden",
)


def _chunks[T](items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class _NodeSpec:
    """A node to bulk-create under an already saved parent."""

    parent: Organisation
    type: str
    name: str
    school_unit_code: str = ""
    staff_count: int | None = None
    pupils: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def load(self) -> float:
        """How many staff the unit's pupils need, relatively."""
        return sum(n / PUPILS_PER_STAFF[f] for (f, _b), n in self.pupils.items())


class ScaleBuilder:
    """Everything is bulk-written in batches inside one transaction, one audit row per step."""

    def __init__(self, run: DemoRun, size: ScaleSize):
        self.run = run
        self.size = size
        self.batch = size.batch_size
        self.rng = random.Random(size.seed)

    def build(self) -> None:
        size = self.size
        orgnr = size.huvudman
        try:
            organisation_number_validator(orgnr)
        except Exception as error:
            raise CommandError(f"Ogiltigt organisationsnummer: {orgnr}") from error
        started = time.monotonic()

        with transaction.atomic():
            self.huvudman = huvudman = self._empty_huvudman(orgnr)
            self.root = huvudman_root(huvudman)
            self.titles = self._titles()
            n_areas = math.ceil(size.units / size.units_per_area)
            n_admins = math.ceil(n_areas / size.areas_per_administration)
            areas = self._areas(n_admins, n_areas)
            specs = self._unit_specs(areas, size.units)
            staff_counts = spread(size.staff, [s.load for s in specs]) if size.staff else [0] * size.units
            for spec, count in zip(specs, staff_counts, strict=True):
                spec.staff_count = count
            unit_nodes = self._nodes(specs, "skolenheter")
            self._forms_and_counts(unit_nodes, [s.pupils for s in specs])
            leaders, staff_people = self._people(unit_nodes, staff_counts)

        elapsed = time.monotonic() - started
        self.run.built(
            f"{huvudman.name} ({orgnr}) – förvaltningar: {n_admins}, områden: {n_areas}, "
            f"skolenheter: {size.units}, rektorer: {leaders}, personal: {staff_people}. "
            f"Tid: {elapsed:.1f} s."
        )

    def _empty_huvudman(self, orgnr: str) -> Huvudman:
        """The huvudman of that number, created when missing; refused when it has a tree."""
        huvudman = Huvudman.objects.filter(organisation_number=orgnr).first()
        if huvudman is None:
            return huvudman_create(name=f"Skaltestkommun {orgnr}", organisation_number=orgnr)
        if Organisation.objects.filter(huvudman=huvudman, parent__isnull=False).exists():
            raise CommandError(
                f"{huvudman.name} ({orgnr}) har redan organisationsnoder; välj ett annat "
                "--huvudman eller töm databasen."
            )
        return huvudman

    def _areas(self, n_admins: int, n_areas: int) -> list[Organisation]:
        """The förvaltningar under the root, and the områden spread evenly over them."""
        admins = self._nodes(
            [
                _NodeSpec(self.root, OrganisationType.FORVALTNING, f"Förvaltning {i + 1}")
                for i in range(n_admins)
            ],
            "förvaltningar",
        )
        return self._nodes(
            [
                _NodeSpec(
                    admins[i * n_admins // n_areas],
                    OrganisationType.OMRADE,
                    f"Område {PLACES[i % len(PLACES)]} {i // len(PLACES) + 1}",
                )
                for i in range(n_areas)
            ],
            "områden",
        )

    def _unit_specs(self, areas: list[Organisation], units: int) -> list[_NodeSpec]:
        """The skolenheter, spread evenly over the områden, each of a random profile."""
        codes = self._codes(units)
        specs = []
        for i in range(units):
            name, _weight, pupils = self.rng.choices(PROFILES, weights=[p[1] for p in PROFILES])[0]
            factor = self.rng.uniform(0.5, 1.5)
            specs.append(
                _NodeSpec(
                    areas[i * len(areas) // units],
                    OrganisationType.SKOLENHET,
                    f"{PLACES[i % len(PLACES)]} {name} {i + 1}",
                    school_unit_code=codes[i],
                    pupils={key: max(5, round(n * factor)) for key, n in pupils.items()},
                )
            )
        return specs

    # --- steps ---------------------------------------------------------------------------

    def _audit(self, action: str, object_type: str, count: int, label: str) -> None:
        audit_record(
            actor=None,
            huvudman=self.huvudman,
            action=action,
            object_type=object_type,
            object_label=f"{count} {label}",
            extra={"count": count, "command": COMMAND},
        )

    def _titles(self) -> dict[str, RoleTitle]:
        titles = {t.name: t for t in RoleTitle.objects.filter(huvudman=self.huvudman)}
        for role, name in ((Role.UNIT_LEADER, "Rektor"), (Role.STAFF, "Lärare")):
            if name not in titles:
                titles[name] = role_title_save(actor=None, huvudman=self.huvudman, role=role, name=name)
        return titles

    def _nodes(self, specs: list[_NodeSpec], label: str) -> list[Organisation]:
        """Bulk-create nodes under their (already saved) parents, then write their paths,
        which need the new primary keys."""
        nodes = [
            Organisation(
                huvudman=self.huvudman,
                parent=spec.parent,
                type=spec.type,
                name=spec.name,
                path=spec.parent.path,
                school_unit_code=spec.school_unit_code,
                staff_count=spec.staff_count,
            )
            for spec in specs
        ]
        created: list[Organisation] = []
        for chunk in _chunks(nodes, self.batch):
            created.extend(Organisation.objects.bulk_create(chunk))
        for node, spec in zip(created, specs, strict=True):
            if node.pk is None:  # a backend that returns no primary keys cannot build paths
                raise RuntimeError(ERROR_NO_PRIMARY_KEYS)
            node.path = f"{spec.parent.path}{node.pk}/"
        Organisation.objects.bulk_update(created, ["path"], batch_size=self.batch)
        self._audit("organisation.bulk_create", "organisation", len(created), label)
        return created

    def _codes(self, count: int) -> list[str]:
        taken = set(
            Organisation.objects.filter(is_active=True)
            .exclude(school_unit_code="")
            .values_list("school_unit_code", flat=True)
        )
        codes: list[str] = []
        candidate = FIRST_CODE
        while len(codes) < count:
            code = f"{candidate:08d}"
            if code not in taken:
                codes.append(code)
            candidate += 1
            if candidate > 99_999_999:
                raise CommandError("Skolenhetskoderna räcker inte till.")
        return codes

    def _forms_and_counts(self, units: list[Organisation], pupils: list[dict[tuple[str, str], int]]) -> None:
        forms, counts = [], []
        for unit, unit_pupils in zip(units, pupils, strict=True):
            for form in dict.fromkeys(f for f, _band in unit_pupils):
                forms.append(UnitSchoolForm(organisation=unit, school_form=form))
            for (form, band), n in unit_pupils.items():
                counts.append(PupilCount(organisation=unit, school_form=form, grade_band=band, pupils=n))
        UnitSchoolForm.objects.bulk_create(forms, batch_size=self.batch)
        self._audit("unit_school_form.bulk_create", "unitschoolform", len(forms), "skolformer")
        PupilCount.objects.bulk_create(counts, batch_size=self.batch)
        self._audit("pupil_count.bulk_create", "pupilcount", len(counts), "elevantal")

    def _people(self, units: list[Organisation], staff_counts: list[int]) -> tuple[int, int]:
        """A unit leader per unit, then the staff, unit by unit; written batch by batch so
        that 150,000 people never sit in memory at once."""
        digits = self.huvudman.organisation_number.replace("-", "")
        domain = f"skala{digits}.example"
        taken = Person.objects.filter(email__iendswith=f"@{domain}").values_list("email", flat=True)
        names = NameGenerator(int(digits), domain, taken)
        leader, teacher = self.titles["Rektor"], self.titles["Lärare"]

        def assignments():
            for unit in units:
                yield unit, Role.UNIT_LEADER
            for unit, count in zip(units, staff_counts, strict=True):
                for _ in range(count):
                    yield unit, Role.STAFF

        people_total = memberships_total = 0
        batch: list[tuple[Organisation, str]] = []

        def flush():
            nonlocal people_total, memberships_total
            people = []
            for _unit, _role in batch:
                name, email = names.next()
                people.append(
                    Person(huvudman=self.huvudman, name=name, email=email, password=unusable_password())
                )
            people = Person.objects.bulk_create(people)
            memberships = []
            for person, (unit, role) in zip(people, batch, strict=True):
                teaching = role == Role.STAFF and self.rng.random() < 0.85
                memberships.append(
                    Membership(
                        huvudman=self.huvudman,
                        person=person,
                        organisation=unit,
                        role=role,
                        is_teaching=teaching,
                        title=leader if role == Role.UNIT_LEADER else (teacher if teaching else None),
                    )
                )
            Membership.objects.bulk_create(memberships)
            people_total += len(people)
            memberships_total += len(memberships)
            batch.clear()

        for item in assignments():
            batch.append(item)
            if len(batch) >= self.batch:
                flush()
        if batch:
            flush()
        self._audit("person.bulk_create", "person", people_total, "personer")
        self._audit("membership.bulk_create", "membership", memberships_total, "medlemskap")
        return len(units), people_total - len(units)


def scale_step(run: DemoRun, size: ScaleSize) -> None:
    ScaleBuilder(run, size).build()
