"""What the demo municipality adds to the plan it started from Göteborg's template, as its
strategist would before the board decides it: the tools every unit is expected to use, device
targets with owners and dates, a local IT group and a supplier with duties, and, once published,
the decision, the period of validity and the follow-up dates. Dates count from today, so the
start page always has something coming."""

import datetime
from decimal import Decimal

from digiplan.frameworks import services
from digiplan.frameworks.models import FrameworkVersion, ItemKind
from digiplan.organisations import services as org_services
from digiplan.organisations.models import Group, Huvudman, Membership, Person, Role, RoleTitle

IT_GROUP = "Lokal IT-grupp"
SUPPLIER = "Leverantören av elevdatorer (avtal 2025–2028)"

# (code, title): the tools every unit is expected to use; the registry's demo links them.
TOOLS = [
    ("LV.1", "Lärplattformen"),
    ("LV.2", "Elevdatorernas kontorspaket"),
    ("LV.3", "Digitala läromedel i svenska och matematik"),
]

# (metric, school form, grade band, value, wording, owner title or group, months to the due date)
TARGETS = [
    ("devices_per_pupil", "GR", "4-9", "1.0", "En egen dator per elev i årskurs 4–9", "IT-strateg", 8),
    (
        "devices_per_pupil",
        "GR",
        "1-3",
        "0.5",
        "En dator eller lärplatta per två elever i årskurs 1–3",
        "IT-strateg",
        8,
    ),
    ("devices_per_employee", "", "", "1.0", "En arbetsdator per anställd", IT_GROUP, 14),
]


def _title(huvudman: Huvudman, name: str) -> RoleTitle | None:
    return RoleTitle.objects.filter(huvudman=huvudman, name=name).first()


def _it_group(huvudman: Huvudman, actor: Person | None) -> Group:
    """The IT group: the IT pedagogues by title, and the strategist by name."""
    existing = Group.objects.filter(huvudman=huvudman, name=IT_GROUP).first()
    if existing is not None:
        return existing
    titles = [t for t in (_title(huvudman, "IT-pedagog"),) if t is not None]
    members = Person.objects.filter(
        pk__in=Membership.objects.filter(organisation__huvudman=huvudman, role=Role.STRATEGIST).values(
            "person"
        )
    )
    return org_services.group_save(
        actor=actor, huvudman=huvudman, name=IT_GROUP, members=members, titles=titles
    )


def dress_draft(draft: FrameworkVersion, actor: Person | None = None) -> None:
    """The tools, device targets and duties of the demo plan, added to its first draft."""
    huvudman = draft.framework.huvudman
    assert huvudman is not None, "the demo plan is the demo huvudman's own"
    group = _it_group(huvudman, actor)
    area = services.item_create(
        actor=actor,
        version=draft,
        parent=None,
        code="LV",
        kind=ItemKind.AREA,
        title="Lärverktyg som alla enheter använder",
    )
    for code, title in TOOLS:
        services.item_create(
            actor=actor, version=draft, parent=area, code=code, kind=ItemKind.TOOL, title=title
        )
    today = datetime.date.today()
    for metric, form, band, value, wording, owner, months in TARGETS:
        owner_title = _title(huvudman, owner)
        services.target_save(
            actor=actor,
            version=draft,
            metric=metric,
            school_form=form,
            grade_band=band,
            value=Decimal(value),
            description=wording,
            owner_title=owner_title,
            owner_group=group if owner_title is None else None,
            due_date=today + datetime.timedelta(days=30 * months),
            measured_by="Digiplans register över digitala enheter mot antalet elever och anställda",
        )
    services.responsibility_save(
        actor=actor,
        version=draft,
        group=group,
        text="Samordna införandet av nya digitala verktyg och stödja enheterna i att använda dem.",
    )
    services.responsibility_save(
        actor=actor,
        version=draft,
        party=SUPPLIER,
        text="Leverera, byta och återta elevdatorer enligt avtalet, med rapport varje termin.",
    )


def after_publish(version: FrameworkVersion, actor: Person | None = None) -> None:
    """The board's decision, the period the plan runs and its follow-up dates."""
    today = datetime.date.today()
    start = datetime.date(today.year if today.month >= 7 else today.year - 1, 7, 1)
    services.version_details_save(
        actor=actor,
        version=version,
        valid_from=start,
        valid_to=datetime.date(start.year + 3, 6, 30),
        decision_body="Barn- och utbildningsnämnden",
        decision_date=start - datetime.timedelta(days=20),
        decision_reference=f"BUN {start.year}/112",
    )
    for days, text in (
        (21, "Delårsuppföljning av planen i ledningsgruppen"),
        (120, "Årlig uppföljning till barn- och utbildningsnämnden"),
    ):
        services.follow_up_add(
            actor=actor, version=version, date=today + datetime.timedelta(days=days), text=text
        )
