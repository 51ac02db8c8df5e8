"""How tests/views/expected_<part>.py state, for each URL pattern, what each persona gets from
a GET and from a POST, and what the POST writes. test_every_url.py runs every cell.

A cell is a status code, or to("name") for a redirect to the URL pattern of that name (LOGIN
for the sign-in page). A POST is sent with a valid minimal body; each of its writers must write
exactly what the Post says (its audit events, by that persona, and the change in row counts),
and everyone else must leave every table as it was."""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.conftest import PERSONAS


def to(name: str) -> str:
    """A redirect to the URL pattern named name, whatever its arguments."""
    return f"→ {name}"


LOGIN = to("login")


def answers(default, **by_persona) -> dict:
    """Every persona's cell: default, but for those named."""
    cells = {**dict.fromkeys(PERSONAS, default), **by_persona}
    assert set(cells) == set(PERSONAS), set(cells) - set(PERSONAS)
    return cells


ALL_200 = answers(200)
SIGNED_IN_200 = answers(200, anonymous=LOGIN)
# Strategists of either huvudman: each works on their own huvudman's data.
STRATEGISTS_ONLY = answers(403, anonymous=LOGIN, strategist=200, other_strategist=200)
# The object belongs to our huvudman: another huvudman's strategist does not learn it exists.
OWN_STRATEGIST_ONLY = {**STRATEGISTS_ONLY, "other_strategist": 404}
UNIT_A_READERS = answers(404, anonymous=LOGIN, strategist=200, leader_a=200, staff=200)
UNIT_A_EDITORS = {**UNIT_A_READERS, "staff": 403}
# A GET of a route that only takes a POST: sign in first, then "method not allowed".
POST_ONLY = answers(405, anonymous=LOGIN)


@dataclass(frozen=True)
class Post:
    """A POST with a valid minimal body: what each persona gets, and what the writers write."""

    answers: dict
    body: Callable = lambda world: {}
    writers: tuple[str, ...] = ()
    # The audit events each writer's POST records, by that writer; and the change in the row
    # count of each model (audit events aside) that one writer's POST makes.
    audit: tuple[str, ...] = ()
    rows: dict = field(default_factory=dict)
    # The URL's arguments, when the POST needs other data than the GET (a draft to publish).
    kwargs: Callable | None = None
    # (client, world): what the persona does just before posting, as a browser would.
    before: Callable | None = None
    # world → a value each writer's POST changes where it writes no row and no audit event.
    changes: Callable | None = None

    def __post_init__(self):
        assert set(self.answers) == set(PERSONAS), self.answers
        assert set(self.writers) <= set(PERSONAS), self.writers


# A route whose POST answers as its GET does and writes nothing: a page that reads.
READS = "reads like a GET"


@dataclass(frozen=True)
class Route:
    """kwargs: world → the URL's arguments (None when it takes none)."""

    get: dict
    post: Post | str
    kwargs: Callable | None = None

    def __post_init__(self):
        assert set(self.get) == set(PERSONAS), self.get
        assert isinstance(self.post, Post) or self.post == READS, self.post
