"""The organisations' part of the demo (manage.py seed_demo, digiplan/demo/registry.py): a
fictional municipality to show and try Digiplan with.

Sjöviks kommun (212000-0001) is made up, as are its schools, codes, counts and people; the
names are drawn deterministically from lists of common Swedish first and last names. A second,
small huvudman, Friskolan Exempel AB (556000-0002), shows that tenants are kept apart.

The tree, the role titles and the demo personas are written through the organisation services
(one audit row each). The ~1,500 generated staff and their memberships are bulk-written, with
one audit row per bulk step, in the same transaction. Running the command again creates
nothing: it only makes sure the demo passwords still work.
"""

import functools
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, transaction

from digiplan.audit.services import audit_record
from digiplan.demo.registry import DemoLogin, DemoPart, DemoRun
from digiplan.organisations.demo_people import NameGenerator, spread, unusable_password
from digiplan.organisations.demo_scale import scale_step
from digiplan.organisations.models import (
    Huvudman,
    Membership,
    Organisation,
    OrganisationType,
    Person,
    Role,
    RoleTitle,
    SchoolForm,
)
from digiplan.organisations.services import (
    huvudman_create,
    huvudman_root,
    membership_create,
    organisation_create,
    person_create,
    role_title_save,
)

DEMO_PASSWORD = "digiplan-demo"

DEMO_NAME = "Sjöviks kommun"
DEMO_ORGNR = "212000-0001"
DEMO_DOMAIN = "sjovik.example"
DEMO_STAFF_TOTAL = 1500

FRISKOLA_NAME = "Friskolan Exempel AB"
FRISKOLA_ORGNR = "556000-0002"
FRISKOLA_DOMAIN = "friskolan.example"


# --- The fictional municipality --------------------------------------------------------------

# Pupils per member of staff, by school form: the generated staff are spread by this load.
PUPILS_PER_STAFF: dict[str, float] = {
    SchoolForm.FS: 5.0,
    SchoolForm.FKLASS: 12.0,
    SchoolForm.GR: 10.0,
    SchoolForm.FTH: 25.0,
    SchoolForm.GRS: 2.5,
    SchoolForm.GY: 11.0,
    SchoolForm.GYS: 2.5,
    SchoolForm.VUX: 22.0,
    SchoolForm.SFI: 22.0,
}
# Forms whose staff are mostly teaching; the share of teaching staff among the rest is lower.
TEACHING_SHARE = 0.85


@dataclass
class UnitSpec:
    name: str
    area: str
    pupils: dict[tuple[str, str], int]
    short_name: str = ""
    key: str = ""  # "A" / "B" for the demo personas' units

    @property
    def forms(self) -> list[str]:
        return list(dict.fromkeys(form for form, _band in self.pupils))

    @property
    def load(self) -> float:
        return sum(n / PUPILS_PER_STAFF[form] for (form, _band), n in self.pupils.items())

    @property
    def is_preschool(self) -> bool:
        return self.forms == [SchoolForm.FS]


def _f6(fk: int, g13: int, g46: int, fth: int) -> dict[tuple[str, str], int]:
    return {("FKLASS", "F"): fk, ("GR", "1-3"): g13, ("GR", "4-6"): g46, ("FTH", "F-6"): fth}


def _f9(fk: int, g13: int, g46: int, g79: int, fth: int) -> dict[tuple[str, str], int]:
    return {**_f6(fk, g13, g46, fth), ("GR", "7-9"): g79}


FORVALTNINGAR = {
    "Utbildningsförvaltningen": [
        "Rektorsområde Norr",
        "Rektorsområde Söder",
        "Rektorsområde Centrum",
        "Gymnasium och vuxenutbildning",
    ],
    "Förskoleförvaltningen": ["Förskoleområde Väster", "Förskoleområde Öster"],
}

