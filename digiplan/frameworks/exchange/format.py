"""What a framework file may hold: its keys, the patterns of slugs, codes and links, its limits,
and the two conversions reading and writing share (a target's value, translations)."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

FORMAT = "digiplan-framework/1"
MAX_FILE_BYTES = 2 * 1024 * 1024
TEXT_MAX = 20_000
LANGUAGES = ("en", "sv")

TOP_KEYS = {
    "format",
    "slug",
    "name",
    "kind",
    "source",
    "standing",
    "note",
    "valid_from",
    "valid_to",
    "decision",
    "follow_ups",
    "scales",
    "items",
    "responsibilities",
    "targets",
}
SCALE_KEYS = {"slug", "name", "description", "translations", "levels"}
LEVEL_KEYS = {"value", "label", "description", "not_applicable", "translations"}
ITEM_KEYS = {
    "code",
    "kind",
    "title",
    "description",
    "respondent",
    "scale",
    "levels",
    "school_forms",
    "links",
    "translations",
    "children",
}
DECISION_KEYS = {"body", "date", "reference"}
FOLLOW_UP_KEYS = {"date", "text"}
RESPONSIBILITY_KEYS = {"role", "title", "group", "party", "area", "text", "translations"}
OWNER_KEYS = {"title", "group", "party"}
TARGET_KEYS = {
    "metric",
    "item",
    "school_form",
    "grade_band",
    "value",
    "description",
    "owner",
    "due_date",
    "measured_by",
}
TRANSLATION_KEYS = {"title", "description", "name", "label", "text", "levels"}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
CODE = re.compile(r"^[\w.\-]{1,40}$")
LINK = re.compile(
    r"^(?:(?P<slug>[a-z0-9][a-z0-9-]{0,99})(?:@(?P<number>\d{1,9}))?:)?"
    r"(?P<code>[\w.\-]{1,40})$"
)
LEVEL_MAX = 1_000_000  # a level's value, well inside the database's integer
NAME_MAX = 120  # a title's, group's or outside party's name


class FrameworkFileError(Exception):
    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = sorted(errors)[:100]
        super().__init__("; ".join(f"{line}: {message}" for line, message in self.errors))


def target_value(value: object) -> Decimal | None:
    """The value as the database keeps it (10 digits, 3 decimals), or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) >= 10**7 or number != round(number, 3):
        return None
    return number


def iso_date(value: object) -> date | None:
    """A date written as YYYY-MM-DD (the loader keeps dates as text), or None."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()) if len(value.strip()) == 10 else None
    except ValueError:
        return None


def translations(value: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Translations in the file's order: languages sorted, empty texts left out, level
    descriptions by their value."""
    result = {}
    for lang, texts in sorted(value.items()):
        clean = {k: v for k, v in texts.items() if v and k != "levels"}
        if texts.get("levels"):
            clean["levels"] = {
                int(k): v for k, v in sorted(texts["levels"].items(), key=lambda kv: int(kv[0]))
            }
        result[lang] = clean
    return result
