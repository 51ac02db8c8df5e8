"""The device register: strategists, unit leaders and coordinators read their units' devices;
strategists and coordinators import and set the rules, each in their own huvudman; staff see
nothing."""

from django.core.files.uploadedfile import SimpleUploadedFile

from digiplan.imports.models import PendingImport
from digiplan.registry import devices_previews, devices_services
from digiplan.registry.device_models import Device, DeviceUnitRule, RuleMatch, UserGroup
from tests.views.matrix import LOGIN, POST_ONLY, READS, STRATEGISTS_ONLY, Post, Route, answers, to

DEVICES_CSV = (
    "serienummer;namn;typ;användargrupp;skolenhetskod\nPF-0001;ALM-001;surfplatta;elever GR F-3;11111111\n"
).encode()
# Each reader sees their own units' devices; staff see none.
DEVICE_READERS = answers(200, anonymous=LOGIN, staff=403)
# A unit of our huvudman: only those who see its devices learn that it exists.
UNIT_A_DEVICE_READERS = {**DEVICE_READERS, "leader_b": 404, "other_strategist": 404}
OWN_WRITER = {**STRATEGISTS_ONLY, "other_strategist": 404}


def _unit_a(world):
    return {"pk": world.unit_a.pk}


def _rule(world):
    rule = devices_services.device_rule_create(
        actor=None,
        huvudman=world.huvudman,
        match=RuleMatch.NAME_PREFIX,
        prefix="ALM-",
        unit=world.unit_a,
        user_group=UserGroup.STAFF,
    )
    return {"pk": rule.pk}


def _empty_pending(world):
    pending = PendingImport.objects.create(
        huvudman=world.huvudman,
        actor=world.strategist,
        kind=devices_previews.KIND_DEVICES,
        file_names="enheter.csv",
        rows={
            devices_previews.DEVICES_KEY: {
                "format": "digiplan",
                "given": [],
                "rows": [],
                "errors": {"total": 0, "kept": []},
            }
        },
    )
    return {"pk": pending.pk}


def _previewed(world):
    """A file with one new device at unit A, uploaded and previewed by the strategist."""
    pending = devices_previews.device_import_create(
        huvudman=world.huvudman, actor=world.strategist, filename="enheter.csv", data=DEVICES_CSV
    )
    devices_previews.device_import_preview(pending=pending, actor=world.strategist)
    return {"pk": pending.pk}


EXPECTED = {
    "device_overview": Route(get=DEVICE_READERS, post=READS),
    "device_budget": Route(get=DEVICE_READERS, post=READS),
    "device_export": Route(kwargs=lambda w: {"fmt": "xlsx"}, get=DEVICE_READERS, post=READS),
    "device_unit": Route(kwargs=_unit_a, get=UNIT_A_DEVICE_READERS, post=READS),
    "device_template": Route(kwargs=lambda w: {"fmt": "csv"}, get=STRATEGISTS_ONLY, post=READS),
    "device_rules": Route(
        get=STRATEGISTS_ONLY,
        post=Post(
            # Unit A is not among the units another huvudman's strategist may choose.
            {**STRATEGISTS_ONLY, "strategist": to("device_rules"), "other_strategist": 400},
            lambda w: {
                "match": RuleMatch.ORG_UNIT_PATH,
                "prefix": "/Elever/Almskolan",
                "unit": w.unit_a.pk,
                "user_group": UserGroup.PUPILS,
                "school_form": "GR",
                "grade_band": "4-6",
            },
            writers=("strategist",),
            audit=("device_rule.create",),
            rows={DeviceUnitRule: 1},
        ),
    ),
    "device_rule_delete": Route(
        kwargs=_rule,
        get=POST_ONLY,
        post=Post(
            {**OWN_WRITER, "strategist": to("device_rules")},
            writers=("strategist",),
            audit=("device_rule.delete",),
            rows={DeviceUnitRule: -1},
        ),
    ),
    "device_import_start": Route(
        get=STRATEGISTS_ONLY,
        post=Post(
            {
                **STRATEGISTS_ONLY,
                "strategist": to("device_import_preview"),
                "other_strategist": to("device_import_preview"),
            },
            lambda w: {"file": SimpleUploadedFile("enheter.csv", DEVICES_CSV)},
            writers=("strategist", "other_strategist"),
            rows={PendingImport: 1},
        ),
    ),
    # Nothing to import: the preview changes nothing.
    "device_import_preview": Route(kwargs=_empty_pending, get=OWN_WRITER, post=READS),
    "device_import_confirm": Route(
        kwargs=_previewed,
        get=POST_ONLY,
        post=Post(
            {**OWN_WRITER, "strategist": to("device_overview")},
            writers=("strategist",),
            audit=("device.create", "import.devices"),
            rows={PendingImport: -1, Device: 1},
        ),
    ),
    "device_import_cancel": Route(
        kwargs=_empty_pending,
        get=POST_ONLY,
        post=Post(
            {**OWN_WRITER, "strategist": to("device_import_start")},
            writers=("strategist",),
            rows={PendingImport: -1},
        ),
    ),
}
