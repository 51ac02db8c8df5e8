"""Reading a framework file and checking every part of it. parse() gathers every problem,
with its line, before it refuses a file, so that one round of corrections is enough."""

import math
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from digiplan.frameworks import yamlfile
from digiplan.frameworks.exchange.format import (
    CODE,
    DECISION_KEYS,
    FOLLOW_UP_KEYS,
    FORMAT,
    ITEM_KEYS,
    LANGUAGES,
    LEVEL_KEYS,
    LEVEL_MAX,
    LINK,
    MAX_FILE_BYTES,
    NAME_MAX,
    OWNER_KEYS,
    RESPONSIBILITY_KEYS,
    SCALE_KEYS,
    SLUG,
    TARGET_KEYS,
    TEXT_MAX,
    TOP_KEYS,
    TRANSLATION_KEYS,
    FrameworkFileError,
    iso_date,
    target_value,
)
from digiplan.frameworks.models import TITLE_MAX, FrameworkKind, ItemKind, RespondentGroup, Scale, Standing
from digiplan.lib.uploads import ERROR_EMPTY, UploadRejected
from digiplan.organisations.models import Role


@dataclass
class _Checker:
    errors: list[tuple[int, str]] = field(default_factory=list)

    def add(self, node, message: str) -> None:
        self.errors.append((getattr(node, "line", 0), str(message)))

    def keys(self, node, allowed: set[str], what: str) -> bool:
        if not isinstance(node, dict):
            self.add(node, _("%(what)s must be a mapping of keys and values.") % {"what": what})
            return False
        for key in node:
            if key not in allowed:
                line = node.line_of(key) if hasattr(node, "line_of") else 0
                self.errors.append(
                    (
                        line,
                        str(
                            _("Unknown key “%(key)s” in %(what)s. Allowed: %(allowed)s.")
                            % {"key": str(key)[:60], "what": what, "allowed": ", ".join(sorted(allowed))}
                        ),
                    )
                )
        return True

    def text(self, node, key: str, *, required=False, max_length=TEXT_MAX) -> str:
        value = node.get(key, "") if isinstance(node, dict) else ""
        if value is None:
            value = ""
        if (
            not isinstance(value, (str, int, float))
            or isinstance(value, bool)
            or (isinstance(value, float) and not math.isfinite(value))
        ):
            self.add(node, _("“%(key)s” must be text.") % {"key": key})
            return ""
        value = str(value).strip()
        if required and not value:
            self.add(node, _("“%(key)s” is missing.") % {"key": key})
        if len(value) > max_length:
            self.add(
                node, _("“%(key)s” is longer than %(max)s characters.") % {"key": key, "max": max_length}
            )
            return value[:max_length]
        return value

    def date(self, node, key: str, *, required=False) -> None:
        """A date under key, written YYYY-MM-DD (in quotes or not)."""
        value = node.get(key) if isinstance(node, dict) else None
        if value in (None, ""):
            if required:
                self.add(node, _("“%(key)s” is missing.") % {"key": key})
        elif iso_date(value) is None:
            line = node.line_of(key) if hasattr(node, "line_of") else getattr(node, "line", 0)
            self.errors.append((line, str(_("“%(key)s” must be a date written YYYY-MM-DD.") % {"key": key})))

    def list(self, node, key: str) -> list:
        """The list under key, or [] with an error when something else is there."""
        value = node.get(key) if isinstance(node, dict) else None
        if value is None or isinstance(value, list):
            return value or []
        self.add(node, _("“%(key)s” must be a list.") % {"key": key})
        return []

    def translations(self, node) -> dict[str, dict[str, Any]]:
        value = node.get("translations") if isinstance(node, dict) else None
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.add(node, _("“translations” must map a language code to texts."))
            return {}
        result: dict[str, dict[str, Any]] = {}
        for language, texts in value.items():
            if language not in LANGUAGES:
                self.add(
                    value, _("Unknown language “%(code)s”; use en or sv.") % {"code": str(language)[:10]}
                )
                continue
            if self.keys(texts, TRANSLATION_KEYS, _("a translation")):
                result[language] = {
                    k: self.text(
                        texts, k, max_length=TITLE_MAX if k in ("title", "name", "label") else TEXT_MAX
                    )
                    for k in texts
                    if k in TRANSLATION_KEYS and k != "levels"
                }
                levels = texts.get("levels")
                if levels is not None:
                    if not _is_level_texts(levels):
                        self.add(texts, _("“levels” maps a level value to its description."))
                    else:
                        result[language]["levels"] = {k: v.strip() for k, v in levels.items()}
        return result


