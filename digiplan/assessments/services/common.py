"""What the self-assessment's writes share: their error messages, tokens, a campaign's items."""

import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from digiplan.assessments import selectors
from digiplan.assessments.models import COMMENT_MAX, Campaign
from digiplan.frameworks.models import Item, ItemKind
from digiplan.organisations.models import Role

ERROR_NOT_OPEN = _("The self-assessment is not open.")
ERROR_ALREADY_ANSWERED = _("Your answers have already been submitted. Thank you!")
ERROR_UNKNOWN_TOKEN = _("This link is not valid. Use the link in your latest invitation.")
ERROR_VALUE = _("“%(value)s” is not an answer on the scale of %(code)s.")
ERROR_ITEM = _("A statement that is not part of this self-assessment was answered.")
ERROR_COMMENT_LONG = _("The comment is longer than %(max)s characters.")
ERROR_CODE_USED_UP = _("This code has been used by as many pupils as the group has. Ask your teacher.")
ERROR_UNKNOWN_CODE = _("There is no open questionnaire with this code. Check the code and try again.")
ERROR_DATES = _("The closing date must come after the opening date.")
ERROR_VERSION = _("Choose a published version of one of your organisation's frameworks.")
ERROR_UNITS = _("Choose at least one active school unit of your own organisation.")
ERROR_RATING_SUBMITTED = _("The rating has been submitted and can no longer be changed.")
ERROR_STALE = _("Someone else saved this rating after you opened it. Reload and try again.")
ERROR_REASON = _("Write why the rating is reopened.")

STAFF_ROLES = (Role.STAFF, Role.COORDINATOR)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(24)
    return token, token_hash(token)


def campaign_items(campaign: Campaign, group: str) -> QuerySet[Item]:
    return (
        Item.objects.filter(version=campaign.framework_version, kind=ItemKind.INDICATOR, respondent=group)
        .select_related("scale")
        .order_by("parent__order", "order")
    )


# Per statement: the values that count, and whether it has an answer that does not.
_Allowed = dict[int, tuple[set[int], bool]]


def _answer_rules(campaign: Campaign, group: str) -> tuple[dict[int, Item], _Allowed]:
    """The group's statements by pk, and for each the values that count and whether it has an
    answer that does not; read once per process for a published version (which never
    changes)."""

    def load() -> tuple[dict[int, Item], _Allowed]:
        items = {
            item.pk: item for item in selectors.questionnaire_items(campaign.framework_version_id, group)
        }
        allowed: _Allowed = {}
        for item in items.values():
            # An indicator always has a scale (frameworks.services._check_item).
            levels = list(item.scale.levels.all())  # type: ignore[union-attr]
            allowed[item.pk] = (
                {lv.value for lv in levels if not lv.not_applicable},
                any(lv.not_applicable for lv in levels),
            )
        return items, allowed

    return selectors.frozen(campaign.framework_version_id, f"rules-{group}", load)


def _clean_answers(campaign: Campaign, group: str, answers: Mapping[Any, Any]) -> dict[int, int | None]:
    """Item pk → scale value (None for an answer that does not count); refuses anything else."""
    items, allowed = _answer_rules(campaign, group)
    clean: dict[int, int | None] = {}
    for key, value in answers.items():
        try:
            item_pk = int(key)
        except (TypeError, ValueError):
            raise ValidationError(ERROR_ITEM) from None
        if item_pk not in items:
            raise ValidationError(ERROR_ITEM)
        counting, has_na = allowed[item_pk]
        if value in (None, "", "na"):
            if not has_na and value not in (None, ""):
                raise ValidationError(ERROR_VALUE % {"value": value, "code": items[item_pk].code})
            if value == "na":
                clean[item_pk] = None
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError(
                ERROR_VALUE % {"value": str(value)[:20], "code": items[item_pk].code}
            ) from None
        if number not in counting:
            raise ValidationError(ERROR_VALUE % {"value": number, "code": items[item_pk].code})
        clean[item_pk] = number
    return clean


def _clean_comment(comment: str) -> str:
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError(ERROR_COMMENT_LONG % {"max": COMMENT_MAX})
    return comment
