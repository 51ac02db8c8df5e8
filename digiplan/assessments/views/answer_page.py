"""A page of the questionnaires, staff and pupils alike: its statements read from the post,
each answer checked against the statement's scale, and the statements shown again with the
answers chosen and the errors found."""

from dataclasses import dataclass, field

from digiplan.assessments import selectors, services
from digiplan.assessments.models import COMMENT_MAX
from digiplan.frameworks.templatetags.frameworks import localised


@dataclass
class Area:
    number: int
    item: object
    items: list
    answered: int = 0

    @property
    def state(self) -> str:
        if self.answered == 0:
            return "empty"
        return "done" if self.answered == len(self.items) else "started"


@dataclass
class PageInput:
    answers: dict = field(default_factory=dict)  # item pk → "3" or "na"
    errors: dict = field(default_factory=dict)  # item pk → message
    general: list = field(default_factory=list)  # messages not tied to one statement
    comment: str = ""
    comment_error: str = ""

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.general or self.comment_error)


def page_items(campaign, group):
    """The group's statements with their areas and scale levels, read once per process for a
    published version (selectors.questionnaire_items)."""
    return list(selectors.questionnaire_items(campaign.framework_version_id, group))


def _allowed(item) -> set[str]:
    return {"na" if level.not_applicable else str(level.value) for level in item.scale.levels.all()}


def read_page(post, items, *, with_comment=False) -> PageInput:
    """The answers posted for these statements. The services check again; this only gives each
    mistake a place on the page."""
    page = PageInput()
    by_key = {f"item-{item.pk}": item for item in items}
    for key in post:
        if key.startswith("item-") and key not in by_key:
            page.general = [services.ERROR_ITEM]
    for key, item in by_key.items():
        value = post.get(key, "")
        if value == "":
            continue
        if value not in _allowed(item):
            page.errors[item.pk] = services.ERROR_VALUE % {"value": value[:20], "code": item.code}
        else:
            page.answers[item.pk] = value
    if with_comment:
        page.comment = post.get("comment", "").strip()
        if len(page.comment) > COMMENT_MAX:
            page.comment_error = services.ERROR_COMMENT_LONG % {"max": COMMENT_MAX}
    return page


def statements(items, chosen: dict, errors: dict, first_number: int = 1) -> list[dict]:
    """What the template needs to draw each statement as a fieldset of radio buttons."""
    statements = []
    for number, item in enumerate(items, start=first_number):
        value = chosen.get(item.pk)
        options, na_checked = [], False
        for level in item.scale.levels.all():
            option_value = "na" if level.not_applicable else str(level.value)
            # Two "not applicable" levels share the value "na": check only the first.
            checked = option_value == value and not (level.not_applicable and na_checked)
            na_checked = na_checked or (checked and level.not_applicable)
            options.append(
                {
                    "value": option_value,
                    "label": localised(level, "label"),
                    "na": level.not_applicable,
                    "checked": checked,
                }
            )
        statements.append(
            {
                "item": item,
                "number": number,
                "options": options,
                "title": localised(item, "title"),
                "description": localised(item, "description"),
                "error": errors.get(item.pk, ""),
            }
        )
    return statements
