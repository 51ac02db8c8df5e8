"""Where a person's name, e-mail address or external id is written as text, in any table, and
replacing it (services.person_erase).

A name sits in text that someone else wrote: a colleague's progress note, a leader rating's "who
took part", a goal's description, a staff comment, the JSON of an audit event, a result snapshot
or a public report, a task's arguments. Rather than list those columns (and miss the next one
someone adds), this walks every text and JSON column of every model. It keeps to the person's
huvudman and the tables that belong to no huvudman: a namesake in another organisation, and
what is written about them, is someone else's data.

A mention is the whole name (any case, any spacing, "Efternamn, Förnamn", a genitive -s), the
e-mail address, or an external id of at least EXTERNAL_ID_MIN characters; never a part of a
longer word, so "Per" in "per vecka" or "Personalsson" stays. A name of one word is too common
to find reliably in free text and is not looked for; the e-mail address still is.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast

REPLACEMENT = "[borttagen person]"
EXTERNAL_ID_MIN = 6  # a shorter id ("17") is also a number in ordinary text

# Columns that hold someone's or something's own name, never a mention: another person's identity
# (a namesake keeps their name; the erased person's row is rewritten by services.person_erase),
# the names of units and of the huvudman.
NOT_MENTIONS = {
    "organisations.person": {"name", "email", "external_id", "principal_name", "password"},
    "organisations.organisation": {"name", "short_name", "path"},
    "organisations.huvudman": {"name"},
}
# Session data is encoded; services.person_erase ends the sessions that hold the person.
SKIPPED_MODELS = {"sessions.session"}
_TENANT_DEPTH = 4


@dataclass(frozen=True)
class Identity:
    name: str
    email: str
    external_id: str = ""
    principal_name: str = ""  # eduPersonPrincipalName: how school accounts name the person

    def pattern(self) -> re.Pattern | None:
        return _pattern(self.name, self._ids())

    def needles(self) -> list[str]:
        """Strings one of which any mention contains, as stored (for the database to filter)."""
        words = self.name.split()
        found = [max(words, key=len)] if len(words) >= 2 else []
        found += self._ids()
        # The database compares without case (icontains), except SQLite outside ASCII; and
        # SQLite keeps JSON with non-ASCII characters escaped.
        variants = {
            v for s in found for v in ((s,) if s.isascii() else (s, s.lower(), s.upper(), s.capitalize()))
        }
        return sorted(variants | {json.dumps(v)[1:-1] for v in variants})

    def _ids(self) -> list[str]:
        external_id = self.external_id if len(self.external_id) >= EXTERNAL_ID_MIN else ""
        return [s for s in dict.fromkeys((self.email, external_id, self.principal_name)) if s]


def _pattern(name: str, ids: list[str]) -> re.Pattern | None:
    words = [re.escape(w) for w in name.split()]
    names = []
    if len(words) >= 2:
        names = [r"\s+".join(words), words[-1] + r",\s*" + r"\s+".join(words[:-1])]
    ids = [re.escape(s) for s in ids]
    parts = []
    if names:
        parts.append(rf"(?:{'|'.join(names)})(?::?s)?")  # "Per Personals", "NN:s"
    parts += sorted(ids, key=len, reverse=True)
    if not parts:
        return None
    return re.compile(rf"(?<![\w@.+-])(?:{'|'.join(parts)})(?![\w@-])", re.IGNORECASE)


def replace_in(value, pattern: re.Pattern, replacement: str = REPLACEMENT):
    """The value with every mention replaced: strings, and strings inside JSON lists and dicts."""
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list):
        return [replace_in(v, pattern, replacement) for v in value]
    if isinstance(value, dict):
        return {k: replace_in(v, pattern, replacement) for k, v in value.items()}
    return value


def text_fields(model: type[models.Model]) -> list[models.Field]:
    """The model's columns that can hold free text: text and JSON, no choices, no keys."""
    skipped = NOT_MENTIONS.get(model._meta.label_lower, set())
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
        and not f.primary_key
        and not f.choices
        and f.name not in skipped
    ]


@cache
def tenant_path(model: type[models.Model]) -> tuple[str, bool] | None:
    """The lookup from the model to its huvudman ("activity__plan__huvudman") and whether a row
    may have none, for tables that belong to no huvudman None. Of the ways there, the one with
    the fewest optional links wins (an item belongs to its framework's huvudman, not to its
    scale's, which may be a shared one), then the shortest; a way through a person is the last
    choice, since a person's huvudman says whose the person is, not whose the row is."""
    huvudman = apps.get_model("organisations", "Huvudman")
    if model is huvudman:
        return "pk", False
    person = apps.get_model(settings.AUTH_USER_MODEL)
    found: list[tuple[bool, int, int, str]] = []

    def walk(current, path: str, nullable: int, people: bool, seen: frozenset) -> None:
        for field in current._meta.concrete_fields:
            target = field.related_model if field.many_to_one or field.one_to_one else None
            if target is None or target in seen:
                continue
            step = f"{path}__{field.name}" if path else field.name
            optional = nullable + field.null
            if target is huvudman:
                found.append((people, optional, step.count("__"), step))
            elif len(seen) < _TENANT_DEPTH:
                walk(target, step, optional, people or target is person, seen | {target})

    walk(model, "", 0, False, frozenset({model}))
    if not found:
        return None
    people, optional, _length, step = min(found)
    return step, optional > 0


def _tenant_filter(model: type[models.Model], huvudman_id: int | None) -> Q:
    path = tenant_path(model)
    if path is None:
        return Q()
    lookup, nullable = path
    rows = Q(**{lookup: huvudman_id})
    return rows | Q(**{f"{lookup}__isnull": True}) if nullable else rows


def mentioning(
    model: type[models.Model], identity: Identity, huvudman_id: int | None, fields: Iterable[models.Field]
) -> models.QuerySet:
    """Rows of the model within the huvudman whose text may mention the person (a superset;
    the pattern decides), with their text fields."""
    fields, needles = list(fields), identity.needles()
    rows = model._default_manager.filter(_tenant_filter(model, huvudman_id))
    found = Q(pk__in=[])
    for field in fields:
        column = field.name
        if isinstance(field, models.JSONField):
            column = f"_text_{field.name}"
            rows = rows.annotate(**{column: Cast(field.name, models.TextField())})
        for needle in needles:
            found |= Q(**{f"{column}__icontains": needle})
    return rows.filter(found).only("pk", *[f.name for f in fields])


def mentions_replace(*, identity: Identity, huvudman_id: int | None) -> Counter:
    """Replaces every mention of the person in the text of every model (within the huvudman and
    the tables of no huvudman); returns the number of rows changed per model. Runs inside the
    caller's transaction; rows are locked while rewritten, so no concurrent edit is lost."""
    pattern = identity.pattern()
    changed: Counter = Counter()
    if pattern is None:
        return changed
    for model in apps.get_models():
        fields = text_fields(model)
        if not fields or model._meta.label_lower in SKIPPED_MODELS or model._meta.proxy:
            continue
        rows = mentioning(model, identity, huvudman_id, fields).select_for_update(of=("self",))
        for row in rows:
            updates = {}
            for field in fields:
                value = getattr(row, field.attname)
                new = replace_in(value, pattern)
                if new != value:
                    updates[field.attname] = new
            if updates:
                # update(), not save(): no timestamps move, no model logic runs.
                model._default_manager.filter(pk=row.pk).update(**updates)
                changed[model._meta.label_lower] += 1
    return changed
