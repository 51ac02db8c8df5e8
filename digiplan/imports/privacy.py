"""The imports' part of a person's data (digiplan.privacy.registry): the import previews of the
huvudman are cancelled at erasure, since the people they would write may include the person.
They are not part of the person's file: a preview lives a day at most."""

from digiplan.imports.models import PendingImport
from digiplan.privacy.registry import PersonalData


def previews_cancel(*, person, **_context) -> dict:
    cancelled = PendingImport.objects.filter(huvudman_id=person.huvudman_id).delete()[0]
    return {"import_previews_cancelled": cancelled}


PART = PersonalData(app="imports", unlink=previews_cancel)
