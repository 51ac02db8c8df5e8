"""The plan's own roles (titles, groups, outside parties) and its dates (validity, decision,
follow-ups): who sees a duty under Mitt ansvar, and the tasks the dates give the strategist."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from digiplan.frameworks.exchange import import_framework
from digiplan.frameworks.models import Responsibility
from digiplan.frameworks.selectors import plan_tasks
from digiplan.organisations.models import Group, RoleTitle
from digiplan.organisations.services import group_save, role_title_save

# The document spells the title its own way; the huvudman's title is "IT-pedagog".
PLAN = """\
format: digiplan-framework/1
slug: sjovik-it-plan
name: Sjöviks IT-plan
kind: plan
source: Sjöviks kommun
valid_from: "2025-01-01"
valid_to: "{valid_to}"
decision: {{body: Barn- och utbildningsnämnden, date: "2024-12-10", reference: BUN § 112}}
follow_ups:
  - {{date: "{follow_up}", text: Uppföljning av målen i nämnden}}
items:
  - {{code: IT, kind: area, title: IT-stöd}}
responsibilities:
  - {{role: coordinator, title: it-PEDAGOG, area: IT, text: Stötta kollegorna i verktygen.}}
  - {{group: Lokala IT-gruppen, area: IT, text: Sammanställa behoven av enheter.}}
  - {{party: Leverantören, area: IT, text: Leverera datorer inom fyra veckor.}}
targets:
  - metric: devices_per_pupil
    value: 1
    owner: {{title: IT-pedagog}}
    due_date: "2026-06-30"
    measured_by: Antal enheter i registret delat med antal elever