DEMO_UNITS = [
    # Rektorsområde Norr
    UnitSpec("Norrbackaskolan", "Rektorsområde Norr", _f6(58, 172, 166, 255), key="A"),
    UnitSpec("Björkhagaskolan", "Rektorsområde Norr", _f9(42, 124, 128, 186, 190)),
    UnitSpec(
        "Ängsbacka skola", "Rektorsområde Norr", {("FKLASS", "F"): 31, ("GR", "1-3"): 96, ("FTH", "F-3"): 112}
    ),
    UnitSpec("Skogsbrynets skola", "Rektorsområde Norr", _f6(26, 78, 74, 118)),
    # Rektorsområde Söder
    UnitSpec("Strandskolan", "Rektorsområde Söder", _f6(61, 178, 171, 262), key="B"),
    UnitSpec("Söderviksskolan", "Rektorsområde Söder", {("GR", "7-9"): 428}),
    UnitSpec("Hagaskolan", "Rektorsområde Söder", _f9(46, 141, 137, 152, 212)),
    UnitSpec("Ekbackens skola", "Rektorsområde Söder", _f6(35, 102, 96, 151)),
    # Rektorsområde Centrum
    UnitSpec("Centralskolan", "Rektorsområde Centrum", {("GR", "7-9"): 512}),
    UnitSpec("Kyrkbyskolan", "Rektorsområde Centrum", _f6(50, 152, 147, 231)),
    UnitSpec("Torgskolan", "Rektorsområde Centrum", _f6(40, 121, 118, 182)),
    UnitSpec(
        "Lindskolans anpassade grundskola",
        "Rektorsområde Centrum",
        {("GRS", "1-6"): 21, ("GRS", "7-9"): 19, ("FTH", "F-6"): 14},
        short_name="Lindskolan GRS",
    ),
    # Gymnasium och vuxenutbildning
    UnitSpec("Sjöviks gymnasium", "Gymnasium och vuxenutbildning", {("GY", "1-3"): 986}),
    UnitSpec("Hamnens gymnasium", "Gymnasium och vuxenutbildning", {("GY", "1-3"): 624}),
    UnitSpec(
        "Sjöviks anpassade gymnasieskola",
        "Gymnasium och vuxenutbildning",
        {("GYS", "1-4"): 38},
        short_name="Anpassade gymnasiet",
    ),
    UnitSpec(
        "Vuxenutbildningen Sjövik",
        "Gymnasium och vuxenutbildning",
        {("VUX", "grundläggande"): 184, ("VUX", "gymnasial"): 472},
    ),
    UnitSpec("Sjöviks sfi-center", "Gymnasium och vuxenutbildning", {("SFI", "A-D"): 326}),
    # Förskolor
    UnitSpec("Förskolan Solrosen", "Förskoleområde Väster", {("FS", "1-5 år"): 96}),
    UnitSpec("Förskolan Ekorren", "Förskoleområde Väster", {("FS", "1-5 år"): 72}),
    UnitSpec("Förskolan Lärkan", "Förskoleområde Väster", {("FS", "1-5 år"): 54}),
    UnitSpec("Förskolan Tallbacken", "Förskoleområde Väster", {("FS", "1-5 år"): 112}),
    UnitSpec("Förskolan Sjöstjärnan", "Förskoleområde Öster", {("FS", "1-5 år"): 88}),
    UnitSpec("Förskolan Vitsippan", "Förskoleområde Öster", {("FS", "1-5 år"): 64}),
    UnitSpec("Förskolan Blåklockan", "Förskoleområde Öster", {("FS", "1-5 år"): 121}),
    UnitSpec("Förskolan Humlan", "Förskoleområde Öster", {("FS", "1-5 år"): 45}),
]

FRISKOLA_UNITS = [
    UnitSpec("Exempelskolan Sjövik", "", _f9(28, 84, 81, 90, 104)),
    UnitSpec("Exempelgymnasiet", "", {("GY", "1-3"): 310}),
]
FRISKOLA_STAFF_TOTAL = 60

ROLE_TITLES = [
    (Role.STRATEGIST, "IT-strateg"),
    (Role.STRATEGIST, "Utvecklingsstrateg"),
    (Role.UNIT_LEADER, "Rektor"),
    (Role.UNIT_LEADER, "Förskolechef"),
    (Role.COORDINATOR, "IT-pedagog"),
    (Role.COORDINATOR, "Digitaliseringsansvarig"),
    (Role.STAFF, "Lärare"),
]


@dataclass(frozen=True)
class Persona:
    label: str  # Swedish, for demo_logins
    email: str
    name: str
    role: str
    unit_key: str  # "" for the root, else UnitSpec.key
    title: str
    is_teaching: bool = False
    extra_roles: tuple[tuple[str, str, bool], ...] = field(default=())  # (role, title, teaching)


