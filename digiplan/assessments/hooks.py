"""What assessments asks of the apps above it (digiplan.lib.hooks): they register in their
AppConfig.ready()."""

from digiplan.frameworks.models import Item
from digiplan.lib.hooks import Hook

# Competence development for a staff member after the questionnaire (the thank-you page and
# the profile PDF; the plans app answers from the activity library): called with
# (huvudman_id, answers: item pk -> value, items, school_forms=[...]), answers a list of
# suggestions, each with .item and .activities.
competence_suggestions: Hook[..., list] = Hook("assessments.competence_suggestions")


def suggested_competence(
    huvudman_id: int, answers: dict[int, int | None], items: list[Item], school_forms=None
) -> list:
    found: list = []
    for answer in competence_suggestions.ask(huvudman_id, answers, items, school_forms=school_forms):
        found += answer
    return found
