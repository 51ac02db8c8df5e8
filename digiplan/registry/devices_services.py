"""Writes of the device register besides the import: the rules that place devices at units."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from digiplan.audit.services import audit_record
from digiplan.organisations.models import Huvudman, Organisation, Person
from digiplan.registry.device_models import DeviceUnitRule, UserGroup

ERROR_RULE_EXISTS = _("There is already a rule for this beginning.")
ERROR_RULE_STAFF_FORM = _("A rule for staff has no school form or grade band.")
RULE_FIELDS = ("match", "prefix", "unit", "user_group", "school_form", "grade_band")


def _snapshot(rule: DeviceUnitRule) -> dict[str, str]:
    return {
        "match": rule.match,
        "prefix": rule.prefix,
        "unit": rule.unit.name,
        "user_group": rule.user_group,
        "school_form": rule.school_form,
        "grade_band": rule.grade_band,
    }


def device_rule_create(
    *,
    actor: Person | None,
    huvudman: Huvudman,
    match: str,
    prefix: str,
    unit: Organisation,
    user_group: str,
    school_form: str = "",
    grade_band: str = "",
) -> DeviceUnitRule:
    """A rule that places the devices whose path or name begins with prefix at unit."""
    if user_group == UserGroup.STAFF and (school_form or grade_band):
        raise ValidationError({"school_form": ERROR_RULE_STAFF_FORM})
    with transaction.atomic():
        prefix = prefix.strip()
        if DeviceUnitRule.objects.filter(huvudman=huvudman, match=match, prefix__iexact=prefix).exists():
            raise ValidationError({"prefix": ERROR_RULE_EXISTS})
        rule = DeviceUnitRule(
            huvudman=huvudman,
            match=match,
            prefix=prefix,
            unit=unit,
            user_group=user_group,
            school_form=school_form,
            grade_band=grade_band.strip(),
        )
        rule.full_clean()
        rule.save()
        audit_record(
            actor=actor, huvudman=huvudman, action="device_rule.create", obj=rule, after=_snapshot(rule)
        )
    return rule


def device_rule_delete(*, actor: Person | None, rule: DeviceUnitRule) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor, huvudman=rule.huvudman, action="device_rule.delete", obj=rule, before=_snapshot(rule)
        )
        rule.delete()