DEMO_PERSONAS = [
    Persona("Strateg", f"strateg@{DEMO_DOMAIN}", "Sara Strateg", Role.STRATEGIST, "", "Utvecklingsstrateg"),
    Persona("Rektor, enhet A", f"rektor.a@{DEMO_DOMAIN}", "Rikard Rektor", Role.UNIT_LEADER, "A", "Rektor"),
    Persona("Rektor, enhet B", f"rektor.b@{DEMO_DOMAIN}", "Rebecka Rektor", Role.UNIT_LEADER, "B", "Rektor"),
    Persona(
        "Personal, enhet A",
        f"personal@{DEMO_DOMAIN}",
        "Petra Personal",
        Role.STAFF,
        "A",
        "Lärare",
        is_teaching=True,
    ),
    Persona(
        "IT-pedagog, enhet A",
        f"pedagog@{DEMO_DOMAIN}",
        "Peder Pedagog",
        Role.COORDINATOR,
        "A",
        "IT-pedagog",
        extra_roles=((Role.STAFF, "Lärare", True),),
    ),
]
FRISKOLA_PERSONAS = [
    Persona(
        "Strateg, friskolan",
        f"strateg@{FRISKOLA_DOMAIN}",
        "Frida Friskola",
        Role.STRATEGIST,
        "",
        "IT-strateg",
    ),
]
ALL_PERSONAS = [(DEMO_ORGNR, p) for p in DEMO_PERSONAS] + [(FRISKOLA_ORGNR, p) for p in FRISKOLA_PERSONAS]


def school_unit_code(series: int, index: int) -> str:
    """Deterministic, well-formed and fictional: 9 + seven digits scattered by a unit stride
    (7,368,787 is coprime with 10^7, so codes never repeat within a series)."""
    return f"9{(index * 7_368_787 + series * 1_000_003 + 1_234_567) % 10_000_000:07d}"


# --- Building --------------------------------------------------------------------------------


