"""Competence development suggested after the staff questionnaire: from the person's lowest
answers, drawn from library entries marked for staff."""

import pytest

from digiplan.frameworks.models import Item
from digiplan.plans import services
from digiplan.plans.competence import competence_suggestions
from tests.assessment_helpers import build_campaign

pytestmark = pytest.mark.django_db


def _entry(world, title, items, *, for_staff=True, publish=True, forms=()):
    return services.library_create(
        actor=world.strategist,
        huvudman=world.huvudman,
        title=title,
        items=items,
        for_staff=for_staff,
        publish=publish,
        school_forms=list(forms),
    )


def test_lowest_statements_get_staff_entries_linked_to_them_or_their_area(world):
    fx = build_campaign(world)
    led, komp = fx.items["LED.P1"], fx.items["KOMP.P1"]
    on_area = _entry(world, "Kurs i lärplattformen", [fx.items["KOMP"]])
    on_item = _entry(world, "Handledning om planen", [led])
    _entry(world, "Ledningens workshop", [led], for_staff=False)
    _entry(world, "Opublicerad kurs", [led], publish=False)
    items = [led, komp]

    got = competence_suggestions(world.huvudman.pk, {led.pk: 2, komp.pk: 1}, items)

    # KOMP.P1 (1 of 5) is lower than LED.P1 (2 of 5): it comes first.
    assert [(s.item.code, [a.title for a in s.activities]) for s in got] == [
        ("KOMP.P1", [on_area.title]),
        ("LED.P1", [on_item.title]),
    ]


def test_high_answers_dont_know_and_an_empty_library_suggest_nothing(world):
    fx = build_campaign(world)
    led, komp = fx.items["LED.P1"], fx.items["KOMP.P1"]
    assert competence_suggestions(world.huvudman.pk, {led.pk: 1}, [led, komp]) == []
    _entry(world, "Handledning om planen", [led])
    # 4 of 5 is at three quarters of the scale: not low. None is "vet ej".
    assert competence_suggestions(world.huvudman.pk, {led.pk: 4, komp.pk: None}, [led, komp]) == []
    assert [s.item.code for s in competence_suggestions(world.huvudman.pk, {led.pk: 3}, [led, komp])] == [
        "LED.P1"
    ]


def test_another_huvudmans_library_is_never_suggested(world):
    fx = build_campaign(world)
    led = fx.items["LED.P1"]
    services.library_create(
        actor=world.other_strategist,
        huvudman=world.other_huvudman,
        title="Annans kurs",
        items=[],
        for_staff=True,
        publish=True,
    )
    _entry(world, "Vår kurs", [led])
    got = competence_suggestions(world.huvudman.pk, {led.pk: 1}, [led])
    assert [a.title for s in got for a in s.activities] == ["Vår kurs"]
    assert competence_suggestions(world.other_huvudman.pk, {led.pk: 1}, [led]) == []


def test_the_units_school_forms_are_asked_for_only_when_the_library_has_entries(
    world, django_assert_num_queries
):
    """The thank-you page passes the unit's school forms as a function: a person whose answers
    are all high costs no query, and an empty library no lookup of school forms."""
    fx = build_campaign(world)
    # As the questionnaire has them: with their parents and scales' levels.
    led = (
        Item.objects.select_related("parent", "scale")
        .prefetch_related("scale__levels")
        .get(pk=fx.items["LED.P1"].pk)
    )
    asked: list[str] = []

    def forms():
        asked.append("asked")
        return ["GR"]

    with django_assert_num_queries(0):
        assert competence_suggestions(world.huvudman.pk, {led.pk: 5}, [led], school_forms=forms) == []
    assert competence_suggestions(world.huvudman.pk, {led.pk: 1}, [led], school_forms=forms) == []
    assert asked == []
    _entry(world, "Förskolans kurs", [led], forms=["FS"])
    grundskola = _entry(world, "Grundskolans kurs", [led], forms=["GR"])
    got = competence_suggestions(world.huvudman.pk, {led.pk: 1}, [led], school_forms=forms)
    assert [a.title for s in got for a in s.activities] == [grundskola.title]
    assert asked == ["asked"]
