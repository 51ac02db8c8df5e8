"""seed_demo, demo_logins and seed_scale: the demo municipality and the benchmark data."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from digiplan.audit.models import AuditEvent
from digiplan.organisations.demo import DEMO_ORGNR, DEMO_PASSWORD, FRISKOLA_ORGNR
from digiplan.organisations.demo_people import ascii_fold
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
)
from tests.assessment_helpers import open_ballots

PERSONAS = {
    "strateg@sjovik.example": (Role.STRATEGIST, "root"),
    "rektor.a@sjovik.example": (Role.UNIT_LEADER, "A"),
    "rektor.b@sjovik.example": (Role.UNIT_LEADER, "B"),
    "personal@sjovik.example": (Role.STAFF, "A"),
    "pedagog@sjovik.example": (Role.COORDINATOR, "A"),
    "strateg@friskolan.example": (Role.STRATEGIST, "root"),
}


def run(command: str, *args) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Huvudman,
            Organisation,
            Person,
            Membership,
            RoleTitle,
            UnitSchoolForm,
            PupilCount,
            AuditEvent,
        )
    }


def assert_paths_consistent(huvudman: Huvudman) -> None:
    nodes = {n.pk: n for n in Organisation.objects.filter(huvudman=huvudman)}
    assert nodes
    for node in nodes.values():
        if node.parent_id is None:
            assert node.type == OrganisationType.HUVUDMAN
            assert node.path == f"/{node.pk}/"
        else:
            parent = nodes[node.parent_id]  # never a node of another huvudman
            assert node.path == f"{parent.path}{node.pk}/", node


def units_of(huvudman: Huvudman):
    return Organisation.objects.filter(huvudman=huvudman, type=OrganisationType.SKOLENHET, is_active=True)


@pytest.fixture
def demo(db) -> Huvudman:
    run("seed_demo")
    return Huvudman.objects.get(organisation_number=DEMO_ORGNR)


def test_seed_demo_builds_the_municipality(demo):
    assert demo.name == "Sjöviks kommun"
    units = units_of(demo)
    assert 22 <= units.count() <= 28
    forms = set(UnitSchoolForm.objects.filter(organisation__in=units).values_list("school_form", flat=True))
    assert {"FS", "GR", "GRS", "GY", "GYS", "VUX", "FKLASS", "FTH", "SFI"} <= forms
    types = set(Organisation.objects.filter(huvudman=demo).values_list("type", flat=True))
    assert types == {"huvudman", "forvaltning", "omrade", "skolenhet"}
    assert set(Organisation.objects.filter(huvudman=demo, type="omrade").values_list("name", flat=True)) >= {
        "Rektorsområde Norr",
        "Rektorsområde Söder",
        "Rektorsområde Centrum",
        "Gymnasium och vuxenutbildning",
    }

    # Every unit has pupils in each of its school forms, staff, and one leader.
    for unit in units.prefetch_related("school_forms", "pupil_counts"):
        unit_forms = {f.school_form for f in unit.school_forms.all()}
        assert unit_forms == {c.school_form for c in unit.pupil_counts.all()}
        assert all(c.pupils > 0 for c in unit.pupil_counts.all())
        assert unit.staff_count and unit.staff_count > 0
        assert unit.memberships.filter(role=Role.STAFF).count() == unit.staff_count
        assert unit.memberships.filter(role=Role.UNIT_LEADER).count() == 1
    assert PupilCount.objects.filter(organisation__in=units, school_form="GR", grade_band="7-9").exists()
    assert PupilCount.objects.filter(organisation__in=units, school_form="FS", grade_band="1-5 år").exists()

    staff = Person.objects.filter(huvudman=demo, memberships__role=Role.STAFF).distinct()
    assert 1300 <= staff.count() <= 1700
    teaching = Membership.objects.filter(huvudman=demo, role=Role.STAFF, is_teaching=True)
    assert teaching.count() > staff.count() / 2
    assert Membership.objects.filter(huvudman=demo, role=Role.COORDINATOR).count() >= 5
    assert Membership.objects.filter(huvudman=demo, role=Role.STRATEGIST).count() == 1

    assert_paths_consistent(demo)

    codes = list(units.values_list("school_unit_code", flat=True))
    assert all(re.fullmatch(r"\d{8}", code) for code in codes)
    assert len(set(codes)) == len(codes)

    assert set(RoleTitle.objects.filter(huvudman=demo).values_list("role", "name")) == {
        ("strategist", "IT-strateg"),
        ("strategist", "Utvecklingsstrateg"),
        ("unit_leader", "Rektor"),
        ("unit_leader", "Förskolechef"),
        ("coordinator", "IT-pedagog"),
        ("coordinator", "Digitaliseringsansvarig"),
        ("staff", "Lärare"),
    }

    # E-mails: ASCII, fornamn.efternamn[N]@sjovik.example, unique.
    emails = list(Person.objects.filter(huvudman=demo).values_list("email", flat=True))
    assert len(set(emails)) == len(emails)
    assert all(re.fullmatch(r"[a-z0-9.-]+@sjovik\.example", e) for e in emails)
    assert ascii_fold("Åsa Öberg-Ström") == "asaoberg-strom"

    # Only the personas can sign in with a password.
    usable = [p.email for p in Person.objects.filter(huvudman=demo) if p.has_usable_password()]
    assert sorted(usable) == sorted(e for e in PERSONAS if e.endswith("@sjovik.example"))

    # The tree and the people were audited, the bulk steps with one row each.
    actions = set(AuditEvent.objects.filter(huvudman=demo).values_list("action", flat=True))
    assert {
        "huvudman.create",
        "organisation.create",
        "person.create",
        "membership.create",
        "role_title.create",
        "person.bulk_create",
        "membership.bulk_create",
    } <= actions
    assert AuditEvent.objects.filter(huvudman=demo, action="person.bulk_create").count() == 1


def test_demo_personas_have_their_roles_and_can_sign_in(demo, client):
    friskola = Huvudman.objects.get(organisation_number=FRISKOLA_ORGNR)
    grundskolor = units_of(demo).filter(school_forms__school_form="GR").order_by("pk")
    unit_a = grundskolor.first()
    unit_b = Membership.objects.get(person__email="rektor.b@sjovik.example").organisation
    assert unit_b != unit_a and unit_b in grundskolor
    for email, (role, where) in PERSONAS.items():
        person = Person.objects.get(email=email)
        huvudman = friskola if email.endswith("friskolan.example") else demo
        assert person.huvudman == huvudman
        node = {"root": Organisation.objects.get(huvudman=huvudman, parent=None), "A": unit_a, "B": unit_b}[
            where
        ]
        assert Membership.objects.filter(person=person, organisation=node, role=role).exists()

        response = client.post(reverse("login"), {"username": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        assert int(client.session["_auth_user_id"]) == person.pk
        client.logout()
    staff_a = Membership.objects.get(person__email="personal@sjovik.example")
    assert staff_a.is_teaching


def test_seed_demo_twice_creates_nothing_new(demo):
    before = counts()
    out = run("seed_demo")
    assert "finns redan" in out
    assert counts() == before

    # A demo password that was changed is put back, and only that is written.
    person = Person.objects.get(email="rektor.a@sjovik.example")
    person.set_password("något-annat-lösenord")
    person.save()
    run("seed_demo")
    person.refresh_from_db()
    assert person.check_password(DEMO_PASSWORD)
    after = counts()
    assert after["AuditEvent"] == before["AuditEvent"] + 1
    assert {k: v for k, v in after.items() if k != "AuditEvent"} == {
        k: v for k, v in before.items() if k != "AuditEvent"
    }


def test_the_two_huvudman_are_kept_apart(demo):
    friskola = Huvudman.objects.get(organisation_number=FRISKOLA_ORGNR)
    assert units_of(friskola).count() == 2
    assert_paths_consistent(friskola)
    for huvudman in (demo, friskola):
        other = friskola if huvudman == demo else demo
        memberships = Membership.objects.filter(huvudman=huvudman)
        assert memberships.exists()
        assert not memberships.exclude(person__huvudman=huvudman).exists()
        assert not memberships.exclude(organisation__huvudman=huvudman).exists()
        assert not memberships.filter(title__isnull=False).exclude(title__huvudman=huvudman).exists()
        assert not Organisation.objects.filter(huvudman=huvudman, parent__huvudman=other).exists()
        for path in Organisation.objects.filter(huvudman=other).values_list("path", flat=True):
            assert not Organisation.objects.filter(huvudman=huvudman, path=path).exists()
    strategist = Person.objects.get(email="strateg@friskolan.example")
    assert set(strategist.memberships.values_list("organisation__huvudman", flat=True)) == {friskola.pk}


def test_demo_logins(db):
    assert "seed_demo" in run("demo_logins")  # nothing loaded: a hint, no error
    run("seed_demo")
    out = run("demo_logins")
    for email in PERSONAS:
        assert email in out
    assert re.search(r"Strateg\s+strateg@sjovik\.example\s+digiplan-demo", out)


def test_seed_scale_builds_large_data(db):
    out = run("seed_scale", "--units", "50", "--staff", "2000", "--huvudman", "212999-0001")
    assert "skolenheter: 50" in out and " s." in out
    huvudman = Huvudman.objects.get(organisation_number="212999-0001")
    units = units_of(huvudman)
    assert units.count() == 50
    staff = Person.objects.filter(huvudman=huvudman, memberships__role=Role.STAFF).distinct()
    assert staff.count() == 2000
    leaders = Membership.objects.filter(huvudman=huvudman, role=Role.UNIT_LEADER)
    assert leaders.count() == 50
    assert set(leaders.values_list("organisation", flat=True)) == set(units.values_list("pk", flat=True))
    assert Person.objects.filter(huvudman=huvudman).count() == 2050
    assert not any(p.has_usable_password() for p in Person.objects.filter(huvudman=huvudman)[:50])
    assert_paths_consistent(huvudman)
    assert Organisation.objects.filter(huvudman=huvudman, type="omrade").count() >= 3
    codes = list(units.values_list("school_unit_code", flat=True))
    assert all(re.fullmatch(r"\d{8}", code) for code in codes)
    assert len(set(codes)) == 50
    assert sum(units.values_list("staff_count", flat=True)) == 2000
    assert UnitSchoolForm.objects.filter(organisation__in=units).count() >= 50
    assert AuditEvent.objects.filter(huvudman=huvudman, action="person.bulk_create").count() == 1

    # Beside the demo, and a second time: codes stay unique, a filled huvudman is refused.
    run("seed_demo")
    run("seed_scale", "--units", "30", "--staff", "100", "--huvudman", "212999-0002")
    active = Organisation.objects.filter(is_active=True).exclude(school_unit_code="")
    all_codes = list(active.values_list("school_unit_code", flat=True))
    demo_units = Organisation.objects.filter(
        type=OrganisationType.SKOLENHET, huvudman__organisation_number__in=[DEMO_ORGNR, FRISKOLA_ORGNR]
    ).count()
    assert len(all_codes) == len(set(all_codes)) == 50 + 30 + demo_units
    with pytest.raises(CommandError):
        run("seed_scale", "--units", "5", "--staff", "5", "--huvudman", "212999-0001")
    assert units_of(huvudman).count() == 50


def test_seed_demo_publishes_a_plan_and_runs_a_self_assessment(demo):
    from digiplan.assessments.models import Campaign, Participation, Response
    from digiplan.frameworks.models import VersionStatus

    plan = demo.frameworks.get(slug="sjoviks-digitaliseringsplan")
    assert plan.versions.get().status == VersionStatus.PUBLISHED
    closed, campaign = Campaign.objects.filter(huvudman=demo).order_by("school_year")
    assert closed.status == "closed" and campaign.status == "open"
    assert closed.snapshot is not None  # results, reports and suggested goals have data
    assert closed.school_year < campaign.school_year
    answered = Participation.objects.filter(campaign=campaign, answered=True).count()
    # Open: the answers are sealed in the box, as they would be in production.
    boxed = [b.group for b in open_ballots(campaign)]
    assert answered == boxed.count("staff") > 500 and "pupil" in boxed
    assert not Response.objects.filter(campaign=campaign).exists()
    answered = Participation.objects.filter(campaign=closed, answered=True).count()
    assert answered == Response.objects.filter(campaign=closed, group="staff").count() > 500


def test_seed_scale_stops_when_the_database_returns_no_primary_keys(db, monkeypatch):
    """Without them no path can be built: the command stops, even under `python -O`, and
    leaves nothing behind."""
    from digiplan.organisations.demo_scale import ERROR_NO_PRIMARY_KEYS

    monkeypatch.setattr(Organisation.objects, "bulk_create", lambda nodes, **kwargs: list(nodes))
    before = counts()
    with pytest.raises(RuntimeError, match=ERROR_NO_PRIMARY_KEYS):
        run("seed_scale", "--units", "3", "--staff", "5")
    assert counts() == before


def test_the_demo_has_devices_services_targets_groups_and_dates(demo, client):
    """The registry's pages and the plan's own roles and dates have something real to show."""
    from digiplan.frameworks.models import FollowUp, Target
    from digiplan.organisations.models import Group
    from digiplan.registry.device_models import Device
    from digiplan.registry.digital_models import DigitalService, ServiceUse
    from digiplan.registry.targets import device_target_status

    plan = demo.frameworks.get(slug="sjoviks-digitaliseringsplan").versions.get()
    assert plan.valid_from and plan.valid_to and plan.decision_body == "Barn- och utbildningsnämnden"
    assert FollowUp.objects.filter(version=plan).count() == 2
    group = Group.objects.get(huvudman=demo, name="Lokal IT-grupp")
    assert group.titles.filter(name="IT-pedagog").exists() and group.members.exists()
    assert (
        plan.responsibilities.filter(group=group).exists()
        and plan.responsibilities.exclude(party="").exists()
    )
    assert Target.objects.filter(version=plan, owner_group=group).exists()
    assert Device.objects.filter(huvudman=demo).count() > 3000
    assert set(DigitalService.objects.filter(huvudman=demo).values_list("status", flat=True)) == {
        "proposed",
        "under_review",
        "approved",
        "approved_with_conditions",
        "rejected",
    }
    assert ServiceUse.objects.filter(unit__name="Strandskolan", service__status="rejected").exists()
    below = {row.unit.name for row in device_target_status(huvudman=demo, units=units_of(demo)) if row.below}
    assert below == {"Strandskolan", "Hagaskolan", "Ängsbacka skola", "Kyrkbyskolan"}
    client.force_login(Person.objects.get(email="strateg@sjovik.example"))
    assert "Under målet" in client.get(reverse("device_overview")).content.decode()
    report = client.get(reverse("report_org")).content.decode()
    assert "Strandskolan" in report[report.index('id="registry"') :] and "Quizappen" in report
    # A second run writes nothing more.
    before = Device.objects.count(), DigitalService.objects.count(), ServiceUse.objects.count()
    run("seed_demo")
    assert (Device.objects.count(), DigitalService.objects.count(), ServiceUse.objects.count()) == before
