"""The writes the framework pages used to make themselves: a new scale, and an item's links.
Each is one service, in one transaction with its audit row."""

import pytest
from django.core.exceptions import ValidationError

from digiplan.audit.models import AuditEvent
from digiplan.frameworks import services
from digiplan.frameworks.models import Item, ItemKind, Scale, ScaleLevel
from tests.framework_helpers import build_frameworks

LEVELS = [
    {"value": 1, "label": "Sällan", "description": "", "not_applicable": False},
    {"value": 2, "label": "Ofta", "description": "", "not_applicable": False},
    {"value": 0, "label": "Vet ej", "description": "", "not_applicable": True},
]


class Crash(Exception):
    pass


def _crash(*args, **kwargs):
    raise Crash


def _scale(world, slug="frekvens"):
    return services.scale_create(
        actor=world.strategist,
        huvudman=world.huvudman,
        slug=slug,
        name="Frekvens",
        description="",
        levels=LEVELS,
    )


def test_a_new_scale_has_its_levels_in_order_and_one_audit_row(world):
    scale = _scale(world)
    assert (scale.huvudman, scale.slug) == (world.huvudman, "frekvens")
    assert [(lv.order, lv.value, lv.not_applicable) for lv in scale.levels.order_by("order")] == [
        (0, 1, False),
        (1, 2, False),
        (2, 0, True),
    ]
    event = AuditEvent.objects.get(action="scale.create")
    assert (event.actor_id, event.changes["after"]) == (world.strategist.pk, {"levels": 3})


def test_a_short_name_a_built_in_scale_has_is_refused_and_nothing_is_written(world):
    build_frameworks(world)  # its national framework brings the built-in scale status-test
    assert Scale.objects.filter(slug="status-test", huvudman__isnull=True).exists()
    scales, events = Scale.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        _scale(world, slug="status-test")
    assert refused.value.message_dict == {"slug": [services.ERROR_SLUG_TAKEN]}
    assert (Scale.objects.count(), AuditEvent.objects.count()) == (scales, events)


def test_a_scale_whose_audit_row_fails_is_not_kept(world, monkeypatch):
    monkeypatch.setattr(services, "audit_record", _crash)
    with pytest.raises(Crash):
        _scale(world)
    assert not Scale.objects.filter(slug="frekvens").exists()
    assert not ScaleLevel.objects.filter(label="Sällan").exists()


def _item(world, version, links):
    return services.item_create(
        actor=world.strategist,
        version=version,
        parent=None,
        links=links,
        kind=ItemKind.AREA,
        code="NY",
        title="Nytt område",
    )


def test_a_new_item_gets_its_links(world):
    fw = build_frameworks(world)
    national = Item.objects.get(version=fw.national, code="1.2")
    item = _item(world, fw.draft, [national])
    assert list(item.links.all()) == [national]
    assert AuditEvent.objects.filter(action="item.create", object_id=str(item.pk)).count() == 1


def test_a_new_item_whose_links_cannot_be_set_is_not_kept(world):
    fw = build_frameworks(world)
    with pytest.raises(ValueError):
        _item(world, fw.draft, [Item(title="never saved")])
    assert not fw.draft.items.filter(code="NY").exists()
    assert not AuditEvent.objects.filter(action="item.create").exists()
