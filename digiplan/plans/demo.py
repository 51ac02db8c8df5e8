"""Plans in the demo municipality, so that every state shows: an activity library, last year's
plan followed up, this year's plan published (with an activity late and one done, some carried
forward from last year) and another unit's draft.

Everything is written through the plan services (with their audit rows) and nothing is drawn at
random: the demo is the same each time, its dates counted from today. The example activities are
written in Digiplan's own words; `source` names the municipal plan whose kind of action each one
follows."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from digiplan.demo.registry import DemoPart, DemoRun
from digiplan.frameworks.models import FrameworkVersion, Item, VersionStatus
from digiplan.lib import schoolyear
from digiplan.organisations.demo import demo_huvudman
from digiplan.organisations.models import Membership, Organisation, OrganisationType, Person, Role, RoleTitle
from digiplan.plans import services
from digiplan.plans.models import (
    Activity,
    ActivityStatus,
    Goal,
    GoalOrigin,
    GoalOutcome,
    LibraryActivity,
    Plan,
)

OREBRO = "Digiplan, efter Örebro kommuns handlingsplan för digitalisering i förskola och skola"
ORKELLJUNGA = "Digiplan, efter Örkelljunga kommuns digitaliseringsplan 2019–23"
GOTEBORG = "Digiplan, efter Göteborgs Stads strategiska plan för digitalisering inom utbildningsområdet"

SCHOOL = ["FKLASS", "GR", "GRS", "FTH"]
PRESCHOOL = ["FS"]


@dataclass(frozen=True)
class Example:
    title: str
    description: str
    items: tuple[str, ...]
    role: str = ""
    duration: str = ""
    school_forms: tuple[str, ...] = ()
    for_staff: bool = False
    source: str = OREBRO


LIBRARY = [
    Example(
        "Kartlägg personalens digitala kompetens",
        "Alla i personalgruppen gör en kort självskattning av sina digitala färdigheter. "
        "Rektor och IT-pedagog sammanställer svaren per arbetslag och väljer ut två eller "
        "tre behov som årets kompetensutveckling ska möta.",
        ("KOMP.L1",),
        role="Rektor",
        duration="En månad på hösten",
    ),
    Example(
        "Kollegialt lärande i arbetslaget",
        "Arbetslaget träffas en gång i månaden och prövar ett digitalt arbetssätt i sin "
        "egen undervisning mellan träffarna. Varje träff börjar med att någon visar vad "
        "som fungerade och vad som inte gjorde det.",
        ("KOMP",),
        role="IT-pedagog",
        duration="En termin",
        school_forms=tuple(SCHOOL),
        source=GOTEBORG,
    ),
    Example(
        "Introduktion i digitala verktyg för nyanställda",
        "En checklista och en timmes genomgång med IT-pedagogen för den som börjar: "
        "inloggningar, lärplattformen, var man får hjälp och vilka regler som gäller "
        "för elevernas uppgifter.",
        ("KOMP.L3",),
        role="IT-pedagog",
        duration="Löpande",
        source=ORKELLJUNGA,
    ),
    Example(
        "Självstudier: digitala verktyg för bedömning och återkoppling",
        "En kort webbkurs i egen takt om hur man ger återkoppling i lärplattformen, "
        "följd av ett försök i en egen klass och ett samtal med en kollega om utfallet.",
        ("KOMP.P6",),
        duration="Fyra veckor",
        school_forms=("GR", "GY"),
        for_staff=True,
    ),
    Example(
        "Självstudier: källkritik och säkert beteende på nätet",
        "Ta del av en modul om källkritik, upphovsrätt och nätetik och planera ett "
        "lektionsmoment om det tillsammans med skolbiblioteket.",
        ("KOMP.P4",),
        duration="Tre veckor",
        school_forms=("GR", "GY"),
        for_staff=True,
        source=GOTEBORG,
    ),
    Example(
        "Prova programmering i undervisningen",
        "Välj ett avgränsat område i matematik eller teknik och låt eleverna styra något "
        "med några rader kod. Dokumentera kort vad eleverna lärde sig.",
        ("KOMP.P5",),
        duration="Sex veckor",
        school_forms=("GR",),
        for_staff=True,
    ),
    Example(
        "Digitaliseringen som stående punkt i verksamhetsplanen",
        "Skriv in digitaliseringens mål, resurser och ansvar i enhetens verksamhetsplan "
        "och följ upp dem på samma möten som övriga mål.",
        ("LED.L2",),
        role="Rektor",
        duration="Ett läsår",
        source=ORKELLJUNGA,
    ),
    Example(
        "Berätta om digitaliseringsplanen på en APT",
        "Rektor går igenom årets digitaliseringsplan på en arbetsplatsträff: vad planen "
        "säger, vem som gör vad och hur personalen kan påverka nästa års plan.",
        ("LED.P1", "LED.L6"),
        role="Rektor",
        duration="En träff",
    ),
    Example(
        "Nätverk för IT-pedagoger",
        "IT-pedagogerna i kommunen träffas varannan månad, delar exempel från sina "
        "enheter och tar med sig frågor till förvaltningens digitaliseringsgrupp.",
        ("SAM",),
        role="IT-pedagog",
        duration="Ett läsår",
        source=ORKELLJUNGA,
    ),
    Example(
        "Rutin för support och felanmälan",
        "Gör en enkel rutin som alla känner till: vart man vänder sig när något krånglar, "
        "hur snabbt man kan räkna med hjälp och vem som följer upp att det blev löst.",
        ("INFRA",),
        role="Digitaliseringsansvarig",
        duration="En månad",
    ),
    Example(
        "Digitala verktyg i förskolans dokumentation",
        "Arbetslaget prövar att dokumentera barnens lärande med surfplatta och reflekterar "
        "tillsammans med barnen över bilderna.",
        ("UND",),
        role="Förskolechef",
        duration="En termin",
        school_forms=tuple(PRESCHOOL),
        source=GOTEBORG,
    ),
    Example(
        "Genomgång av dataskydd i enhetens digitala tjänster",
        "Gå igenom vilka digitala tjänster enheten använder, vilka uppgifter om elever de "
        "hanterar och om det finns avtal. Rätta det som saknas tillsammans med "
        "förvaltningens dataskyddsombud.",
        ("DATA",),
        role="Rektor",
        duration="Två månader",
        source=GOTEBORG,
    ),
]


def _standard_version() -> FrameworkVersion | None:
    return FrameworkVersion.objects.filter(
        framework__slug="digiplan-standard", framework__huvudman__isnull=True, status=VersionStatus.PUBLISHED
    ).first()


def _member(unit: Organisation, role: str):
    membership = (
        Membership.objects.filter(organisation=unit, role=role, person__is_active=True)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    return membership.person if membership else None


def _unit(huvudman, name: str) -> Organisation | None:
    return huvudman.nodes.filter(type=OrganisationType.SKOLENHET, name=name, is_active=True).first()


def seed(huvudman, actor=None, *, today: datetime.date | None = None) -> bool:
    """Writes the demo plans once; returns False (and writes nothing) when the huvudman already
    has plans or example activities, or when the built-in framework is not loaded."""
    if (
        Plan.objects.filter(huvudman=huvudman).exists()
        or LibraryActivity.objects.filter(huvudman=huvudman).exists()
    ):
        return False
    version = _standard_version()
    if version is None:
        return False
    items = {i.code: i for i in Item.objects.filter(version=version)}
    titles = {t.name: t for t in huvudman.role_titles.all()}
    if actor is None:
        strategist = (
            Membership.objects.filter(huvudman=huvudman, role=Role.STRATEGIST)
            .order_by("pk")
            .select_related("person")
            .first()
        )
        actor = strategist.person if strategist else None
    today = today or timezone.localdate()
    with transaction.atomic():
        library = {}
        for example in LIBRARY:
            library[example.title] = services.library_create(
                actor=actor,
                huvudman=huvudman,
                title=example.title,
                description=example.description,
                items=[items[c] for c in example.items],
                role_title=titles.get(example.role),
                duration=example.duration,
                school_forms=list(example.school_forms),
                for_staff=example.for_staff,
                source=example.source,
                publish=True,
            )
        unit_a = _unit(huvudman, "Norrbackaskolan")
        unit_b = _unit(huvudman, "Strandskolan")
        if unit_a is not None:
            _unit_a_plans(unit_a, items, titles, library, today)
        if unit_b is not None:
            _unit_b_draft(unit_b, items, library, today)
    return True


def _day(today: datetime.date, days: int) -> datetime.date:
    return today + datetime.timedelta(days=days)


@dataclass
class _UnitA:
    """What the steps of unit A's plans share: the unit, its people and the school years."""

    unit: Organisation
    items: dict[str, Item]
    titles: dict[str, RoleTitle]
    library: dict[str, LibraryActivity]
    today: datetime.date
    leader: Person | None
    coordinator: Person | None
    teacher: Person | None
    year: str
    start: int  # the calendar year the school year starts in

    @classmethod
    def of(cls, unit, items, titles, library, today: datetime.date) -> "_UnitA":
        coordinator = _member(unit, Role.COORDINATOR)
        staff = (
            Membership.objects.filter(organisation=unit, role=Role.STAFF, is_teaching=True)
            .exclude(person=coordinator)
            .select_related("person")
            .order_by("pk")
            .first()
        )
        year = schoolyear.of(today)
        return cls(
            unit=unit,
            items=items,
            titles=titles,
            library=library,
            today=today,
            leader=_member(unit, Role.UNIT_LEADER),
            coordinator=coordinator,
            teacher=staff.person if staff else None,
            year=year,
            start=schoolyear.start_of(year),
        )


