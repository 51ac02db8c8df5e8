"""Writes for expected tools: a strategist links a framework's tool to a register entry, or
removes the link. One transaction with its audit row; the service checks who may do it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from digiplan.audit.services import audit_record
from digiplan.frameworks.models import Item, ItemKind
from digiplan.organisations import access
from digiplan.organisations.models import Person
from digiplan.registry.digital_models import DigitalService
from digiplan.registry.expected_tools_models import ExpectedToolLink

ERROR_NOT_A_TOOL = _("Only a framework's tools can be linked to the register.")
ERROR_OTHER_HUVUDMAN = _("The tool and the register entry must belong to your organisation.")


def expected_tool_link(
    *, actor: Person, item: Item, service: DigitalService | None
) -> ExpectedToolLink | None:
    """Links the tool to the entry (service=None removes the link). Strategists only."""
    huvudman = actor.huvudman
    if huvudman is None or not access.is_strategist(actor):
        raise PermissionDenied
    if item.kind != ItemKind.TOOL:
        raise ValidationError(ERROR_NOT_A_TOOL)
    framework = item.version.framework
    if framework.huvudman_id != huvudman.pk or (service is not None and service.huvudman_id != huvudman.pk):
        raise ValidationError(ERROR_OTHER_HUVUDMAN)
    with transaction.atomic():
        before = ExpectedToolLink.objects.filter(framework=framework, item_code=item.code).first()
        old = before.service.name if before else ""
        link = None
        if service is None:
            ExpectedToolLink.objects.filter(framework=framework, item_code=item.code).delete()
        else:
            link, _created = ExpectedToolLink.objects.update_or_create(
                framework=framework,
                item_code=item.code,
                defaults={"huvudman": huvudman, "service": service, "linked_by": actor},
            )
        audit_record(
            actor=actor,
            huvudman=huvudman,
            action="registry.expected_tool_link",
            obj=framework,
            before={"service": old},
            after={"service": service.name if service else ""},
            extra={"item": item.code},
        )
    return link
