"""Expected tools: only strategists open the page and link their own huvudman's tools (the
device targets are shown on the existing device pages and reports, with no URL of their own)."""

from tests.registry.targets_helpers import PLAN
from tests.views.matrix import LOGIN, POST_ONLY, READS, STRATEGISTS_ONLY, Post, Route, answers, to


def _tool(world):
    from tests.factories import FrameworkVersionFactory  # noqa: PLC0415  (the world exists only now)

    version = FrameworkVersionFactory(huvudman=world.huvudman, text=PLAN)
    return {"pk": version.items.get(code="U.T1").pk}


EXPECTED = {
    "expected_tools": Route(get=STRATEGISTS_ONLY, post=READS),
    "expected_tool_link": Route(
        kwargs=_tool,
        get=POST_ONLY,
        post=Post(
            answers(403, anonymous=LOGIN, strategist=to("expected_tools"), other_strategist=404),
            lambda w: {},  # no entry chosen: the tool stays (or becomes) unlinked
            writers=("strategist",),
            audit=("registry.expected_tool_link",),
        ),
    ),
}
