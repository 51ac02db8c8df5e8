"""Authoring the plan's own roles and dates on the pages: responsibilities bound to a title, a
group or an outside party, targets with owner and due date, the period and decision, groups."""

from django.urls import reverse

from digiplan.frameworks.forms import ERROR_ONE_HOLDER
from digiplan.frameworks.models import FollowUp, FrameworkVersion, Responsibility, Target
from digiplan.frameworks.services import ERROR_VALID_TO_BEFORE_FROM
from digiplan.organisations.models import Group
from digiplan.organisations.services import ERROR_GROUP_IN_USE, group_save, role_title_save
from tests.framework_helpers import build_frameworks


def _revision(version) -> int:
    return FrameworkVersion.objects.get(pk=version.pk).revision


def test_a_responsibility_is_given_to_a_title_and_takes_its_role(world, client_for):
    draft = build_frameworks(world).draft
    title = role_title_save(actor=None, huvudman=world.huvudman, role="coordinator", name="IT-pedagog")
    response = client_for("strategist").post(
        reverse("responsibility_create", args=[draft.pk]),
        {"title": title.pk, "text": "Stötta kollegorna.", "revision": _revision(draft)},
    )
    assert response.status_code == 302
    duty = Responsibility.objects.get(text="Stötta kollegorna.")
    assert (duty.title, duty.role, duty.role_title) == (title, "coordinator", "IT-pedagog")


def test_a_responsibility_for_a_group_or_an_outside_party(world, client_for):
    draft = build_frameworks(world).draft
    group = group_save(actor=None, huvudman=world.huvudman, name="Lokala IT-gruppen")
    client = client_for("strategist")
    url = reverse("responsibility_create", args=[draft.pk])
    client.post(url, {"group": group.pk, "text": "Gruppens ansvar.", "revision": _revision(draft)})
    client.post(url, {"party": "Leverantören", "text": "Leverera.", "revision": _revision(draft)})
    assert Responsibility.objects.get(text="Gruppens ansvar.").group == group
    assert Responsibility.objects.get(text="Leverera.").party == "Leverantören"


def test_two_holders_at_once_are_refused_in_swedish(world, client_for):
    draft = build_frameworks(world).draft
    before = Responsibility.objects.count()
    response = client_for("strategist").post(
        reverse("responsibility_create", args=[draft.pk]),
        {"role": "staff", "party": "Leverantören", "text": "Båda.", "revision": _revision(draft)},
    )
    assert response.status_code == 200
    assert str(ERROR_ONE_HOLDER) in response.content.decode()
    assert "bara en av dem" in response.content.decode()
    assert Responsibility.objects.count() == before


def test_another_huvudmans_group_cannot_be_chosen(world, client_for):
    draft = build_frameworks(world).draft
    theirs = group_save(actor=None, huvudman=world.other_huvudman, name="Deras grupp")
    response = client_for("strategist").post(
        reverse("responsibility_create", args=[draft.pk]),
        {"group": theirs.pk, "text": "Intrång.", "revision": _revision(draft)},
    )
    assert response.status_code == 200
    assert not Responsibility.objects.filter(text="Intrång.").exists()


def test_a_target_gets_an_owner_due_date_and_measure(world, client_for):
    draft = build_frameworks(world).draft
    group = group_save(actor=None, huvudman=world.huvudman, name="Lokala IT-gruppen")
    client_for("strategist").post(
        reverse("target_create", args=[draft.pk]),
        {
            "metric": "devices_per_employee",
            "value": "1",
            "owner_group": group.pk,
            "due_date": "2026-12-31",
            "measured_by": "Enheter i registret per anställd",
            "revision": _revision(draft),
        },
    )
    target = Target.objects.get(version=draft, measured_by="Enheter i registret per anställd")
    assert (target.owner_label, str(target.due_date)) == ("Lokala IT-gruppen", "2026-12-31")


def test_the_period_and_decision_are_recorded_on_a_published_version(world, client_for):
    published = build_frameworks(world).published
    client = client_for("strategist")
    url = reverse("version_details", args=[published.pk])
    client.post(
        url, {"form": "details", "valid_from": "2026-01-01", "valid_to": "2028-12-31", "decision_body": "BUN"}
    )
    client.post(
        url, {"form": "follow_up", "follow_up-date": "2026-09-01", "follow_up-text": "Halvårsuppföljning"}
    )
    version = FrameworkVersion.objects.get(pk=published.pk)
    assert (str(version.valid_to), version.decision_body) == ("2028-12-31", "BUN")
    assert FollowUp.objects.get(version=version).text == "Halvårsuppföljning"


def test_a_period_that_ends_before_it_starts_is_refused_in_swedish(world, client_for):
    published = build_frameworks(world).published
    response = client_for("strategist").post(
        reverse("version_details", args=[published.pk]),
        {"form": "details", "valid_from": "2027-01-01", "valid_to": "2026-01-01"},
    )
    assert response.status_code == 200
    assert str(ERROR_VALID_TO_BEFORE_FROM) in response.content.decode()
    assert "Periodens slut ligger före dess början." in response.content.decode()
    assert FrameworkVersion.objects.get(pk=published.pk).valid_to is None


def test_a_group_with_duties_cannot_be_removed(world, client_for):
    draft = build_frameworks(world).draft
    group = group_save(actor=None, huvudman=world.huvudman, name="Lokala IT-gruppen")
    Responsibility.objects.create(version=draft, group=group, text="Gruppens ansvar.")
    response = client_for("strategist").post(reverse("plan_group_delete", args=[group.pk]), follow=True)
    assert str(ERROR_GROUP_IN_USE) in response.content.decode()
    assert Group.objects.filter(pk=group.pk).exists()


def test_the_groups_page_shows_only_the_huvudmans_own_groups(world, client_for):
    group_save(actor=None, huvudman=world.huvudman, name="Lokala IT-gruppen", members=[world.staff])
    group_save(actor=None, huvudman=world.other_huvudman, name="Deras grupp")
    page = client_for("strategist").get(reverse("plan_groups")).content.decode()
    assert "Lokala IT-gruppen" in page and "Per Personal" in page and "Deras grupp" not in page
    # Another huvudman's people are not offered as members.
    assert "Olle Annan" not in page
