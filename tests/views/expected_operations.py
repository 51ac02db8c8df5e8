"""/healthz: open to everyone and every probe, signed in or not; it only reads (GET)."""

from tests.views.matrix import ALL_200, Post, Route, answers

EXPECTED = {
    # The tests run tasks at once (no worker needed), on a migrated database: healthy.
    "healthz": Route(get=ALL_200, post=Post(answers(405))),
}