def _unit_a_plans(unit, items, titles, library, today) -> None:
    """Last year's plan, followed up, and this year's, published: an activity done, one late,
    one due within the reminder window, one carried forward from last year."""
    a = _UnitA.of(unit, items, titles, library, today)
    old, unfinished = _last_years_plan(a)
    plan = services.plan_create(
        actor=a.leader,
        organisation=a.unit,
        school_year=a.year,
        introduction="Årets plan bygger på höstens skattning och förra årets uppföljning.",
        follow_up_due=datetime.date(a.start + 1, 5, 31),
        carry=[old.activities.get(pk=unfinished.pk)],
    )
    _this_years_goals(a, plan)
    services.plan_publish(actor=a.leader, plan=plan)


def _last_years_plan(a: _UnitA) -> tuple[Plan, Activity]:
    """Last year's plan, published and followed up; with its activity left unfinished."""
    last_year = schoolyear.shifted(a.year, -1)
    old = services.plan_create(
        actor=a.leader,
        organisation=a.unit,
        school_year=last_year,
        title=f"Digitaliseringsplan {last_year}",
        introduction="Förra årets plan: vi började med personalens kompetens.",
        follow_up_due=datetime.date(a.start, 5, 31),
    )
    goal = services.goal_create(
        actor=a.leader,
        plan=old,
        title="Alla vet vad enhetens digitaliseringsplan innebär",
        items=[a.items["LED.P1"]],
        baseline_text="Personal: medel 2,6 av 5",
        target_text="medel minst 3,5",
    )
    mapping = services.activity_from_library(
        actor=a.leader,
        plan=old,
        library_activity=a.library["Kartlägg personalens digitala kompetens"],
        goal=goal,
        owner=a.leader,
        starts_on=datetime.date(a.start - 1, 9, 1),
        due_on=datetime.date(a.start - 1, 10, 31),
    )
    network = services.activity_create(
        actor=a.leader,
        plan=old,
        title="Gemensam mapp för lektionsexempel",
        goal=goal,
        description="En delad mapp där lärarna lägger lektioner med digitala inslag som fungerat.",
        role_title=a.titles.get("IT-pedagog"),
        owner=a.coordinator,
        starts_on=datetime.date(a.start - 1, 11, 1),
        due_on=datetime.date(a.start, 4, 30),
    )
    services.plan_publish(actor=a.leader, plan=old)
    _follow_up_last_year(a, old, goal, done=mapping, unfinished=network)
    return old, network


