"""What frameworks asks of the apps above it (digiplan.lib.hooks): they register in their
AppConfig.ready()."""

from digiplan.frameworks.models import Item
from digiplan.lib.hooks import Hook

# The unit goals that serve an item on its chain of steering (the plans app answers): called with
# the item, the reader and the chain below the item (selectors.chain_down); answers
# {"direct": [goal, ...], "below": [goal, ...]} with only what the reader may see.
chain_unit_goals: Hook[[Item, object, list[dict]], dict] = Hook("frameworks.chain_unit_goals")


def unit_goals_for_chain(item: Item, person, down: list[dict]) -> dict:
    goals: dict[str, list] = {"direct": [], "below": []}
    for answer in chain_unit_goals.ask(item, person, down):
        goals["direct"] += answer["direct"]
        goals["below"] += answer["below"]
    return goals
