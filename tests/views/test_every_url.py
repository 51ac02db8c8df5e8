"""Every URL pattern of the project × GET and POST × every persona. Each part of the product
keeps its rows in tests/views/expected_<part>.py (the cells are explained in matrix.py). A new
URL without a row fails test_every_url_pattern_is_covered, so no view can escape the matrix.

Each persona's POST runs in a savepoint that is rolled back, so that every persona posts to the
same data: a writer's POST must write exactly what its row says, and any other POST must leave
every table as it was, the audit trail included."""

import importlib
import pkgutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from digiplan.audit.models import AuditEvent
from tests.conftest import PERSONAS
from tests.views.matrix import Post, Route


def _expectations() -> dict[str, Route]:
    rows: dict[str, Route] = {}
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("expected_"):
            part = importlib.import_module(f"tests.views.{module.name}").EXPECTED
            assert not set(part) & set(rows), f"{module.name} repeats {set(part) & set(rows)}"
            rows.update(part)
    return rows


EXPECTED = _expectations()


def _all_url_names(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{entry.namespace}:" if entry.namespace else ""
            yield from _all_url_names(entry.url_patterns, prefix + ns)
        elif isinstance(entry, URLPattern):
            yield prefix + (entry.name or f"<unnamed {entry.pattern}>")


def test_every_url_pattern_is_covered():
    names = set(_all_url_names())
    assert not sorted(names - set(EXPECTED)), (
        f"add these URL names to EXPECTED: {sorted(names - set(EXPECTED))}"
    )
    assert not sorted(set(EXPECTED) - names), f"these rows name no URL: {sorted(set(EXPECTED) - names)}"


# ---- One request --------------------------------------------------------------------------------


def _answer(response) -> int | str:
    """The status, or for a redirect the name of the URL pattern it sends to."""
    if not 300 <= response.status_code < 400:
        return response.status_code
    try:
        return f"→ {resolve(urlsplit(response['Location']).path).url_name}"
    except Resolver404:
        return f"→ {response['Location']}"


def _url(name: str, kwargs, world) -> str:
    return reverse(name, kwargs=kwargs(world) if kwargs else None)


# ---- What a POST wrote ---------------------------------------------------------------------------

_AUDIT = AuditEvent._meta.label
# The visitor's own session is the browser's state, not data about anyone: a pupil's session
# remembers the forms it sent, a signed-in persona's exists already.
_NOT_COUNTED = {_AUDIT, "sessions.Session"}


def _tables() -> dict[str, str]:
    """Model label → table, of every table of the project (many-to-many tables too)."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy and model._meta.label not in _NOT_COUNTED:
            tables.setdefault(model._meta.db_table, model._meta.label)
    return {label: table for table, label in tables.items()}


def _row_counts() -> dict[str, int]:
    """Every table's row count, in one query."""
    labels = sorted(_tables())
    quote = connection.ops.quote_name
    columns = ", ".join(f"(SELECT COUNT(*) FROM {quote(_tables()[label])})" for label in labels)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        return dict(zip(labels, cursor.fetchone(), strict=True))


def _last_event_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _wrote(counts: dict, last_event: int, actor) -> dict:
    after = _row_counts()
    events = AuditEvent.objects.filter(pk__gt=last_event).order_by("pk")
    return {
        # By the persona who posted; anyone else's event names its actor.
        "audit": sorted(
            e.action if actor is not None and e.actor_id == actor.pk else f"{e.action} by {e.actor_label}"
            for e in events
        ),
        "rows": {label: after[label] - counts[label] for label in after if after[label] != counts[label]},
    }


def _expected_writes(post: Post, persona: str) -> dict:
    writes = persona in post.writers
    wanted = {
        "audit": sorted(post.audit) if writes else [],
        "rows": {model._meta.label: n for model, n in post.rows.items()} if writes else {},
    }
    if post.changes is not None:
        wanted["changed"] = writes
    return wanted


# ---- The matrix ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_get_answers_each_persona_as_expected(name, world, client_for):
    route = EXPECTED[name]
    url = _url(name, route.kwargs, world)
    got = {persona: _answer(client_for(persona).get(url)) for persona in PERSONAS}
    assert got == route.get


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_post_answers_each_persona_and_writes_only_what_it_may(name, world, client_for):
    route = EXPECTED[name]
    post = route.post if isinstance(route.post, Post) else Post(answers=route.get)
    url = _url(name, post.kwargs or route.kwargs, world)
    # What the body names is built (and cached on the world) now, before any savepoint.
    post.body(world)
    got, wanted = {}, {}
    for persona in PERSONAS:
        client = client_for(persona)
        actor = None if persona == "anonymous" else getattr(world, persona)
        with transaction.atomic():
            if post.before is not None:
                post.before(client, world)
            body = post.body(world)  # afresh: an uploaded file is read once
            value = post.changes(world) if post.changes is not None else None
            counts, last_event = _row_counts(), _last_event_id()
            response = client.post(url, body)
            got[persona] = {"answer": _answer(response), "writes": _wrote(counts, last_event, actor)}
            if post.changes is not None:
                got[persona]["writes"]["changed"] = post.changes(world) != value
            # Every persona posts to the same data.
            transaction.set_rollback(True)
        wanted[persona] = {"answer": post.answers[persona], "writes": _expected_writes(post, persona)}
    assert got == wanted