def _follow_up_last_year(a: _UnitA, old: Plan, goal: Goal, *, done: Activity, unfinished: Activity) -> None:
    services.activity_follow_up(
        actor=a.leader,
        activity=done,
        done=True,
        note="Kartläggningen gjordes i oktober; svaren styrde årets studiedagar.",
    )
    services.activity_follow_up(
        actor=a.leader,
        activity=unfinished,
        done=False,
        note="Mappen finns men används av få. Vi fortsätter nästa år.",
    )
    services.goal_follow_up(
        actor=a.leader,
        goal=goal,
        revision=None,
        outcome=GoalOutcome.PARTLY,
        reflection="Fler känner till planen, men inte alla arbetslag.",
    )
    services.plan_follow_up(
        actor=a.leader,
        plan=old,
        summary="Ett år med fokus på kartläggning. Delningen av "
        "lektionsexempel förs över till nästa års plan.",
    )


def _this_years_goals(a: _UnitA, plan: Plan) -> None:
    competence = services.goal_create(
        actor=a.leader,
        plan=plan,
        title="Personalen är trygg med lärplattformen",
        items=[a.items["KOMP.P1"], a.items["KOMP.L2"]],
        baseline_text="Personal: medel 2,8 av 5",
        target_text="medel minst 3,5",
        origin=GoalOrigin.SUGGESTED,
        description="Skattningen visade att många är osäkra på lärplattformens funktioner.",
    )
    leadership = services.goal_create(
        actor=a.leader,
        plan=plan,
        title="Digitaliseringen syns i verksamhetsplanen",
        items=[a.items["LED.L2"]],
        baseline_text="Ledningens skattning: Planerad (2)",
        target_text="Påbörjad (3)",
    )
    _activities_under_way(a, plan, competence, leadership)
    _activity_to_come(a, plan, competence)