class Builder:
    def __init__(self, huvudman: Huvudman, domain: str, seed: int, stdout):
        self.huvudman = huvudman
        self.root = huvudman_root(huvudman)
        self.stdout = stdout
        taken = Person.objects.filter(email__iendswith=f"@{domain}").values_list("email", flat=True)
        self.names = NameGenerator(seed, domain, taken)
        self.rng = random.Random(seed + 1)
        self.titles: dict[str, RoleTitle] = {}
        self.units: list[tuple[UnitSpec, Organisation]] = []

    def role_titles(self) -> None:
        for role, name in ROLE_TITLES:
            self.titles[name] = role_title_save(actor=None, huvudman=self.huvudman, role=role, name=name)

    def tree(
        self, forvaltningar: dict[str, list[str]], units: list[UnitSpec], series: int, staff_total: int
    ) -> None:
        parents: dict[str, Organisation] = {"": self.root}
        for forvaltning, areas in forvaltningar.items():
            node = organisation_create(
                actor=None, parent=self.root, type=OrganisationType.FORVALTNING, name=forvaltning
            )
            for area in areas:
                parents[area] = organisation_create(
                    actor=None, parent=node, type=OrganisationType.OMRADE, name=area
                )
        staff_counts = spread(staff_total, [u.load for u in units])
        for index, (spec, staff) in enumerate(zip(units, staff_counts, strict=True)):
            unit = organisation_create(
                actor=None,
                parent=parents[spec.area],
                type=OrganisationType.SKOLENHET,
                name=spec.name,
                short_name=spec.short_name,
                school_unit_code=school_unit_code(series, index),
                staff_count=staff,
                school_forms=spec.forms,
                pupil_counts=spec.pupils,
            )
            self.units.append((spec, unit))

    def unit_by_key(self, key: str) -> Organisation:
        if not key:
            return self.root
        return next(unit for spec, unit in self.units if spec.key == key)

    def personas(self, personas: list[Persona]) -> list[Person]:
        people = []
        for persona in personas:
            person = person_create(actor=None, huvudman=self.huvudman, name=persona.name, email=persona.email)
            node = self.unit_by_key(persona.unit_key)
            roles = [(persona.role, persona.title, persona.is_teaching), *persona.extra_roles]
            for role, title, teaching in roles:
                membership_create(
                    actor=None,
                    person=person,
                    organisation=node,
                    role=role,
                    title=self.titles[title],
                    is_teaching=teaching,
                )
            people.append(person)
        set_demo_passwords(self.huvudman, people)
        return people

    def leaders(self) -> None:
        """A unit leader for every unit that has no persona leading it (through the services)."""
        led = set(
            Membership.objects.filter(huvudman=self.huvudman, role=Role.UNIT_LEADER).values_list(
                "organisation_id", flat=True
            )
        )
        for spec, unit in self.units:
            if unit.pk in led:
                continue
            name, email = self.names.next()
            person = person_create(actor=None, huvudman=self.huvudman, name=name, email=email)
            title = self.titles["Förskolechef" if spec.is_preschool else "Rektor"]
            membership_create(
                actor=None, person=person, organisation=unit, role=Role.UNIT_LEADER, title=title
            )

    def staff(self, command: str) -> tuple[int, int]:
        """The generated staff, bulk-written; each unit gets its staff_count staff members,
        counting the personas already there. Every other school gets a coordinator."""
        people, teaching = self._new_staff(command)
        teacher = self.titles["Lärare"]
        memberships = [
            Membership(
                huvudman=self.huvudman,
                person=person,
                organisation=unit,
                role=Role.STAFF,
                is_teaching=is_teaching,
                title=teacher if is_teaching else None,
            )
            for person, (unit, is_teaching) in zip(people, teaching, strict=True)
        ]
        memberships.extend(self._coordinators(people, teaching))
        Membership.objects.bulk_create(memberships, batch_size=2000)
        audit_record(
            actor=None,
            huvudman=self.huvudman,
            action="membership.bulk_create",
            object_type="membership",
            object_label=f"{len(memberships)} medlemskap",
            extra={"count": len(memberships), "command": command},
        )
        return len(people), len(memberships)

    def _new_staff(self, command: str) -> tuple[list[Person], list[tuple[Organisation, bool]]]:
        """The staff each unit lacks, bulk-created: (people, (unit, teaching) of each)."""
        existing: dict[int, int] = {}
        for org_id in Membership.objects.filter(huvudman=self.huvudman, role=Role.STAFF).values_list(
            "organisation_id", flat=True
        ):
            existing[org_id] = existing.get(org_id, 0) + 1
        teaching: list[tuple[Organisation, bool]] = []
        people: list[Person] = []
        for _spec, unit in self.units:
            for _ in range((unit.staff_count or 0) - existing.get(unit.pk, 0)):
                name, email = self.names.next()
                people.append(
                    Person(huvudman=self.huvudman, name=name, email=email, password=unusable_password())
                )
                teaching.append((unit, self.rng.random() < TEACHING_SHARE))
        people = Person.objects.bulk_create(people, batch_size=2000)
        audit_record(
            actor=None,
            huvudman=self.huvudman,
            action="person.bulk_create",
            object_type="person",
            object_label=f"{len(people)} personal",
            extra={"count": len(people), "command": command},
        )
        return people, teaching

    def _coordinators(
        self, people: list[Person], teaching: list[tuple[Organisation, bool]]
    ) -> list[Membership]:
        """Every other unit without a coordinator gets one: its first new teacher."""
        coordinated = set(
            Membership.objects.filter(huvudman=self.huvudman, role=Role.COORDINATOR).values_list(
                "organisation_id", flat=True
            )
        )
        first_teacher: dict[int, Person] = {}
        for person, (unit, is_teaching) in zip(people, teaching, strict=True):
            if is_teaching:
                first_teacher.setdefault(unit.pk, person)
        memberships = []
        for index, (spec, unit) in enumerate(self.units):
            if index % 2 or unit.pk in coordinated or unit.pk not in first_teacher:
                continue
            title = self.titles["IT-pedagog" if not spec.is_preschool else "Digitaliseringsansvarig"]
            memberships.append(
                Membership(
                    huvudman=self.huvudman,
                    person=first_teacher[unit.pk],
                    organisation=unit,
                    role=Role.COORDINATOR,
                    title=title,
                )
            )
        return memberships


def demo_password_hash() -> str:
    """The demo password, hashed once per process (and hasher setting): the personas share
    it, so seeding stays fast however slow the password hasher is."""
    return _demo_password_hash(tuple(settings.PASSWORD_HASHERS))


@functools.cache
def _demo_password_hash(hashers: tuple[str, ...]) -> str:
    return make_password(DEMO_PASSWORD)


def set_demo_passwords(huvudman: Huvudman, people: list[Person]) -> None:
    if not people:
        return
    encoded = demo_password_hash()
    Person.objects.filter(pk__in=[p.pk for p in people]).update(password=encoded, is_active=True)
    for person in people:
        person.password = encoded
    audit_record(
        actor=None,
        huvudman=huvudman,
        action="person.demo_password_set",
        object_type="person",
        object_label=", ".join(p.email for p in people),
        extra={"people": [p.email for p in people]},
    )