def _is_level_texts(levels: object) -> bool:
    """Whether levels maps whole-number level values to texts."""
    return isinstance(levels, dict) and all(
        isinstance(k, int) and isinstance(v, str) for k, v in levels.items()
    )


def _items_flat(items):
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            yield item
            yield from _items_flat(item.get("children") or [])


def parse(text: str) -> dict:
    """Reads and checks a whole file; raises FrameworkFileError listing every problem."""
    data = _load(text)
    check = _Checker()
    slug = _check_framework(check, data)
    scales = _check_scales(check, data)
    items = data.get("items") or []
    if not isinstance(items, list) or not items:
        check.add(data, _("The framework has no items."))
        items = []
    codes: dict[str, object] = {}
    _check_items(check, items, scales, codes)
    _check_links(check, items, slug, codes)
    _check_responsibilities(check, data, codes)
    _check_targets(check, data, codes)
    if check.errors:
        raise FrameworkFileError(check.errors)
    return data


def _load(text: str) -> dict:
    """The file's YAML as a mapping; refuses a file too large, empty, not YAML or no mapping."""
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise FrameworkFileError(
            [(0, _("The file is larger than %(mb)s MB.") % {"mb": MAX_FILE_BYTES // 2**20})]
        )
    if not text.strip():
        raise FrameworkFileError([(0, str(ERROR_EMPTY))])
    try:
        data = yamlfile.load(text)
    except UploadRejected as rejected:
        raise FrameworkFileError([(0, rejected.message)]) from None
    except Exception as error:  # yaml's errors carry the position
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark else 0
        problem = getattr(error, "problem", None) or str(error)
        raise FrameworkFileError(
            [(line, _("The file is not valid YAML: %(problem)s") % {"problem": problem})]
        ) from None
    if not isinstance(data, dict):
        raise FrameworkFileError(
            [(1, _("The file must be a framework: a mapping with format, slug, name and items."))]
        )
    return data


STANDINGS = [value for value in Standing.values if value]


def _check_framework(check: _Checker, data: dict) -> str:
    """The top of the file: its keys, format, slug, name, kind, source and note. Returns the slug."""
    check.keys(data, TOP_KEYS, _("the framework"))
    if data.get("format") != FORMAT:
        check.add(data, _("“format” must be “%(format)s”.") % {"format": FORMAT})
    slug = check.text(data, "slug", required=True, max_length=100)
    if slug and not SLUG.match(slug):
        check.add(data, _("“slug” may hold lower-case letters a–z, digits and hyphens only."))
    check.text(data, "name", required=True, max_length=TITLE_MAX)
    if data.get("kind") not in FrameworkKind.values:
        check.add(data, _("“kind” must be one of: %(kinds)s.") % {"kinds": ", ".join(FrameworkKind.values)})
    check.text(data, "source")
    standing = data.get("standing")
    if standing is not None and (not isinstance(standing, str) or standing not in STANDINGS):
        check.add(data, _("“standing” must be one of: %(values)s.") % {"values": ", ".join(STANDINGS)})
    check.text(data, "note")
    _check_validity(check, data)
    return slug


def _check_validity(check: _Checker, data: dict) -> None:
    """The plan's period of validity, the decision that adopted it and its follow-up dates."""
    check.date(data, "valid_from")
    check.date(data, "valid_to")
    start, end = iso_date(data.get("valid_from")), iso_date(data.get("valid_to"))
    if start and end and end < start:
        check.add(data, _("“valid_to” is before “valid_from”."))
    decision = data.get("decision")
    if decision is not None and check.keys(decision, DECISION_KEYS, _("the decision")):
        check.text(decision, "body", max_length=200)
        check.date(decision, "date")
        check.text(decision, "reference", max_length=100)
    for follow_up in check.list(data, "follow_ups"):
        if check.keys(follow_up, FOLLOW_UP_KEYS, _("a follow-up")):
            check.date(follow_up, "date", required=True)
            check.text(follow_up, "text", required=True, max_length=TITLE_MAX)


def _check_scales(check: _Checker, data: dict) -> dict[str, object]:
    """The scales the file defines, by slug."""
    scales: dict[str, object] = {}
    for scale in check.list(data, "scales"):
        if not check.keys(scale, SCALE_KEYS, _("a scale")):
            continue
        scale_slug = check.text(scale, "slug", required=True, max_length=76)  # room for "-2"
        if scale_slug in scales:
            check.add(scale, _("The scale “%(slug)s” is defined twice.") % {"slug": scale_slug})
        scales[scale_slug] = scale
        check.text(scale, "name", required=True, max_length=TITLE_MAX)
        check.text(scale, "description")
        check.translations(scale)
        levels = check.list(scale, "levels")
        values: set[int] = set()
        for level in levels:
            _check_level(check, level, values)
        if len([lv for lv in levels if isinstance(lv, dict) and not lv.get("not_applicable")]) < 2:
            check.add(
                scale, _("The scale “%(slug)s” needs at least two levels that count.") % {"slug": scale_slug}
            )
    return scales


def _check_level(check: _Checker, level: Any, values: set[int]) -> None:
    """One level of a scale; values holds the values of the scale's levels before it."""
    if not check.keys(level, LEVEL_KEYS, _("a scale level")):
        return
    value = level.get("value")
    if not isinstance(value, int) or isinstance(value, bool) or abs(value) > LEVEL_MAX:
        check.add(level, _("A level's “value” must be a whole number."))
    elif value in values:
        check.add(level, _("The value %(value)s appears twice in the scale.") % {"value": value})
    values.add(value)
    check.text(level, "label", required=True, max_length=200)
    check.text(level, "description")
    check.translations(level)
    if not isinstance(level.get("not_applicable", False), bool):
        check.add(level, _("“not_applicable” must be true or false."))


def _check_items(check: _Checker, nodes: object, scales: dict[str, object], codes: dict[str, object]) -> None:
    """The items of a list and, depth first, their children; codes gathers each item by code."""
    if not isinstance(nodes, list):
        check.add(nodes, _("“children” must be a list."))
        return
    for node in nodes:
        if not check.keys(node, ITEM_KEYS, _("an item")):
            continue
        code = _check_code(check, node, codes)
        if node.get("kind") not in ItemKind.values:
            check.add(
                node,
                _("Unknown item kind “%(kind)s”; use one of: %(kinds)s.")
                % {"kind": str(node.get("kind"))[:40], "kinds": ", ".join(ItemKind.values)},
            )
        check.text(node, "title", required=True, max_length=TITLE_MAX)
        check.text(node, "description")
        check.translations(node)
        if node.get("kind") == ItemKind.INDICATOR:
            _check_indicator(check, node, code, scales)
        elif node.get("respondent") or node.get("scale"):
            check.add(node, _("Only indicators have a respondent group and a scale."))
        _check_item_lists(check, node)
        _check_items(check, node.get("children") or [], scales, codes)


def _check_code(check: _Checker, node: dict, codes: dict[str, object]) -> str:
    """The item's code, which must be text of its own pattern and not used before."""
    if isinstance(node.get("code"), (int, float)) and not isinstance(node.get("code"), bool):
        # 1.10 would silently become 1.1: codes that look like numbers must be quoted.
        check.add(
            node,
            _('Write the code %(code)s in quotes, as text: "%(code)s".') % {"code": node.get("code")},
        )
    code = check.text(node, "code", required=True, max_length=40)
    if code and not CODE.match(code):
        check.add(
            node,
            _("The code “%(code)s” may hold letters, digits, dots and hyphens only.") % {"code": code},
        )
    if code in codes:
        check.add(
            node,
            _("The code “%(code)s” is used twice (also on line %(line)s).")
            % {"code": code, "line": getattr(codes[code], "line", 0)},
        )
    codes[code] = node
    return code


def _check_indicator(check: _Checker, node: dict, code: str, scales: dict[str, object]) -> None:
    """An indicator's respondent group and its scale, defined in the file or built in."""
    if node.get("respondent") not in RespondentGroup.values:
        check.add(
            node,
            _("The indicator %(code)s needs “respondent”: leader, staff or pupil.") % {"code": code},
        )
    scale_slug = node.get("scale")
    if not scale_slug:
        check.add(node, _("The indicator %(code)s has no scale.") % {"code": code})
    elif not isinstance(scale_slug, str):
        check.add(node, _("“%(key)s” must be text.") % {"key": "scale"})
    elif (
        scale_slug not in scales and not Scale.objects.filter(slug=scale_slug, huvudman__isnull=True).exists()
    ):
        check.add(node, _("The scale “%(slug)s” is not defined.") % {"slug": str(scale_slug)[:80]})


def _check_item_lists(check: _Checker, node: dict) -> None:
    """An item's level descriptions, school forms and links."""
    if not _is_level_texts(node.get("levels") or {}):
        check.add(node, _("“levels” maps a level value to its description."))
    forms = node.get("school_forms") or []
    if not isinstance(forms, list) or not all(isinstance(f, str) for f in forms):
        check.add(node, _("“school_forms” must be a list of SS 12000 codes."))
    links = node.get("links") or []
    if not isinstance(links, list) or not all(isinstance(x, str) and LINK.match(x) for x in links):
        check.add(node, _("“links” must be a list like “framework-slug:CODE”."))


def _check_links(check: _Checker, items: list, slug: str, codes: dict[str, object]) -> None:
    """Links inside the file must point to an item of it and must not go round in a circle."""
    inner: dict[str, list[str]] = {}
    for node in _items_flat(items):
        links = node.get("links")
        for link in links if isinstance(links, list) else []:
            match = LINK.match(link) if isinstance(link, str) else None
            if match and (not match.group("slug") or match.group("slug") == slug):
                if match.group("code") not in codes:
                    check.add(
                        node, _("The link “%(link)s” points to an item that does not exist.") % {"link": link}
                    )
                inner.setdefault(str(node.get("code")), []).append(match.group("code"))
    for start in inner:
        if _leads_back(inner, start):
            check.add(codes.get(start), _("The links of %(code)s form a cycle.") % {"code": start})


def _leads_back(links: dict[str, list[str]], start: str) -> bool:
    """Whether following links from start comes back to it."""
    seen, stack = set(), [start]
    while stack:
        for target in links.get(stack.pop(), []):
            if target == start:
                return True
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return False


def _check_responsibilities(check: _Checker, data: dict, codes: dict[str, object]) -> None:
    for node in check.list(data, "responsibilities"):
        if not check.keys(node, RESPONSIBILITY_KEYS, _("a responsibility")):
            continue
        _check_holder(check, node)
        check.text(node, "text", required=True)
        if node.get("area") and (not isinstance(node.get("area"), str) or node.get("area") not in codes):
            check.add(
                node,
                _("The area “%(code)s” is not an item in the file.") % {"code": str(node.get("area"))[:40]},
            )
        check.translations(node)


def _check_holder(check: _Checker, node: dict) -> None:
    """Whom a duty falls on: an access role (with the document's title, if any), a group or an
    outside party, and never two of them."""
    group = check.text(node, "group", max_length=NAME_MAX)
    party = check.text(node, "party", max_length=NAME_MAX)
    check.text(node, "title", max_length=NAME_MAX)
    if group or party:
        if sum(bool(node.get(key)) for key in ("role", "title", "group", "party")) > 1:
            check.add(
                node, _("A responsibility names a role, a group or an outside party, only one of them.")
            )
    elif node.get("role") not in Role.values:
        check.add(node, _("“role” must be one of: %(roles)s.") % {"roles": ", ".join(Role.values)})


def _check_targets(check: _Checker, data: dict, codes: dict[str, object]) -> None:
    for node in check.list(data, "targets"):
        if not check.keys(node, TARGET_KEYS, _("a target")):
            continue
        check.text(node, "metric", required=True, max_length=60)
        check.text(node, "description", max_length=TITLE_MAX)
        check.text(node, "school_form", max_length=10)
        check.text(node, "grade_band", max_length=20)
        if target_value(node.get("value")) is None:
            check.add(node, _("A target's “value” must be a number."))
        check.date(node, "due_date")
        check.text(node, "measured_by")
        owner = node.get("owner")
        if owner is not None and check.keys(owner, OWNER_KEYS, _("a target's owner")):
            names = [check.text(owner, key, max_length=NAME_MAX) for key in ("title", "group", "party")]
            if len([name for name in names if name]) != 1:
                check.add(owner, _("An owner is one of: a title, a group or an outside party."))
        if node.get("item") and (not isinstance(node.get("item"), str) or node.get("item") not in codes):
            check.add(
                node, _("The item “%(code)s” is not in the file.") % {"code": str(node.get("item"))[:40]}
            )