"""
TITLE_DUTY = "Stötta kollegorna i verktygen."
GROUP_DUTY = "Sammanställa behoven av enheter."
PARTY_DUTY = "Leverera datorer inom fyra veckor."
PERSONAS = ("strategist", "leader_a", "leader_b", "staff", "other_strategist")


def _give_title(person, title: RoleTitle) -> None:
    membership = person.memberships.get()
    membership.title = title
    membership.save()


def _plan(world, *, valid_to="2027-12-31", follow_up="2026-03-01"):
    it_pedagog = role_title_save(actor=None, huvudman=world.huvudman, role="coordinator", name="IT-pedagog")
    version = import_framework(
        PLAN.format(valid_to=valid_to, follow_up=follow_up),
        huvudman=world.huvudman,
        actor=world.strategist,
        publish=True,
    )
    return version, it_pedagog


def _sees(client_for, persona: str) -> str:
    return client_for(persona).get(reverse("my_responsibilities")).content.decode()


def test_a_duty_shows_to_the_holder_of_the_title_whatever_the_documents_spelling(world, client_for):
    _version, it_pedagog = _plan(world)
    _give_title(world.staff, it_pedagog)
    assert TITLE_DUTY in _sees(client_for, "staff")
    # leader_b holds no title; the duty names the coordinator role, which nobody here has by role.
    assert TITLE_DUTY not in _sees(client_for, "leader_b")


def test_a_title_spelled_the_same_at_another_huvudman_gets_no_duty(world, client_for):
    _plan(world)
    theirs = role_title_save(actor=None, huvudman=world.other_huvudman, role="strategist", name="IT-pedagog")
    _give_title(world.other_strategist, theirs)
    import_framework(
        PLAN.format(valid_to="2027-12-31", follow_up="2026-03-01")
        .replace("it-PEDAGOG", "IT-pedagog")
        .replace("Sjöviks IT-plan", "Friskolans IT-plan"),
        huvudman=world.other_huvudman,
        actor=world.other_strategist,
        publish=True,
    )
    own = Responsibility.objects.get(version__framework__huvudman=world.huvudman, text=TITLE_DUTY)
    # Bound by identity to the huvudman's own title, never to another's of the same spelling.
    assert own.title.huvudman_id == world.huvudman.pk
    page = _sees(client_for, "other_strategist")
    assert page.count(TITLE_DUTY) == 1  # their own plan's duty only
    assert "Sjöviks IT-plan" not in page


def test_a_group_reaches_its_named_members(world, client_for):
    _plan(world)
    group = Group.objects.get(huvudman=world.huvudman, name="Lokala IT-gruppen")
    group_save(actor=None, huvudman=world.huvudman, name=group.name, members=[world.leader_b], group=group)
    assert GROUP_DUTY in _sees(client_for, "leader_b")
    assert GROUP_DUTY not in _sees(client_for, "leader_a")


def test_a_group_reaches_the_holders_of_its_titles(world, client_for):
    _version, it_pedagog = _plan(world)
    group = Group.objects.get(huvudman=world.huvudman, name="Lokala IT-gruppen")
    group_save(actor=None, huvudman=world.huvudman, name=group.name, titles=[it_pedagog], group=group)
    _give_title(world.staff, it_pedagog)
    assert GROUP_DUTY in _sees(client_for, "staff")
    assert GROUP_DUTY not in _sees(client_for, "leader_a")


def test_an_outside_partys_duty_shows_to_no_one(world, client_for):
    _version, it_pedagog = _plan(world)
    for person in (world.staff, world.leader_a, world.leader_b, world.strategist):
        _give_title(person, it_pedagog)
    for persona in PERSONAS:
        assert PARTY_DUTY not in _sees(client_for, persona), persona
    page = client_for("strategist").get(reverse("version_detail", args=[_version.pk])).content.decode()
    assert "Leverantören" in page and PARTY_DUTY in page


def test_a_group_of_another_huvudman_cannot_be_given_people_of_ours(world):
    group = Group.objects.create(huvudman=world.other_huvudman, name="Deras grupp")
    with pytest.raises(Exception, match="annan huvudman|another school organiser"):
        group_save(
            actor=None, huvudman=world.other_huvudman, name=group.name, members=[world.staff], group=group
        )


def test_the_version_states_its_period_and_decision(world, client_for):
    version, _title = _plan(world)
    page = client_for("staff").get(reverse("version_detail", args=[version.pk])).content.decode()
    assert "Barn- och utbildningsnämnden" in page and "BUN § 112" in page
    assert "2027-12-31" in page
    assert "Uppföljning av målen i nämnden" in page


def test_a_version_past_its_validity_says_so(world, client_for):
    version, _title = _plan(world, valid_to="2025-12-31")
    page = client_for("staff").get(reverse("version_detail", args=[version.pk])).content.decode()
    assert "upphörde att gälla" in page


def test_a_follow_up_becomes_a_task_a_month_before_its_date(world):
    version, _title = _plan(world, follow_up="2026-03-01")
    assert plan_tasks(world.huvudman.pk, date(2026, 1, 29)) == []
    tasks = plan_tasks(world.huvudman.pk, date(2026, 1, 30))
    assert [(t.kind, t.date, t.text) for t in tasks] == [
        ("follow_up", date(2026, 3, 1), "Uppföljning av målen i nämnden")
    ]
    assert plan_tasks(world.huvudman.pk, date(2026, 4, 1)) == []
    assert plan_tasks(world.other_huvudman.pk, date(2026, 3, 1)) == []


def test_the_end_of_the_period_becomes_a_task(world):
    _plan(world, valid_to="2026-12-31", follow_up="2025-01-01")
    assert plan_tasks(world.huvudman.pk, date(2026, 10, 1)) == []
    assert [t.kind for t in plan_tasks(world.huvudman.pk, date(2026, 10, 2))] == ["expires"]
    assert [t.kind for t in plan_tasks(world.huvudman.pk, date(2027, 1, 1))] == ["expired"]


def test_the_strategists_start_page_shows_the_tasks_and_no_one_elses(world, client_for):
    soon = (timezone.localdate() + timedelta(days=10)).isoformat()
    _plan(world, follow_up=soon)
    assert "Uppföljning av målen i nämnden" in client_for("strategist").get(reverse("home")).content.decode()
    for persona in ("leader_a", "staff", "other_strategist"):
        assert (
            "Uppföljning av målen i nämnden" not in client_for(persona).get(reverse("home")).content.decode()
        )


def test_a_target_states_its_owner_due_date_and_measure(world, client_for):
    version, it_pedagog = _plan(world)
    target = version.targets.get()
    assert (target.owner_title, target.owner_label) == (it_pedagog, "IT-pedagog")
    assert target.due_date == date(2026, 6, 30)
    page = client_for("staff").get(reverse("version_detail", args=[version.pk])).content.decode()
    assert "Antal enheter i registret delat med antal elever" in page and "2026-06-30" in page


def test_a_persons_groups_are_in_their_data_and_go_with_erasure(world):
    from digiplan.privacy.services import person_data_export, person_erase

    group = group_save(actor=None, huvudman=world.huvudman, name="Lokala IT-gruppen", members=[world.staff])
    assert person_data_export(actor=world.strategist, person=world.staff)["groups"] == ["Lokala IT-gruppen"]
    person_erase(actor=world.strategist, person=world.staff, confirm_email=world.staff.email)
    assert not group.members.exists()
