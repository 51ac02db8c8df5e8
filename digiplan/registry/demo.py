"""The demo municipality's devices and digital services, so that the registry's pages, the device
targets and the deviations in the reports have something real to show: every school unit's
computers, Chromebooks and tablets as an MDM export would give them (most units near the plan's
targets, a few below, leases and updates ending through the coming year), a register of services
in every state of the review, the units' declarations (one of them a deviation) and the plan's
tools linked to the register. The same each time (a seeded random), dates counted from today."""

import datetime
import random

from django.db import transaction

from digiplan.demo.registry import DemoPart, DemoRun
from digiplan.frameworks.models import FrameworkVersion, ItemKind, VersionStatus
from digiplan.organisations.demo import DEMO_DOMAIN, demo_huvudman
from digiplan.organisations.models import Huvudman, Organisation, Person
from digiplan.registry.device_models import Device, DeviceType, Ownership, UserGroup
from digiplan.registry.digital_models import DigitalService, ServiceStatus
from digiplan.registry.digital_services import service_propose, service_review, service_use_declare
from digiplan.registry.expected_tools_services import expected_tool_link

SEED = 15
# The units whose pupils have fewer devices than the plan asks: the reports show them below target.
SHORT_OF_DEVICES = ("Strandskolan", "Hagaskolan", "Ängsbacka skola")
# A school whose staff wait for computers, and how many of them have one.
SHORT_OF_COMPUTERS = ("Kyrkbyskolan",)
STAFF_SHORT = 0.9
# Pupils' devices per pupil by grade band (a preschool class and the leisure-time centre share
# the school's tablets).
COVER = {"1-3": 0.55, "4-6": 1.0, "7-9": 1.02}
KIND = {"1-3": DeviceType.TABLET, "4-6": DeviceType.CHROMEBOOK, "7-9": DeviceType.CHROMEBOOK}
MODELS = {
    DeviceType.CHROMEBOOK: ("Lenovo 300e Chromebook Gen 4", "ChromeOS"),
    DeviceType.TABLET: ("iPad (10:e generationen)", "iPadOS"),
    DeviceType.COMPUTER: ("HP ProBook 440 G10", "Windows"),
}

SERVICES = [
    # name, supplier, purpose, pupil data, status, reasons, third country, dpa expires (days)
    (
        "Lärplattformen",
        "Skolsystem AB",
        "Uppgifter, inlämningar, omdömen och kontakt med vårdnadshavare",
        True,
        ServiceStatus.APPROVED,
        "",
        "",
        900,
    ),
    (
        "Kontorspaketet",
        "Molnkontor AB",
        "Dokument, e-post och samarbete för elever och personal",
        True,
        ServiceStatus.APPROVED_WITH_CONDITIONS,
        "Endast skolkonton; inga känsliga uppgifter i delade dokument.",
        "",
        45,
    ),
    (
        "Läromedelsportalen",
        "Förlagstjänst i Norden AB",
        "Digitala läromedel i svenska och matematik",
        True,
        ServiceStatus.APPROVED,
        "",
        "",
        60,
    ),
    (
        "Quizappen",
        "Quiz Inc.",
        "Frågesporter i undervisningen",
        True,
        ServiceStatus.REJECTED,
        "Elevernas uppgifter lagras i USA och ingen konsekvensbedömning är gjord.",
        "USA",
        None,
    ),
    (
        "Skärminspelaren",
        "Inspelning AB",
        "Inspelade genomgångar för elever som är borta",
        True,
        ServiceStatus.UNDER_REVIEW,
        "",
        "",
        400,
    ),
    (
        "Schemavisaren",
        "Schema & Co AB",
        "Schemat i mobilen för elever och vårdnadshavare",
        True,
        ServiceStatus.PROPOSED,
        "",
        "",
        700,
    ),
]
# The tools of the demo plan (frameworks.demo_plan.TOOLS) and the entry each is linked to.
TOOL_LINKS = {"LV.1": "Lärplattformen", "LV.2": "Kontorspaketet", "LV.3": "Läromedelsportalen"}


def _strategist(huvudman: Huvudman) -> Person:
    return Person.objects.get(huvudman=huvudman, email=f"strateg@{DEMO_DOMAIN}")


def _school_units(huvudman: Huvudman) -> list[Organisation]:
    return [
        u
        for u in Organisation.objects.filter(huvudman=huvudman, is_active=True).prefetch_related(
            "pupil_counts"
        )
        if u.is_unit
    ]


def _device(huvudman, unit, serial, kind, group, rng, today, form="", band="") -> Device:
    model, os = MODELS[kind]
    leased = rng.random() < 0.7
    return Device(
        huvudman=huvudman,
        unit=unit,
        serial_number=serial,
        name=f"{unit.name[:4].upper()}-{serial[-5:]}",
        type=kind,
        user_group=group,
        school_form=form,
        grade_band=band,
        ownership=Ownership.LEASED if leased else Ownership.OWNED,
        contract_ends_on=today + datetime.timedelta(days=rng.randint(20, 1100)) if leased else None,
        updates_end_on=today + datetime.timedelta(days=rng.randint(60, 2000)),
        model=model,
        os=os,
        enrolled_on=today - datetime.timedelta(days=rng.randint(100, 1200)),
        last_check_in_on=today - datetime.timedelta(days=rng.randint(0, 20)),
        has_primary_user=group == UserGroup.STAFF,
    )