def repair_demo_passwords(orgnrs: list[str]) -> list[str]:
    """Make sure the personas of existing demo huvudmän can still sign in. Returns the e-mails
    that had to be fixed; writes nothing when all is well."""
    fixed: list[str] = []
    verified: set[str] = set()  # stored hashes known to match: checked once, not per persona
    personas = [(orgnr, persona) for orgnr, persona in ALL_PERSONAS if orgnr in orgnrs]
    for orgnr, persona in personas:
        person = (
            Person.objects.filter(email=persona.email, huvudman__organisation_number=orgnr)
            .select_related("huvudman")
            .first()
        )
        if person is None or person.huvudman is None:
            continue
        if person.is_active and (person.password in verified or person.check_password(DEMO_PASSWORD)):
            verified.add(person.password)
            continue
        with transaction.atomic():
            set_demo_passwords(person.huvudman, [person])
        fixed.append(person.email)
    try:  # a locked-out persona would look like a broken password
        from axes.utils import reset

        for _orgnr, persona in personas:
            reset(username=persona.email)
    except DatabaseError:  # axes tables missing is no reason to fail the seed
        pass
    return fixed


def build_demo(stdout) -> Huvudman:
    huvudman = huvudman_create(name=DEMO_NAME, organisation_number=DEMO_ORGNR)
    builder = Builder(huvudman, DEMO_DOMAIN, seed=212000, stdout=stdout)
    builder.role_titles()
    builder.tree(FORVALTNINGAR, DEMO_UNITS, series=0, staff_total=DEMO_STAFF_TOTAL)
    builder.personas(DEMO_PERSONAS)
    builder.leaders()
    builder.staff("seed_demo")
    return huvudman


def build_friskola(stdout) -> Huvudman:
    huvudman = huvudman_create(name=FRISKOLA_NAME, organisation_number=FRISKOLA_ORGNR)
    builder = Builder(huvudman, FRISKOLA_DOMAIN, seed=556000, stdout=stdout)
    builder.role_titles()
    builder.tree({}, FRISKOLA_UNITS, series=1, staff_total=FRISKOLA_STAFF_TOTAL)
    builder.personas(FRISKOLA_PERSONAS)
    builder.leaders()
    builder.staff("seed_demo")
    return huvudman


def summary(huvudman: Huvudman) -> str:
    units = Organisation.objects.filter(huvudman=huvudman, type=OrganisationType.SKOLENHET, is_active=True)
    staff = Person.objects.filter(huvudman=huvudman, memberships__role=Role.STAFF).distinct().count()
    people = Person.objects.filter(huvudman=huvudman).count()
    forms = sorted(set(units.values_list("school_forms__school_form", flat=True)) - {None})
    return (
        f"{huvudman.name} ({huvudman.organisation_number}): {units.count()} skolenheter "
        f"({', '.join(forms)}), {people} personer varav {staff} personal"
    )


# --- The steps of manage.py seed_demo and demo_logins -----------------------------------------


def demo_huvudman() -> Huvudman:
    """Sjöviks kommun, on which the later apps' demo steps build."""
    return Huvudman.objects.get(organisation_number=DEMO_ORGNR)


def seed_step(run: DemoRun) -> None:
    existing = []
    for orgnr, name, build in (
        (DEMO_ORGNR, DEMO_NAME, build_demo),
        (FRISKOLA_ORGNR, FRISKOLA_NAME, build_friskola),
    ):
        if Huvudman.objects.filter(organisation_number=orgnr).exists():
            run.say(f"{name} ({orgnr}) finns redan – inget nytt skapas.")
            existing.append(orgnr)
            continue
        with transaction.atomic():
            run.built(summary(build(run.stdout)))
    fixed = repair_demo_passwords(existing)
    if fixed:
        run.say("Demolösenordet återställt för: " + ", ".join(fixed))


def demo_logins() -> list[DemoLogin]:
    logins = []
    for orgnr, persona in ALL_PERSONAS:
        person = (
            Person.objects.filter(email=persona.email, huvudman__organisation_number=orgnr)
            .select_related("huvudman")
            .first()
        )
        if person is None:
            continue
        places = sorted(
            {
                m.organisation.name
                for m in Membership.objects.filter(person=person).select_related("organisation")
            }
        )
        logins.append(DemoLogin(persona.label, person.email, DEMO_PASSWORD, ", ".join(places)))
    return logins


PART = DemoPart(app="organisations", order=10, seed=seed_step, logins=demo_logins, scale=scale_step)
