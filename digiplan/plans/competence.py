"""Competence development suggested to a staff member after the questionnaire, from the
organisation's library: entries marked for staff, linked to the statements the person agreed
with least. Computed from the person's own answers on the page they see and never stored."""

from dataclasses import dataclass

from digiplan.frameworks.models import Item
from digiplan.plans.models import LibraryActivity
from digiplan.plans.selectors import library_for, matching_library

# The statements looked at: at most this many, each below this share of its scale (on a 1–5
# agreement scale: "stämmer delvis" and lower).
MAX_STATEMENTS = 3
LOW_BELOW = 0.75


@dataclass
class CompetenceSuggestion:
    item: Item
    activities: list[LibraryActivity]


def competence_suggestions(
    huvudman_id: int, answers: dict[int, int | None], items: list[Item], school_forms=None
) -> list[CompetenceSuggestion]:
    """answers: item pk → the person's value (None for "vet ej"); school_forms: the unit's, or
    a function giving them. The lowest-rated statements first; statements with nothing in the
    library are left out. Nothing is read when no answer is low, and the school forms only
    when the library has entries: this runs on every thank-you page."""
    ranked = []
    for item in items:
        value = answers.get(item.pk)
        if value is None or item.scale is None:
            continue
        values = [lv.value for lv in item.scale.levels.all() if not lv.not_applicable]
        if len(values) < 2:
            continue
        position = (value - min(values)) / (max(values) - min(values))
        if position < LOW_BELOW:
            ranked.append((position, item.parent.order if item.parent else 0, item.order, item))
    if not ranked:
        return []
    ranked.sort(key=lambda r: r[:3])
    entries = library_for(huvudman_id, school_forms=school_forms, for_staff=True)
    if not entries:
        return []
    suggestions = []
    for *_key, item in ranked:
        matches = matching_library(item, entries)
        if matches:
            suggestions.append(CompetenceSuggestion(item=item, activities=matches))
        if len(suggestions) == MAX_STATEMENTS:
            break
    return suggestions
