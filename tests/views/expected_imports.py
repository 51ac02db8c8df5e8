"""Imports through the UI: upload, preview, confirm or cancel; strategists only, each their own."""

from django.core.files.uploadedfile import SimpleUploadedFile

from digiplan.imports import previews
from digiplan.imports.models import PendingImport
from digiplan.organisations.models import Organisation, UnitSchoolForm
from tests.views.matrix import OWN_STRATEGIST_ONLY, POST_ONLY, READS, STRATEGISTS_ONLY, Post, Route, to

UNITS_CSV = (
    "typ;namn;kortnamn;skolenhetskod;externt id;överordnad;skolformer;elever;personal;aktiv\n"
    "skolenhet;Granskolan;;66666666;;Område Norr;GR;;;ja\n"
).encode()


def _empty_pending(world):
    return {
        "pk": PendingImport.objects.create(
            huvudman=world.huvudman, actor=world.strategist, kind="units", file_names="a.csv"
        ).pk
    }


def _previewed(world):
    """A file with one new unit, uploaded and previewed by the strategist."""
    pending = previews.pending_import_create(
        huvudman=world.huvudman,
        actor=world.strategist,
        kind="units",
        deactivate_missing=False,
        files=[("enheter.csv", UNITS_CSV)],
    )
    previews.pending_import_preview(pending=pending, actor=world.strategist)
    return {"pk": pending.pk}


EXPECTED = {
    "import_start": Route(
        get=STRATEGISTS_ONLY,
        post=Post(
            {
                **STRATEGISTS_ONLY,
                "strategist": to("import_preview"),
                "other_strategist": to("import_preview"),
            },
            lambda w: {"kind": "units", "files": SimpleUploadedFile("enheter.csv", UNITS_CSV)},
            writers=("strategist", "other_strategist"),
            rows={PendingImport: 1},
        ),
    ),
    # Nothing to import: the preview changes nothing.
    "import_preview": Route(kwargs=_empty_pending, get=OWN_STRATEGIST_ONLY, post=READS),
    "import_confirm": Route(
        kwargs=_previewed,
        get=POST_ONLY,
        post=Post(
            {**OWN_STRATEGIST_ONLY, "strategist": to("organisation_tree")},
            writers=("strategist",),
            audit=("import.units", "organisation.create"),
            rows={PendingImport: -1, Organisation: 1, UnitSchoolForm: 1},
        ),
    ),
    "import_cancel": Route(
        kwargs=_empty_pending,
        get=POST_ONLY,
        post=Post(
            {**OWN_STRATEGIST_ONLY, "strategist": to("import_start")},
            writers=("strategist",),
            rows={PendingImport: -1},
        ),
    ),
    "import_template": Route(
        kwargs=lambda w: {"kind": "enheter", "fmt": "csv"}, get=STRATEGISTS_ONLY, post=READS
    ),
}