def _activities_under_way(a: _UnitA, plan: Plan, competence: Goal, leadership: Goal) -> None:
    """One due within the reminder window, one done and one late."""
    services.activity_from_library(
        actor=a.leader,
        plan=plan,
        library_activity=a.library["Kollegialt lärande i arbetslaget"],
        goal=competence,
        owner=a.coordinator,
        starts_on=_day(a.today, -90),
        due_on=_day(a.today, 10),
    )
    done = services.activity_create(
        actor=a.leader,
        plan=plan,
        goal=competence,
        title="Studiedag om lärplattformen",
        description="En halv studiedag med övningar i lärplattformens uppgiftsfunktion.",
        role_title=a.titles.get("IT-pedagog"),
        owner=a.coordinator,
        starts_on=_day(a.today, -70),
        due_on=_day(a.today, -40),
    )
    services.activity_progress(
        actor=a.coordinator,
        activity=done,
        status=ActivityStatus.DONE,
        note="Genomförd med hela personalgruppen.",
    )
    late = services.activity_from_library(
        actor=a.leader,
        plan=plan,
        library_activity=a.library["Digitaliseringen som stående punkt i verksamhetsplanen"],
        goal=leadership,
        owner=a.leader,
        starts_on=_day(a.today, -60),
        due_on=_day(a.today, -7),
    )
    services.activity_progress(
        actor=a.leader,
        activity=late,
        status=ActivityStatus.ONGOING,
        note="Utkastet är klart, återstår att ta upp i ledningsgruppen.",
    )


def _activity_to_come(a: _UnitA, plan: Plan, competence: Goal) -> None:
    services.activity_create(
        actor=a.leader,
        plan=plan,
        goal=competence,
        title="Prova återkoppling i lärplattformen",
        description="Varje lärare ger återkoppling på en elevuppgift i lärplattformen och "
        "berättar om det i arbetslaget.",
        role_title=a.titles.get("Lärare"),
        owner=a.teacher,
        participants=[a.coordinator] if a.coordinator else [],
        starts_on=_day(a.today, 5),
        due_on=_day(a.today, 75),
    )


def _unit_b_draft(unit, items, library, today) -> None:
    leader = _member(unit, Role.UNIT_LEADER)
    plan = services.plan_create(
        actor=leader,
        organisation=unit,
        school_year=schoolyear.of(today),
        introduction="Utkast: vi väntar på skattningens resultat innan vi bestämmer oss.",
    )
    goal = services.goal_create(
        actor=leader,
        plan=plan,
        title="Tryggare hantering av elevernas uppgifter",
        items=[items["DATA.L1"]],
        target_text="Påbörjad (3)",
    )
    services.activity_from_library(
        actor=leader,
        plan=plan,
        library_activity=library["Genomgång av dataskydd i enhetens digitala tjänster"],
        goal=goal,
        owner=leader,
        starts_on=_day(today, 14),
        due_on=_day(today, 74),
    )


def seed_step(run: DemoRun) -> None:
    if seed(demo_huvudman()):
        run.say(
            "Planer: exempel på aktiviteter och digitaliseringsplaner i alla "
            "lägen (utkast, publicerad, uppföljd)."
        )


PART = DemoPart(app="plans", order=40, seed=seed_step)
