"""The register of digital services: strategists, unit leaders and coordinators read it and
propose; only a strategist changes, decides, exports and imports; a unit's readers see what it
uses and its leader declares; the public page of decisions needs no sign-in."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from digiplan.registry.digital_models import DigitalService, ServiceReview, ServiceUse
from tests.views.matrix import (
    ALL_200,
    LOGIN,
    POST_ONLY,
    READS,
    STRATEGISTS_ONLY,
    UNIT_A_READERS,
    Post,
    Route,
    answers,
    to,
)

# Those who keep or propose entries, each in their own huvudman's register.
REGISTER_READERS = answers(200, anonymous=LOGIN, staff=403)
# An entry of our huvudman: staff and the other huvudman do not learn that it exists.
ENTRY_READERS = {**REGISTER_READERS, "staff": 404, "other_strategist": 404}
ENTRY_STRATEGIST = {**ENTRY_READERS, "leader_a": 403, "leader_b": 403}
UNIT_A_DECLARERS = {**UNIT_A_READERS, "staff": 403}
FORM = {
    "name": "Lärplattformen",
    "supplier": "Skolsystem AB",
    "pupil_school_forms": ["GR"],
    "for_staff": "on",
    "data_categories": "namn, klass",
    "pupil_data": "on",
    "legal_basis": "public_task",
    "dpa_signed": "on",
    "dpa_expires": "2030-06-30",
    "retention_rule": "Gallras ett år efter att eleven slutat",
    "data_location": "eu_eea",
}


def _service(world) -> DigitalService:
    from tests.registry.digital_services_helpers import make_service

    if getattr(world, "_service", None) is None:
        world._service = make_service(world)
    return world._service


def _entry(world) -> dict:
    return {"pk": _service(world).pk}


def _declared(world) -> dict:
    from digiplan.registry.digital_services import service_use_declare
    from tests.registry.digital_services_helpers import make_service

    if getattr(world, "_declared", None) is None:
        world._declared = make_service(world, name="Används redan")
        service_use_declare(unit=world.unit_a, service=world._declared, actor=world.strategist)
    return {"pk": world.unit_a.pk, "service_pk": world._declared.pk}


def _file(world) -> dict:
    text = "namn;leverantör;personal\nOrdbok;Lexikon AB;ja\n"
    return {"file": SimpleUploadedFile("tjanster.csv", io.BytesIO(text.encode()).read(), "text/csv")}


EXPECTED = {
    "services_register": Route(get=REGISTER_READERS, post=READS),
    "services_propose": Route(
        get=REGISTER_READERS,
        post=Post(
            {
                **REGISTER_READERS,
                **dict.fromkeys(
                    ("strategist", "leader_a", "leader_b", "other_strategist"), to("services_detail")
                ),
            },
            lambda w: FORM,
            ("strategist", "leader_a", "leader_b", "other_strategist"),
            ("digital_service.proposed",),
            {DigitalService: 1, ServiceReview: 1},
        ),
    ),
    "services_detail": Route(kwargs=_entry, get=ENTRY_READERS, post=READS),
    "services_edit": Route(
        kwargs=_entry,
        get=ENTRY_STRATEGIST,
        post=Post(
            {**ENTRY_STRATEGIST, "strategist": to("services_detail")},
            lambda w: {**FORM, "supplier": "Nytt namn AB", "seen": _service(w).updated_at.isoformat()},
            ("strategist",),
            ("digital_service.changed",),
        ),
    ),
    "services_review": Route(
        kwargs=_entry,
        get=POST_ONLY,
        post=Post(
            {**ENTRY_STRATEGIST, "strategist": to("services_detail")},
            lambda w: {"status": "under_review"},
            ("strategist",),
            ("digital_service.under_review",),
            {ServiceReview: 1},
        ),
    ),
    "services_export": Route(get=STRATEGISTS_ONLY, post=READS),
    "services_import": Route(get=STRATEGISTS_ONLY, post=Post(STRATEGISTS_ONLY, _file)),
    "services_import_confirm": Route(
        get=POST_ONLY,
        post=Post(
            answers(
                403, anonymous=LOGIN, strategist=to("services_import"), other_strategist=to("services_import")
            )
        ),
    ),
    "services_unit": Route(
        kwargs=lambda w: {"pk": w.unit_a.pk},
        get=UNIT_A_READERS,
        post=Post(
            {**UNIT_A_DECLARERS, "strategist": to("services_unit"), "leader_a": to("services_unit")},
            lambda w: {"service": _service(w).pk},
            ("strategist", "leader_a"),
            ("digital_service.declared",),
            {ServiceUse: 1},
        ),
    ),
    "services_unit_withdraw": Route(
        kwargs=_declared,
        get=POST_ONLY,
        post=Post(
            {**UNIT_A_DECLARERS, "strategist": to("services_unit"), "leader_a": to("services_unit")},
            writers=("strategist", "leader_a"),
            audit=("digital_service.withdrawn",),
            rows={ServiceUse: -1},
        ),
    ),
    "services_public": Route(
        kwargs=lambda w: {"orgnr": w.huvudman.organisation_number}, get=ALL_200, post=READS
    ),
}