def _devices(huvudman: Huvudman, units: list[Organisation], today: datetime.date) -> list[Device]:
    rng = random.Random(SEED)
    devices: list[Device] = []
    for n, unit in enumerate(units):
        short = 0.6 if unit.name in SHORT_OF_DEVICES else 1.0
        for count in unit.pupil_counts.all():
            if count.school_form != "GR" or count.grade_band not in COVER:
                continue
            kind = KIND[count.grade_band]
            for i in range(round(count.pupils * COVER[count.grade_band] * short)):
                serial = f"SJ{n:02d}{count.grade_band[0]}{i:05d}"
                devices.append(
                    _device(
                        huvudman, unit, serial, kind, UserGroup.PUPILS, rng, today, "GR", count.grade_band
                    )
                )
        for i in range(
            round(
                (unit.staff_count or 0)
                * (STAFF_SHORT if unit.name in SHORT_OF_COMPUTERS else rng.uniform(1.0, 1.06))
            )
        ):
            devices.append(
                _device(
                    huvudman, unit, f"SJ{n:02d}P{i:05d}", DeviceType.COMPUTER, UserGroup.STAFF, rng, today
                )
            )
    return devices


def _services(huvudman: Huvudman, strategist: Person, today: datetime.date) -> dict[str, DigitalService]:
    made = {}
    for name, supplier, purpose, pupils, status, reasons, country, expires in SERVICES:
        values = {
            "name": name,
            "supplier": supplier,
            "purpose": purpose,
            "pupil_school_forms": ["GR"] if pupils else [],
            "for_staff": True,
            "data_categories": "namn, klass, skolkonto" + (", inlämningar och omdömen" if pupils else ""),
            "pupil_data": pupils,
            "legal_basis": "public_task",
            "dpa_signed": expires is not None,
            "dpa_expires": today + datetime.timedelta(days=expires) if expires else None,
            "retention_rule": "Gallras ett år efter att eleven slutat",
            "data_location": "third_country" if country else "eu_eea",
            "third_country": country,
            "transfer_basis": "standard_clauses" if country else "",
            "integrates_sign_in": True,
            "integrates_ss12000": name == "Lärplattformen",
        }
        service = service_propose(huvudman=huvudman, actor=strategist, values=values)
        steps = {
            ServiceStatus.PROPOSED: [],
            ServiceStatus.UNDER_REVIEW: [ServiceStatus.UNDER_REVIEW],
        }.get(status, [ServiceStatus.UNDER_REVIEW, status])
        for step in steps:
            service_review(
                service=service,
                actor=strategist,
                status=step,
                reasons=reasons if step == status else "",
                today=today,
            )
        made[name] = service
    return made


def _declare(units: list[Organisation], services: dict[str, DigitalService], strategist: Person) -> None:
    for n, unit in enumerate(units):
        for name in ("Lärplattformen", "Kontorspaketet") + (("Läromedelsportalen",) if n % 3 else ()):
            service_use_declare(unit=unit, service=services[name], actor=strategist)
    # One school keeps using a rejected app: a deviation in its report.
    strand = next((u for u in units if u.name == "Strandskolan"), None)
    if strand is not None:
        service_use_declare(unit=strand, service=services["Quizappen"], actor=strategist)


def _link_tools(huvudman: Huvudman, services: dict[str, DigitalService], strategist: Person) -> None:
    version = (
        FrameworkVersion.objects.filter(framework__huvudman=huvudman, status=VersionStatus.PUBLISHED)
        .filter(items__kind=ItemKind.TOOL)
        .order_by("-published_at")
        .first()
    )
    if version is None:
        return
    for item in version.items.filter(kind=ItemKind.TOOL, code__in=TOOL_LINKS):
        expected_tool_link(actor=strategist, item=item, service=services[TOOL_LINKS[item.code]])


def seed(huvudman: Huvudman, *, today: datetime.date | None = None) -> int:
    """The register of the demo huvudman; 0 (nothing written) when it has one already."""
    if Device.objects.filter(huvudman=huvudman).exists():
        return 0
    today = today or datetime.date.today()
    strategist = _strategist(huvudman)
    units = _school_units(huvudman)
    with transaction.atomic():
        devices = _devices(huvudman, units, today)
        Device.objects.bulk_create(devices, batch_size=2000)
        services = _services(huvudman, strategist, today)
        _declare(units, services, strategist)
        _link_tools(huvudman, services, strategist)
    return len(devices)


def seed_step(run: DemoRun) -> None:
    huvudman = demo_huvudman()
    made = seed(huvudman)
    if made:
        run.say(
            f"Utrustning och tjänster: {made} digitala enheter, {len(SERVICES)} tjänster i registret, "
            f"{len(SHORT_OF_DEVICES)} skolor under målet för elevdatorer."
        )


PART = DemoPart(app="registry", order=35, seed=seed_step)
